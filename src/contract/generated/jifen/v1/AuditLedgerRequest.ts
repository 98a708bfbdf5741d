// Original file: jifen/v1/admin.proto

import type { Long } from '@grpc/proto-loader';

export interface AuditLedgerRequest {
  'tenant_id'?: (string);
  'grace_seconds'?: (number | string | Long);
  'repair_cache'?: (boolean);
  'max_mismatches'?: (number);
}

export interface AuditLedgerRequest__Output {
  'tenant_id': (string);
  'grace_seconds': (number);
  'repair_cache': (boolean);
  'max_mismatches': (number);
}
