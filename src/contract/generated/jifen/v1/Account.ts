// Original file: jifen/v1/points.proto

import type { Lot as _jifen_v1_Lot, Lot__Output as _jifen_v1_Lot__Output } from '../../jifen/v1/Lot.js';
import type { ExpiringPoints as _jifen_v1_ExpiringPoints, ExpiringPoints__Output as _jifen_v1_ExpiringPoints__Output } from '../../jifen/v1/ExpiringPoints.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { TierProgress as _jifen_v1_TierProgress, TierProgress__Output as _jifen_v1_TierProgress__Output } from '../../jifen/v1/TierProgress.js';
import type { Long } from '@grpc/proto-loader';

export interface Account {
  'tenant_id'?: (string);
  'member_id'?: (string);
  'balance'?: (number | string | Long);
  'lifetime_earned'?: (number | string | Long);
  'lifetime_redeemed'?: (number | string | Long);
  'seq'?: (number | string | Long);
  'lots'?: (_jifen_v1_Lot)[];
  'pending'?: (number | string | Long);
  'expiring'?: (_jifen_v1_ExpiringPoints)[];
  'tier'?: (string);
  'tier_name'?: (string);
  'tier_valid_until'?: (_google_protobuf_Timestamp | null);
  'tier_progress'?: (_jifen_v1_TierProgress | null);
  'enrolled'?: (boolean);
  'held'?: (number | string | Long);
}

export interface Account__Output {
  'tenant_id': (string);
  'member_id': (string);
  'balance': (number);
  'lifetime_earned': (number);
  'lifetime_redeemed': (number);
  'seq': (number);
  'lots': (_jifen_v1_Lot__Output)[];
  'pending': (number);
  'expiring': (_jifen_v1_ExpiringPoints__Output)[];
  'tier': (string);
  'tier_name': (string);
  'tier_valid_until': (_google_protobuf_Timestamp__Output | null);
  'tier_progress': (_jifen_v1_TierProgress__Output | null);
  'enrolled': (boolean);
  'held': (number);
}
