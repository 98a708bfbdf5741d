// Original file: jifen/v1/admin.proto

import type { Reward as _jifen_v1_Reward, Reward__Output as _jifen_v1_Reward__Output } from '../../jifen/v1/Reward.js';

export interface PutRewardResponse {
  'tenant_id'?: (string);
  'reward'?: (_jifen_v1_Reward | null);
}

export interface PutRewardResponse__Output {
  'tenant_id': (string);
  'reward': (_jifen_v1_Reward__Output | null);
}
