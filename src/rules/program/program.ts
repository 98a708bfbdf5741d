// A tenant's loyalty program in its validated, normalised form: what every rule calculation reads.
// Authored as YAML/JSON (see program-schema.ts for the authored shape and its validation); the
// engine assigns `version`. Rates and multipliers are integers (basis points), never floats.

import type { RiskPolicy } from '../velocity-policy.js';

/** 10000 basis points = 1.0×. Authored multipliers (1.2, 1.5 …) are stored as basis points (12000, 15000 …). */
export const BASIS_POINTS = 10_000;

export interface Program {
  tenantId: string;
  /** 1, 2, 3 … assigned by the engine on each accepted PutProgram; every ledger entry records it. */
  version: number;
  name: string;
  /** IANA zone for day boundaries, campaign windows, birthdays, expiry dates. Default Asia/Shanghai. */
  timeZone: string;
  /** Base rate: `points` points per `perMinor` minor units of order amount (1 point per 100 分 = 1 yuan). */
  baseRate: { points: number; perMinor: number };
  /** Orders below this amount (minor units) earn nothing at all. 0 = no minimum. */
  minOrderMinor: number;
  /** Points of the base rate become available this many days after the order (return window). 0 = at once. */
  pendingDays: number;
  time: TimePolicy;
  tiers: TierPolicy;
  rules: EarnRule[];
  campaigns: Campaign[];
  behaviours: Behaviour[];
  referral: ReferralPolicy | undefined;
  /** Overall caps on points earned (orders and behaviours together) per local day / month. 0 = none. */
  caps: Caps;
  expiry: ExpiryPolicy;
  pointsAsCash: PointsAsCashPolicy;
  transfers: TransferPolicy;
  /** 防刷 velocity limits and review rules; absent when the program has none (nothing is checked). */
  risk?: RiskPolicy;
}

/** 转赠 / 积分捐赠 / 跨界兑换: points leaving a member for another member, a charity or a partner. */
export interface TransferPolicy {
  /** Points a member may send per local day (all kinds together); 0 = no limit. */
  maxPointsPerDay: number;
  /** The tenant's charity account (a member id) donations go to; '' = donations are off. */
  charityMemberId: string;
  /** Partners points convert to (airline miles …): `points` points become `units` of theirs. */
  partners: { id: string; points: number; units: number }[];
}

/** 积分抵现: points paying part of an order at checkout, held first and captured on payment. */
export interface PointsAsCashPolicy {
  /** `points` points are worth `perMinor` minor units (100 points = 100 分 = 1 yuan). */
  points: number;
  perMinor: number;
  /** Points may pay at most this share of an order, in basis points (5000 = half). */
  maxShareBp: number;
  /** Longest hold a checkout may ask for (ms). */
  maxHoldMs: number;
}

export interface TimePolicy {
  /** occurred_at later than now + this is refused (INVALID_ARGUMENT). */
  maxFutureMs: number;
  /** occurred_at earlier than now − this is refused (INVALID_ARGUMENT). */
  maxLatenessMs: number;
}

export interface Caps {
  perDay: number;
  perMonth: number;
}

/** Conditions a rule or campaign may require of an order; an empty list means "any". */
export interface OrderConditions {
  channels: string[];
  stores: string[];
  tiers: string[];
  /** The order must reach this amount (minor units) for the rule to apply. 0 = no minimum. */
  minOrderMinor: number;
}

/** Which line items a per-item rule applies to; an item matches if its category or its sku is listed. */
export interface ItemMatch {
  categories: string[];
  skus: string[];
}

export type EarnRule =
  /** Extra points on matching items: item amount × base rate × (multiplierBp − 10000) / 10000. */
  | (RuleCommon & { kind: 'item_multiplier'; match: ItemMatch; multiplierBp: number })
  /** Matching items earn nothing at all (not the base rate, not any multiplier). */
  | (RuleCommon & { kind: 'item_exclusion'; match: ItemMatch })
  /** Fixed bonus on the member's first order that earns points. */
  | (RuleCommon & { kind: 'first_order'; bonusPoints: number })
  /** Fixed bonus per order (e.g. "new-product bonus" when match is given: only if an item matches). */
  | (RuleCommon & { kind: 'order_bonus'; bonusPoints: number; match: ItemMatch | undefined });

export interface RuleCommon {
  id: string;
  name: string;
  when: OrderConditions;
  /** Active between these instants (epoch ms), either may be 0 = open. */
  validFrom: number;
  validTo: number;
  /** Points from this rule become available this many days after the order. 0 = at once. */
  pendingDays: number;
  /** Caps on this rule's points per local day / month. 0 = none. */
  caps: Caps;
}

export type Stacking = 'multiply' | 'add' | 'best_of';

export interface Campaign {
  id: string;
  name: string;
  /** Absolute window (epoch ms), either may be 0 = open. */
  validFrom: number;
  validTo: number;
  recurrence: Recurrence;
  when: OrderConditions & { categories: string[] };
  /** Campaign multiplier in basis points (20000 = double points). */
  multiplierBp: number;
  stacking: Stacking;
  /** Lower numbers apply first; ties by id. */
  priority: number;
  caps: Caps;
}

/** On which local days (tenant time zone) a campaign is on, inside its window. */
export type Recurrence =
  | { kind: 'always' }
  /** 1 = Monday … 7 = Sunday (ISO). */
  | { kind: 'weekly'; weekdays: number[] }
  /** Days of the month 1..31. */
  | { kind: 'monthly'; days: number[] }
  /** Month-day pairs, e.g. { month: 11, day: 11 } for Double 11. */
  | { kind: 'yearly'; dates: { month: number; day: number }[] }
  /** The member's birthday (month and day) or any day of the member's birth month. */
  | { kind: 'birthday'; scope: 'day' | 'month' };

export type ActivityKind = 'check_in' | 'profile_completed' | 'share' | 'review' | 'survey' | 'follow' | string;

export interface Behaviour {
  id: string;
  /** The activity name RecordActivity carries ('sign_up' is the Enroll bonus). */
  activity: ActivityKind | 'sign_up';
  points: number;
  /** At most once per member, ever. */
  once: boolean;
  /** At most this many per local day. 0 = no limit. */
  perDay: number;
  /** The same target_id earns once only (e.g. one review per order). */
  uniqueTarget: boolean;
  /** check_in only: bonus on every `days`-th consecutive day. */
  streak: { days: number; bonusPoints: number } | undefined;
  caps: Caps;
}

export interface ReferralPolicy {
  /** Points the referrer earns when the referred member's first qualifying order lands. */
  referrerPoints: number;
  /** The first order must reach this amount (minor units). */
  minOrderMinor: number;
}

export interface TierLevel {
  id: string;
  name: string;
  /** Qualifying metric needed to reach the level (upgrade at once when crossed). */
  threshold: number;
  /** Metric needed over the window at the end of validity to keep the level. */
  retain: number;
  multiplierBp: number;
}

export interface TierPolicy {
  /** spend: order amount in minor units (net of refunds); points: qualifying points earned from orders. */
  metric: 'spend' | 'points';
  window: 'rolling_12_months' | 'calendar_year';
  /** A level reached or retained is held this many months. */
  validityMonths: number;
  /** Ascending thresholds; the first has threshold 0 and is the level of every new member. */
  levels: TierLevel[];
}

export type ExpiryPolicy =
  | { kind: 'never'; noticeDays: number }
  /** Expire at the end of the local day `months` months / `days` days after the earn. */
  | { kind: 'rolling'; months: number; days: number; noticeDays: number }
  /** Earned in local year Y, expire at the end of 31 December of Y + years. */
  | { kind: 'calendar'; years: number; noticeDays: number };
