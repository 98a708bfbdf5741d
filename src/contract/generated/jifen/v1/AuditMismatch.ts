// Original file: jifen/v1/admin.proto


export interface AuditMismatch {
  'kind'?: (string);
  'tenant_id'?: (string);
  'member_id'?: (string);
  'message'?: (string);
}

export interface AuditMismatch__Output {
  'kind': (string);
  'tenant_id': (string);
  'member_id': (string);
  'message': (string);
}
