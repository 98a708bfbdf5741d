// Original file: jifen/v1/points.proto

import type { RedemptionState as _jifen_v1_RedemptionState, RedemptionState__Output as _jifen_v1_RedemptionState__Output } from '../../jifen/v1/RedemptionState.js';
import type { Shipping as _jifen_v1_Shipping, Shipping__Output as _jifen_v1_Shipping__Output } from '../../jifen/v1/Shipping.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { Long } from '@grpc/proto-loader';

export interface Redemption {
  'redemption_id'?: (string);
  'reward_id'?: (string);
  'reward_name'?: (string);
  'kind'?: (string);
  'prize_id'?: (string);
  'prize_name'?: (string);
  'quantity'?: (number | string | Long);
  'points'?: (number | string | Long);
  'prize_points'?: (number | string | Long);
  'state'?: (_jifen_v1_RedemptionState);
  'coupon_code'?: (string);
  'shipping'?: (_jifen_v1_Shipping | null);
  'tracking_number'?: (string);
  'operator'?: (string);
  'reason'?: (string);
  'created_at'?: (_google_protobuf_Timestamp | null);
  'updated_at'?: (_google_protobuf_Timestamp | null);
  'draw_value'?: (number | string | Long);
}

export interface Redemption__Output {
  'redemption_id': (string);
  'reward_id': (string);
  'reward_name': (string);
  'kind': (string);
  'prize_id': (string);
  'prize_name': (string);
  'quantity': (number);
  'points': (number);
  'prize_points': (number);
  'state': (_jifen_v1_RedemptionState__Output);
  'coupon_code': (string);
  'shipping': (_jifen_v1_Shipping__Output | null);
  'tracking_number': (string);
  'operator': (string);
  'reason': (string);
  'created_at': (_google_protobuf_Timestamp__Output | null);
  'updated_at': (_google_protobuf_Timestamp__Output | null);
  'draw_value': (number);
}
