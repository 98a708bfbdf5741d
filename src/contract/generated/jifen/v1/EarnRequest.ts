// Original file: jifen/v1/points.proto

import type { LineItem as _jifen_v1_LineItem, LineItem__Output as _jifen_v1_LineItem__Output } from '../../jifen/v1/LineItem.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { Long } from '@grpc/proto-loader';

export interface EarnRequest {
  'tenant_id'?: (string);
  'member_id'?: (string);
  'idempotency_key'?: (string);
  'order_id'?: (string);
  'amount_minor'?: (number | string | Long);
  'currency'?: (string);
  'items'?: (_jifen_v1_LineItem)[];
  'channel'?: (string);
  'store_id'?: (string);
  'occurred_at'?: (_google_protobuf_Timestamp | null);
  'device_id'?: (string);
  'ip'?: (string);
  'payment_fingerprint'?: (string);
}

export interface EarnRequest__Output {
  'tenant_id': (string);
  'member_id': (string);
  'idempotency_key': (string);
  'order_id': (string);
  'amount_minor': (number);
  'currency': (string);
  'items': (_jifen_v1_LineItem__Output)[];
  'channel': (string);
  'store_id': (string);
  'occurred_at': (_google_protobuf_Timestamp__Output | null);
  'device_id': (string);
  'ip': (string);
  'payment_fingerprint': (string);
}
