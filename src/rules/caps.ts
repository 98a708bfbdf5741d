// Earning caps per rule and overall, per local day and month. The member's actor keeps one CapUsage;
// calculations read it to trim points, and the fold adds each entry's breakdown to it.

import type { Caps } from './program/program.js';

/** Points earned so far in the current local day and month, by rule id; OVERALL_CAP for all of them. */
export interface CapUsage {
  dayKey: string;
  monthKey: string;
  day: Record<string, number>;
  month: Record<string, number>;
}

export const OVERALL_CAP = '*';

export function emptyCapUsage(): CapUsage {
  return { dayKey: '', monthKey: '', day: {}, month: {} };
}

/** The usage as seen on the given local day: counters of an earlier day or month read as zero. */
export function capUsageOn(usage: CapUsage, dayKey: string, monthKey: string): CapUsage {
  if (usage.dayKey === dayKey && usage.monthKey === monthKey) return usage;
  return {
    dayKey,
    monthKey,
    day: usage.dayKey === dayKey ? usage.day : {},
    month: usage.monthKey === monthKey ? usage.month : {},
  };
}

/** How many of `wanted` points the caps still allow for `key` (usage already rolled to the day). */
export function pointsWithinCaps(usage: CapUsage, key: string, caps: Caps, wanted: number): number {
  let allowed = wanted;
  if (caps.perDay > 0) allowed = Math.min(allowed, Math.max(0, caps.perDay - (usage.day[key] ?? 0)));
  if (caps.perMonth > 0) allowed = Math.min(allowed, Math.max(0, caps.perMonth - (usage.month[key] ?? 0)));
  return allowed;
}

/** Mutates `usage` (rolled to the day first): the actor is its only writer. */
export function recordCapUsage(usage: CapUsage, key: string, points: number): void {
  if (points === 0) return;
  usage.day[key] = (usage.day[key] ?? 0) + points;
  usage.month[key] = (usage.month[key] ?? 0) + points;
}
