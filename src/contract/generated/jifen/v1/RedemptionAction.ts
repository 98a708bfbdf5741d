// Original file: jifen/v1/admin.proto

export const RedemptionAction = {
  REDEMPTION_ACTION_UNSPECIFIED: 'REDEMPTION_ACTION_UNSPECIFIED',
  REDEMPTION_ACTION_APPROVE: 'REDEMPTION_ACTION_APPROVE',
  REDEMPTION_ACTION_FULFIL: 'REDEMPTION_ACTION_FULFIL',
  REDEMPTION_ACTION_REJECT: 'REDEMPTION_ACTION_REJECT',
} as const;

export type RedemptionAction =
  | 'REDEMPTION_ACTION_UNSPECIFIED'
  | 0
  | 'REDEMPTION_ACTION_APPROVE'
  | 1
  | 'REDEMPTION_ACTION_FULFIL'
  | 2
  | 'REDEMPTION_ACTION_REJECT'
  | 3

export type RedemptionAction__Output = typeof RedemptionAction[keyof typeof RedemptionAction]
