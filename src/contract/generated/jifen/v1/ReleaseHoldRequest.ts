// Original file: jifen/v1/points.proto


export interface ReleaseHoldRequest {
  'tenant_id'?: (string);
  'member_id'?: (string);
  'idempotency_key'?: (string);
  'hold_id'?: (string);
}

export interface ReleaseHoldRequest__Output {
  'tenant_id': (string);
  'member_id': (string);
  'idempotency_key': (string);
  'hold_id': (string);
}
