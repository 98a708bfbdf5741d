// Original file: jifen/v1/points.proto


export interface ListRedemptionsRequest {
  'tenant_id'?: (string);
  'member_id'?: (string);
}

export interface ListRedemptionsRequest__Output {
  'tenant_id': (string);
  'member_id': (string);
}
