// Original file: jifen/v1/points.proto

import type { EntryType as _jifen_v1_EntryType, EntryType__Output as _jifen_v1_EntryType__Output } from '../../jifen/v1/EntryType.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { BreakdownLine as _jifen_v1_BreakdownLine, BreakdownLine__Output as _jifen_v1_BreakdownLine__Output } from '../../jifen/v1/BreakdownLine.js';
import type { Long } from '@grpc/proto-loader';

export interface Entry {
  'entry_id'?: (string);
  'seq'?: (number | string | Long);
  'type'?: (_jifen_v1_EntryType);
  'points'?: (number | string | Long);
  'balance_after'?: (number | string | Long);
  'idempotency_key'?: (string);
  'order_id'?: (string);
  'reason'?: (string);
  'created_at'?: (_google_protobuf_Timestamp | null);
  'operator'?: (string);
  'amount_minor'?: (number | string | Long);
  'program_version'?: (number | string | Long);
  'breakdown'?: (_jifen_v1_BreakdownLine)[];
  'tier_after'?: (string);
  'transfer_id'?: (string);
  'counterparty'?: (string);
  'partner_reference'?: (string);
  'partner_units'?: (number | string | Long);
  'hold_id'?: (string);
  'review_points'?: (number | string | Long);
  'expiring_points'?: (number | string | Long);
  'expires_at'?: (_google_protobuf_Timestamp | null);
}

export interface Entry__Output {
  'entry_id': (string);
  'seq': (number);
  'type': (_jifen_v1_EntryType__Output);
  'points': (number);
  'balance_after': (number);
  'idempotency_key': (string);
  'order_id': (string);
  'reason': (string);
  'created_at': (_google_protobuf_Timestamp__Output | null);
  'operator': (string);
  'amount_minor': (number);
  'program_version': (number);
  'breakdown': (_jifen_v1_BreakdownLine__Output)[];
  'tier_after': (string);
  'transfer_id': (string);
  'counterparty': (string);
  'partner_reference': (string);
  'partner_units': (number);
  'hold_id': (string);
  'review_points': (number);
  'expiring_points': (number);
  'expires_at': (_google_protobuf_Timestamp__Output | null);
}
