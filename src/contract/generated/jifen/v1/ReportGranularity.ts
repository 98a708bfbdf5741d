// Original file: jifen/v1/admin.proto

export const ReportGranularity = {
  REPORT_GRANULARITY_UNSPECIFIED: 'REPORT_GRANULARITY_UNSPECIFIED',
  REPORT_GRANULARITY_DAY: 'REPORT_GRANULARITY_DAY',
  REPORT_GRANULARITY_MONTH: 'REPORT_GRANULARITY_MONTH',
} as const;

export type ReportGranularity =
  | 'REPORT_GRANULARITY_UNSPECIFIED'
  | 0
  | 'REPORT_GRANULARITY_DAY'
  | 1
  | 'REPORT_GRANULARITY_MONTH'
  | 2

export type ReportGranularity__Output = typeof ReportGranularity[keyof typeof ReportGranularity]
