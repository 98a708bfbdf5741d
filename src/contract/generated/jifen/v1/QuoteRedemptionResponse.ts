// Original file: jifen/v1/points.proto

import type { Long } from '@grpc/proto-loader';

export interface QuoteRedemptionResponse {
  'max_points'?: (number | string | Long);
  'cash_minor'?: (number | string | Long);
  'available'?: (number | string | Long);
  'points_per'?: (number | string | Long);
  'minor_per'?: (number | string | Long);
}

export interface QuoteRedemptionResponse__Output {
  'max_points': (number);
  'cash_minor': (number);
  'available': (number);
  'points_per': (number);
  'minor_per': (number);
}
