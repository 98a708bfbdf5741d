// Original file: jifen/v1/points.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { Long } from '@grpc/proto-loader';

export interface HoldResponse {
  'hold_id'?: (string);
  'points'?: (number | string | Long);
  'balance'?: (number | string | Long);
  'seq'?: (number | string | Long);
  'expires_at'?: (_google_protobuf_Timestamp | null);
}

export interface HoldResponse__Output {
  'hold_id': (string);
  'points': (number);
  'balance': (number);
  'seq': (number);
  'expires_at': (_google_protobuf_Timestamp__Output | null);
}
