// Which campaigns are on for an order: absolute window, recurrence on the order's LOCAL day in the
// program's zone, conditions; and of the best_of campaigns the one that wins. Compiled per program.

import type { LocalDay } from './calendar.js';
import { type CompiledConditions, type OrderFacts, compileConditions, conditionsHold } from './order-conditions.js';
import { BASIS_POINTS, type Campaign, type Caps, type Recurrence, type Stacking } from './program/program.js';
import { type Ratio, basisPointsRatio, multiplyRatios } from './rounding.js';

export type Birthday = { month: number; day: number } | undefined;

export interface CompiledCampaign {
  id: string;
  stacking: Stacking;
  priority: number;
  /** Multipliers below 1.0× are treated as 1.0×: a campaign never takes points away. */
  multiplierBp: number;
  /** multiplierBp / 10000 in lowest terms: what a `multiply` campaign contributes to later ones. */
  multiplier: Ratio;
  /** base rate × (multiplierBp − 10000) / 10000: points per minor unit of scope of an add-like line. */
  extra: Ratio;
  /** Categories the campaign's scope is limited to; undefined = the whole eligible amount. */
  categories: ReadonlySet<string> | undefined;
  conditions: CompiledConditions;
  recurrence: CompiledRecurrence;
  caps: Caps;
}

type CompiledRecurrence =
  | { kind: 'always' }
  | { kind: 'weekly'; weekdays: ReadonlySet<number> }
  | { kind: 'monthly'; days: ReadonlySet<number> }
  /** month × 100 + day */
  | { kind: 'yearly'; dates: ReadonlySet<number> }
  | { kind: 'birthday'; scope: 'day' | 'month' };

/** The program's campaigns in application order: priority ascending, then id. */
export function compileCampaigns(campaigns: readonly Campaign[], rate: Ratio): CompiledCampaign[] {
  return campaigns.map((c) => compileCampaign(c, rate)).sort(byPriorityThenId);
}

/** True when the campaign is on for this order: window, recurrence on the local day, conditions. */
export function campaignOn(c: CompiledCampaign, order: OrderFacts, tier: string, day: LocalDay, birthday: Birthday): boolean {
  return conditionsHold(c.conditions, order, tier) && recursOn(c.recurrence, day, birthday);
}

/** The one best_of campaign kept: highest multiplier, ties to the lower priority value, then the lower id. */
export function bestOfWinner(
  campaigns: readonly CompiledCampaign[],
  order: OrderFacts,
  tier: string,
  day: LocalDay,
  birthday: Birthday,
): CompiledCampaign | undefined {
  let winner: CompiledCampaign | undefined;
  // Campaigns are already in (priority, id) order, so the first of equal multipliers wins the tie.
  for (const c of campaigns) {
    if (c.stacking !== 'best_of' || !campaignOn(c, order, tier, day, birthday)) continue;
    if (winner === undefined || c.multiplierBp > winner.multiplierBp) winner = c;
  }
  return winner;
}

function compileCampaign(c: Campaign, rate: Ratio): CompiledCampaign {
  const multiplierBp = Math.max(c.multiplierBp, BASIS_POINTS);
  return {
    id: c.id,
    stacking: c.stacking,
    priority: c.priority,
    multiplierBp,
    multiplier: basisPointsRatio(multiplierBp),
    extra: multiplyRatios(rate, basisPointsRatio(multiplierBp - BASIS_POINTS)),
    categories: c.when.categories.length === 0 ? undefined : new Set(c.when.categories),
    conditions: compileConditions(c.when, c.validFrom, c.validTo),
    recurrence: compileRecurrence(c.recurrence),
    caps: c.caps,
  };
}

function compileRecurrence(r: Recurrence): CompiledRecurrence {
  switch (r.kind) {
    case 'always':
      return r;
    case 'weekly':
      return { kind: 'weekly', weekdays: new Set(r.weekdays) };
    case 'monthly':
      return { kind: 'monthly', days: new Set(r.days) };
    case 'yearly':
      return { kind: 'yearly', dates: new Set(r.dates.map((d) => d.month * 100 + d.day)) };
    case 'birthday':
      return { kind: 'birthday', scope: r.scope };
  }
}

function recursOn(r: CompiledRecurrence, day: LocalDay, birthday: Birthday): boolean {
  switch (r.kind) {
    case 'always':
      return true;
    case 'weekly':
      return r.weekdays.has(day.weekday);
    case 'monthly':
      return r.days.has(day.day);
    case 'yearly':
      return r.dates.has(day.month * 100 + day.day);
    case 'birthday':
      if (birthday === undefined || birthday.month !== day.month) return false;
      return r.scope === 'month' || birthday.day === day.day || isLeapDayObservedOn(birthday, day);
  }
}

/** A 29 February birthday is celebrated on 28 February in years without a 29th. */
function isLeapDayObservedOn(birthday: { month: number; day: number }, day: LocalDay): boolean {
  return birthday.month === 2 && birthday.day === 29 && day.day === 28 && !isLeapYear(day.year);
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function byPriorityThenId(a: CompiledCampaign, b: CompiledCampaign): number {
  if (a.priority !== b.priority) return a.priority - b.priority;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
