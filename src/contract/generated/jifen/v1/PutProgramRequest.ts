// Original file: jifen/v1/admin.proto

import type { DocumentFormat as _jifen_v1_DocumentFormat, DocumentFormat__Output as _jifen_v1_DocumentFormat__Output } from '../../jifen/v1/DocumentFormat.js';
import type { Long } from '@grpc/proto-loader';

export interface PutProgramRequest {
  'tenant_id'?: (string);
  'document'?: (string);
  'format'?: (_jifen_v1_DocumentFormat);
  'expected_version'?: (number | string | Long);
  '_expected_version'?: "expected_version";
}

export interface PutProgramRequest__Output {
  'tenant_id': (string);
  'document': (string);
  'format': (_jifen_v1_DocumentFormat__Output);
  'expected_version'?: (number);
  '_expected_version'?: "expected_version";
}
