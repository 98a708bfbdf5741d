// Original file: jifen/v1/admin.proto


export interface ReviewFlaggedRequest {
  'tenant_id'?: (string);
  'flag_id'?: (string);
  'idempotency_key'?: (string);
  'operator'?: (string);
  'reason'?: (string);
}

export interface ReviewFlaggedRequest__Output {
  'tenant_id': (string);
  'flag_id': (string);
  'idempotency_key': (string);
  'operator': (string);
  'reason': (string);
}
