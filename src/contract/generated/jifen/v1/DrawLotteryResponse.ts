// Original file: jifen/v1/points.proto

import type { Redemption as _jifen_v1_Redemption, Redemption__Output as _jifen_v1_Redemption__Output } from '../../jifen/v1/Redemption.js';
import type { Long } from '@grpc/proto-loader';

export interface DrawLotteryResponse {
  'entry_id'?: (string);
  'points'?: (number | string | Long);
  'balance'?: (number | string | Long);
  'redemption'?: (_jifen_v1_Redemption | null);
}

export interface DrawLotteryResponse__Output {
  'entry_id': (string);
  'points': (number);
  'balance': (number);
  'redemption': (_jifen_v1_Redemption__Output | null);
}
