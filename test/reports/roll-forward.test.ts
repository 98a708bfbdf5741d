// The roll-forward's pure parts, row by row: which column an entry's change of outstanding points goes
// to (review-held points are not outstanding until approved), the periods of a report, and the report
// from cumulative rows of several shards.

import { describe, expect, it } from 'vitest';
import { type EntryType, type LedgerEntry, emptyDetail } from '../../src/actor/entries.js';
import { UNDER_REVIEW } from '../../src/actor/risk/member-risk.js';
import { periodsOf, rollForwardOf } from '../../src/reports/roll-forward-report.js';
import { type MemberFigures, type RollForwardRow, deltaOf, emptyTotals } from '../../src/reports/roll-forward.js';

const NONE: MemberFigures = { underReview: 0, pending: new Map(), held: new Map(), expiring: new Map(), tier: '', lastEntryAt: 0 };

function entry(type: EntryType, points: number, o: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    tenantId: 'acme',
    memberId: 'm-1',
    seq: 2,
    type,
    points,
    balanceAfter: 0,
    idempotencyKey: 'k',
    orderId: '',
    reason: '',
    operator: '',
    amountMinor: 0,
    createdAt: 0,
    expiresAt: 0,
    payloadHash: '',
    ...o,
  };
}

function withReview(decision: 'approve' | 'reject', points: number): LedgerEntry {
  const detail = emptyDetail(1);
  detail.risk = { review: { flagSeq: 1, decision, points, expiresAt: 0, pendingPoints: 0, availableAt: 0 } };
  return entry('review', decision === 'approve' ? 0 : -points, { detail });
}

function earnWithLines(lines: [string, number][]): LedgerEntry {
  const detail = emptyDetail(1);
  detail.breakdown = lines.map(([ruleId, points]) => ({ ruleId, points }));
  return entry(
    'earn',
    lines.reduce((s, [, p]) => s + p, 0),
    { detail },
  );
}

const reviewed = (points: number): MemberFigures => ({ ...NONE, underReview: points });

describe('the column of an entry', () => {
  const rows: [string, LedgerEntry, MemberFigures, MemberFigures, Record<string, number>][] = [
    [
      'an earn: orders and campaigns by its breakdown',
      earnWithLines([
        ['base', 100],
        ['double11', 50],
        ['first_order', 20],
      ]),
      NONE,
      NONE,
      { issuedOrders: 100, issuedCampaignsAndBonuses: 70 },
    ],
    ['an earn held for review: nothing issued', entry('earn', 300), NONE, reviewed(300), {}],
    ['an approval: issued by review', withReview('approve', 300), reviewed(300), NONE, { issuedReviewApprovals: 300 }],
    ['a rejection: nothing leaves what was never issued', withReview('reject', 300), reviewed(300), NONE, {}],
    ['a check-in', entry('activity', 5), NONE, NONE, { issuedBehaviours: 5 }],
    ['a sign-up bonus', entry('enroll', 50), NONE, NONE, { issuedBehaviours: 50 }],
    ['a referral reward', entry('referral', 200), NONE, NONE, { issuedReferrals: 200 }],
    ['a legacy import', entry('import', 1_000), NONE, NONE, { issuedImports: 1_000 }],
    ['a transfer in', entry('transfer_in', 10), NONE, NONE, { issuedTransfersIn: 10 }],
    ['a refund clawback', entry('reverse', -40), NONE, NONE, { reversed: -40 }],
    ['a mall redemption', entry('redeem_reward', -500), NONE, NONE, { redeemedMall: -500 }],
    ['a rejected mall order returns points', entry('redemption_update', 500), NONE, NONE, { redeemedMall: 500 }],
    ['a lottery draw', entry('lottery_draw', -10), NONE, NONE, { redeemedMall: -10 }],
    ['a captured hold', entry('capture', -30), NONE, NONE, { redeemedHolds: -30 }],
    ['a Redeem', entry('redeem', -20), NONE, NONE, { redeemed: -20 }],
    ['an expiry', entry('expire', -7), NONE, NONE, { expired: -7 }],
    ['an expiry of review-held points only', entry('expire', -7), reviewed(7), NONE, {}],
    ['a transfer out', entry('transfer_out', -10), NONE, NONE, { transferredOut: -10 }],
    ['an adjustment', entry('adjust', -3), NONE, NONE, { adjustments: -3 }],
    ['a hold moves nothing', entry('hold', 0), NONE, { ...NONE, held: new Map([[5, 10]]) }, {}],
  ];
  it.each(rows)('%s', (_, e, before, after, flows) => {
    expect(deltaOf(e, before, after, new Set(['double11', 'first_order'])).flows).toEqual(flows);
  });

  it('counts a new account on its first entry, and tier moves', () => {
    const first = deltaOf(entry('earn', 1, { seq: 1 }), NONE, NONE, new Set());
    expect([first.accounts, first.tiers]).toEqual([1, { '': 1 }]);
    const upgrade = deltaOf(entry('earn', 1), NONE, { ...NONE, tier: 'gold' }, new Set());
    expect([upgrade.accounts, upgrade.tiers]).toEqual([0, { '': -1, gold: 1 }]);
    expect(deltaOf(entry('stock', 0, { seq: 1, memberId: '§stock:r-1' }), NONE, NONE, new Set()).accounts).toBe(0);
  });

  it('sees held and pending points move by instant', () => {
    const hold = deltaOf(entry('hold', 0), NONE, { ...NONE, held: new Map([[1_000, 30]]) }, new Set());
    expect([...hold.held]).toEqual([[1_000, 30]]);
    const pendingAvailable = { ...NONE, pending: new Map([[2_000, 40]]) };
    expect([...deltaOf(entry('reverse', -15), pendingAvailable, { ...NONE, pending: new Map([[2_000, 25]]) }, new Set()).pending]).toEqual([
      [2_000, -15],
    ]);
    expect(UNDER_REVIEW).toBeGreaterThan(2_000);
  });
});

describe('periods', () => {
  it.each([
    ['days', '2026-02-27', '2026-03-02', 'day', ['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']],
    ['months cut to the range', '2026-01-15', '2026-03-10', 'month', ['2026-01', '2026-02', '2026-03']],
    ['one day', '2026-12-06', '2026-12-06', 'month', ['2026-12']],
  ] as const)('%s', (_, from, to, granularity, labels) => {
    const periods = periodsOf(from, to, granularity);
    expect(periods.map((p) => p.label)).toEqual(labels);
    expect(periods[0].firstDay).toBe(from);
    expect(periods.at(-1)?.lastDay).toBe(to);
  });
});

describe('the report from cumulative rows', () => {
  const row = (day: string, orders: number, redeemed: number, pending: Record<string, number> = {}): RollForwardRow => {
    const totals = emptyTotals();
    totals.flows.issuedOrders = orders;
    totals.flows.redeemed = redeemed;
    totals.pending = pending;
    return { tenantId: 'acme', day, totals };
  };

  it("sums shards, takes each one's last row before a period as its opening, and values the closing", () => {
    const shardA = {
      before: row('2026-10-20', 100, -10),
      rows: [row('2026-11-02', 150, -10, { '2026-11-05': 50 }), row('2026-11-04', 170, -40)],
    };
    const shardB = { before: undefined, rows: [row('2026-11-03', 30, 0)] };
    const lines = rollForwardOf([shardA, shardB], periodsOf('2026-11-01', '2026-11-04', 'day'), { pointValueFen: 2, breakageBp: 2_500 });
    expect(lines.map((l) => [l.period.label, l.opening, l.flows.issuedOrders, l.flows.redeemed, l.closing, l.pending])).toEqual([
      ['2026-11-01', 90, 0, 0, 90, 0],
      ['2026-11-02', 90, 50, 0, 140, 50],
      ['2026-11-03', 140, 30, 0, 170, 50],
      ['2026-11-04', 170, 20, -30, 160, 0],
    ]);
    expect([lines[3].grossLiabilityFen, lines[3].netLiabilityFen]).toEqual([320, 240]);
  });
});
