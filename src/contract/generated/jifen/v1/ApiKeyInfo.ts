// Original file: jifen/v1/admin.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';

export interface ApiKeyInfo {
  'key_id'?: (string);
  'tenant_id'?: (string);
  'role'?: (string);
  'name'?: (string);
  'state'?: (string);
  'created_at'?: (_google_protobuf_Timestamp | null);
  'expires_at'?: (_google_protobuf_Timestamp | null);
  'revoked_at'?: (_google_protobuf_Timestamp | null);
  'last_used_at'?: (_google_protobuf_Timestamp | null);
  'rotated_to'?: (string);
}

export interface ApiKeyInfo__Output {
  'key_id': (string);
  'tenant_id': (string);
  'role': (string);
  'name': (string);
  'state': (string);
  'created_at': (_google_protobuf_Timestamp__Output | null);
  'expires_at': (_google_protobuf_Timestamp__Output | null);
  'revoked_at': (_google_protobuf_Timestamp__Output | null);
  'last_used_at': (_google_protobuf_Timestamp__Output | null);
  'rotated_to': (string);
}
