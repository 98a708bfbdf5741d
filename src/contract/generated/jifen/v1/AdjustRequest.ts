// Original file: jifen/v1/points.proto

import type { Long } from '@grpc/proto-loader';

export interface AdjustRequest {
  'tenant_id'?: (string);
  'member_id'?: (string);
  'idempotency_key'?: (string);
  'points'?: (number | string | Long);
  'reason'?: (string);
  'operator'?: (string);
}

export interface AdjustRequest__Output {
  'tenant_id': (string);
  'member_id': (string);
  'idempotency_key': (string);
  'points': (number);
  'reason': (string);
  'operator': (string);
}
