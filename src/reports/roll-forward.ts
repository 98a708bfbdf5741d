// The points roll-forward (积分负债变动表) kept as running totals: how each ledger entry moves a
// tenant's outstanding points, by column, and the cumulative totals per (tenant, local day, shard)
// that the shard commits with its entries. Pure: the shard folds, the ledger stores, reports read.
//
// Outstanding (the liability) is the ledger balance less the points held for review: those are on
// the member's ledger (balance_after counts them) but not issued until an operator approves them, so
// an approval is an issue ("review approvals") and a rejection moves nothing here. Each entry's change
// of outstanding goes to exactly one flow column (an earn's is split into orders and campaigns and
// bonuses by its breakdown), so opening + Σ flows = closing holds by construction, to the point.

import { type LedgerEntry, NEVER_EXPIRES } from '../actor/entries.js';
import type { MemberState } from '../actor/member-state.js';
import { UNDER_REVIEW } from '../actor/risk/member-risk.js';

/** Signed flow columns: issues are positive, what leaves is negative (as it moves outstanding). */
export const FLOW_COLUMNS = [
  'issuedOrders',
  'issuedCampaignsAndBonuses',
  'issuedBehaviours',
  'issuedReferrals',
  'issuedImports',
  'issuedTransfersIn',
  'issuedReviewApprovals',
  'reversed',
  'redeemedMall',
  'redeemedHolds',
  'redeemed',
  'expired',
  'transferredOut',
  'adjustments',
] as const;

export type FlowColumn = (typeof FLOW_COLUMNS)[number];
export type Flows = Record<FlowColumn, number>;

/** Cumulative totals of one tenant on one shard, through the end of a local day. */
export interface RollForwardTotals {
  /** Cumulative flows since the ledger began; their sum is the outstanding balance. */
  flows: Flows;
  /** Points held for review (on the ledger, not outstanding) at the time of the last entry. */
  underReview: number;
  /** Pending points (return window) by the local day they become available, for days after the row's day. */
  pending: Record<string, number>;
  /** Points in open holds (积分抵现) by the local day the hold lapses, for days after the row's day. */
  held: Record<string, number>;
  /** Outstanding points in lots by the local day they expire, for days after the row's day (never-expiring lots not counted). */
  expiring: Record<string, number>;
  /** Member accounts (members with at least one entry; the engine's own actors not counted). */
  accounts: number;
  /** Accounts per tier level id ('' = the program's first level). */
  tiers: Record<string, number>;
  /**
   * Cumulative (member, local day) and (member, local month) pairs with an entry: their change over a
   * day is the members active that day, over a calendar month the members active that month.
   */
  activeDays: number;
  activeMonths: number;
  /** Cumulative issued points per rule id (breakdown lines of earns, behaviours, referrals). */
  byRule: Record<string, number>;
}

export interface RollForwardRow {
  tenantId: string;
  /** Local day 'YYYY-MM-DD' in the tenant's time zone: the totals are as of its end. */
  day: string;
  totals: RollForwardTotals;
}

/** What of a member's state the roll-forward reads before and after an entry. */
export interface MemberFigures {
  underReview: number;
  /** availableAt (ms) → pending points of lots with that availability. */
  pending: Map<number, number>;
  /** hold expiresAt (ms) → points held. */
  held: Map<number, number>;
  /** lot expiresAt (ms) → points of expiring lots not under review. */
  expiring: Map<number, number>;
  tier: string;
  /** When the member's previous entry was decided (0 = none). */
  lastEntryAt: number;
}

/** One entry's effect, with instants still in ms (the shard turns them into the tenant's local days). */
export interface RollForwardDelta {
  tenantId: string;
  /** When the entry was decided: its day is the row it lands in. */
  at: number;
  flows: Partial<Flows>;
  underReview: number;
  pending: Map<number, number>;
  held: Map<number, number>;
  expiring: Map<number, number>;
  accounts: number;
  tiers: Record<string, number>;
  byRule: Record<string, number>;
  /** When the member's previous entry was decided (0 = none; -1 = not a member account: never active). */
  previousEntryAt: number;
}

export function emptyTotals(): RollForwardTotals {
  const flows = {} as Flows;
  for (const column of FLOW_COLUMNS) flows[column] = 0;
  return { flows, underReview: 0, pending: {}, held: {}, expiring: {}, accounts: 0, tiers: {}, activeDays: 0, activeMonths: 0, byRule: {} };
}

/** Outstanding points: the sum of the flows. */
export function outstandingOf(totals: RollForwardTotals): number {
  let sum = 0;
  for (const column of FLOW_COLUMNS) sum += totals.flows[column];
  return sum;
}

export function figuresOf(state: MemberState): MemberFigures {
  let underReview = 0;
  const pending = new Map<number, number>();
  const expiring = new Map<number, number>();
  for (const lot of state.lots) {
    if (lot.availableAt === UNDER_REVIEW) {
      underReview += lot.points;
      continue;
    }
    if (lot.availableAt > 0) pending.set(lot.availableAt, (pending.get(lot.availableAt) ?? 0) + lot.points);
    if (lot.expiresAt !== NEVER_EXPIRES) expiring.set(lot.expiresAt, (expiring.get(lot.expiresAt) ?? 0) + lot.points);
  }
  const held = new Map<number, number>();
  for (const hold of state.holds) held.set(hold.expiresAt, (held.get(hold.expiresAt) ?? 0) + hold.points);
  return { underReview, pending, held, expiring, tier: state.tier, lastEntryAt: state.lastEntryAt ?? 0 };
}

/**
 * What one entry did to the roll-forward, from the member's figures before and after it. `campaignRules`
 * are the rule ids whose breakdown lines count as campaigns and bonuses rather than the order's own points.
 */
export function deltaOf(
  entry: LedgerEntry,
  before: MemberFigures,
  after: MemberFigures,
  campaignRules: ReadonlySet<string>,
): RollForwardDelta {
  const reviewChange = after.underReview - before.underReview;
  const outstanding = entry.points - reviewChange;
  const counted = !entry.memberId.startsWith('§');
  const tiers: Record<string, number> = {};
  if (counted && entry.seq === 1) tiers[after.tier] = 1;
  else if (counted && before.tier !== after.tier) {
    tiers[before.tier] = -1;
    tiers[after.tier] = 1;
  }
  const delta: RollForwardDelta = {
    tenantId: entry.tenantId,
    at: entry.createdAt,
    flows: {},
    underReview: reviewChange,
    pending: mapDiff(before.pending, after.pending),
    held: mapDiff(before.held, after.held),
    expiring: mapDiff(before.expiring, after.expiring),
    accounts: entry.seq === 1 && counted ? 1 : 0,
    tiers,
    byRule: {},
    previousEntryAt: counted ? before.lastEntryAt : -1,
  };
  if (outstanding === 0) return delta;
  const lines = entry.detail?.breakdown ?? [];
  // Lines are attributed only when the whole entry was issued (none of it went to review).
  const whole = outstanding === entry.points;
  if (whole) for (const line of lines) delta.byRule[line.ruleId] = (delta.byRule[line.ruleId] ?? 0) + line.points;
  if (entry.type === 'earn' && whole) {
    let campaigns = 0;
    for (const line of lines) if (campaignRules.has(line.ruleId)) campaigns += line.points;
    campaigns = Math.max(0, Math.min(campaigns, outstanding));
    if (campaigns > 0) delta.flows.issuedCampaignsAndBonuses = campaigns;
    if (outstanding - campaigns !== 0) delta.flows.issuedOrders = outstanding - campaigns;
    return delta;
  }
  delta.flows[columnOf(entry)] = outstanding;
  return delta;
}

/** The flow column an entry's change of outstanding belongs to (an earn's own points: orders). */
export function columnOf(entry: LedgerEntry): FlowColumn {
  switch (entry.type) {
    case 'earn':
      return 'issuedOrders';
    case 'enroll':
    case 'activity':
      return 'issuedBehaviours';
    case 'referral':
      return 'issuedReferrals';
    case 'import':
      return 'issuedImports';
    case 'transfer_in':
      return 'issuedTransfersIn';
    case 'review':
      // An approval issues what review held; a rejection moves nothing here unless review points had paid debt.
      return entry.detail?.risk?.review?.decision === 'approve' ? 'issuedReviewApprovals' : 'reversed';
    case 'reverse':
      return 'reversed';
    case 'redeem_reward':
    case 'lottery_draw':
    case 'redemption_update':
      return 'redeemedMall';
    case 'capture':
      return 'redeemedHolds';
    case 'redeem':
      return 'redeemed';
    case 'expire':
      return 'expired';
    case 'transfer_out':
      return 'transferredOut';
    default:
      // adjust, and anything that would move points without a column of its own
      return 'adjustments';
  }
}

/**
 * Adds a delta to cumulative totals. `dayOf` turns an instant into the tenant's local day; keys of
 * pending and held at or before `today` are dropped (no closing from today on counts them).
 */
export function addDelta(totals: RollForwardTotals, delta: RollForwardDelta, dayOf: (ms: number) => string, today: string): void {
  for (const column of FLOW_COLUMNS) {
    const value = delta.flows[column];
    if (value) totals.flows[column] += value;
  }
  totals.underReview += delta.underReview;
  totals.accounts += delta.accounts;
  for (const [ruleId, points] of Object.entries(delta.byRule)) totals.byRule[ruleId] = (totals.byRule[ruleId] ?? 0) + points;
  for (const [tier, count] of Object.entries(delta.tiers)) {
    const sum = (totals.tiers[tier] ?? 0) + count;
    if (sum === 0) delete totals.tiers[tier];
    else totals.tiers[tier] = sum;
  }
  addByDay(totals.pending, delta.pending, dayOf, today);
  addByDay(totals.held, delta.held, dayOf, today);
  addByDay(totals.expiring, delta.expiring, dayOf, today);
  if (delta.previousEntryAt >= 0) {
    const previous = delta.previousEntryAt === 0 ? '' : dayOf(delta.previousEntryAt);
    const day = dayOf(delta.at);
    if (previous !== day) totals.activeDays = (totals.activeDays ?? 0) + 1;
    if (previous.slice(0, 7) !== day.slice(0, 7)) totals.activeMonths = (totals.activeMonths ?? 0) + 1;
  }
}

/** Drops pending and held keys that no closing from `today` on can count. */
export function pruneThrough(totals: RollForwardTotals, today: string): void {
  for (const key of Object.keys(totals.pending)) if (key <= today || totals.pending[key] === 0) delete totals.pending[key];
  for (const key of Object.keys(totals.held)) if (key <= today || totals.held[key] === 0) delete totals.held[key];
  for (const key of Object.keys(totals.expiring)) if (key <= today || totals.expiring[key] === 0) delete totals.expiring[key];
}

export function cloneTotals(totals: RollForwardTotals): RollForwardTotals {
  return {
    flows: { ...totals.flows },
    underReview: totals.underReview,
    pending: { ...totals.pending },
    held: { ...totals.held },
    expiring: { ...totals.expiring },
    accounts: totals.accounts,
    tiers: { ...totals.tiers },
    activeDays: totals.activeDays ?? 0,
    activeMonths: totals.activeMonths ?? 0,
    byRule: { ...totals.byRule },
  };
}

function addByDay(target: Record<string, number>, changes: Map<number, number>, dayOf: (ms: number) => string, today: string): void {
  for (const [at, points] of changes) {
    if (at === NEVER_EXPIRES) continue;
    const day = dayOf(at);
    if (day <= today) continue;
    const sum = (target[day] ?? 0) + points;
    if (sum === 0) delete target[day];
    else target[day] = sum;
  }
}

function mapDiff(before: Map<number, number>, after: Map<number, number>): Map<number, number> {
  const diff = new Map<number, number>();
  for (const [key, value] of after) {
    const change = value - (before.get(key) ?? 0);
    if (change !== 0) diff.set(key, change);
  }
  for (const [key, value] of before) if (!after.has(key) && value !== 0) diff.set(key, -value);
  return diff;
}
