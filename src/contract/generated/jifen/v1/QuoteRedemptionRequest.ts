// Original file: jifen/v1/points.proto

import type { Long } from '@grpc/proto-loader';

export interface QuoteRedemptionRequest {
  'tenant_id'?: (string);
  'member_id'?: (string);
  'order_amount_minor'?: (number | string | Long);
}

export interface QuoteRedemptionRequest__Output {
  'tenant_id': (string);
  'member_id': (string);
  'order_amount_minor': (number);
}
