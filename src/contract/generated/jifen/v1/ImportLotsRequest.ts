// Original file: jifen/v1/admin.proto

import type { ImportRow as _jifen_v1_ImportRow, ImportRow__Output as _jifen_v1_ImportRow__Output } from '../../jifen/v1/ImportRow.js';

export interface ImportLotsRequest {
  'tenant_id'?: (string);
  'batch_id'?: (string);
  'rows'?: (_jifen_v1_ImportRow)[];
  'dry_run'?: (boolean);
}

export interface ImportLotsRequest__Output {
  'tenant_id': (string);
  'batch_id': (string);
  'rows': (_jifen_v1_ImportRow__Output)[];
  'dry_run': (boolean);
}
