// Original file: jifen/v1/admin.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';

export interface ListFlaggedRequest {
  'tenant_id'?: (string);
  'rule'?: (string);
  'from'?: (_google_protobuf_Timestamp | null);
  'to'?: (_google_protobuf_Timestamp | null);
  'page_size'?: (number);
  'page_token'?: (string);
}

export interface ListFlaggedRequest__Output {
  'tenant_id': (string);
  'rule': (string);
  'from': (_google_protobuf_Timestamp__Output | null);
  'to': (_google_protobuf_Timestamp__Output | null);
  'page_size': (number);
  'page_token': (string);
}
