// Original file: jifen/v1/admin.proto


export interface ListRewardsRequest {
  'tenant_id'?: (string);
}

export interface ListRewardsRequest__Output {
  'tenant_id': (string);
}
