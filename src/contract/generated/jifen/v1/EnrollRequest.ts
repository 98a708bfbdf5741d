// Original file: jifen/v1/points.proto

import type { Birthday as _jifen_v1_Birthday, Birthday__Output as _jifen_v1_Birthday__Output } from '../../jifen/v1/Birthday.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';

export interface EnrollRequest {
  'tenant_id'?: (string);
  'member_id'?: (string);
  'idempotency_key'?: (string);
  'birthday'?: (_jifen_v1_Birthday | null);
  'referrer_member_id'?: (string);
  'channel'?: (string);
  'occurred_at'?: (_google_protobuf_Timestamp | null);
  'device_id'?: (string);
  'ip'?: (string);
  'payment_fingerprint'?: (string);
}

export interface EnrollRequest__Output {
  'tenant_id': (string);
  'member_id': (string);
  'idempotency_key': (string);
  'birthday': (_jifen_v1_Birthday__Output | null);
  'referrer_member_id': (string);
  'channel': (string);
  'occurred_at': (_google_protobuf_Timestamp__Output | null);
  'device_id': (string);
  'ip': (string);
  'payment_fingerprint': (string);
}
