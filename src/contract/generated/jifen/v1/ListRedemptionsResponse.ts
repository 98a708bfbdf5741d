// Original file: jifen/v1/points.proto

import type { Redemption as _jifen_v1_Redemption, Redemption__Output as _jifen_v1_Redemption__Output } from '../../jifen/v1/Redemption.js';

export interface ListRedemptionsResponse {
  'redemptions'?: (_jifen_v1_Redemption)[];
}

export interface ListRedemptionsResponse__Output {
  'redemptions': (_jifen_v1_Redemption__Output)[];
}
