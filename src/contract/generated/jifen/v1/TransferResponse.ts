// Original file: jifen/v1/points.proto

import type { Long } from '@grpc/proto-loader';

export interface TransferResponse {
  'transfer_id'?: (string);
  'entry_id'?: (string);
  'points'?: (number | string | Long);
  'balance'?: (number | string | Long);
  'seq'?: (number | string | Long);
  'partner_units'?: (number | string | Long);
}

export interface TransferResponse__Output {
  'transfer_id': (string);
  'entry_id': (string);
  'points': (number);
  'balance': (number);
  'seq': (number);
  'partner_units': (number);
}
