// Original file: jifen/v1/admin.proto

import type { RollForwardLine as _jifen_v1_RollForwardLine, RollForwardLine__Output as _jifen_v1_RollForwardLine__Output } from '../../jifen/v1/RollForwardLine.js';
import type { Long } from '@grpc/proto-loader';

export interface GetRollForwardResponse {
  'tenant_id'?: (string);
  'time_zone'?: (string);
  'point_value_fen'?: (number | string | Long);
  'expected_breakage_bp'?: (number | string | Long);
  'lines'?: (_jifen_v1_RollForwardLine)[];
  'rows_read'?: (number | string | Long);
}

export interface GetRollForwardResponse__Output {
  'tenant_id': (string);
  'time_zone': (string);
  'point_value_fen': (number);
  'expected_breakage_bp': (number);
  'lines': (_jifen_v1_RollForwardLine__Output)[];
  'rows_read': (number);
}
