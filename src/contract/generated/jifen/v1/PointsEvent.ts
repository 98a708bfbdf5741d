// Original file: jifen/v1/points.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { Long } from '@grpc/proto-loader';

export interface PointsEvent {
  'entry_id'?: (string);
  'tenant_id'?: (string);
  'member_id'?: (string);
  'seq'?: (number | string | Long);
  'event'?: (string);
  'points'?: (number | string | Long);
  'balance_after'?: (number | string | Long);
  'order_id'?: (string);
  'idempotency_key'?: (string);
  'reason'?: (string);
  'created_at'?: (_google_protobuf_Timestamp | null);
  'tier_from'?: (string);
  'tier_to'?: (string);
  'tier_reason'?: (string);
  'expires_at'?: (_google_protobuf_Timestamp | null);
  'reference'?: (string);
  'counterparty'?: (string);
}

export interface PointsEvent__Output {
  'entry_id': (string);
  'tenant_id': (string);
  'member_id': (string);
  'seq': (number);
  'event': (string);
  'points': (number);
  'balance_after': (number);
  'order_id': (string);
  'idempotency_key': (string);
  'reason': (string);
  'created_at': (_google_protobuf_Timestamp__Output | null);
  'tier_from': (string);
  'tier_to': (string);
  'tier_reason': (string);
  'expires_at': (_google_protobuf_Timestamp__Output | null);
  'reference': (string);
  'counterparty': (string);
}
