// Original file: jifen/v1/admin.proto


export interface RevokeApiKeyRequest {
  'tenant_id'?: (string);
  'key_id'?: (string);
}

export interface RevokeApiKeyRequest__Output {
  'tenant_id': (string);
  'key_id': (string);
}
