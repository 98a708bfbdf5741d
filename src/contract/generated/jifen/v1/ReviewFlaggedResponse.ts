// Original file: jifen/v1/admin.proto

import type { Long } from '@grpc/proto-loader';

export interface ReviewFlaggedResponse {
  'entry_id'?: (string);
  'points'?: (number | string | Long);
  'balance'?: (number | string | Long);
  'seq'?: (number | string | Long);
}

export interface ReviewFlaggedResponse__Output {
  'entry_id': (string);
  'points': (number);
  'balance': (number);
  'seq': (number);
}
