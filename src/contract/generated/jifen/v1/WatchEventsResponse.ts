// Original file: jifen/v1/points.proto

import type { PointsEvent as _jifen_v1_PointsEvent, PointsEvent__Output as _jifen_v1_PointsEvent__Output } from '../../jifen/v1/PointsEvent.js';
import type { Long } from '@grpc/proto-loader';

export interface WatchEventsResponse {
  'cursor'?: (number | string | Long);
  'event'?: (_jifen_v1_PointsEvent | null);
}

export interface WatchEventsResponse__Output {
  'cursor': (number);
  'event': (_jifen_v1_PointsEvent__Output | null);
}
