// Original file: jifen/v1/admin.proto

import type { ImportRowResult as _jifen_v1_ImportRowResult, ImportRowResult__Output as _jifen_v1_ImportRowResult__Output } from '../../jifen/v1/ImportRowResult.js';
import type { Long } from '@grpc/proto-loader';

export interface ImportLotsResponse {
  'results'?: (_jifen_v1_ImportRowResult)[];
  'imported'?: (number | string | Long);
  'already_imported'?: (number | string | Long);
  'rejected'?: (number | string | Long);
}

export interface ImportLotsResponse__Output {
  'results': (_jifen_v1_ImportRowResult__Output)[];
  'imported': (number);
  'already_imported': (number);
  'rejected': (number);
}
