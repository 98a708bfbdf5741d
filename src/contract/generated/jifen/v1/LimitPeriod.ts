// Original file: jifen/v1/admin.proto

export const LimitPeriod = {
  LIMIT_PERIOD_UNSPECIFIED: 'LIMIT_PERIOD_UNSPECIFIED',
  LIMIT_PERIOD_DAY: 'LIMIT_PERIOD_DAY',
  LIMIT_PERIOD_WEEK: 'LIMIT_PERIOD_WEEK',
  LIMIT_PERIOD_MONTH: 'LIMIT_PERIOD_MONTH',
  LIMIT_PERIOD_YEAR: 'LIMIT_PERIOD_YEAR',
  LIMIT_PERIOD_EVER: 'LIMIT_PERIOD_EVER',
} as const;

export type LimitPeriod =
  | 'LIMIT_PERIOD_UNSPECIFIED'
  | 0
  | 'LIMIT_PERIOD_DAY'
  | 1
  | 'LIMIT_PERIOD_WEEK'
  | 2
  | 'LIMIT_PERIOD_MONTH'
  | 3
  | 'LIMIT_PERIOD_YEAR'
  | 4
  | 'LIMIT_PERIOD_EVER'
  | 5

export type LimitPeriod__Output = typeof LimitPeriod[keyof typeof LimitPeriod]
