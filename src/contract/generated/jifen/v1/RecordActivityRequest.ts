// Original file: jifen/v1/points.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';

export interface RecordActivityRequest {
  'tenant_id'?: (string);
  'member_id'?: (string);
  'idempotency_key'?: (string);
  'activity'?: (string);
  'target_id'?: (string);
  'occurred_at'?: (_google_protobuf_Timestamp | null);
  'device_id'?: (string);
  'ip'?: (string);
  'payment_fingerprint'?: (string);
}

export interface RecordActivityRequest__Output {
  'tenant_id': (string);
  'member_id': (string);
  'idempotency_key': (string);
  'activity': (string);
  'target_id': (string);
  'occurred_at': (_google_protobuf_Timestamp__Output | null);
  'device_id': (string);
  'ip': (string);
  'payment_fingerprint': (string);
}
