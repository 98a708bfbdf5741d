// Original file: jifen/v1/points.proto

import type { Shipping as _jifen_v1_Shipping, Shipping__Output as _jifen_v1_Shipping__Output } from '../../jifen/v1/Shipping.js';
import type { Long } from '@grpc/proto-loader';

export interface RedeemRewardRequest {
  'tenant_id'?: (string);
  'member_id'?: (string);
  'idempotency_key'?: (string);
  'reward_id'?: (string);
  'quantity'?: (number | string | Long);
  'shipping'?: (_jifen_v1_Shipping | null);
}

export interface RedeemRewardRequest__Output {
  'tenant_id': (string);
  'member_id': (string);
  'idempotency_key': (string);
  'reward_id': (string);
  'quantity': (number);
  'shipping': (_jifen_v1_Shipping__Output | null);
}
