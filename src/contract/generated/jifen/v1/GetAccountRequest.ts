// Original file: jifen/v1/points.proto


export interface GetAccountRequest {
  'tenant_id'?: (string);
  'member_id'?: (string);
}

export interface GetAccountRequest__Output {
  'tenant_id': (string);
  'member_id': (string);
}
