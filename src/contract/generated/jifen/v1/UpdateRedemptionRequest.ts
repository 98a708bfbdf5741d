// Original file: jifen/v1/admin.proto

import type { RedemptionAction as _jifen_v1_RedemptionAction, RedemptionAction__Output as _jifen_v1_RedemptionAction__Output } from '../../jifen/v1/RedemptionAction.js';

export interface UpdateRedemptionRequest {
  'tenant_id'?: (string);
  'member_id'?: (string);
  'idempotency_key'?: (string);
  'redemption_id'?: (string);
  'action'?: (_jifen_v1_RedemptionAction);
  'operator'?: (string);
  'reason'?: (string);
  'tracking_number'?: (string);
}

export interface UpdateRedemptionRequest__Output {
  'tenant_id': (string);
  'member_id': (string);
  'idempotency_key': (string);
  'redemption_id': (string);
  'action': (_jifen_v1_RedemptionAction__Output);
  'operator': (string);
  'reason': (string);
  'tracking_number': (string);
}
