// Original file: jifen/v1/admin.proto

import type { Reward as _jifen_v1_Reward, Reward__Output as _jifen_v1_Reward__Output } from '../../jifen/v1/Reward.js';

export interface ListRewardsResponse {
  'rewards'?: (_jifen_v1_Reward)[];
}

export interface ListRewardsResponse__Output {
  'rewards': (_jifen_v1_Reward__Output)[];
}
