// Original file: jifen/v1/points.proto

import type { Shipping as _jifen_v1_Shipping, Shipping__Output as _jifen_v1_Shipping__Output } from '../../jifen/v1/Shipping.js';

export interface DrawLotteryRequest {
  'tenant_id'?: (string);
  'member_id'?: (string);
  'idempotency_key'?: (string);
  'lottery_id'?: (string);
  'shipping'?: (_jifen_v1_Shipping | null);
}

export interface DrawLotteryRequest__Output {
  'tenant_id': (string);
  'member_id': (string);
  'idempotency_key': (string);
  'lottery_id': (string);
  'shipping': (_jifen_v1_Shipping__Output | null);
}
