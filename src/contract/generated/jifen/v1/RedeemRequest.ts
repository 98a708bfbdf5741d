// Original file: jifen/v1/points.proto

import type { Long } from '@grpc/proto-loader';

export interface RedeemRequest {
  'tenant_id'?: (string);
  'member_id'?: (string);
  'idempotency_key'?: (string);
  'points'?: (number | string | Long);
  'reason'?: (string);
  'order_id'?: (string);
  'device_id'?: (string);
  'ip'?: (string);
  'payment_fingerprint'?: (string);
}

export interface RedeemRequest__Output {
  'tenant_id': (string);
  'member_id': (string);
  'idempotency_key': (string);
  'points': (number);
  'reason': (string);
  'order_id': (string);
  'device_id': (string);
  'ip': (string);
  'payment_fingerprint': (string);
}
