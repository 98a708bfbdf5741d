// Original file: jifen/v1/admin.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';

export interface AuditRecord {
  'record_id'?: (string);
  'at'?: (_google_protobuf_Timestamp | null);
  'key_id'?: (string);
  'role'?: (string);
  'tenant_id'?: (string);
  'method'?: (string);
  'request_json'?: (string);
  'reason'?: (string);
  'outcome'?: (string);
  'outcome_message'?: (string);
  'peer'?: (string);
}

export interface AuditRecord__Output {
  'record_id': (string);
  'at': (_google_protobuf_Timestamp__Output | null);
  'key_id': (string);
  'role': (string);
  'tenant_id': (string);
  'method': (string);
  'request_json': (string);
  'reason': (string);
  'outcome': (string);
  'outcome_message': (string);
  'peer': (string);
}
