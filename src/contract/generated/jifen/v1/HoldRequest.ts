// Original file: jifen/v1/points.proto

import type { Long } from '@grpc/proto-loader';

export interface HoldRequest {
  'tenant_id'?: (string);
  'member_id'?: (string);
  'idempotency_key'?: (string);
  'points'?: (number | string | Long);
  'ttl_seconds'?: (number | string | Long);
  'order_id'?: (string);
  'order_amount_minor'?: (number | string | Long);
  'device_id'?: (string);
  'ip'?: (string);
  'payment_fingerprint'?: (string);
}

export interface HoldRequest__Output {
  'tenant_id': (string);
  'member_id': (string);
  'idempotency_key': (string);
  'points': (number);
  'ttl_seconds': (number);
  'order_id': (string);
  'order_amount_minor': (number);
  'device_id': (string);
  'ip': (string);
  'payment_fingerprint': (string);
}
