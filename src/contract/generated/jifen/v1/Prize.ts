// Original file: jifen/v1/admin.proto

import type { PrizeKind as _jifen_v1_PrizeKind, PrizeKind__Output as _jifen_v1_PrizeKind__Output } from '../../jifen/v1/PrizeKind.js';
import type { Long } from '@grpc/proto-loader';

export interface Prize {
  'prize_id'?: (string);
  'name'?: (string);
  'kind'?: (_jifen_v1_PrizeKind);
  'weight'?: (number | string | Long);
  'stock'?: (number | string | Long);
  'points'?: (number | string | Long);
  'units_left'?: (number | string | Long);
}

export interface Prize__Output {
  'prize_id': (string);
  'name': (string);
  'kind': (_jifen_v1_PrizeKind__Output);
  'weight': (number);
  'stock': (number);
  'points': (number);
  'units_left': (number);
}
