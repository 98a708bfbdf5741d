// Original file: jifen/v1/points.proto

import type { PointsEvent as _jifen_v1_PointsEvent, PointsEvent__Output as _jifen_v1_PointsEvent__Output } from '../../jifen/v1/PointsEvent.js';

export interface EventBatch {
  'batch_id'?: (string);
  'tenant_id'?: (string);
  'event'?: (string);
  'events'?: (_jifen_v1_PointsEvent)[];
}

export interface EventBatch__Output {
  'batch_id': (string);
  'tenant_id': (string);
  'event': (string);
  'events': (_jifen_v1_PointsEvent__Output)[];
}
