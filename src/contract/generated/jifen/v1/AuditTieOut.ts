// Original file: jifen/v1/admin.proto

import type { Long } from '@grpc/proto-loader';

export interface AuditTieOut {
  'tenant_id'?: (string);
  'members'?: (number | string | Long);
  'outstanding'?: (number | string | Long);
  'under_review'?: (number | string | Long);
  'roll_forward_closing'?: (number | string | Long);
  'roll_forward_under_review'?: (number | string | Long);
  'roll_forward_accounts'?: (number | string | Long);
}

export interface AuditTieOut__Output {
  'tenant_id': (string);
  'members': (number);
  'outstanding': (number);
  'under_review': (number);
  'roll_forward_closing': (number);
  'roll_forward_under_review': (number);
  'roll_forward_accounts': (number);
}
