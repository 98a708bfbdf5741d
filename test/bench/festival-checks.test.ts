// The festival run's pure decisions: the correctness pass's findings, the verdict, the curve and the
// seeded mix. Rows read as a spec.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Entry, type MemberLedger, checkConservation, checkStock, checkWrites } from '../../bench/festival/checks.js';
import { offeredPerSecond, phases, rateAt } from '../../bench/festival/curve.js';
import type { WriteOutcome } from '../../bench/festival/generator.js';
import { Planner } from '../../bench/festival/mix.js';
import { parseProfile } from '../../bench/festival/profile.js';
import type { FestivalSummary } from '../../bench/festival/summary.js';
import { verdictOf } from '../../bench/festival/verdict.js';

const profile = parseProfile(readFileSync('bench/profiles/festival.yaml', 'utf8'));

const entry = (seq: number, type: string, points: number, balance_after: number, key: string, entry_id = `e${seq}`): Entry => ({
  entry_id,
  seq,
  type: `ENTRY_TYPE_${type}`,
  points,
  balance_after,
  idempotency_key: key,
});
const ledger = (member: string, entries: Entry[], available: number, pending = 0, held = 0): MemberLedger => ({
  member,
  entries,
  available,
  pending,
  held,
  redemptions: [],
});
const write = (rpc: string, key: string, status: string, id: string, member = 'f1', reward = ''): WriteOutcome => [
  rpc,
  member,
  key,
  status,
  id,
  reward,
];

describe('acknowledged writes', () => {
  const once = [entry(1, 'EARN', 100, 100, 'fest-r-1', 'e1')];
  const twice = [...once, entry(2, 'EARN', 50, 150, 'fest-r-2', 'e2'), entry(3, 'EARN', 50, 200, 'fest-r-2', 'e3')];
  const rows: { name: string; entries: Entry[]; writes: WriteOutcome[]; ok: boolean; field?: 'missing' | 'duplicated' | 'idMismatch' }[] = [
    {
      name: 'an acknowledged earn found once with its entry id passes',
      entries: once,
      writes: [write('Earn', 'fest-r-1', 'OK', 'e1')],
      ok: true,
    },
    {
      name: 'an acknowledged earn absent from the ledger is missing',
      entries: once,
      writes: [write('Earn', 'fest-r-9', 'OK', 'e9')],
      ok: false,
      field: 'missing',
    },
    {
      name: 'an answer naming another entry than the ledger is a mismatch',
      entries: once,
      writes: [write('Earn', 'fest-r-1', 'OK', 'e7')],
      ok: false,
      field: 'idMismatch',
    },
    {
      name: 'a key written twice is a duplicate, acknowledged or not',
      entries: twice,
      writes: [write('Earn', 'fest-r-2', 'DEADLINE_EXCEEDED', '')],
      ok: false,
      field: 'duplicated',
    },
  ];
  for (const row of rows)
    it(row.name, () => {
      const c = checkWrites(row.writes, new Map([['f1', ledger('f1', row.entries, 0)]]), 'fest-r-');
      expect(c.ok).toBe(row.ok);
      if (row.field) expect(c[row.field]).toHaveLength(1);
    });

  it('a client retry answered with the same entry counts as consistent', () => {
    const c = checkWrites(
      [write('Earn', 'fest-r-1', 'OK', 'e1'), write('Earn', 'fest-r-1', 'OK', 'e1')],
      new Map([['f1', ledger('f1', [entry(1, 'EARN', 100, 100, 'fest-r-1', 'e1')], 100)]]),
      'fest-r-',
    );
    expect(c).toMatchObject({ ok: true, acknowledged: 1, presentOnce: 1, retriedConsistently: 1 });
  });
});

describe('conservation: issued − spent − expired = available + pending + held', () => {
  const rows: { name: string; l: MemberLedger; ok: boolean }[] = [
    {
      name: 'earn, capture and expiry against an account with pending and held points balances',
      l: ledger(
        'f1',
        [
          entry(1, 'ADJUST', 1000, 1000, 'a'),
          entry(2, 'EARN', 300, 1300, 'b'),
          entry(3, 'CAPTURE', -200, 1100, 'c'),
          entry(4, 'EXPIRE', -100, 1000, 'd'),
        ],
        500,
        300,
        200,
      ),
      ok: true,
    },
    {
      name: 'a notice moves no points',
      l: ledger('f1', [entry(1, 'EARN', 100, 100, 'a'), entry(2, 'NOTICE', 100, 100, 'n')], 100),
      ok: true,
    },
    { name: 'an account short of its entries fails', l: ledger('f1', [entry(1, 'EARN', 100, 100, 'a')], 90), ok: false },
    {
      name: 'a balance_after that does not chain fails',
      l: ledger('f1', [entry(1, 'EARN', 100, 100, 'a'), entry(2, 'EARN', 10, 120, 'b')], 110),
      ok: false,
    },
    { name: 'a gap in seq fails', l: ledger('f1', [entry(1, 'EARN', 100, 100, 'a'), entry(3, 'EARN', 10, 110, 'b')], 110), ok: false },
  ];
  for (const row of rows) it(row.name, () => expect(checkConservation([row.l]).ok).toBe(row.ok));

  it('totals add up over members', () => {
    const c = checkConservation([
      ledger('a', [entry(1, 'EARN', 100, 100, 'x')], 40, 60),
      ledger('b', [entry(1, 'ADJUST', 50, 50, 'y'), entry(2, 'REDEEM_REWARD', -20, 30, 'z')], 30),
    ]);
    expect(c).toMatchObject({ ok: true, issued: 150, spent: 20, expired: 0, balances: 130, pending: 60 });
  });
});

describe('stock', () => {
  const catalog = [{ reward_id: 'r', stock: 3, units_sold: 2, units_left: 1 }];
  const redeemed = (n: number, state = 'REDEMPTION_STATE_APPROVED') =>
    Array.from({ length: n }, () => ({ reward_id: 'r', quantity: 1, state }));
  const rows = [
    { name: 'units sold equal to paid redemptions, within stock, pass', paid: redeemed(2), acked: 2, ok: true, oversold: 0 },
    { name: 'a sold unit without a paid redemption fails', paid: redeemed(1), acked: 1, ok: false, oversold: 0 },
    {
      name: 'a cancelled redemption does not count as paid',
      paid: [...redeemed(2), ...redeemed(1, 'REDEMPTION_STATE_CANCELLED')],
      acked: 2,
      ok: true,
      oversold: 0,
    },
    { name: 'more paid redemptions than stock are oversold', paid: redeemed(4), acked: 2, ok: false, oversold: 1 },
  ];
  for (const row of rows)
    it(row.name, () => {
      const l = { ...ledger('f1', [], 0), redemptions: row.paid };
      const writes = Array.from({ length: row.acked }, (_, i) => write('RedeemReward', `k${i}`, 'OK', `e${i}`, 'f1', 'r'));
      const [line] = checkStock(['r'], 'lottery', catalog, [l], writes);
      expect(line).toMatchObject({ ok: row.ok, oversold: row.oversold });
    });

  // A member's ListRedemptions holds its latest 100 orders: a hot member's older ones are not listed.
  const big = [{ reward_id: 'r', stock: 300, units_sold: 150, units_left: 150 }];
  it.each<[string, number, number, boolean]>([
    ['a member at the list cap: fewer listed than sold is not a failure', 100, 150, true],
    ['at the cap, acknowledged beyond sold still fails', 100, 151, false],
    ['below the cap, fewer listed than sold fails', 99, 150, false],
  ])('%s', (_, listed, acked, ok) => {
    const l = { ...ledger('f1', [], 0), redemptions: redeemed(listed) };
    const writes = Array.from({ length: acked }, (_, i) => write('RedeemReward', `k${i}`, 'OK', `e${i}`, 'f1', 'r'));
    expect(checkStock(['r'], 'lottery', big, [l], writes)[0]).toMatchObject({ ok, paidIncomplete: listed >= 100 ? 1 : 0 });
  });
});

describe('verdict', () => {
  const summary = (o: { late: number; earnP99: number; errors: number }): FestivalSummary =>
    ({
      lateShare: o.late,
      overall: { count: 10_000, errors: o.errors },
      rpcs: { Earn: { peak: { latencyMs: { p99: o.earnP99 } } } },
    }) as unknown as FestivalSummary;
  const fine = { ok: true, stock: [{ oversold: 0 }] } as never;
  const rows = [
    { name: 'every threshold kept passes', s: { late: 0, earnP99: 20, errors: 0 }, c: fine, outcome: 'PASS', exit: 0, failed: [] },
    {
      name: 'a slow peak Earn p99 fails naming it',
      s: { late: 0, earnP99: 80, errors: 0 },
      c: fine,
      outcome: 'FAIL',
      exit: 1,
      failed: ['p99 Earn at peak'],
    },
    {
      name: 'too many errors fail naming the rate',
      s: { late: 0, earnP99: 20, errors: 50 },
      c: fine,
      outcome: 'FAIL',
      exit: 1,
      failed: ['error rate'],
    },
    {
      name: 'an oversold unit fails the run',
      s: { late: 0, earnP99: 20, errors: 0 },
      c: { ok: false, stock: [{ oversold: 2 }] } as never,
      outcome: 'FAIL',
      exit: 2,
      failed: ['oversold units', 'correctness pass'],
    },
    {
      name: 'a late generator voids the run',
      s: { late: 0.2, earnP99: 20, errors: 0 },
      c: fine,
      outcome: 'VOID',
      exit: 3,
      failed: ['generator on time (late sends share)'],
    },
  ];
  for (const row of rows)
    it(row.name, () => {
      const v = verdictOf(profile, summary(row.s), row.c);
      expect(v.outcome).toBe(row.outcome);
      expect(v.exitCode).toBe(row.exit);
      expect(v.failed.map((f) => f.slice(0, f.indexOf(':')))).toEqual(row.failed);
    });
});

describe('curve and mix', () => {
  const c = profile.curve;
  const { midnightS, peakEndS, durationS } = phases(c);

  it('steps from the baseline to the peak at midnight and decays after the peak', () => {
    expect(rateAt(c, midnightS - 0.001)).toBe(c.baselineRate);
    expect(rateAt(c, midnightS)).toBe(c.baselineRate * c.peakMultiplier);
    expect(rateAt(c, peakEndS + c.decayHalfLifeSeconds)).toBeLessThan(c.baselineRate * c.peakMultiplier);
    expect(rateAt(c, durationS)).toBeGreaterThanOrEqual(c.baselineRate * c.peakFloor);
  });

  it('schedules the curve: a whole second at the peak offers the peak rate', () => {
    const offered = offeredPerSecond(c);
    expect(offered[midnightS + 1]).toBe(c.baselineRate * c.peakMultiplier);
    expect(offered[0]).toBe(c.baselineRate);
  });

  it('the same seed plans the same requests; redemptions only in the flash sale', () => {
    const a = new Planner(profile, 'run');
    const b = new Planner(profile, 'run');
    for (const i of [0, 1, 77, 5000]) expect(a.plan(i, midnightS * 1000 + i)).toEqual(b.plan(i, midnightS * 1000 + i));
    const before = Array.from({ length: 500 }, (_, i) => a.plan(i, 0).call.rpc);
    const during = Array.from({ length: 500 }, (_, i) => a.plan(i, midnightS * 1000).call.rpc);
    expect(before).not.toContain('RedeemReward');
    expect(during).toContain('RedeemReward');
  });
});
