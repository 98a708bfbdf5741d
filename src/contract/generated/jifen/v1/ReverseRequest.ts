// Original file: jifen/v1/points.proto

import type { Long } from '@grpc/proto-loader';

export interface ReverseRequest {
  'tenant_id'?: (string);
  'member_id'?: (string);
  'idempotency_key'?: (string);
  'order_id'?: (string);
  'amount_minor'?: (number | string | Long);
  'reason'?: (string);
}

export interface ReverseRequest__Output {
  'tenant_id': (string);
  'member_id': (string);
  'idempotency_key': (string);
  'order_id': (string);
  'amount_minor': (number);
  'reason': (string);
}
