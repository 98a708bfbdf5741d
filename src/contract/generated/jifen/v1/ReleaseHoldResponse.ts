// Original file: jifen/v1/points.proto

import type { Long } from '@grpc/proto-loader';

export interface ReleaseHoldResponse {
  'entry_id'?: (string);
  'balance'?: (number | string | Long);
  'seq'?: (number | string | Long);
}

export interface ReleaseHoldResponse__Output {
  'entry_id': (string);
  'balance': (number);
  'seq': (number);
}
