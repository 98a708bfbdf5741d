// How one ledger entry changes a member's state (the fold). Replaying all of a member's entries
// through applyEntry from emptyState yields exactly the state the actor held. The state's shape and
// readers live in member-state.ts (and lots in lots.ts) and are re-exported here for callers.

import { OVERALL_CAP } from '../rules/caps.js';
import { type LedgerEntry, NEVER_EXPIRES } from './entries.js';
import { insertLot, isLive, takeWhere } from './lots.js';
import { type ActivityState, type MemberState, TRANSFER_USAGE, USAGE_DAYS_KEPT } from './member-state.js';
import { applyRedemption } from './redemptions.js';
import { applyRisk } from './risk/risk-fold.js';
import { applyStockStep } from './stock.js';

export { type Lot, insertLot, isLive, takeWhere } from './lots.js';
export {
  type ActivityState,
  type Hold,
  type MemberState,
  TRANSFER_USAGE,
  USAGE_DAYS_KEPT,
  type UsageHistory,
  accountStateOf,
  availablePoints,
  capUsageOf,
  completeState,
  emptyState,
  heldPoints,
  memberExists,
  nextDueOf,
  pendingPoints,
} from './member-state.js';

/** A 60-day lateness window touches at most 4 local months (31 Dec … 1 Mar); one more for safety. */
const USAGE_MONTHS_KEPT = 5;

/** Mutates state: the actor is its only writer, and copying lots per command would cost the hot path. */
export function applyEntry(state: MemberState, entry: LedgerEntry): void {
  if (entry.seq !== state.seq + 1) {
    throw new Error(`ledger gap for ${state.tenantId}/${state.memberId}: have seq ${state.seq}, got ${entry.seq}`);
  }
  state.seq = entry.seq;
  state.lastEntryAt = Math.max(state.lastEntryAt ?? 0, entry.createdAt);
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
  } else if (entry.type === 'enroll' || entry.type === 'activity' || entry.type === 'referral') state.lifetimeEarned += entry.points;
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
