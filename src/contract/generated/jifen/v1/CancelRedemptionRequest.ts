// Original file: jifen/v1/points.proto


export interface CancelRedemptionRequest {
  'tenant_id'?: (string);
  'member_id'?: (string);
  'idempotency_key'?: (string);
  'redemption_id'?: (string);
  'reason'?: (string);
}

export interface CancelRedemptionRequest__Output {
  'tenant_id': (string);
  'member_id': (string);
  'idempotency_key': (string);
  'redemption_id': (string);
  'reason': (string);
}
