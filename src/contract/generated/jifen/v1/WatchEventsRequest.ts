// Original file: jifen/v1/points.proto

import type { Long } from '@grpc/proto-loader';

export interface WatchEventsRequest {
  'tenant_id'?: (string);
  'after'?: (number | string | Long);
}

export interface WatchEventsRequest__Output {
  'tenant_id': (string);
  'after': (number);
}
