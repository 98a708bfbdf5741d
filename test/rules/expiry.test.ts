// Lot expiry dates and expiring-soon notices, worked out by hand in the program's local days.

import { describe, expect, it } from 'vitest';
import { expiryNoticeAt, lotExpiresAt, NEVER } from '../../src/rules/expiry.js';
import type { ExpiryPolicy } from '../../src/rules/program/program.js';

const SHANGHAI = 'Asia/Shanghai';
const NEW_YORK = 'America/New_York';

/** Local wall time 'YYYY-MM-DD HH:mm[:ss.sss]' at a fixed offset, e.g. at('2026-01-31 10:00') in Shanghai. */
function at(wall: string, offset = '+08:00'): number {
  return Date.parse(wall.replace(' ', 'T') + offset);
}

const rolling = (months: number, days: number, noticeDays = 0): ExpiryPolicy => ({ kind: 'rolling', months, days, noticeDays });
const calendar = (years: number, noticeDays = 0): ExpiryPolicy => ({ kind: 'calendar', years, noticeDays });
const never: ExpiryPolicy = { kind: 'never', noticeDays: 30 };

describe('lotExpiresAt', () => {
  it.each([
    {
      case: 'rolling 1 month from 31 Jan ends on the last day of February',
      policy: rolling(1, 0),
      earnedAt: at('2026-01-31 10:00'),
      expires: at('2026-02-28 23:59:59.999'),
    },
    {
      case: 'rolling 12 months from a leap day ends on 28 Feb',
      policy: rolling(12, 0),
      earnedAt: at('2024-02-29 09:00'),
      expires: at('2025-02-28 23:59:59.999'),
    },
    {
      case: 'rolling 24 months ends on the same day two years on',
      policy: rolling(24, 0),
      earnedAt: at('2026-03-15 08:00'),
      expires: at('2028-03-15 23:59:59.999'),
    },
    {
      case: 'rolling 30 days counts calendar days across February',
      policy: rolling(0, 30),
      earnedAt: at('2026-01-31 10:00'),
      expires: at('2026-03-02 23:59:59.999'),
    },
    {
      case: 'rolling 0/0 ends with the earn day itself',
      policy: rolling(0, 0),
      earnedAt: at('2026-05-05 00:00'),
      expires: at('2026-05-05 23:59:59.999'),
    },
    {
      case: 'an earn at 23:30 local counts as that local day',
      policy: rolling(1, 0),
      earnedAt: at('2026-01-31 23:30'),
      expires: at('2026-02-28 23:59:59.999'),
    },
    {
      case: 'an earn at 00:30 local (still the day before in UTC) counts as the new day',
      policy: rolling(1, 0),
      earnedAt: Date.parse('2026-01-31T16:30:00Z'),
      expires: at('2026-03-01 23:59:59.999'),
    },
    {
      case: 'calendar years 0 ends with the same local year',
      policy: calendar(0),
      earnedAt: at('2026-05-01 12:00'),
      expires: at('2026-12-31 23:59:59.999'),
    },
    {
      case: 'calendar years 1 from 31 Dec 23:30 ends a year later',
      policy: calendar(1),
      earnedAt: at('2026-12-31 23:30'),
      expires: at('2027-12-31 23:59:59.999'),
    },
    {
      case: 'calendar years 1 from an instant that is 2026 in UTC but 2027 locally',
      policy: calendar(1),
      earnedAt: Date.parse('2026-12-31T16:30:00Z'),
      expires: at('2028-12-31 23:59:59.999'),
    },
    { case: 'never keeps the lot', policy: never, earnedAt: at('2026-05-01 12:00'), expires: NEVER },
  ])('$case', ({ policy, earnedAt, expires }) => {
    expect(lotExpiresAt(policy, earnedAt, SHANGHAI)).toBe(expires);
  });

  it('ends at local midnight also when the month in between changes the offset (New York, DST)', () => {
    const earnedAt = at('2026-02-08 12:00', '-05:00');
    expect(lotExpiresAt(rolling(1, 0), earnedAt, NEW_YORK)).toBe(at('2026-03-08 23:59:59.999', '-04:00'));
  });
});

describe('expiryNoticeAt', () => {
  it.each([
    {
      case: '30 days ahead of 28 Feb is the start of 29 Jan',
      policy: rolling(12, 0, 30),
      expiresAt: at('2027-02-28 23:59:59.999'),
      notice: at('2027-01-29 00:00'),
    },
    {
      case: '7 days ahead of the calendar year end is the start of 24 Dec',
      policy: calendar(1, 7),
      expiresAt: at('2027-12-31 23:59:59.999'),
      notice: at('2027-12-24 00:00'),
    },
    {
      case: '1 day ahead is the start of the day before',
      policy: rolling(0, 10, 1),
      expiresAt: at('2026-03-01 23:59:59.999'),
      notice: at('2026-02-28 00:00'),
    },
    { case: 'noticeDays 0 sends no notice', policy: rolling(12, 0, 0), expiresAt: at('2027-02-28 23:59:59.999'), notice: 0 },
    { case: 'a lot that never expires gets no notice', policy: never, expiresAt: NEVER, notice: 0 },
  ])('$case', ({ policy, expiresAt, notice }) => {
    expect(expiryNoticeAt(policy, expiresAt, SHANGHAI)).toBe(notice);
  });

  it('counts local days across a DST change (New York)', () => {
    const expiresAt = at('2026-03-10 23:59:59.999', '-04:00');
    expect(expiryNoticeAt(rolling(1, 0, 7), expiresAt, NEW_YORK)).toBe(at('2026-03-03 00:00', '-05:00'));
  });
});
