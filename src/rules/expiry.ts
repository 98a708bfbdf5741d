// When a lot of earned points expires (有效期) and when its holder is told (即将过期提醒). Every date
// is a local day in the program's time zone, so a lot earned at 23:30 in Shanghai counts as that day.

import { endOfDayAfter, endOfLocalYear, localDayOf, startOfLocalDate } from './calendar.js';
import type { ExpiryPolicy } from './program/program.js';

/** expiresAt of a lot that never expires (and noticeAt of a lot with no notice). */
export const NEVER = 0;

/** Last millisecond at which a lot earned at `earnedAt` can still be spent; NEVER for a policy that keeps points. */
export function lotExpiresAt(policy: ExpiryPolicy, earnedAt: number, timeZone: string): number {
  switch (policy.kind) {
    case 'never':
      return NEVER;
    case 'rolling':
      return endOfDayAfter(earnedAt, policy.months, policy.days, timeZone);
    case 'calendar':
      // The earn's local year, not its UTC year: 2026-12-31 23:30 UTC is already 2027 in Shanghai.
      return endOfLocalYear(localDayOf(earnedAt, timeZone).year + policy.years, timeZone);
  }
}

/** Start of the local day `noticeDays` days before the expiry day; NEVER when there is nothing to announce. */
export function expiryNoticeAt(policy: ExpiryPolicy, expiresAt: number, timeZone: string): number {
  if (expiresAt === NEVER || policy.noticeDays <= 0) return NEVER;
  const day = localDayOf(expiresAt, timeZone);
  // Counted in local days, not 24 h steps, so the notice lands on midnight also across offset changes.
  return startOfLocalDate(day.year, day.month, day.day - policy.noticeDays, timeZone);
}
