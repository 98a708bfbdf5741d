// Original file: jifen/v1/admin.proto

import type { AuditRecord as _jifen_v1_AuditRecord, AuditRecord__Output as _jifen_v1_AuditRecord__Output } from '../../jifen/v1/AuditRecord.js';

export interface ListAuditRecordsResponse {
  'records'?: (_jifen_v1_AuditRecord)[];
  'next_page_token'?: (string);
}

export interface ListAuditRecordsResponse__Output {
  'records': (_jifen_v1_AuditRecord__Output)[];
  'next_page_token': (string);
}
