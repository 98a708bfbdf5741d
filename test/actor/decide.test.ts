// decide() + applyEntry() as a spec: one row per case — the member's history, the command, the
// inputs (now, order record) — and the entry it must produce or the rejection it must return.

import { describe, expect, it } from 'vitest';
import type { WriteCommand } from '../../src/actor/commands.js';
import { decide } from '../../src/actor/decide.js';
import { type EntryType, NEVER_EXPIRES, type OrderRecord } from '../../src/actor/entries.js';
import type { RejectionKind } from '../../src/actor/rejections.js';
import { type Lot, type MemberState, applyEntry } from '../../src/actor/state.js';
import { defaultProgram } from '../../src/shard/program-book.js';
import {
  type Past,
  adjustCmd,
  earnCmd,
  earned,
  entryAfter,
  orderRecord,
  redeemCmd,
  redeemed,
  reverseCmd,
  reversed,
  stateAfter,
  TENANT,
} from './member-fixtures.js';

const NOW = 1_750_000_000_000;
const MAX_SAFE = Number.MAX_SAFE_INTEGER; // 2^53 − 1
/** The built-in program: 1 point per whole yuan, nothing pending, nothing expires. */
const PROGRAM = defaultProgram(TENANT);

interface Expected {
  type: EntryType;
  points: number;
  balanceAfter: number;
  seq: number;
}

interface Row {
  name: string;
  history: Past[];
  command: WriteCommand;
  order?: OrderRecord;
  expect: Expected | { rejection: RejectionKind };
  orderAfter?: Pick<OrderRecord, 'amountMinor' | 'points' | 'refundedMinor' | 'reversedPoints'>;
  stateAfter?: { balance: number; debt: number; lots: Lot[] };
}

const rows: Row[] = [
  // earn: floor(amount / 100)
  {
    name: 'earn of 12345 fen on an empty account gives 123 points at seq 1',
    history: [],
    command: earnCmd({ amountMinor: 12_345 }),
    expect: { type: 'earn', points: 123, balanceAfter: 123, seq: 1 },
    orderAfter: { amountMinor: 12_345, points: 123, refundedMinor: 0, reversedPoints: 0 },
  },
  {
    name: 'earn of 99 fen gives 0 points but is still recorded',
    history: [],
    command: earnCmd({ amountMinor: 99 }),
    expect: { type: 'earn', points: 0, balanceAfter: 0, seq: 1 },
    orderAfter: { amountMinor: 99, points: 0, refundedMinor: 0, reversedPoints: 0 },
  },
  {
    name: 'earn of exactly 100 fen gives 1 point',
    history: [],
    command: earnCmd({ amountMinor: 100 }),
    expect: { type: 'earn', points: 1, balanceAfter: 1, seq: 1 },
  },
  {
    name: 'earn of 2^53−1 fen gives floor((2^53−1)/100) points exactly',
    history: [],
    command: earnCmd({ amountMinor: MAX_SAFE }),
    expect: { type: 'earn', points: 90_071_992_547_409, balanceAfter: 90_071_992_547_409, seq: 1 },
  },
  {
    name: 'earn adds to an existing balance at the next seq',
    history: [earned(50)],
    command: earnCmd({ amountMinor: 12_345 }),
    expect: { type: 'earn', points: 123, balanceAfter: 173, seq: 2 },
  },
  {
    name: 'earn of an order that already earned is OrderAlreadyEarned',
    history: [earned(123)],
    command: earnCmd({ amountMinor: 12_345 }),
    order: orderRecord(12_345, 123),
    expect: { rejection: 'OrderAlreadyEarned' },
  },
  {
    name: 'earn while in debt repays the debt before creating a lot',
    history: [earned(100), redeemed(100), reversed(100)],
    command: earnCmd({ amountMinor: 12_345 }),
    expect: { type: 'earn', points: 123, balanceAfter: 23, seq: 4 },
    stateAfter: { balance: 23, debt: 0, lots: [lot(NEVER_EXPIRES, 23)] },
  },
  // redeem
  {
    name: 'redeem of the exact balance leaves 0',
    history: [earned(123)],
    command: redeemCmd(123),
    expect: { type: 'redeem', points: -123, balanceAfter: 0, seq: 2 },
    stateAfter: { balance: 0, debt: 0, lots: [] },
  },
  {
    name: 'redeem of one point more than the balance is InsufficientPoints',
    history: [earned(123)],
    command: redeemCmd(124),
    expect: { rejection: 'InsufficientPoints' },
  },
  {
    name: 'redeem from an empty account is InsufficientPoints',
    history: [],
    command: redeemCmd(1),
    expect: { rejection: 'InsufficientPoints' },
  },
  {
    name: 'redeem while in debt is InsufficientPoints',
    history: [earned(10), redeemed(10), reversed(5)],
    command: redeemCmd(1),
    expect: { rejection: 'InsufficientPoints' },
  },
  // reverse: clawed(total refunded R) = floor(points × R / amount)
  {
    name: 'reverse of the whole order (amount 0) claws back all its points',
    history: [earned(123)],
    command: reverseCmd('o-1', 0),
    order: orderRecord(12_345, 123),
    expect: { type: 'reverse', points: -123, balanceAfter: 0, seq: 2 },
    orderAfter: { amountMinor: 12_345, points: 123, refundedMinor: 12_345, reversedPoints: 123 },
  },
  {
    name: 'refund of 6000 of 12345 claws back floor(123 × 6000 / 12345) = 59',
    history: [earned(123)],
    command: reverseCmd('o-1', 6_000),
    order: orderRecord(12_345, 123),
    expect: { type: 'reverse', points: -59, balanceAfter: 64, seq: 2 },
    orderAfter: { amountMinor: 12_345, points: 123, refundedMinor: 6_000, reversedPoints: 59 },
  },
  {
    name: 'refund of the remaining 6345 claws back the other 64, so the two sum to 123',
    history: [earned(123), reversed(59)],
    command: reverseCmd('o-1', 6_345),
    order: orderRecord(12_345, 123, 6_000, 59),
    expect: { type: 'reverse', points: -64, balanceAfter: 0, seq: 3 },
    orderAfter: { amountMinor: 12_345, points: 123, refundedMinor: 12_345, reversedPoints: 123 },
  },
  {
    name: 'reverse with amount 0 after a partial refund claws back only what remains',
    history: [earned(123), reversed(59)],
    command: reverseCmd('o-1', 0),
    order: orderRecord(12_345, 123, 6_000, 59),
    expect: { type: 'reverse', points: -64, balanceAfter: 0, seq: 3 },
  },
  {
    name: 'refund whose share rounds down to nothing records 0 points but counts toward the order',
    history: [earned(123)],
    command: reverseCmd('o-1', 50),
    order: orderRecord(12_345, 123),
    expect: { type: 'reverse', points: 0, balanceAfter: 123, seq: 2 },
    orderAfter: { amountMinor: 12_345, points: 123, refundedMinor: 50, reversedPoints: 0 },
  },
  {
    name: 'refund of a 2^53-scale order is exact where points × refund exceeds 2^53',
    history: [earned(90_071_992_547_409)],
    command: reverseCmd('o-1', 2 ** 52),
    order: orderRecord(MAX_SAFE, 90_071_992_547_409),
    // floor(90071992547409 × 2^52 / (2^53 − 1)) computed with BigInt
    expect: { type: 'reverse', points: -45_035_996_273_704, balanceAfter: 45_035_996_273_705, seq: 2 },
  },
  {
    name: 'refund one fen beyond what remains is RefundExceedsOrder',
    history: [earned(123), reversed(59)],
    command: reverseCmd('o-1', 6_346),
    order: orderRecord(12_345, 123, 6_000, 59),
    expect: { rejection: 'RefundExceedsOrder' },
  },
  {
    name: 'reverse of a fully refunded order (amount 0) is RefundExceedsOrder',
    history: [earned(123), reversed(123)],
    command: reverseCmd('o-1', 0),
    order: orderRecord(12_345, 123, 12_345, 123),
    expect: { rejection: 'RefundExceedsOrder' },
  },
  {
    name: 'reverse of one fen of a fully refunded order is RefundExceedsOrder',
    history: [earned(123), reversed(123)],
    command: reverseCmd('o-1', 1),
    order: orderRecord(12_345, 123, 12_345, 123),
    expect: { rejection: 'RefundExceedsOrder' },
  },
  {
    name: 'reverse of an order the member never earned on is OrderNotEarned',
    history: [earned(123)],
    command: reverseCmd('o-unknown', 0),
    expect: { rejection: 'OrderNotEarned' },
  },
  {
    // API.md: reversing an order that earned nothing is FAILED_PRECONDITION; it did not count towards the tier either.
    name: 'reverse of an order that earned 0 points is OrderNotEarned',
    history: [earned(0)],
    command: reverseCmd('o-1', 0),
    order: orderRecord(99, 0),
    expect: { rejection: 'OrderNotEarned' },
  },
  {
    name: 'reverse after the points were spent drives the balance negative (debt)',
    history: [earned(123), redeemed(100)],
    command: reverseCmd('o-1', 0),
    order: orderRecord(12_345, 123),
    expect: { type: 'reverse', points: -123, balanceAfter: -100, seq: 3 },
    stateAfter: { balance: -100, debt: 100, lots: [] },
  },
  // adjust
  {
    name: 'adjust +50 on an empty account credits 50',
    history: [],
    command: adjustCmd(50),
    expect: { type: 'adjust', points: 50, balanceAfter: 50, seq: 1 },
  },
  {
    name: 'adjust −30 takes 30 away',
    history: [earned(50)],
    command: adjustCmd(-30),
    expect: { type: 'adjust', points: -30, balanceAfter: 20, seq: 2 },
  },
  {
    name: 'adjust down to exactly 0 is allowed',
    history: [earned(50)],
    command: adjustCmd(-50),
    expect: { type: 'adjust', points: -50, balanceAfter: 0, seq: 2 },
  },
  {
    name: 'adjust below 0 is InsufficientPoints',
    history: [earned(50)],
    command: adjustCmd(-51),
    expect: { rejection: 'InsufficientPoints' },
  },
];

describe('decide + applyEntry', () => {
  it.each(rows)('$name', (row) => {
    const state = stateAfter(row.history);
    const decision = decide(state, row.command, { now: NOW, payloadHash: 'feedfacecafebeef', order: row.order, program: PROGRAM });

    if ('rejection' in row.expect) {
      expect(decision.ok ? 'accepted' : decision.rejection.kind).toBe(row.expect.rejection);
      return;
    }
    if (!decision.ok) throw new Error(`expected an entry, got ${decision.rejection.kind}: ${decision.rejection.message}`);
    const { type, points, balanceAfter, seq } = decision.entry;
    expect({ type, points, balanceAfter, seq }).toEqual(row.expect);
    if (row.orderAfter) expect(decision.order).toMatchObject(row.orderAfter);

    applyEntry(state, decision.entry);
    expect(state.balance).toBe(row.expect.balanceAfter);
    expect(state.seq).toBe(row.expect.seq);
    if (row.stateAfter) expect(pickState(state)).toEqual(row.stateAfter);
  });

  it('the entry carries now, the payload hash, the key and the order id', () => {
    const cmd = earnCmd({ idempotencyKey: 'k-42', orderId: 'o-42' });
    const decision = decide(stateAfter([]), cmd, { now: NOW, payloadHash: 'feedfacecafebeef', order: undefined, program: PROGRAM });
    expect(decision.ok && decision.entry).toMatchObject({
      tenantId: cmd.tenantId,
      memberId: cmd.memberId,
      idempotencyKey: 'k-42',
      orderId: 'o-42',
      amountMinor: 12_345,
      createdAt: NOW,
      payloadHash: 'feedfacecafebeef',
    });
  });

  it('an order that earns points counts its spend towards the tier; one that earns none (99 分) counts nothing', () => {
    const inputs = { now: NOW, payloadHash: 'x', order: undefined, program: PROGRAM };
    const qualifying = decide(stateAfter([]), earnCmd({ amountMinor: 12_345 }), inputs);
    const tiny = decide(stateAfter([]), earnCmd({ amountMinor: 99 }), inputs);
    expect(qualifying.ok && qualifying.entry.detail?.metricDelta).toBe(12_345);
    expect(tiny.ok && { points: tiny.entry.points, metricDelta: tiny.entry.detail?.metricDelta }).toEqual({ points: 0, metricDelta: 0 });
  });

  it('a rejection leaves the state untouched', () => {
    const state = stateAfter([earned(10)]);
    const before = structuredClone(state);
    decide(state, redeemCmd(11), { now: NOW, payloadHash: 'x', order: undefined, program: PROGRAM });
    expect(state).toEqual(before);
  });

  it('applyEntry refuses an entry that skips a seq', () => {
    const state = stateAfter([earned(10)]);
    const gap = { ...entryAfter(state, earned(5)), seq: 3 };
    expect(() => applyEntry(state, gap)).toThrow(/ledger gap/);
  });
});

interface Step {
  command: WriteCommand;
  expect: { points: number; balanceAfter: number } | { rejection: RejectionKind };
}

/** Runs commands through decide + applyEntry, carrying order records as the shard does. */
function runSteps(steps: Step[]): MemberState {
  const state = stateAfter([]);
  const orders = new Map<string, OrderRecord>();
  for (const [i, step] of steps.entries()) {
    const orderId = 'orderId' in step.command ? step.command.orderId : '';
    const decision = decide(state, step.command, { now: NOW, payloadHash: 'x', order: orders.get(orderId), program: PROGRAM });
    const outcome = decision.ok
      ? { points: decision.entry.points, balanceAfter: decision.entry.balanceAfter }
      : { rejection: decision.rejection.kind };
    expect(outcome, `step ${i}`).toEqual(step.expect);
    if (!decision.ok) continue;
    applyEntry(state, decision.entry);
    if (decision.order) orders.set(orderId, decision.order);
  }
  return state;
}

describe('decide over several commands', () => {
  it('two partial refunds claw back exactly the points the order earned', () => {
    const state = runSteps([
      { command: earnCmd({ orderId: 'o-1', amountMinor: 12_345 }), expect: { points: 123, balanceAfter: 123 } },
      { command: reverseCmd('o-1', 6_000), expect: { points: -59, balanceAfter: 64 } },
      { command: reverseCmd('o-1', 6_345), expect: { points: -64, balanceAfter: 0 } },
      { command: reverseCmd('o-1', 0), expect: { rejection: 'RefundExceedsOrder' } },
    ]);
    expect(pickState(state)).toEqual({ balance: 0, debt: 0, lots: [] });
  });

  it('a clawback of spent points leaves a debt that later earns repay first', () => {
    const state = runSteps([
      { command: earnCmd({ orderId: 'o-1', amountMinor: 12_345 }), expect: { points: 123, balanceAfter: 123 } },
      { command: redeemCmd(100), expect: { points: -100, balanceAfter: 23 } },
      { command: reverseCmd('o-1', 0), expect: { points: -123, balanceAfter: -100 } },
      { command: redeemCmd(1), expect: { rejection: 'InsufficientPoints' } },
      { command: earnCmd({ orderId: 'o-2', amountMinor: 5_000 }), expect: { points: 50, balanceAfter: -50 } },
      { command: earnCmd({ orderId: 'o-3', amountMinor: 10_000 }), expect: { points: 100, balanceAfter: 50 } },
    ]);
    expect(pickState(state)).toEqual({ balance: 50, debt: 0, lots: [lot(NEVER_EXPIRES, 50)] });
  });
});

// Lot expiries after NOW: a lot already lapsed at NOW is not spendable.
const SOON = NOW + 1_000;
const LATER = NOW + 2_000;

interface LotRow {
  name: string;
  lots: Past[];
  redeem: number;
  lotsBefore: Lot[];
  lotsAfter: Lot[];
}

const lotRows: LotRow[] = [
  {
    name: 'spending takes the soonest-expiring lot first',
    lots: [earned(10, NEVER_EXPIRES), earned(10, LATER), earned(10, SOON)],
    redeem: 15,
    lotsBefore: [lot(SOON, 10), lot(LATER, 10), lot(NEVER_EXPIRES, 10)],
    lotsAfter: [lot(LATER, 5), lot(NEVER_EXPIRES, 10)],
  },
  {
    name: 'never-expiring points (expiresAt 0) are spent last',
    lots: [earned(10, NEVER_EXPIRES), earned(10, LATER), earned(10, SOON)],
    redeem: 25,
    lotsBefore: [lot(SOON, 10), lot(LATER, 10), lot(NEVER_EXPIRES, 10)],
    lotsAfter: [lot(NEVER_EXPIRES, 5)],
  },
  {
    name: 'earns with the same expiry merge into one lot',
    lots: [earned(10, SOON), earned(7, NEVER_EXPIRES), earned(5, SOON)],
    redeem: 1,
    lotsBefore: [lot(SOON, 15), lot(NEVER_EXPIRES, 7)],
    lotsAfter: [lot(SOON, 14), lot(NEVER_EXPIRES, 7)],
  },
  {
    name: 'spending every point empties every lot',
    lots: [earned(10, SOON), earned(10, NEVER_EXPIRES)],
    redeem: 20,
    lotsBefore: [lot(SOON, 10), lot(NEVER_EXPIRES, 10)],
    lotsAfter: [],
  },
];

describe('lots', () => {
  it.each(lotRows)('$name', (row) => {
    const state = stateAfter(row.lots);
    expect(state.lots).toEqual(row.lotsBefore);
    const decision = decide(state, redeemCmd(row.redeem), { now: NOW, payloadHash: 'x', order: undefined, program: PROGRAM });
    if (!decision.ok) throw new Error(decision.rejection.message);
    applyEntry(state, decision.entry);
    expect(state.lots).toEqual(row.lotsAfter);
    expect(state.debt).toBe(0);
  });
});

function lot(expiresAt: number, points: number): Lot {
  return { expiresAt, points, availableAt: 0 };
}

function pickState(state: MemberState) {
  return { balance: state.balance, debt: state.debt, lots: state.lots };
}
