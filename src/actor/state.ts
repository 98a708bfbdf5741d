// A member's state and how one ledger entry changes it (the fold). Replaying all of a member's
// entries through applyEntry from emptyState yields exactly the state the actor held.

import { type CapUsage, OVERALL_CAP } from '../rules/caps.js';
import { type LedgerEntry, NEVER_EXPIRES, type RedemptionOrder } from './entries.js';
import { applyRedemption } from './redemptions.js';
import { type StockState, applyStockStep } from './stock.js';
import { type MemberRisk, applyRisk } from './risk/member-risk.js';

/**
 * Points earned together that expire together; spending takes the soonest-expiring first. A lot
 * with availableAt in the future is pending (the return window): counted, not yet spendable.
 */
export interface Lot {
  expiresAt: number;
  points: number;
  /** 0 = available at once. */
  availableAt: number;
}

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
/** A 60-day lateness window touches at most 4 local months (31 Dec … 1 Mar); one more for safety. */
const USAGE_MONTHS_KEPT = 5;

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

/** expiresAt is the last millisecond a lot can be spent (the end of a local day); it lapses after it. */
export function isLive(lot: Lot, now: number): boolean {
  return lot.expiresAt === NEVER_EXPIRES || now <= lot.expiresAt;
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

/** Mutates state: the actor is its only writer, and copying lots per command would cost the hot path. */
export function applyEntry(state: MemberState, entry: LedgerEntry): void {
  if (entry.seq !== state.seq + 1) {
    throw new Error(`ledger gap for ${state.tenantId}/${state.memberId}: have seq ${state.seq}, got ${entry.seq}`);
  }
  state.seq = entry.seq;
  const detail = entry.detail;
  if (entry.points > 0) {
    const pending = detail ? Math.min(detail.pendingPoints, entry.points) : 0;
    addPoints(state, entry.points - pending, entry.expiresAt, 0);
    if (pending > 0) addPoints(state, pending, entry.expiresAt, detail?.availableAt ?? 0);
  } else if (entry.points < 0) {
    takePoints(state, entry);
  }
  state.balance += entry.points;
  if (entry.type === 'earn') {
    state.lifetimeEarned += entry.points;
    if (entry.points > 0) state.earningOrders += 1;
  } else if (entry.type === 'redeem' || entry.type === 'capture' || entry.type === 'transfer_out') {
    state.lifetimeRedeemed -= entry.points;
  }
  else if (entry.type === 'enroll' || entry.type === 'activity' || entry.type === 'referral') state.lifetimeEarned += entry.points;
  // Points carried over from a legacy system were earned there: lifetime earned includes them.
  else if (entry.type === 'import') state.lifetimeEarned += entry.points;
  if (detail) applyDetail(state, entry);
}

function applyDetail(state: MemberState, entry: LedgerEntry): void {
  const detail = entry.detail as NonNullable<LedgerEntry['detail']>;
  if (detail.dayKey !== '') {
    const day = countersOf(state.usage.days, detail.dayKey, USAGE_DAYS_KEPT);
    const month = countersOf(state.usage.months, detail.monthKey, USAGE_MONTHS_KEPT);
    const count = (key: string, points: number) => {
      if (points === 0) return;
      day[key] = (day[key] ?? 0) + points;
      month[key] = (month[key] ?? 0) + points;
    };
    // A behaviour's cap covers all its lines (streak bonus included); an order's caps are per rule;
    // points sent away count against the daily transfer limit.
    if (entry.type === 'transfer_out') count(TRANSFER_USAGE, -entry.points);
    else if (detail.activity) count(detail.activity.behaviourId, entry.points);
    else for (const line of detail.breakdown) count(line.ruleId, line.points);
    if (entry.points > 0 && entry.type !== 'transfer_in') count(OVERALL_CAP, entry.points);
  }
  if (detail.metricDelta !== 0) {
    state.tierMetric[detail.metricMonth] = (state.tierMetric[detail.metricMonth] ?? 0) + detail.metricDelta;
  }
  if (detail.tierChange) {
    state.tier = detail.tierChange.to;
    state.tierValidUntil = detail.tierChange.validUntil;
  }
  if (detail.enrolment) {
    state.enrolledAt = entry.createdAt;
    state.birthday = detail.enrolment.birthday;
    state.referrer = detail.enrolment.referrer;
  }
  if (detail.activity) applyActivity(state.activity, detail.activity, detail.dayKey);
  if (detail.referral && entry.type === 'earn') state.referralQualified = true;
  if (detail.expiringSoon) state.noticedThrough = Math.max(state.noticedThrough, detail.expiringSoon.expiresAt);
  if (detail.hold) {
    const { holdId } = detail.hold;
    if (entry.type === 'hold') state.holds.push({ ...detail.hold });
    else state.holds = state.holds.filter((h) => h.holdId !== holdId);
  }
  if (detail.stock) applyStockStep(state, detail.stock);
  if (detail.redemption) applyRedemption(state, entry, detail.redemption);
  if (detail.risk) applyRisk(state, entry);
}

/**
 * The counters of `key` (a day or month key; keys sort by date), created when missing. Creating one
 * drops those more than `kept` keys behind the newest, so the history stays bounded.
 */
function countersOf(history: Record<string, Record<string, number>>, key: string, kept: number): Record<string, number> {
  let counters = history[key];
  if (counters) return counters;
  counters = {};
  history[key] = counters;
  const keys = Object.keys(history);
  if (keys.length > kept) {
    keys.sort();
    // The key just created is never the one dropped: a late event must be counted, not forgotten.
    for (const old of keys.slice(0, keys.length - kept)) if (old !== key) delete history[old];
  }
  return counters;
}

function applyActivity(activity: ActivityState, done: NonNullable<NonNullable<LedgerEntry['detail']>['activity']>, dayKey: string) {
  const today = countersOf(activity.perDay, dayKey, USAGE_DAYS_KEPT);
  activity.counts[done.behaviourId] = (activity.counts[done.behaviourId] ?? 0) + 1;
  today[done.behaviourId] = (today[done.behaviourId] ?? 0) + 1;
  if (done.targetId !== '') activity.targets[`${done.behaviourId}:${done.targetId}`] = true;
  if (done.activity === 'check_in' && dayKey >= activity.lastCheckInDay) {
    activity.lastCheckInDay = dayKey;
    activity.streak = done.streak;
  }
}

function addPoints(state: MemberState, points: number, expiresAt: number, availableAt: number): void {
  if (points === 0) return;
  const paid = Math.min(state.debt, points);
  state.debt -= paid;
  insertLot(state.lots, expiresAt, availableAt, points - paid);
}

/** Adds points as a lot in lot order: soonest expiry first (never last), then by availableAt; equal lots merge. */
export function insertLot(lots: Lot[], expiresAt: number, availableAt: number, points: number): void {
  if (points <= 0) return;
  const order = expiryOrder(expiresAt);
  let i = 0;
  while (i < lots.length && expiryOrder(lots[i].expiresAt) < order) i++;
  while (i < lots.length && lots[i].expiresAt === expiresAt && lots[i].availableAt < availableAt) i++;
  if (i < lots.length && lots[i].expiresAt === expiresAt && lots[i].availableAt === availableAt) lots[i].points += points;
  else lots.splice(i, 0, { expiresAt, points, availableAt });
}

/**
 * Which lots a negative entry takes from, decided by the entry alone (its type and createdAt) so
 * replay takes the same ones: an expiry takes the lots due by its expiresAt; a refund takes pending
 * points first (they were never spendable); a spend takes spendable lots, soonest-expiring first.
 * Whatever the chosen lots cannot cover becomes debt.
 */
function takePoints(state: MemberState, entry: LedgerEntry): void {
  let left = -entry.points;
  const at = entry.createdAt;
  if (entry.type === 'expire') {
    left = takeWhere(state.lots, left, (lot) => lot.expiresAt !== NEVER_EXPIRES && lot.expiresAt <= entry.expiresAt);
  } else {
    const own = entry.detail?.reverseLot;
    // A refund takes from its order's own lot first (pending or not), then other pending points.
    if (own) left = takeWhere(state.lots, left, (lot) => lot.expiresAt === own.expiresAt && lot.availableAt === own.availableAt);
    if (entry.type === 'reverse') left = takeWhere(state.lots, left, (lot) => lot.availableAt > at && isLive(lot, at));
    left = takeWhere(state.lots, left, (lot) => lot.availableAt <= at && isLive(lot, at));
    // Lapsed lots are left for their EXPIRE entry, whenever housekeeping writes it: what a spend
    // cannot take from live lots becomes debt, the same before and after the expiry is written.
    left = takeWhere(state.lots, left, (lot) => isLive(lot, at));
  }
  state.debt += left;
}

/** Takes up to `wanted` points from the matching lots in lot order; returns what is still wanted. */
export function takeWhere(lots: Lot[], wanted: number, matches: (lot: Lot) => boolean): number {
  let left = wanted;
  for (let i = 0; i < lots.length && left > 0; ) {
    const lot = lots[i];
    if (!matches(lot)) {
      i++;
      continue;
    }
    const used = Math.min(lot.points, left);
    lot.points -= used;
    left -= used;
    if (lot.points === 0) lots.splice(i, 1);
    else i++;
  }
  return left;
}

function expiryOrder(expiresAt: number): number {
  return expiresAt === NEVER_EXPIRES ? Number.POSITIVE_INFINITY : expiresAt;
}
