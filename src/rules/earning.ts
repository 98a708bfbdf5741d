// The points an order earns under a tenant's program, line by line, after caps. Pure: no clock, no
// I/O; it reads the program, the member's facts and the order, and mutates none of them.
//
// The one stated rounding rule: all arithmetic is on integers (minor units, basis points). Every
// breakdown line is floor(exact rational) computed once for that line by `floorScaled`, never a sum
// of rounded parts and never a float; BigInt takes over when a product passes 2^53.
//
// Lines, in this order (which is also the order the overall cap trims from the end):
// - nothing at all when amountMinor < program.minOrderMinor;
// - eligible = amountMinor − items matched by any active item_exclusion rule (not below 0); items
//   need not add up to the order amount and the un-itemised rest is eligible. item.amountMinor is
//   the line's total (quantity already included);
// - `base`            floor(eligible × rate), rate = baseRate.points / baseRate.perMinor;
// - `tier:<level>`    floor(eligible × rate × (m − 1)), m the member's level multiplier (unknown
//                     level id → the first level; m < 1.0× counts as 1.0×, i.e. no line);
// - `<rule id>`       per item_multiplier rule, program order: floor(S × rate × (m − 1)), S the
//                     matching non-excluded items (at most eligible);
// - `<campaign id>`   per campaign on (see campaigns.ts), priority then id, scope = eligible or, with
//                     categories, the non-excluded items in them (at most eligible). Of the best_of
//                     campaigns only the winner stays and acts like `add`. add: floor(scope × rate ×
//                     (m − 1)); multiply: floor(scope × rate × R × (m − 1)), R = tier multiplier ×
//                     the earlier multiply campaigns' multipliers. Multipliers < 1.0× count as 1.0×;
//                     gold 1.5× + multiply 2× on 100 yuan: base 100 + tier 50 + campaign 150 = 300;
// - `<rule id>`       per first_order rule (earningOrders = 0) and order_bonus rule (no match, or
//                     some non-excluded item matches), program order: bonusPoints.
// Every rule and campaign applies only inside its window and when its conditions hold (`tiers`
// compares the resolved level id). Each line is then cut to its own caps (rules and campaigns, by
// id, on the usage rolled to the order's local day), and the total to program.caps (OVERALL_CAP) by
// trimming from the last line backwards. Lines that end at 0 are dropped. The total saturates at
// 2^53 − 1 (as if that were one more overall cap), so every line and sum is an exact integer.
// A line is pending when its rule has pendingDays > 0 (base, tier and campaign lines use
// program.pendingDays); availableAt = the start of the local day that follows the order's day by the
// longest such pendingDays + 1 (7 days from an order on 11-11 at any hour: 11-19 00:00), 0 when nothing
// is pending. Whole days keep one member's pending points of a day in one lot.

import { type LocalDay, endOfDayAfter, localDayOf, monthKeyOf } from './calendar.js';
import { type Birthday, bestOfWinner, campaignOn } from './campaigns.js';
import { type CapUsage, OVERALL_CAP, capUsageOn, pointsWithinCaps } from './caps.js';
import { type CompiledBonus, type CompiledProgram, type CompiledTier, NO_CAPS, compiledProgramOf } from './compiled-program.js';
import { type ItemMatcher, conditionsHold, itemMatches } from './order-conditions.js';
import type { Caps, Program } from './program/program.js';
import { type Factor, floorScaled, gcd, multiplyExact } from './rounding.js';

export interface EarnFacts {
  /** The member's tier level id at the time of the order. */
  tier: string;
  birthday: Birthday;
  /** How many earlier orders of this member earned points (0 → this is the first order). */
  earningOrders: number;
  /** As kept by the actor; read as rolled to the order's local day. */
  capUsage: CapUsage;
}

export interface EarnItem {
  sku: string;
  category: string;
  amountMinor: number;
  quantity: number;
}

export interface EarnInput {
  amountMinor: number;
  items: EarnItem[];
  channel: string;
  storeId: string;
  occurredAt: number;
}

export interface BreakdownLine {
  ruleId: string;
  points: number;
}

export interface EarnCalculation {
  /** Sum of the breakdown points, ≥ 0. */
  points: number;
  /** One line per rule that granted > 0 points, after caps. */
  breakdown: BreakdownLine[];
  /** The part of points not available until availableAt. */
  pendingPoints: number;
  /** occurredAt + the longest pendingDays among pending lines × 1 day; 0 when nothing is pending. */
  availableAt: number;
  /** Local day and month of occurredAt in the program's zone: the cap counters' keys. */
  dayKey: string;
  monthKey: string;
}

export const BASE_LINE = 'base';

export function calculateEarn(program: Program, facts: EarnFacts, input: EarnInput): EarnCalculation {
  const p = compiledProgramOf(program);
  const day = localDayOf(input.occurredAt, program.timeZone);
  const monthKey = monthKeyOfDay(day);
  const breakdown: BreakdownLine[] = [];
  const result: EarnCalculation = { points: 0, breakdown, pendingPoints: 0, availableAt: 0, dayKey: day.key, monthKey };
  if (input.amountMinor < program.minOrderMinor) return result;

  const usage = capUsageOn(facts.capUsage, day.key, monthKey);
  const tier = p.tiers.get(facts.tier) ?? p.firstTier;
  const eligible = markExcludedItems(p, input, tier.id);
  grantedTotal = 0;

  grant(breakdown, usage, BASE_LINE, floorScaled(eligible, p.rate.numerator, p.rate.denominator), NO_CAPS, program.pendingDays);
  if (tier.extra)
    grant(breakdown, usage, tier.lineId, floorScaled(eligible, tier.extra.numerator, tier.extra.denominator), NO_CAPS, program.pendingDays);
  for (const rule of p.itemMultipliers) {
    if (!conditionsHold(rule.conditions, input, tier.id)) continue;
    const amount = Math.min(matchingAmount(rule.match, input.items), eligible);
    grant(breakdown, usage, rule.id, floorScaled(amount, rule.extra.numerator, rule.extra.denominator), rule.caps, rule.pendingDays);
  }
  grantCampaigns(p, breakdown, usage, input, tier, day, facts.birthday, eligible, program.pendingDays);
  for (const rule of p.bonuses) {
    if (bonusApplies(rule, facts, input, tier.id)) grant(breakdown, usage, rule.id, rule.bonusPoints, rule.caps, rule.pendingDays);
  }

  trimToOverallCap(breakdown, usage, program.caps);
  settlePending(result, input.occurredAt, program.timeZone);
  return result;
}

// Scratch state reused across calls: calculateEarn is synchronous and never re-entered, and the
// hot path must not allocate per order. excludedScratch[i] = 1 when item i is excluded.
let excludedScratch = new Uint8Array(64);
let anyExcluded = false;
const pendingDaysScratch: number[] = [];
let grantedTotal = 0;

/** Marks the items excluded by active item_exclusion rules and returns the eligible amount. */
function markExcludedItems(p: CompiledProgram, input: EarnInput, tier: string): number {
  anyExcluded = false;
  if (p.exclusions.length === 0) return Math.max(0, input.amountMinor);
  const items = input.items;
  if (excludedScratch.length < items.length) excludedScratch = new Uint8Array(items.length * 2);
  else excludedScratch.fill(0, 0, items.length);
  let excludedMinor = 0;
  for (const rule of p.exclusions) {
    if (!conditionsHold(rule.conditions, input, tier)) continue;
    for (let i = 0; i < items.length; i++) {
      if (excludedScratch[i] === 1 || !itemMatches(rule.match, items[i])) continue;
      excludedScratch[i] = 1;
      excludedMinor += items[i].amountMinor;
      anyExcluded = true;
    }
  }
  return Math.max(0, input.amountMinor - excludedMinor);
}

function isEligible(i: number): boolean {
  return !anyExcluded || excludedScratch[i] === 0;
}

function matchingAmount(match: ItemMatcher, items: EarnItem[]): number {
  let sum = 0;
  for (let i = 0; i < items.length; i++) if (isEligible(i) && itemMatches(match, items[i])) sum += items[i].amountMinor;
  return sum;
}

function bonusApplies(rule: CompiledBonus, facts: EarnFacts, input: EarnInput, tier: string): boolean {
  if (!conditionsHold(rule.conditions, input, tier)) return false;
  if (rule.firstOrderOnly) return facts.earningOrders === 0;
  if (rule.match === undefined) return true;
  for (let i = 0; i < input.items.length; i++) if (isEligible(i) && itemMatches(rule.match, input.items[i])) return true;
  return false;
}

function categoryAmount(categories: ReadonlySet<string>, items: EarnItem[]): number {
  let sum = 0;
  for (let i = 0; i < items.length; i++) if (isEligible(i) && categories.has(items[i].category)) sum += items[i].amountMinor;
  return sum;
}

function grantCampaigns(
  p: CompiledProgram,
  breakdown: BreakdownLine[],
  usage: CapUsage,
  input: EarnInput,
  tier: CompiledTier,
  day: LocalDay,
  birthday: Birthday,
  eligible: number,
  pendingDays: number,
): void {
  if (p.campaigns.length === 0) return;
  const winner = bestOfWinner(p.campaigns, input, tier.id, day, birthday);
  // R = tier multiplier × earlier multiply campaigns, kept in lowest terms so it stays a number.
  let rNumerator: Factor = tier.multiplier.numerator;
  let rDenominator: Factor = tier.multiplier.denominator;
  for (const c of p.campaigns) {
    if (c.stacking === 'best_of' ? c !== winner : !campaignOn(c, input, tier.id, day, birthday)) continue;
    const scope = c.categories === undefined ? eligible : Math.min(categoryAmount(c.categories, input.items), eligible);
    if (c.stacking !== 'multiply') {
      grant(breakdown, usage, c.id, floorScaled(scope, c.extra.numerator, c.extra.denominator), c.caps, pendingDays);
      continue;
    }
    const wanted = floorScaled(scope, multiplyExact(c.extra.numerator, rNumerator), multiplyExact(c.extra.denominator, rDenominator));
    grant(breakdown, usage, c.id, wanted, c.caps, pendingDays);
    rNumerator = multiplyExact(rNumerator, c.multiplier.numerator);
    rDenominator = multiplyExact(rDenominator, c.multiplier.denominator);
    if (typeof rNumerator === 'number' && typeof rDenominator === 'number') {
      const divisor = gcd(rNumerator, rDenominator);
      rNumerator /= divisor;
      rDenominator /= divisor;
    }
  }
}

/**
 * Appends a line of `wanted` points cut to the rule's own caps; nothing when that leaves 0. The
 * order's total saturates at 2^53 − 1 so that every line and sum stays an exact integer.
 */
function grant(breakdown: BreakdownLine[], usage: CapUsage, ruleId: string, wanted: number, caps: Caps, pendingDays: number): void {
  if (wanted <= 0) return;
  const capped = caps.perDay > 0 || caps.perMonth > 0 ? pointsWithinCaps(usage, ruleId, caps, wanted) : wanted;
  const points = Math.min(capped, Number.MAX_SAFE_INTEGER - grantedTotal);
  if (points <= 0) return;
  grantedTotal += points;
  pendingDaysScratch[breakdown.length] = pendingDays;
  breakdown.push({ ruleId, points });
}

/** Cuts the total to the overall caps from the last line backwards, so earlier lines stay whole. */
function trimToOverallCap(breakdown: BreakdownLine[], usage: CapUsage, caps: Caps): void {
  if (caps.perDay === 0 && caps.perMonth === 0) return;
  let excess = grantedTotal - pointsWithinCaps(usage, OVERALL_CAP, caps, grantedTotal);
  while (excess > 0) {
    const last = breakdown[breakdown.length - 1];
    const cut = Math.min(last.points, excess);
    last.points -= cut;
    excess -= cut;
    if (last.points === 0) breakdown.pop();
  }
}

function settlePending(result: EarnCalculation, occurredAt: number, timeZone: string): void {
  let maxPendingDays = 0;
  for (let i = 0; i < result.breakdown.length; i++) {
    const points = result.breakdown[i].points;
    result.points += points;
    if (pendingDaysScratch[i] > 0) {
      result.pendingPoints += points;
      if (pendingDaysScratch[i] > maxPendingDays) maxPendingDays = pendingDaysScratch[i];
    }
  }
  if (maxPendingDays > 0) result.availableAt = endOfDayAfter(occurredAt, 0, maxPendingDays, timeZone) + 1;
}

// localDayOf returns cached LocalDay objects, so the month key of the last day asked is reused.
let lastDay: LocalDay | undefined;
let lastMonthKey = '';

function monthKeyOfDay(day: LocalDay): string {
  if (day !== lastDay) {
    lastDay = day;
    lastMonthKey = monthKeyOf(day);
  }
  return lastMonthKey;
}
