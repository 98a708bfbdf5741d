// Original file: jifen/v1/admin.proto

import type { Long } from '@grpc/proto-loader';

export interface PutProgramResponse {
  'tenant_id'?: (string);
  'version'?: (number | string | Long);
}

export interface PutProgramResponse__Output {
  'tenant_id': (string);
  'version': (number);
}
