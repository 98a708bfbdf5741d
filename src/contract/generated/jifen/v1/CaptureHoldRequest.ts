// Original file: jifen/v1/points.proto

import type { Long } from '@grpc/proto-loader';

export interface CaptureHoldRequest {
  'tenant_id'?: (string);
  'member_id'?: (string);
  'idempotency_key'?: (string);
  'hold_id'?: (string);
  'points'?: (number | string | Long);
}

export interface CaptureHoldRequest__Output {
  'tenant_id': (string);
  'member_id': (string);
  'idempotency_key': (string);
  'hold_id': (string);
  'points': (number);
}
