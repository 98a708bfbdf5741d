// Original file: jifen/v1/admin.proto

import type { ReportGranularity as _jifen_v1_ReportGranularity, ReportGranularity__Output as _jifen_v1_ReportGranularity__Output } from '../../jifen/v1/ReportGranularity.js';
import type { Long } from '@grpc/proto-loader';

export interface GetRollForwardRequest {
  'tenant_id'?: (string);
  'from_day'?: (string);
  'to_day'?: (string);
  'granularity'?: (_jifen_v1_ReportGranularity);
  'point_value_fen'?: (number | string | Long);
  'expected_breakage_bp'?: (number | string | Long);
}

export interface GetRollForwardRequest__Output {
  'tenant_id': (string);
  'from_day': (string);
  'to_day': (string);
  'granularity': (_jifen_v1_ReportGranularity__Output);
  'point_value_fen': (number);
  'expected_breakage_bp': (number);
}
