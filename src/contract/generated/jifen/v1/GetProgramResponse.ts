// Original file: jifen/v1/admin.proto

import type { DocumentFormat as _jifen_v1_DocumentFormat, DocumentFormat__Output as _jifen_v1_DocumentFormat__Output } from '../../jifen/v1/DocumentFormat.js';
import type { Long } from '@grpc/proto-loader';

export interface GetProgramResponse {
  'tenant_id'?: (string);
  'version'?: (number | string | Long);
  'document'?: (string);
  'format'?: (_jifen_v1_DocumentFormat);
  'normalized_json'?: (string);
}

export interface GetProgramResponse__Output {
  'tenant_id': (string);
  'version': (number);
  'document': (string);
  'format': (_jifen_v1_DocumentFormat__Output);
  'normalized_json': (string);
}
