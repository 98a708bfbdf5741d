// Original file: jifen/v1/admin.proto

import type { Reward as _jifen_v1_Reward, Reward__Output as _jifen_v1_Reward__Output } from '../../jifen/v1/Reward.js';
import type { Long } from '@grpc/proto-loader';

export interface PutRewardRequest {
  'tenant_id'?: (string);
  'reward'?: (_jifen_v1_Reward | null);
  'expected_version'?: (number | string | Long);
  '_expected_version'?: "expected_version";
}

export interface PutRewardRequest__Output {
  'tenant_id': (string);
  'reward': (_jifen_v1_Reward__Output | null);
  'expected_version'?: (number);
  '_expected_version'?: "expected_version";
}
