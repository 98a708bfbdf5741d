// Member tiers (会员等级): upgrade the moment the qualifying metric crosses a higher threshold (升级),
// and when a level's validity ends keep it (保级) or drop to the highest level still retained (降级).
// Pure: the actor keeps TierFacts and applies the TierChange computed here.

import { addMonthsClamped, endOfDayAfter, localDayOf, monthKeyOf, startOfLocalDate } from './calendar.js';
import type { Program, TierLevel, TierPolicy } from './program/program.js';

/** What the actor keeps about a member's tier. */
export interface TierFacts {
  /** Level id; '' = not yet assigned, read as the first level. */
  tier: string;
  /** Epoch ms at which the current level is reviewed; 0 = never (the first level). */
  validUntil: number;
  /** Qualifying metric per local month 'YYYY-MM' (minor units or points, per policy.metric); may be negative after refunds. */
  metric: Record<string, number>;
}

export interface TierChange {
  from: string;
  to: string;
  /** The new facts.validUntil: 0 once the member is back on the first level. */
  validUntil: number;
  reason: 'upgrade' | 'retain' | 'downgrade';
}

export interface TierProgress {
  tier: TierLevel;
  /** undefined on the top level. */
  nextTier: TierLevel | undefined;
  metric: number;
  /** Metric still missing for nextTier; 0 on the top level. */
  needed: number;
}

/** A window is at most 12 months; keeping 24 leaves room for a review that runs late. */
const METRIC_MONTHS_KEPT = 24;

/** The level with this id; an unknown id (or '', or a level removed from the program) reads as the first level. */
export function tierLevel(program: Program, id: string): TierLevel {
  return program.tiers.levels[levelIndex(program.tiers, id)];
}

/** The metric bucket an instant counts towards. */
export function metricMonthKey(at: number, timeZone: string): string {
  return monthKeyOf(localDayOf(at, timeZone));
}

/** Qualifying metric over the policy's window as of `now`: the 12 local months ending with now's, or now's local year. */
export function metricInWindow(policy: TierPolicy, metric: Record<string, number>, now: number, timeZone: string): number {
  const { first, last } = windowOf(policy, now, timeZone);
  let sum = 0;
  // 'YYYY-MM' keys compare as strings in calendar order.
  for (const month in metric) if (month >= first && month <= last) sum += metric[month];
  return sum;
}

/**
 * The upgrade that `delta` (not yet in facts.metric, counted in now's month) brings, if any: straight to
 * the highest level reached. Never lower: a refund only waits for the next review.
 */
export function upgradeAfter(program: Program, facts: TierFacts, now: number, delta: number): TierChange | undefined {
  const policy = program.tiers;
  const current = levelIndex(policy, facts.tier);
  const metric = metricInWindow(policy, facts.metric, now, program.timeZone) + delta;
  const reached = highestIndex(policy.levels, current + 1, policy.levels.length - 1, (level) => level.threshold <= metric);
  if (reached === undefined) return undefined;
  return {
    from: policy.levels[current].id,
    to: policy.levels[reached].id,
    validUntil: endOfDayAfter(now, policy.validityMonths, 0, program.timeZone),
    reason: 'upgrade',
  };
}

/** At or after facts.validUntil (the engine reviews on the millisecond after it): retain the level for another validity period, or step down to what the metric retains. */
export function reviewTier(program: Program, facts: TierFacts, now: number): TierChange | undefined {
  if (facts.validUntil <= 0 || now < facts.validUntil) return undefined;
  const policy = program.tiers;
  const timeZone = program.timeZone;
  const current = levelIndex(policy, facts.tier);
  const from = policy.levels[current].id;
  // The first level is held for good; a validUntil left on it (its level was removed) is only cleared.
  if (current === 0) return { from, to: from, validUntil: 0, reason: 'retain' };
  const metric = metricInWindow(policy, facts.metric, reviewWindowEnd(policy, facts.validUntil, timeZone), timeZone);
  if (metric >= policy.levels[current].retain) {
    // Extended from the old review day, not from now, so a late review does not lengthen the period.
    return { from, to: from, validUntil: endOfDayAfter(facts.validUntil, policy.validityMonths, 0, timeZone), reason: 'retain' };
  }
  const to = highestIndex(policy.levels, 0, current - 1, (level) => level.retain <= metric) ?? 0;
  return {
    from,
    to: policy.levels[to].id,
    // Like a retained level, the new period runs from the old review day, however late the review ran.
    validUntil: to === 0 ? 0 : endOfDayAfter(facts.validUntil, policy.validityMonths, 0, timeZone),
    reason: 'downgrade',
  };
}

/**
 * The instant whose window a review measures, however late it runs: the rolling window that ends
 * with the validity; for calendar years the last complete year (the validity's own year when it ends
 * on 31 December, else the year before, so a level reached in March is not judged on two months).
 */
function reviewWindowEnd(policy: TierPolicy, validUntil: number, timeZone: string): number {
  if (policy.window !== 'calendar_year') return validUntil;
  const day = localDayOf(validUntil, timeZone);
  if (day.month === 12 && day.day === 31) return validUntil;
  return startOfLocalDate(day.year - 1, 7, 1, timeZone);
}

/** Where the member stands: current level, the next one, and the metric still needed for it. */
export function tierProgress(program: Program, facts: TierFacts, now: number): TierProgress {
  const policy = program.tiers;
  const current = levelIndex(policy, facts.tier);
  const metric = metricInWindow(policy, facts.metric, now, program.timeZone);
  const nextTier = policy.levels[current + 1];
  return {
    tier: policy.levels[current],
    nextTier,
    metric,
    needed: nextTier ? Math.max(0, nextTier.threshold - metric) : 0,
  };
}

/** A new object with only the buckets of the last 24 local months (later months, from a clock running behind, stay). */
export function pruneMetric(metric: Record<string, number>, now: number, timeZone: string): Record<string, number> {
  const today = localDayOf(now, timeZone);
  const oldest = monthKeyOf(addMonthsClamped(today.year, today.month, 1, 1 - METRIC_MONTHS_KEPT));
  const kept: Record<string, number> = {};
  for (const month in metric) if (month >= oldest) kept[month] = metric[month];
  return kept;
}

/** Position of a level in the program's order (0 = the first level; unknown ids read as 0). */
export function tierRank(program: Program, id: string): number {
  return levelIndex(program.tiers, id);
}

function levelIndex(policy: TierPolicy, id: string): number {
  const index = policy.levels.findIndex((level) => level.id === id);
  return Math.max(index, 0); // -1, an unknown id, reads as the first level
}

/** Highest index in [from, to] whose level passes `test`. */
function highestIndex(levels: TierLevel[], from: number, to: number, test: (level: TierLevel) => boolean): number | undefined {
  for (let i = to; i >= from; i--) if (test(levels[i])) return i;
  return undefined;
}

function windowOf(policy: TierPolicy, now: number, timeZone: string): { first: string; last: string } {
  const today = localDayOf(now, timeZone);
  if (policy.window === 'calendar_year') return { first: `${today.year}-01`, last: `${today.year}-12` };
  return { first: monthKeyOf(addMonthsClamped(today.year, today.month, 1, -11)), last: monthKeyOf(today) };
}
