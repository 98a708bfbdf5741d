// Original file: jifen/v1/points.proto

import type { Long } from '@grpc/proto-loader';

export interface LineItem {
  'sku'?: (string);
  'category'?: (string);
  'amount_minor'?: (number | string | Long);
  'quantity'?: (number | string | Long);
}

export interface LineItem__Output {
  'sku': (string);
  'category': (string);
  'amount_minor': (number);
  'quantity': (number);
}
