// Original file: jifen/v1/points.proto

import type { Long } from '@grpc/proto-loader';

export interface BreakdownLine {
  'rule_id'?: (string);
  'points'?: (number | string | Long);
}

export interface BreakdownLine__Output {
  'rule_id': (string);
  'points': (number);
}
