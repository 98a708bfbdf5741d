// Original file: jifen/v1/admin.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';

export interface ListAuditRecordsRequest {
  'tenant_id'?: (string);
  'since'?: (_google_protobuf_Timestamp | null);
  'until'?: (_google_protobuf_Timestamp | null);
  'page_size'?: (number);
  'page_token'?: (string);
}

export interface ListAuditRecordsRequest__Output {
  'tenant_id': (string);
  'since': (_google_protobuf_Timestamp__Output | null);
  'until': (_google_protobuf_Timestamp__Output | null);
  'page_size': (number);
  'page_token': (string);
}
