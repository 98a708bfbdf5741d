// Tiers: upgrade at once, retain or step down at review, progress, over rolling and calendar windows.
// Levels: 普通 0 / 银卡 2,000 yuan / 金卡 10,000 yuan / 钻石 50,000 yuan of spend (minor units).

import { describe, expect, it } from 'vitest';
import type { Program, TierPolicy } from '../../src/rules/program/program.js';
import { CHINA_TIERS, programFixture } from './program-fixture.js';
import {
  metricInWindow,
  metricMonthKey,
  pruneMetric,
  reviewTier,
  type TierFacts,
  tierLevel,
  tierProgress,
  upgradeAfter,
} from '../../src/rules/tiers.js';

const SHANGHAI = 'Asia/Shanghai';

function at(wall: string): number {
  return Date.parse(wall.replace(' ', 'T') + '+08:00');
}

function endOf(day: string): number {
  return at(`${day} 23:59:59.999`);
}

function program(window: TierPolicy['window'] = 'rolling_12_months'): Program {
  return programFixture({ tiers: { metric: 'spend', window, validityMonths: 12, levels: CHINA_TIERS } });
}

function facts(tier: string, metric: Record<string, number>, validUntil = 0): TierFacts {
  return { tier, validUntil, metric };
}

describe('upgradeAfter', () => {
  const now = at('2026-06-10 15:00');
  const validUntil = endOf('2027-06-10');
  it.each([
    { case: 'spend below the next threshold changes nothing', facts: facts('normal', {}), delta: 150_000, change: undefined },
    {
      case: 'reaching 银卡 exactly upgrades one level',
      facts: facts('normal', { '2026-05': 150_000 }),
      delta: 50_000,
      change: { from: 'normal', to: 'silver', validUntil, reason: 'upgrade' },
    },
    {
      case: 'crossing two levels at once goes straight to 金卡',
      facts: facts('normal', { '2026-03': 900_000 }),
      delta: 200_000,
      change: { from: 'normal', to: 'gold', validUntil, reason: 'upgrade' },
    },
    {
      case: 'a new member (tier unassigned) can jump to 钻石',
      facts: facts('', {}),
      delta: 5_000_000,
      change: { from: 'normal', to: 'diamond', validUntil, reason: 'upgrade' },
    },
    {
      case: 'from 银卡 to 金卡',
      facts: facts('silver', { '2026-01': 400_000, '2026-06': 500_000 }, endOf('2026-12-01')),
      delta: 100_000,
      change: { from: 'silver', to: 'gold', validUntil, reason: 'upgrade' },
    },
    {
      case: 'the top level has nowhere to go',
      facts: facts('diamond', { '2026-06': 9_000_000 }, endOf('2027-01-01')),
      delta: 1_000_000,
      change: undefined,
    },
    {
      case: 'a refund below the level threshold never downgrades at once',
      facts: facts('gold', { '2026-05': 1_500_000 }, endOf('2027-05-01')),
      delta: -1_400_000,
      change: undefined,
    },
    {
      case: 'a refund (negative month) lowers the metric a purchase must make up',
      facts: facts('normal', { '2026-05': 300_000, '2026-06': -200_000 }),
      delta: 90_000,
      change: undefined,
    },
    {
      case: 'after a refund, enough new spend still upgrades',
      facts: facts('normal', { '2026-05': 300_000, '2026-06': -200_000 }),
      delta: 100_000,
      change: { from: 'normal', to: 'silver', validUntil, reason: 'upgrade' },
    },
    {
      case: 'months older than the rolling 12 do not count',
      facts: facts('normal', { '2025-06': 150_000 }),
      delta: 60_000,
      change: undefined,
    },
    {
      case: 'the oldest month of the rolling 12 (July last year) counts',
      facts: facts('normal', { '2025-07': 150_000 }),
      delta: 60_000,
      change: { from: 'normal', to: 'silver', validUntil, reason: 'upgrade' },
    },
  ])('$case', ({ facts, delta, change }) => {
    expect(upgradeAfter(program(), facts, now, delta)).toEqual(change);
  });
});

describe('reviewTier', () => {
  const due = endOf('2026-06-10');
  const now = at('2026-06-11 00:00:05');
  it.each([
    { case: 'the base level is never reviewed', facts: facts('normal', {}, 0), now, change: undefined },
    { case: 'nothing happens before validUntil', facts: facts('silver', {}, due), now: due - 1, change: undefined },
    {
      case: '银卡 with 120,000 over the window (retain 100,000) is kept a year from its old end',
      facts: facts('silver', { '2025-09': 20_000, '2026-06': 100_000 }, due),
      now,
      change: { from: 'silver', to: 'silver', validUntil: endOf('2027-06-10'), reason: 'retain' },
    },
    {
      case: 'a late review extends from the old end, not from now',
      facts: facts('silver', { '2026-06': 120_000 }, due),
      now: at('2026-08-01 09:00'),
      change: { from: 'silver', to: 'silver', validUntil: endOf('2027-06-10'), reason: 'retain' },
    },
    {
      case: '金卡 at exactly its retain 500,000 is kept',
      facts: facts('gold', { '2026-01': 500_000 }, due),
      now,
      change: { from: 'gold', to: 'gold', validUntil: endOf('2027-06-10'), reason: 'retain' },
    },
    {
      case: '金卡 with 300,000 steps down one level to 银卡, held a year from its old end',
      facts: facts('gold', { '2026-01': 300_000 }, due),
      now,
      change: { from: 'gold', to: 'silver', validUntil: endOf('2027-06-10'), reason: 'downgrade' },
    },
    {
      case: '钻石 with 600,000 steps down two levels to 金卡',
      facts: facts('diamond', { '2026-01': 600_000 }, due),
      now,
      change: { from: 'diamond', to: 'gold', validUntil: endOf('2027-06-10'), reason: 'downgrade' },
    },
    {
      case: '钻石 with 50,000 drops to 普通, which is never reviewed again',
      facts: facts('diamond', { '2026-01': 50_000 }, due),
      now,
      change: { from: 'diamond', to: 'normal', validUntil: 0, reason: 'downgrade' },
    },
    {
      case: 'refunds count against retention',
      facts: facts('silver', { '2026-01': 150_000, '2026-02': -60_000 }, due),
      now,
      change: { from: 'silver', to: 'normal', validUntil: 0, reason: 'downgrade' },
    },
    {
      case: 'spend outside the window does not retain',
      facts: facts('silver', { '2025-06': 5_000_000 }, due),
      now,
      change: { from: 'silver', to: 'normal', validUntil: 0, reason: 'downgrade' },
    },
    {
      case: 'a level no longer in the program reads as 普通 and only loses its validUntil',
      facts: facts('platinum', {}, due),
      now,
      change: { from: 'normal', to: 'normal', validUntil: 0, reason: 'retain' },
    },
  ])('$case', ({ facts, now, change }) => {
    expect(reviewTier(program(), facts, now)).toEqual(change);
  });
});

describe('tierProgress', () => {
  const now = at('2026-06-10 15:00');
  it.each([
    {
      case: '普通 with 150,000 needs 50,000 more for 银卡',
      facts: facts('normal', { '2026-06': 150_000 }),
      tier: 'normal',
      next: 'silver',
      metric: 150_000,
      needed: 50_000,
    },
    { case: 'an unassigned member starts at 普通', facts: facts('', {}), tier: 'normal', next: 'silver', metric: 0, needed: 200_000 },
    {
      case: 'a refund raises what is needed',
      facts: facts('silver', { '2026-05': 400_000, '2026-06': -100_000 }),
      tier: 'silver',
      next: 'gold',
      metric: 300_000,
      needed: 700_000,
    },
    {
      case: 'needed never goes below zero',
      facts: facts('silver', { '2026-06': 1_200_000 }),
      tier: 'silver',
      next: 'gold',
      metric: 1_200_000,
      needed: 0,
    },
    {
      case: '钻石 has no next level',
      facts: facts('diamond', { '2026-06': 6_000_000 }),
      tier: 'diamond',
      next: undefined,
      metric: 6_000_000,
      needed: 0,
    },
  ])('$case', ({ facts, tier, next, metric, needed }) => {
    const progress = tierProgress(program(), facts, now);
    expect(progress.tier.id).toBe(tier);
    expect(progress.nextTier?.id).toBe(next);
    expect(progress).toMatchObject({ metric, needed });
  });
});

describe('windows at the year boundary in Asia/Shanghai', () => {
  const metric = { '2026-11': 150_000, '2026-12': 40_000, '2027-01': 30_000 };
  const lastEvening = Date.parse('2026-12-31T15:30:00Z'); // 2026-12-31 23:30 local
  const newYear = Date.parse('2026-12-31T16:30:00Z'); // 2027-01-01 00:30 local, still 2026 in UTC

  it.each([
    { case: 'rolling on 31 Dec local: Jan–Dec 2026', window: 'rolling_12_months' as const, now: lastEvening, sum: 190_000 },
    { case: 'calendar on 31 Dec local: the year 2026', window: 'calendar_year' as const, now: lastEvening, sum: 190_000 },
    { case: 'rolling on 1 Jan local: Feb 2026–Jan 2027', window: 'rolling_12_months' as const, now: newYear, sum: 220_000 },
    { case: 'calendar on 1 Jan local: only 2027', window: 'calendar_year' as const, now: newYear, sum: 30_000 },
  ])('$case', ({ window, now, sum }) => {
    expect(metricInWindow(program(window).tiers, metric, now, SHANGHAI)).toBe(sum);
  });

  it('buckets an instant by its local month', () => {
    expect(metricMonthKey(newYear, SHANGHAI)).toBe('2027-01');
    expect(metricMonthKey(lastEvening, SHANGHAI)).toBe('2026-12');
  });

  it.each([
    { window: 'rolling_12_months' as const, to: 'silver' },
    { window: 'calendar_year' as const, to: undefined },
  ])('20,000 spent at 00:30 on 1 Jan upgrades under $window: $to', ({ window, to }) => {
    expect(upgradeAfter(program(window), facts('normal', metric), newYear, 20_000)?.to).toBe(to);
  });

  it('a calendar-year 银卡 whose validity ends on 31 Dec is reviewed on the year that ended, even on 1 Jan', () => {
    const change = reviewTier(program('calendar_year'), facts('silver', metric, endOf('2026-12-31')), newYear);
    expect(change).toEqual({ from: 'silver', to: 'silver', validUntil: endOf('2027-12-31'), reason: 'retain' });
  });
});

describe('tierLevel', () => {
  it.each([
    { id: 'gold', level: 'gold' },
    { id: '', level: 'normal' },
    { id: 'unknown', level: 'normal' },
  ])('"$id" reads as $level', ({ id, level }) => {
    expect(tierLevel(program(), id).id).toBe(level);
  });
});

describe('pruneMetric', () => {
  it('keeps the last 24 local months (and any later one) in a new object', () => {
    const metric = { '2024-06': 1, '2024-07': 2, '2025-12': 3, '2026-06': 4, '2026-07': 5 };
    const pruned = pruneMetric(metric, at('2026-06-10 15:00'), SHANGHAI);
    expect(pruned).toEqual({ '2024-07': 2, '2025-12': 3, '2026-06': 4, '2026-07': 5 });
    expect(pruned).not.toBe(metric);
    expect(metric).toHaveProperty('2024-06', 1);
  });
});
