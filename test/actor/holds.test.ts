// 积分抵现 holds as a spec: one row per behaviour — the member's history (commands at their instants),
// the command under test, and the entry it must write or the rejection it must return, with the
// account it leaves. Program: share 0.5 of an order, 100 points = 100 fen (1 yuan), holds up to 30 min.

import { describe, expect, it } from 'vitest';
import type { CaptureHoldCommand, ReleaseHoldCommand, WriteCommand } from '../../src/actor/commands.js';
import { type LedgerEntry, NEVER_EXPIRES, entryIdOf } from '../../src/actor/entries.js';
import type { RejectionKind } from '../../src/actor/rejections.js';
import { type RedemptionQuote, quoteOf } from '../../src/actor/results.js';
import { applyEntry, availablePoints, emptyState, heldPoints } from '../../src/actor/state.js';
import { programFixture } from '../rules/program-fixture.js';
import { MEMBER, MemberTimeline, TENANT, adjustCmd, earned, entryAfter, holdCmd, housekeepCmd, redeemCmd } from './member-fixtures.js';

const T0 = Date.parse('2026-11-10T02:00:00Z'); // 10:00 in Shanghai
const MIN = 60_000;
const CASH = programFixture({ pointsAsCash: { points: 100, perMinor: 100, maxShareBp: 5_000, maxHoldMs: 30 * MIN } });

function captureCmd(holdId: string, points = 0): CaptureHoldCommand {
  return { kind: 'capture', tenantId: TENANT, memberId: MEMBER, idempotencyKey: `capture-${holdId}-${points}`, holdId, points };
}

function releaseCmd(holdId: string): ReleaseHoldCommand {
  return { kind: 'release', tenantId: TENANT, memberId: MEMBER, idempotencyKey: `release-${holdId}`, holdId };
}

/** The hold id a HOLD entry at `seq` gets: its entry id. */
const holdAt = (seq: number) => entryIdOf(TENANT, MEMBER, seq);

/** A command at `at` ms after T0, or a lot folded in directly (an earn that lapses at lapsesAt). */
type CommandStep = { at: number; cmd: WriteCommand };
type LotStep = { at: number; lot: number; lapsesAt: number };
type Step = CommandStep | LotStep;
const at = (ms: number, cmd: WriteCommand): CommandStep => ({ at: ms, cmd });
const lot = (ms: number, points: number, lapsesAt: number): LotStep => ({ at: ms, lot: points, lapsesAt });

/** seq 1: 10,000 points that never lapse. */
const TEN_THOUSAND = at(0, adjustCmd(10_000));
/** seq 2: 3,000 held for order o-1 for 15 min from T0 + 1 min: last millisecond T0 + 16 min − 1 ms. */
const HOLD_3000 = at(MIN, holdCmd(3_000));
const HOLD_3000_LAST_MS = MIN + 15 * MIN - 1;
/** seq 1: 1,000 points whose lot lapses after T0 + 10 min; seq 2: all of them held for 30 min from T0 + 1 min. */
const LAPSING_1000 = lot(0, 1_000, T0 + 10 * MIN);
const HOLD_1000_30_MIN = at(MIN, holdCmd(1_000, { ttlMs: 30 * MIN }));

interface Row {
  name: string;
  given: Step[];
  when: CommandStep;
  outcome: {
    /** The entry written (a partial match), or the rejection with a part of its message. */
    entry?: Partial<LedgerEntry>;
    rejection?: { kind: RejectionKind; message: string; field?: string };
    /** The account right after, at the instant of `when`. */
    account?: Partial<AccountNow>;
  };
}

interface AccountNow {
  available: number;
  held: number;
  /** Ledger balance: the sum of entries. */
  balance: number;
  debt: number;
  lots: number;
  lifetimeRedeemed: number;
}

const rows: Row[] = [
  // Hold
  {
    name: 'a hold of 3,000 of 10,000 writes a HOLD of 0 points: available 7,000, held 3,000, ledger balance still 10,000',
    given: [TEN_THOUSAND],
    when: HOLD_3000,
    outcome: {
      entry: {
        type: 'hold',
        points: 0,
        balanceAfter: 10_000,
        orderId: 'o-1',
        detail: expect.objectContaining({ hold: { holdId: holdAt(2), points: 3_000, expiresAt: T0 + HOLD_3000_LAST_MS, orderId: 'o-1' } }),
      },
      account: { available: 7_000, held: 3_000, balance: 10_000 },
    },
  },
  {
    name: 'a hold of 10,001 of 10,000 → InsufficientPoints (available 10000, requested 10001)',
    given: [TEN_THOUSAND],
    when: at(MIN, holdCmd(10_001)),
    outcome: {
      rejection: { kind: 'InsufficientPoints', message: 'available 10000, requested 10001' },
      account: { available: 10_000, held: 0 },
    },
  },
  {
    name: 'a second hold sees the first: with 6,000 held a hold of 4,001 → InsufficientPoints (available 4000)',
    given: [TEN_THOUSAND, at(MIN, holdCmd(6_000))],
    when: at(2 * MIN, holdCmd(4_001, { orderId: 'o-2' })),
    outcome: {
      rejection: { kind: 'InsufficientPoints', message: 'available 4000, requested 4001' },
      account: { available: 4_000, held: 6_000 },
    },
  },
  {
    name: 'a hold of the last 4,000 beside 6,000 held: available 0, held 10,000',
    given: [TEN_THOUSAND, at(MIN, holdCmd(6_000))],
    when: at(2 * MIN, holdCmd(4_000, { orderId: 'o-2' })),
    outcome: { entry: { type: 'hold', points: 0 }, account: { available: 0, held: 10_000 } },
  },
  {
    name: 'share 0.5 at 100 points = 1 yuan: a 100.01-yuan order may use floor(5,000.5 fen) = 5,000 points; 5,001 → HoldBeyondOrderShare naming 5000',
    given: [TEN_THOUSAND],
    when: at(MIN, holdCmd(5_001, { orderAmountMinor: 10_001 })),
    outcome: {
      rejection: { kind: 'HoldBeyondOrderShare', message: '5001 points exceed what this order may still use (5000:' },
      account: { available: 10_000, held: 0 },
    },
  },
  {
    name: 'share 0.5: a hold of exactly 5,000 for a 100.01-yuan order is accepted',
    given: [TEN_THOUSAND],
    when: at(MIN, holdCmd(5_000, { orderAmountMinor: 10_001 })),
    outcome: { entry: { type: 'hold' }, account: { available: 5_000, held: 5_000 } },
  },
  {
    name: 'share 0.5: a 0.01-yuan order may use no points (floor(0.5 fen) = 0): a hold of 1 → HoldBeyondOrderShare naming 0',
    given: [TEN_THOUSAND],
    when: at(MIN, holdCmd(1, { orderAmountMinor: 1 })),
    outcome: { rejection: { kind: 'HoldBeyondOrderShare', message: 'may still use (0:' } },
  },
  {
    name: 'the share is checked before the balance: 20,000 for a 100-yuan order → HoldBeyondOrderShare (5000), not InsufficientPoints',
    given: [TEN_THOUSAND],
    when: at(MIN, holdCmd(20_000, { orderAmountMinor: 10_000 })),
    outcome: { rejection: { kind: 'HoldBeyondOrderShare', message: '(5000:' } },
  },
  {
    name: 'a hold without an order amount is bounded only by what is available: all 10,000',
    given: [TEN_THOUSAND],
    when: at(MIN, holdCmd(10_000)),
    outcome: { entry: { type: 'hold' }, account: { available: 0, held: 10_000 } },
  },
  {
    name: 'the share is per order: with 5,000 already held for a 100.01-yuan order a second hold of 1 → HoldBeyondOrderShare naming 0',
    given: [TEN_THOUSAND, at(MIN, holdCmd(5_000, { orderAmountMinor: 10_001, idempotencyKey: 'first' }))],
    when: at(2 * MIN, holdCmd(1, { orderAmountMinor: 10_001, idempotencyKey: 'second' })),
    outcome: { rejection: { kind: 'HoldBeyondOrderShare', message: 'may still use (0:' }, account: { available: 5_000, held: 5_000 } },
  },
  {
    name: 'the share is per order: 3,000 held for a 100.01-yuan order leaves 2,000 for a second hold of the same order',
    given: [TEN_THOUSAND, at(MIN, holdCmd(3_000, { orderAmountMinor: 10_001, idempotencyKey: 'first' }))],
    when: at(2 * MIN, holdCmd(2_000, { orderAmountMinor: 10_001, idempotencyKey: 'second' })),
    outcome: { entry: { type: 'hold', orderId: 'o-1' }, account: { available: 5_000, held: 5_000 } },
  },
  {
    name: 'ttl of exactly max_hold_minutes (30 min) is accepted: the hold’s last millisecond is 30 min − 1 ms after it',
    given: [TEN_THOUSAND],
    when: at(MIN, holdCmd(3_000, { ttlMs: 30 * MIN })),
    outcome: { entry: { detail: expect.objectContaining({ hold: expect.objectContaining({ expiresAt: T0 + 31 * MIN - 1 }) }) } },
  },
  {
    name: 'ttl of 30 min + 1 ms (max_hold_minutes 30) → InvalidField ttl_seconds "must be at most 1800 (program max_hold_minutes)"',
    given: [TEN_THOUSAND],
    when: at(MIN, holdCmd(3_000, { ttlMs: 30 * MIN + 1 })),
    outcome: {
      rejection: { kind: 'InvalidField', field: 'ttl_seconds', message: 'ttl_seconds must be at most 1800 (program max_hold_minutes)' },
      account: { held: 0 },
    },
  },

  // Capture
  {
    name: 'capture 0 takes the whole 3,000 hold: CAPTURE −3,000 for o-1; available 7,000, held 0, ledger 7,000, lifetime_redeemed 3,000',
    given: [TEN_THOUSAND, HOLD_3000],
    when: at(2 * MIN, captureCmd(holdAt(2))),
    outcome: {
      entry: { type: 'capture', points: -3_000, balanceAfter: 7_000, orderId: 'o-1', reason: 'points as cash' },
      account: { available: 7_000, held: 0, balance: 7_000, lifetimeRedeemed: 3_000 },
    },
  },
  {
    name: 'capture 1,000 of a 3,000 hold: CAPTURE −1,000 and the other 2,000 return: available 7,000 → 9,000, held 0',
    given: [TEN_THOUSAND, HOLD_3000],
    when: at(2 * MIN, captureCmd(holdAt(2), 1_000)),
    outcome: {
      entry: { type: 'capture', points: -1_000, balanceAfter: 9_000 },
      account: { available: 9_000, held: 0, lifetimeRedeemed: 1_000 },
    },
  },
  {
    name: 'capture 3,001 of a 3,000 hold → HoldNotOpen "holds only 3000 points, not 3001"; the 3,000 stay held',
    given: [TEN_THOUSAND, HOLD_3000],
    when: at(2 * MIN, captureCmd(holdAt(2), 3_001)),
    outcome: {
      rejection: { kind: 'HoldNotOpen', message: 'holds only 3000 points, not 3001' },
      account: { available: 7_000, held: 3_000 },
    },
  },
  {
    name: 'capture at the hold’s last millisecond (15 min − 1 ms after it) is accepted',
    given: [TEN_THOUSAND, HOLD_3000],
    when: at(HOLD_3000_LAST_MS, captureCmd(holdAt(2))),
    outcome: { entry: { type: 'capture', points: -3_000 }, account: { available: 7_000, held: 0 } },
  },
  {
    name: 'capture 1 ms after the hold’s last millisecond → HoldNotOpen "has expired", and the 3,000 are available again before any housekeeping',
    given: [TEN_THOUSAND, HOLD_3000],
    when: at(HOLD_3000_LAST_MS + 1, captureCmd(holdAt(2))),
    outcome: {
      rejection: { kind: 'HoldNotOpen', message: `hold ${holdAt(2)} has expired` },
      account: { available: 10_000, held: 0, balance: 10_000 },
    },
  },
  {
    name: 'capture of a captured hold → HoldNotOpen "is not open"',
    given: [TEN_THOUSAND, HOLD_3000, at(2 * MIN, captureCmd(holdAt(2), 1_000))],
    when: at(3 * MIN, captureCmd(holdAt(2), 500)),
    outcome: { rejection: { kind: 'HoldNotOpen', message: 'is not open' }, account: { available: 9_000, lifetimeRedeemed: 1_000 } },
  },
  {
    name: 'capture of a released hold → HoldNotOpen "is not open"',
    given: [TEN_THOUSAND, HOLD_3000, at(2 * MIN, releaseCmd(holdAt(2)))],
    when: at(3 * MIN, captureCmd(holdAt(2))),
    outcome: { rejection: { kind: 'HoldNotOpen', message: 'is not open' }, account: { available: 10_000, lifetimeRedeemed: 0 } },
  },
  {
    name: 'capture of an entry id that is not a hold (the ADJUST at seq 1) → HoldNotOpen "is not open"',
    given: [TEN_THOUSAND, HOLD_3000],
    when: at(2 * MIN, captureCmd(holdAt(1))),
    outcome: { rejection: { kind: 'HoldNotOpen', message: 'is not open' }, account: { held: 3_000 } },
  },

  // Release
  {
    name: 'release of a 3,000 hold: RELEASE of 0 points for o-1; available back to 10,000, held 0, nothing redeemed',
    given: [TEN_THOUSAND, HOLD_3000],
    when: at(2 * MIN, releaseCmd(holdAt(2))),
    outcome: {
      entry: { type: 'release', points: 0, balanceAfter: 10_000, orderId: 'o-1', reason: 'hold released' },
      account: { available: 10_000, held: 0, balance: 10_000, lifetimeRedeemed: 0 },
    },
  },
  {
    name: 'release of a captured hold → HoldNotOpen "is not open"',
    given: [TEN_THOUSAND, HOLD_3000, at(2 * MIN, captureCmd(holdAt(2), 1_000))],
    when: at(3 * MIN, releaseCmd(holdAt(2))),
    outcome: { rejection: { kind: 'HoldNotOpen', message: 'is not open' }, account: { available: 9_000 } },
  },
  {
    name: 'release of a released hold → HoldNotOpen "is not open"',
    given: [TEN_THOUSAND, HOLD_3000, at(2 * MIN, releaseCmd(holdAt(2)))],
    when: at(3 * MIN, { ...releaseCmd(holdAt(2)), idempotencyKey: 'again' }),
    outcome: { rejection: { kind: 'HoldNotOpen', message: 'is not open' } },
  },
  {
    name: 'release of a lapsed hold that housekeeping has not reached yet is accepted (RELEASE "hold released")',
    given: [TEN_THOUSAND, HOLD_3000],
    when: at(HOLD_3000_LAST_MS + MIN, releaseCmd(holdAt(2))),
    outcome: { entry: { type: 'release', points: 0, reason: 'hold released' }, account: { available: 10_000, held: 0 } },
  },
  {
    name: 'release of a hold housekeeping already released → HoldNotOpen "is not open"',
    given: [TEN_THOUSAND, HOLD_3000, at(HOLD_3000_LAST_MS + 1, housekeepCmd())],
    when: at(HOLD_3000_LAST_MS + MIN, releaseCmd(holdAt(2))),
    outcome: { rejection: { kind: 'HoldNotOpen', message: 'is not open' } },
  },

  // Housekeeping
  {
    name: 'housekeeping 1 ms after a hold’s last millisecond writes a RELEASE of 0 points, reason "hold expired"',
    given: [TEN_THOUSAND, HOLD_3000],
    when: at(HOLD_3000_LAST_MS + 1, housekeepCmd()),
    outcome: { entry: { type: 'release', points: 0, reason: 'hold expired', orderId: 'o-1' }, account: { available: 10_000, held: 0 } },
  },
  {
    name: 'housekeeping at a hold’s last millisecond finds nothing due (an open hold is not due)',
    given: [TEN_THOUSAND, HOLD_3000],
    when: at(HOLD_3000_LAST_MS, housekeepCmd()),
    outcome: { rejection: { kind: 'NothingDue', message: 'nothing is due' }, account: { held: 3_000 } },
  },
  {
    name: 'a hold and the lot under it both lapsed: housekeeping releases the hold first (RELEASE "hold expired") and leaves the lot',
    given: [LAPSING_1000, at(MIN, holdCmd(1_000, { ttlMs: 9 * MIN }))],
    when: at(20 * MIN, housekeepCmd()),
    outcome: { entry: { type: 'release', reason: 'hold expired' }, account: { held: 0, balance: 1_000, lots: 1_000, available: 0 } },
  },
  {
    name: '… and the next housekeeping expires the lot: EXPIRE −1,000',
    given: [LAPSING_1000, at(MIN, holdCmd(1_000, { ttlMs: 9 * MIN })), at(20 * MIN, housekeepCmd())],
    when: at(20 * MIN, { ...housekeepCmd(), idempotencyKey: 'housekeep-2' }),
    outcome: { entry: { type: 'expire', points: -1_000, reason: 'expiry' }, account: { held: 0, balance: 0, lots: 0, available: 0 } },
  },

  // Redeem, Adjust and lifetime_redeemed beside holds
  {
    name: 'a Redeem cannot spend held points: 10,000 with 3,000 held, Redeem 7,001 → InsufficientPoints (available 7000)',
    given: [TEN_THOUSAND, HOLD_3000],
    when: at(2 * MIN, redeemCmd(7_001)),
    outcome: {
      rejection: { kind: 'InsufficientPoints', message: 'available 7000, requested 7001' },
      account: { available: 7_000, held: 3_000 },
    },
  },
  {
    name: 'a Redeem of the 7,000 not held is accepted and the hold keeps its 3,000',
    given: [TEN_THOUSAND, HOLD_3000],
    when: at(2 * MIN, redeemCmd(7_000)),
    outcome: { entry: { type: 'redeem', points: -7_000 }, account: { available: 0, held: 3_000, balance: 3_000 } },
  },
  {
    name: 'a negative Adjust cannot take held points either: −7,001 → InsufficientPoints (available 7000)',
    given: [TEN_THOUSAND, HOLD_3000],
    when: at(2 * MIN, adjustCmd(-7_001)),
    outcome: { rejection: { kind: 'InsufficientPoints', message: 'available 7000, requested 7001' } },
  },
  {
    name: 'lifetime_redeemed counts captures beside redeems: Redeem 500, then capture 1,000 of 3,000 → 1,500',
    given: [TEN_THOUSAND, HOLD_3000, at(2 * MIN, redeemCmd(500))],
    when: at(3 * MIN, captureCmd(holdAt(2), 1_000)),
    outcome: { entry: { type: 'capture', points: -1_000 }, account: { lifetimeRedeemed: 1_500, available: 8_500, balance: 8_500 } },
  },

  // Lots lapsing under an open hold: the hold takes no lots; the capture takes them when it comes.
  {
    name: 'a lot lapsing under an open hold leaves available negative while the hold is open: lot 1,000 expired, 1,000 held → available −1,000',
    given: [LAPSING_1000, HOLD_1000_30_MIN],
    when: at(11 * MIN, housekeepCmd()),
    outcome: { entry: { type: 'expire', points: -1_000 }, account: { available: -1_000, held: 1_000, balance: 0, lots: 0 } },
  },
  {
    name: 'capture after housekeeping expired the lot under the hold is still accepted; the 1,000 no lot covers become debt (ledger −1,000)',
    given: [LAPSING_1000, HOLD_1000_30_MIN, at(11 * MIN, housekeepCmd())],
    when: at(12 * MIN, captureCmd(holdAt(2))),
    outcome: {
      entry: { type: 'capture', points: -1_000, balanceAfter: -1_000 },
      account: { available: -1_000, held: 0, balance: -1_000, debt: 1_000, lots: 0, lifetimeRedeemed: 1_000 },
    },
  },
  {
    name: 'capture before housekeeping of a lot that lapsed under the hold leaves the lapsed lot to its EXPIRE: CAPTURE −1,000 becomes debt 1,000 (ledger 0, available −1,000)',
    given: [LAPSING_1000, HOLD_1000_30_MIN],
    when: at(11 * MIN, captureCmd(holdAt(2))),
    outcome: {
      entry: { type: 'capture', points: -1_000, balanceAfter: 0 },
      account: { available: -1_000, held: 0, balance: 0, debt: 1_000, lots: 1_000 },
    },
  },
  {
    name: '… and housekeeping then expires the lapsed lot: the same end state as when housekeeping ran first (ledger −1,000, debt 1,000, no lots)',
    given: [LAPSING_1000, HOLD_1000_30_MIN, at(11 * MIN, captureCmd(holdAt(2)))],
    when: at(12 * MIN, housekeepCmd()),
    outcome: { entry: { type: 'expire', points: -1_000 }, account: { available: -1_000, balance: -1_000, debt: 1_000, lots: 0 } },
  },
  {
    name: 'lot 1,000 expired and 500 that never lapse under a 1,200 hold: capture takes the 500 and 700 become debt',
    given: [LAPSING_1000, at(0, adjustCmd(500)), at(MIN, holdCmd(1_200, { ttlMs: 30 * MIN })), at(11 * MIN, housekeepCmd())],
    when: at(12 * MIN, captureCmd(holdAt(3))),
    outcome: {
      entry: { type: 'capture', points: -1_200, balanceAfter: -700 },
      account: { available: -700, held: 0, balance: -700, debt: 700, lots: 0 },
    },
  },
];

/** Runs the given steps (each must be accepted), then the command under test. */
function play(row: Row) {
  const member = new MemberTimeline(CASH);
  for (const step of row.given) {
    if ('cmd' in step) member.accept(step.cmd, T0 + step.at);
    else foldLot(member, step);
  }
  return { member, decision: member.attempt(row.when.cmd, T0 + row.when.at) };
}

function foldLot(member: MemberTimeline, step: LotStep): void {
  const entry = { ...entryAfter(member.state, earned(step.lot, step.lapsesAt)), createdAt: T0 + step.at };
  applyEntry(member.state, entry);
  member.entries.push(entry);
}

function accountAt(member: MemberTimeline, now: number): AccountNow {
  const { state } = member;
  return {
    available: availablePoints(state, now),
    held: heldPoints(state, now),
    balance: state.balance,
    debt: state.debt,
    lots: state.lots.reduce((sum, l) => sum + l.points, 0),
    lifetimeRedeemed: state.lifetimeRedeemed,
  };
}

describe('holds (积分抵现): hold, capture, release and what lapses', () => {
  it.each(rows)('$name', (row) => {
    const { member, decision } = play(row);
    const { entry, rejection, account } = row.outcome;
    if (rejection) {
      expect(decision.ok, 'expected a rejection').toBe(false);
      if (decision.ok) return;
      expect(decision.rejection.kind).toBe(rejection.kind);
      expect(decision.rejection.message).toContain(rejection.message);
      if (rejection.field) expect(decision.rejection.field).toBe(rejection.field);
    } else {
      if (!decision.ok) throw new Error(`refused: ${decision.rejection.kind}: ${decision.rejection.message}`);
      expect(decision.entry).toMatchObject(entry ?? {});
    }
    if (account) expect(accountAt(member, T0 + row.when.at)).toMatchObject(account);
  });

  it('replaying the stored entries of holds, captures, releases, a housekeeping release and an expiry gives the live state', () => {
    const member = new MemberTimeline(CASH);
    foldLot(member, { at: 0, lot: 2_000, lapsesAt: T0 + 40 * MIN }); // 1
    member.accept(adjustCmd(10_000), T0); // 2
    member.accept(holdCmd(3_000), T0 + MIN); // 3
    member.accept(holdCmd(2_000, { orderId: 'o-2', ttlMs: 5 * MIN }), T0 + MIN); // 4
    member.accept(holdCmd(1_000, { orderId: 'o-3' }), T0 + 2 * MIN); // 5
    member.accept(captureCmd(holdAt(3), 1_200), T0 + 3 * MIN); // 6: from the lapsing lot, soonest first
    member.accept(releaseCmd(holdAt(5)), T0 + 4 * MIN); // 7
    member.accept(housekeepCmd(), T0 + 7 * MIN); // 8: releases the lapsed hold of o-2
    member.accept(holdCmd(500, { orderId: 'o-4', ttlMs: 30 * MIN }), T0 + 15 * MIN); // 9: open through the expiry
    member.accept(housekeepCmd(), T0 + 41 * MIN); // 10: expires the 800 left of the lapsing lot
    expect(member.entries.map((e) => [e.type, e.points])).toEqual([
      ['earn', 2_000],
      ['adjust', 10_000],
      ['hold', 0],
      ['hold', 0],
      ['hold', 0],
      ['capture', -1_200],
      ['release', 0],
      ['release', 0],
      ['hold', 0],
      ['expire', -800],
    ]);
    expect(member.state.holds.map((h) => h.holdId)).toEqual([holdAt(9)]);
    expect(accountAt(member, T0 + 41 * MIN)).toEqual({
      available: 9_500,
      held: 500,
      balance: 10_000,
      debt: 0,
      lots: 10_000,
      lifetimeRedeemed: 1_200,
    });

    const stored = JSON.parse(JSON.stringify(member.entries)) as LedgerEntry[];
    const replayed = emptyState(TENANT, MEMBER);
    for (const e of stored) applyEntry(replayed, e);
    expect(replayed).toEqual(member.state);
    expect(replayed.lots.every((l) => l.expiresAt === NEVER_EXPIRES)).toBe(true);
  });
});

describe('QuoteRedemption: min(available, the share of the order at the rate), and its worth', () => {
  const quotes: { name: string; rate?: { points: number; perMinor: number }; given: Step[]; orderMinor: number; quote: RedemptionQuote }[] =
    [
      {
        name: '10,000 available, 3,000 held, a 100.01-yuan order at share 0.5: 5,000 points worth 50.00 yuan',
        given: [TEN_THOUSAND, HOLD_3000],
        orderMinor: 10_001,
        quote: { maxPoints: 5_000, cashMinor: 5_000, available: 7_000, points: 100, perMinor: 100 },
      },
      {
        name: 'a 200-yuan order may use 10,000 but only the 7,000 not held are available: 7,000 worth 70.00 yuan',
        given: [TEN_THOUSAND, HOLD_3000],
        orderMinor: 20_000,
        quote: { maxPoints: 7_000, cashMinor: 7_000, available: 7_000, points: 100, perMinor: 100 },
      },
      {
        name: 'at 150 points = 1 yuan a 100.01-yuan order may use floor(5,000 × 1.5) = 7,500; 7,000 available are worth floor(7,000 / 1.5) = 4,666 fen',
        rate: { points: 150, perMinor: 100 },
        given: [TEN_THOUSAND, HOLD_3000],
        orderMinor: 10_001,
        quote: { maxPoints: 7_000, cashMinor: 4_666, available: 7_000, points: 150, perMinor: 100 },
      },
      {
        name: 'available below 0 (a lot expired under a hold) quotes 0, not a negative number',
        given: [LAPSING_1000, HOLD_1000_30_MIN, at(11 * MIN, housekeepCmd())],
        orderMinor: 10_000,
        quote: { maxPoints: 0, cashMinor: 0, available: 0, points: 100, perMinor: 100 },
      },
    ];

  it.each(quotes)('$name', ({ rate, given, orderMinor, quote }) => {
    const program = rate ? { ...CASH, pointsAsCash: { ...CASH.pointsAsCash, ...rate } } : CASH;
    const member = new MemberTimeline(program);
    let now = T0;
    for (const step of given) {
      now = T0 + step.at;
      if ('cmd' in step) member.accept(step.cmd, now);
      else foldLot(member, step);
    }
    expect(quoteOf(member.state, program, orderMinor, now + 1)).toEqual(quote);
  });
});
