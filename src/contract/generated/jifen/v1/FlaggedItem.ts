// Original file: jifen/v1/admin.proto

import type { EntryType as _jifen_v1_EntryType, EntryType__Output as _jifen_v1_EntryType__Output } from '../../jifen/v1/EntryType.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { Long } from '@grpc/proto-loader';

export interface FlaggedItem {
  'flag_id'?: (string);
  'member_id'?: (string);
  'rule'?: (string);
  'message'?: (string);
  'points'?: (number | string | Long);
  'amount_minor'?: (number | string | Long);
  'order_id'?: (string);
  'entry_type'?: (_jifen_v1_EntryType);
  'flagged_at'?: (_google_protobuf_Timestamp | null);
}

export interface FlaggedItem__Output {
  'flag_id': (string);
  'member_id': (string);
  'rule': (string);
  'message': (string);
  'points': (number);
  'amount_minor': (number);
  'order_id': (string);
  'entry_type': (_jifen_v1_EntryType__Output);
  'flagged_at': (_google_protobuf_Timestamp__Output | null);
}
