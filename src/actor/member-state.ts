// A member's state (what the fold in state.ts builds from its entries) and what can be read from it:
// balances, holds, cap usage, what falls due next. A leaf the deciders and the sub-state folds share.

import type { CapUsage } from '../rules/caps.js';
import type { TierFacts } from '../rules/tiers.js';
import { NEVER_EXPIRES, type RedemptionOrder } from './entries.js';
import { type Lot, isLive } from './lots.js';
import type { MemberRisk } from './risk/member-risk.js';
import type { StockState } from './stock-state.js';

/** Behaviour bookkeeping: once-only and per-day limits, de-duplicated targets, the check-in streak. */
export interface ActivityState {
  counts: Record<string, number>;
  /** Per local day 'YYYY-MM-DD': behaviour id → times, for the recent days (see USAGE_DAYS_KEPT). */
  perDay: Record<string, Record<string, number>>;
  targets: Record<string, true>;
  lastCheckInDay: string;
  streak: number;
}

/**
 * Points counted against caps, by rule id (OVERALL_CAP for all), per local day and month. Several
 * recent days are kept, not just today, so an order that arrives late counts against its own day.
 */
export interface UsageHistory {
  days: Record<string, Record<string, number>>;
  months: Record<string, Record<string, number>>;
}

/** Usage key of points sent away by transfers (not a rule id: ids with ':' are reserved for the engine). */
export const TRANSFER_USAGE = 'transfer:out';

/** Days of counters kept behind the newest one: more than any lateness window a program may set (60 days). */
export const USAGE_DAYS_KEPT = 62;

export interface MemberState {
  tenantId: string;
  memberId: string;
  seq: number;
  /** Ledger balance = sum of entries = sum of lot points − debt (pending and not-yet-expired lots included). */
  balance: number;
  /** Points owed after a clawback took more than the lots held; new points pay it off first. */
  debt: number;
  lots: Lot[];
  lifetimeEarned: number;
  lifetimeRedeemed: number;
  /** Epoch ms of the latest entry (0 = none): the roll-forward counts a member active once per local day and month. */
  lastEntryAt: number;
  /** Epoch ms of the Enroll entry; 0 = not enrolled. */
  enrolledAt: number;
  birthday: { month: number; day: number } | undefined;
  referrer: string;
  /** True once an order of this member earned its referrer the reward (paid once). */
  referralQualified: boolean;
  /** Orders that earned points so far (first-order bonus, referral). */
  earningOrders: number;
  /** Tier level id ('' = the program's first level), its review instant, the qualifying metric per local month. */
  tier: string;
  tierValidUntil: number;
  tierMetric: Record<string, number>;
  activity: ActivityState;
  usage: UsageHistory;
  /** Latest lot expiry an expiring-soon notice went out for (0 = none). */
  noticedThrough: number;
  /** Open holds (积分抵现): set aside until captured, released, or past expiresAt. */
  holds: Hold[];
  /** Redemption orders (兑换订单), newest last, the most recent REDEMPTIONS_KEPT. */
  redemptions: RedemptionOrder[];
  /** Only on a reward's stock actor (member id stockActorOf(reward)): its units. */
  stock?: StockState;
  /** Anti-abuse windows, usual orders, identities and open review holds; only under a program with a risk policy. */
  risk?: MemberRisk;
}

export interface Hold {
  /** The entry id of the HOLD entry. */
  holdId: string;
  points: number;
  /** Last millisecond of the hold; after it the points are spendable again. */
  expiresAt: number;
  orderId: string;
}

export function emptyState(tenantId: string, memberId: string): MemberState {
  return {
    tenantId,
    memberId,
    seq: 0,
    balance: 0,
    debt: 0,
    lots: [],
    lifetimeEarned: 0,
    lifetimeRedeemed: 0,
    lastEntryAt: 0,
    enrolledAt: 0,
    birthday: undefined,
    referrer: '',
    referralQualified: false,
    earningOrders: 0,
    tier: '',
    tierValidUntil: 0,
    tierMetric: {},
    activity: { counts: {}, perDay: {}, targets: {}, lastCheckInDay: '', streak: 0 },
    usage: { days: {}, months: {} },
    noticedThrough: 0,
    holds: [],
    redemptions: [],
  };
}

/** A state read back from a snapshot or cache written before fields were added gets their defaults. */
export function completeState(stored: MemberState): MemberState {
  const state = { ...emptyState(stored.tenantId, stored.memberId), ...stored };
  for (const lot of state.lots) lot.availableAt ??= 0;
  return state;
}

/** The cap counters of one local day and month, as the rule calculations read them. */
export function capUsageOf(state: MemberState, dayKey: string, monthKey: string): CapUsage {
  return { dayKey, monthKey, day: state.usage.days[dayKey] ?? {}, month: state.usage.months[monthKey] ?? {} };
}

/**
 * The part of a state an account read needs (accountViewOf): balance, debt, lots, holds, lifetime
 * figures, enrolment and tier standing. A cache that only serves reads stores this (completeState
 * fills the rest on the way back); one that seeds actors needs the whole state.
 */
export function accountStateOf(state: MemberState): MemberState {
  const account = emptyState(state.tenantId, state.memberId);
  account.seq = state.seq;
  account.balance = state.balance;
  account.debt = state.debt;
  account.lots = state.lots;
  account.holds = state.holds;
  account.lifetimeEarned = state.lifetimeEarned;
  account.lifetimeRedeemed = state.lifetimeRedeemed;
  account.enrolledAt = state.enrolledAt;
  account.tier = state.tier;
  account.tierValidUntil = state.tierValidUntil;
  account.tierMetric = state.tierMetric;
  return account;
}

export function memberExists(state: MemberState): boolean {
  return state.seq > 0;
}

/**
 * The next instant something falls due for the member: a lot expires, an expiring-soon notice is
 * owed, the tier is reviewed; 0 = nothing. `noticeAt` gives the notice instant of an expiry (0 = none).
 */
export function nextDueOf(state: MemberState, noticeAt: (expiresAt: number) => number): number {
  // Lots and tiers are valid through their last millisecond; they fall due on the next one.
  let due = state.tierValidUntil > 0 ? state.tierValidUntil + 1 : 0;
  const earlier = (at: number) => {
    if (at > 0 && (due === 0 || at < due)) due = at;
  };
  for (const hold of state.holds) earlier(hold.expiresAt + 1);
  let noticed = false;
  for (const lot of state.lots) {
    if (lot.expiresAt === NEVER_EXPIRES) continue;
    earlier(lot.expiresAt + 1);
    if (!noticed && lot.expiresAt > state.noticedThrough) {
      earlier(noticeAt(lot.expiresAt));
      noticed = true;
    }
  }
  return due;
}

/** Spendable points at `now`: live lots past their pending window, less debt and open holds. */
export function availablePoints(state: MemberState, now: number): number {
  let sum = 0;
  for (const lot of state.lots) if (lot.availableAt <= now && isLive(lot, now)) sum += lot.points;
  return sum - state.debt - heldPoints(state, now);
}

/** Points in holds that have not run out at `now`. */
export function heldPoints(state: MemberState, now: number): number {
  let sum = 0;
  for (const hold of state.holds) if (now <= hold.expiresAt) sum += hold.points;
  return sum;
}

/** Points still in their pending window at `now` (and not expired). */
export function pendingPoints(state: MemberState, now: number): number {
  let sum = 0;
  for (const lot of state.lots) if (lot.availableAt > now && isLive(lot, now)) sum += lot.points;
  return sum;
}

/** The member's tier standing as the tier rules read it. */
export function tierFactsOf(state: MemberState): TierFacts {
  return { tier: state.tier, validUntil: state.tierValidUntil, metric: state.tierMetric };
}
