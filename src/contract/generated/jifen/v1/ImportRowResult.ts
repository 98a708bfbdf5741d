// Original file: jifen/v1/admin.proto

import type { ImportOutcome as _jifen_v1_ImportOutcome, ImportOutcome__Output as _jifen_v1_ImportOutcome__Output } from '../../jifen/v1/ImportOutcome.js';

export interface ImportRowResult {
  'outcome'?: (_jifen_v1_ImportOutcome);
  'entry_id'?: (string);
  'code'?: (number);
  'status'?: (string);
  'message'?: (string);
}

export interface ImportRowResult__Output {
  'outcome': (_jifen_v1_ImportOutcome__Output);
  'entry_id': (string);
  'code': (number);
  'status': (string);
  'message': (string);
}
