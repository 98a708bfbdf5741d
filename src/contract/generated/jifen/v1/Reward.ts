// Original file: jifen/v1/admin.proto

import type { RewardKind as _jifen_v1_RewardKind, RewardKind__Output as _jifen_v1_RewardKind__Output } from '../../jifen/v1/RewardKind.js';
import type { LimitPeriod as _jifen_v1_LimitPeriod, LimitPeriod__Output as _jifen_v1_LimitPeriod__Output } from '../../jifen/v1/LimitPeriod.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { Prize as _jifen_v1_Prize, Prize__Output as _jifen_v1_Prize__Output } from '../../jifen/v1/Prize.js';
import type { Long } from '@grpc/proto-loader';

export interface Reward {
  'reward_id'?: (string);
  'name'?: (string);
  'kind'?: (_jifen_v1_RewardKind);
  'points'?: (number | string | Long);
  'tier_points'?: ({[key: string]: number | string | Long});
  'stock'?: (number | string | Long);
  'per_member_limit'?: (number | string | Long);
  'limit_period'?: (_jifen_v1_LimitPeriod);
  'min_tier'?: (string);
  'min_balance'?: (number | string | Long);
  'available_from'?: (_google_protobuf_Timestamp | null);
  'available_until'?: (_google_protobuf_Timestamp | null);
  'requires_review'?: (boolean);
  'max_quantity'?: (number | string | Long);
  'prizes'?: (_jifen_v1_Prize)[];
  'fallback_prize_id'?: (string);
  'version'?: (number | string | Long);
  'units_left'?: (number | string | Long);
  'units_sold'?: (number | string | Long);
  '_requires_review'?: "requires_review";
}

export interface Reward__Output {
  'reward_id': (string);
  'name': (string);
  'kind': (_jifen_v1_RewardKind__Output);
  'points': (number);
  'tier_points': ({[key: string]: number});
  'stock': (number);
  'per_member_limit': (number);
  'limit_period': (_jifen_v1_LimitPeriod__Output);
  'min_tier': (string);
  'min_balance': (number);
  'available_from': (_google_protobuf_Timestamp__Output | null);
  'available_until': (_google_protobuf_Timestamp__Output | null);
  'requires_review'?: (boolean);
  'max_quantity': (number);
  'prizes': (_jifen_v1_Prize__Output)[];
  'fallback_prize_id': (string);
  'version': (number);
  'units_left': (number);
  'units_sold': (number);
  '_requires_review'?: "requires_review";
}
