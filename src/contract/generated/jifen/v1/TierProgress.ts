// Original file: jifen/v1/points.proto

import type { Long } from '@grpc/proto-loader';

export interface TierProgress {
  'metric'?: (number | string | Long);
  'next_tier'?: (string);
  'needed'?: (number | string | Long);
}

export interface TierProgress__Output {
  'metric': (number);
  'next_tier': (string);
  'needed': (number);
}
