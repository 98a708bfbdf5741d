// Original file: jifen/v1/admin.proto


export interface ListApiKeysRequest {
  'tenant_id'?: (string);
}

export interface ListApiKeysRequest__Output {
  'tenant_id': (string);
}
