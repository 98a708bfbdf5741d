// Original file: jifen/v1/points.proto

import type { BreakdownLine as _jifen_v1_BreakdownLine, BreakdownLine__Output as _jifen_v1_BreakdownLine__Output } from '../../jifen/v1/BreakdownLine.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { Long } from '@grpc/proto-loader';

export interface EarnResponse {
  'entry_id'?: (string);
  'points'?: (number | string | Long);
  'balance'?: (number | string | Long);
  'seq'?: (number | string | Long);
  'breakdown'?: (_jifen_v1_BreakdownLine)[];
  'pending'?: (number | string | Long);
  'available_at'?: (_google_protobuf_Timestamp | null);
  'program_version'?: (number | string | Long);
  'review_rule'?: (string);
}

export interface EarnResponse__Output {
  'entry_id': (string);
  'points': (number);
  'balance': (number);
  'seq': (number);
  'breakdown': (_jifen_v1_BreakdownLine__Output)[];
  'pending': (number);
  'available_at': (_google_protobuf_Timestamp__Output | null);
  'program_version': (number);
  'review_rule': (string);
}
