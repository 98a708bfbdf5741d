// Original file: jifen/v1/admin.proto

import type { AuditMismatch as _jifen_v1_AuditMismatch, AuditMismatch__Output as _jifen_v1_AuditMismatch__Output } from '../../jifen/v1/AuditMismatch.js';
import type { AuditTieOut as _jifen_v1_AuditTieOut, AuditTieOut__Output as _jifen_v1_AuditTieOut__Output } from '../../jifen/v1/AuditTieOut.js';
import type { Long } from '@grpc/proto-loader';

export interface AuditLedgerResponse {
  'ok'?: (boolean);
  'checked'?: (number | string | Long);
  'mismatches'?: (_jifen_v1_AuditMismatch)[];
  'mismatch_counts'?: ({[key: string]: number | string | Long});
  'repaired'?: (number | string | Long);
  'tie_out'?: (_jifen_v1_AuditTieOut)[];
}

export interface AuditLedgerResponse__Output {
  'ok': (boolean);
  'checked': (number);
  'mismatches': (_jifen_v1_AuditMismatch__Output)[];
  'mismatch_counts': ({[key: string]: number});
  'repaired': (number);
  'tie_out': (_jifen_v1_AuditTieOut__Output)[];
}
