// Original file: jifen/v1/admin.proto

import type { Long } from '@grpc/proto-loader';

export interface CreateApiKeyRequest {
  'tenant_id'?: (string);
  'role'?: (string);
  'name'?: (string);
  'expires_in_seconds'?: (number | string | Long);
}

export interface CreateApiKeyRequest__Output {
  'tenant_id': (string);
  'role': (string);
  'name': (string);
  'expires_in_seconds': (number);
}
