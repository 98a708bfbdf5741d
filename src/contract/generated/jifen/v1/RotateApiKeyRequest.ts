// Original file: jifen/v1/admin.proto

import type { Long } from '@grpc/proto-loader';

export interface RotateApiKeyRequest {
  'tenant_id'?: (string);
  'key_id'?: (string);
  'overlap_seconds'?: (number | string | Long);
}

export interface RotateApiKeyRequest__Output {
  'tenant_id': (string);
  'key_id': (string);
  'overlap_seconds': (number);
}
