// Original file: jifen/v1/admin.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { Long } from '@grpc/proto-loader';

export interface ImportRow {
  'row_key'?: (string);
  'member_id'?: (string);
  'points'?: (number | string | Long);
  'earned_at'?: (_google_protobuf_Timestamp | null);
  'expires_at'?: (_google_protobuf_Timestamp | null);
  'tier'?: (string);
}

export interface ImportRow__Output {
  'row_key': (string);
  'member_id': (string);
  'points': (number);
  'earned_at': (_google_protobuf_Timestamp__Output | null);
  'expires_at': (_google_protobuf_Timestamp__Output | null);
  'tier': (string);
}
