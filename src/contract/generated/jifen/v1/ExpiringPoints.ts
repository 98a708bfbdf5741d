// Original file: jifen/v1/points.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { Long } from '@grpc/proto-loader';

export interface ExpiringPoints {
  'points'?: (number | string | Long);
  'expires_at'?: (_google_protobuf_Timestamp | null);
}

export interface ExpiringPoints__Output {
  'points': (number);
  'expires_at': (_google_protobuf_Timestamp__Output | null);
}
