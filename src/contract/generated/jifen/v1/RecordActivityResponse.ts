// Original file: jifen/v1/points.proto

import type { BreakdownLine as _jifen_v1_BreakdownLine, BreakdownLine__Output as _jifen_v1_BreakdownLine__Output } from '../../jifen/v1/BreakdownLine.js';
import type { Long } from '@grpc/proto-loader';

export interface RecordActivityResponse {
  'entry_id'?: (string);
  'points'?: (number | string | Long);
  'balance'?: (number | string | Long);
  'seq'?: (number | string | Long);
  'breakdown'?: (_jifen_v1_BreakdownLine)[];
  'streak'?: (number);
}

export interface RecordActivityResponse__Output {
  'entry_id': (string);
  'points': (number);
  'balance': (number);
  'seq': (number);
  'breakdown': (_jifen_v1_BreakdownLine__Output)[];
  'streak': (number);
}
