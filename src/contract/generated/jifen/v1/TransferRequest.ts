// Original file: jifen/v1/points.proto

import type { TransferKind as _jifen_v1_TransferKind, TransferKind__Output as _jifen_v1_TransferKind__Output } from '../../jifen/v1/TransferKind.js';
import type { Long } from '@grpc/proto-loader';

export interface TransferRequest {
  'tenant_id'?: (string);
  'member_id'?: (string);
  'idempotency_key'?: (string);
  'kind'?: (_jifen_v1_TransferKind);
  'to_member_id'?: (string);
  'points'?: (number | string | Long);
  'partner_id'?: (string);
  'partner_reference'?: (string);
  'reason'?: (string);
  'device_id'?: (string);
  'ip'?: (string);
  'payment_fingerprint'?: (string);
}

export interface TransferRequest__Output {
  'tenant_id': (string);
  'member_id': (string);
  'idempotency_key': (string);
  'kind': (_jifen_v1_TransferKind__Output);
  'to_member_id': (string);
  'points': (number);
  'partner_id': (string);
  'partner_reference': (string);
  'reason': (string);
  'device_id': (string);
  'ip': (string);
  'payment_fingerprint': (string);
}
