// Original file: jifen/v1/points.proto

import type { Long } from '@grpc/proto-loader';

export interface CommandError {
  'code'?: (number);
  'message'?: (string);
  'status'?: (string);
  'retry_after_ms'?: (number | string | Long);
}

export interface CommandError__Output {
  'code': (number);
  'message': (string);
  'status': (string);
  'retry_after_ms': (number);
}
