// The roll-forward report from the shards' cumulative rows: per period (local day or month), opening
// + issued − reversed − redeemed − expired − transferred out ± adjustments = closing, pending and held
// as memo columns, and the liability at a value per point less expected breakage. Reads only the rows
// of the periods' days and each shard's last row before them: days × shards rows, whatever the members.

import { floorScaled } from '../rules/rounding.js';
import { FLOW_COLUMNS, type Flows, type RollForwardRow, type RollForwardTotals, emptyTotals, outstandingOf } from './roll-forward.js';

/** One shard's rows of a tenant: the newest before the first day, and those of the days asked, ascending. */
export interface ShardRollForward {
  before: RollForwardRow | undefined;
  rows: RollForwardRow[];
}

export type Granularity = 'day' | 'month';

export interface Period {
  /** 'YYYY-MM-DD' or 'YYYY-MM'. */
  label: string;
  firstDay: string;
  lastDay: string;
}

export interface Valuation {
  /** Value of one point in fen (minor units). */
  pointValueFen: number;
  /** Share of outstanding points finance expects never to be redeemed, in basis points (0–10000). */
  breakageBp: number;
}

/**
 * One period. Flows are as they moved outstanding points: issues positive, what left negative,
 * adjustments signed, so closing = opening + Σ flows.
 */
export interface RollForwardLine {
  period: Period;
  opening: number;
  flows: Flows;
  closing: number;
  /** Of closing: points still in their return window at the end of the period. */
  pending: number;
  /** Of closing: points in open holds (积分抵现) at the end of the period. */
  held: number;
  /** Not in closing: points on members' ledgers held for review (issued once approved). */
  underReview: number;
  /** Of closing: points expiring within 30, 60 and 90 days after the period's last day. */
  expiring30: number;
  expiring60: number;
  expiring90: number;
  accounts: number;
  /**
   * Members with an entry in the period: by day, that day's; by month, those whose first entry of the
   * calendar month falls in the period (for a whole month: every member active in it).
   */
  activeMembers: number;
  /** Accounts per tier level at the end of the period. */
  tiers: Record<string, number>;
  /** Points issued per rule id in the period. */
  byRule: Record<string, number>;
  grossLiabilityFen: number;
  netLiabilityFen: number;
}

/** Periods covering fromDay..toDay: each day, or each calendar month cut to the range. */
export function periodsOf(fromDay: string, toDay: string, granularity: Granularity): Period[] {
  const periods: Period[] = [];
  for (let day = fromDay; day <= toDay; ) {
    if (granularity === 'day') {
      periods.push({ label: day, firstDay: day, lastDay: day });
      day = addDays(day, 1);
      continue;
    }
    const month = day.slice(0, 7);
    const monthEnd = lastDayOfMonth(month);
    periods.push({ label: month, firstDay: day, lastDay: monthEnd < toDay ? monthEnd : toDay });
    day = addDays(monthEnd, 1);
  }
  return periods;
}

export function rollForwardOf(
  shards: ShardRollForward[],
  periods: Period[],
  valuation: Valuation,
  granularity: Granularity = 'day',
): RollForwardLine[] {
  return periods.map((period) => {
    const opening = emptyTotals();
    const closing = emptyTotals();
    let pending = 0;
    let held = 0;
    const expiring = [0, 0, 0];
    const horizons = [30, 60, 90].map((days) => addDays(period.lastDay, days));
    for (const shard of shards) {
      const start = lastBefore(shard, period.firstDay);
      const end = lastThrough(shard, period.lastDay);
      if (start) addTotals(opening, start.totals);
      if (end) {
        addTotals(closing, end.totals);
        pending += sumAfter(end.totals.pending, period.lastDay);
        held += sumAfter(end.totals.held, period.lastDay);
        for (const [day, points] of Object.entries(end.totals.expiring ?? {})) {
          if (day <= period.lastDay) continue;
          horizons.forEach((horizon, i) => {
            if (day <= horizon) expiring[i] += points;
          });
        }
      }
    }
    const flows = {} as Flows;
    for (const column of FLOW_COLUMNS) flows[column] = closing.flows[column] - opening.flows[column];
    const byRule: Record<string, number> = {};
    for (const [rule, points] of Object.entries(closing.byRule)) {
      const issued = points - (opening.byRule[rule] ?? 0);
      if (issued !== 0) byRule[rule] = issued;
    }
    const closingPoints = outstandingOf(closing);
    const active = granularity === 'day' ? closing.activeDays - opening.activeDays : closing.activeMonths - opening.activeMonths;
    const gross = closingPoints * valuation.pointValueFen;
    return {
      period,
      opening: outstandingOf(opening),
      flows,
      closing: closingPoints,
      pending,
      held,
      underReview: closing.underReview,
      expiring30: expiring[0],
      expiring60: expiring[1],
      expiring90: expiring[2],
      accounts: closing.accounts,
      activeMembers: active,
      tiers: closing.tiers,
      byRule,
      grossLiabilityFen: gross,
      netLiabilityFen: gross - floorScaled(gross, valuation.breakageBp, 10_000),
    };
  });
}

/** Points issued in a line (every issued column). */
export function issuedOf(line: RollForwardLine): number {
  const f = line.flows;
  return (
    f.issuedOrders +
    f.issuedCampaignsAndBonuses +
    f.issuedBehaviours +
    f.issuedReferrals +
    f.issuedImports +
    f.issuedTransfersIn +
    f.issuedReviewApprovals
  );
}

/** Points redeemed in a line (mall, captured holds, Redeem), as a positive number. */
export function redeemedOf(line: RollForwardLine): number {
  return -(line.flows.redeemedMall + line.flows.redeemedHolds + line.flows.redeemed);
}

/** Redeemed / issued in basis points (0 when nothing was issued). */
export function redemptionRateBp(line: RollForwardLine): number {
  const issued = issuedOf(line);
  return issued <= 0 ? 0 : Math.floor((redeemedOf(line) * 10_000) / issued);
}

/** 'YYYY-MM-DD' day arithmetic on the calendar (local days are already in the tenant's zone). */
export function addDays(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

function lastDayOfMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

function lastBefore(shard: ShardRollForward, day: string): RollForwardRow | undefined {
  let found = shard.before;
  for (const row of shard.rows) if (row.day < day) found = row;
  return found;
}

function lastThrough(shard: ShardRollForward, day: string): RollForwardRow | undefined {
  let found = shard.before;
  for (const row of shard.rows) if (row.day <= day) found = row;
  return found;
}

function addTotals(sum: RollForwardTotals, add: RollForwardTotals): void {
  for (const column of FLOW_COLUMNS) sum.flows[column] += add.flows[column] ?? 0;
  sum.activeDays += add.activeDays ?? 0;
  sum.activeMonths += add.activeMonths ?? 0;
  sum.underReview += add.underReview;
  sum.accounts += add.accounts;
  for (const [tier, count] of Object.entries(add.tiers ?? {})) sum.tiers[tier] = (sum.tiers[tier] ?? 0) + count;
  for (const [rule, points] of Object.entries(add.byRule)) sum.byRule[rule] = (sum.byRule[rule] ?? 0) + points;
}

function sumAfter(byDay: Record<string, number>, day: string): number {
  let sum = 0;
  for (const [key, points] of Object.entries(byDay)) if (key > day) sum += points;
  return sum;
}
