// Original file: jifen/v1/points.proto

import type { Long } from '@grpc/proto-loader';

export interface ReverseResponse {
  'entry_id'?: (string);
  'points'?: (number | string | Long);
  'balance'?: (number | string | Long);
  'seq'?: (number | string | Long);
}

export interface ReverseResponse__Output {
  'entry_id': (string);
  'points': (number);
  'balance': (number);
  'seq': (number);
}
