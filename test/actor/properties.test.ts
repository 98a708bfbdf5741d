// Invariants of one member's ledger over random command sequences: decide each command, apply the
// accepted ones, and check conservation, seq without gaps, replayability and lot hygiene.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WriteCommand } from '../../src/actor/commands.js';
import { decide } from '../../src/actor/decide.js';
import { type LedgerEntry, NEVER_EXPIRES, type OrderRecord } from '../../src/actor/entries.js';
import { payloadFingerprint } from '../../src/actor/fingerprint.js';
import { type MemberState, applyEntry, emptyState } from '../../src/actor/state.js';
import { MEMBER, type Past, TENANT, adjustCmd, earnCmd, entryAfter, redeemCmd, reverseCmd } from './member-fixtures.js';

const orderId = fc.constantFrom('o-1', 'o-2', 'o-3', 'o-4');
const amount = fc.oneof(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }));

const command: fc.Arbitrary<WriteCommand> = fc.oneof(
  fc.record({ orderId, amountMinor: amount }).map((o) => earnCmd(o)),
  fc.integer({ min: 1, max: 5_000 }).map((p) => redeemCmd(p)),
  fc.record({ orderId, amountMinor: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 600_000 })) }).map((o) =>
    reverseCmd(o.orderId, o.amountMinor),
  ),
  fc.integer({ min: -5_000, max: 5_000 }).filter((p) => p !== 0).map((p) => adjustCmd(p)),
);

// 60 commands of at most ~9·10^13 points each stay within 2^53.
const commands = fc.array(command, { maxLength: 60 });

interface Run {
  state: MemberState;
  entries: LedgerEntry[];
  orders: Map<string, OrderRecord>;
}

/** What the actor does: decide in order, apply what is accepted, keep the order records current. */
function runMember(cmds: WriteCommand[]): Run {
  const state = emptyState(TENANT, MEMBER);
  const entries: LedgerEntry[] = [];
  const orders = new Map<string, OrderRecord>();
  cmds.forEach((cmd, i) => {
    const id = cmd.kind === 'earn' || cmd.kind === 'reverse' ? cmd.orderId : '';
    const decision = decide(state, cmd, { now: 1_000 + i, payloadHash: payloadFingerprint(cmd), order: orders.get(id) });
    if (!decision.ok) return;
    applyEntry(state, decision.entry);
    entries.push(decision.entry);
    if (decision.order) orders.set(id, decision.order);
  });
  return { state, entries, orders };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const property = (check: (run: Run) => void) => () =>
  fc.assert(
    fc.property(commands, (cmds) => check(runMember(cmds))),
    { numRuns: 300 },
  );

describe('one member over random commands', () => {
  it(
    'seq increases by one from 1 with no gaps',
    property(({ state, entries }) => {
      expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
      expect(state.seq).toBe(entries.length);
    }),
  );

  it(
    'balance equals lots minus debt, the last balance_after and the sum of entry points',
    property(({ state, entries }) => {
      const points = sum(entries.map((e) => e.points));
      expect(state.balance).toBe(sum(state.lots.map((l) => l.points)) - state.debt);
      expect(state.balance).toBe(entries.at(-1)?.balanceAfter ?? 0);
      expect(state.balance).toBe(points);
    }),
  );

  it(
    'every balance_after is the running sum of entry points',
    property(({ entries }) => {
      let running = 0;
      for (const e of entries) {
        running += e.points;
        expect(e.balanceAfter).toBe(running);
      }
    }),
  );

  it(
    'replaying the entries (as read back from storage) from emptyState yields the same state',
    property(({ state, entries }) => {
      const stored = JSON.parse(JSON.stringify(entries)) as LedgerEntry[];
      const replayed = emptyState(TENANT, MEMBER);
      for (const e of stored) applyEntry(replayed, e);
      expect(replayed).toEqual(state);
    }),
  );

  it(
    'lifetime earned and redeemed equal the sums of earn and redeem entries',
    property(({ state, entries }) => {
      expect(state.lifetimeEarned).toBe(sum(entries.filter((e) => e.type === 'earn').map((e) => e.points)));
      expect(state.lifetimeRedeemed).toBe(0 - sum(entries.filter((e) => e.type === 'redeem').map((e) => e.points)));
    }),
  );

  it(
    'no lot holds zero or negative points, and debt only exists with no lots',
    property(({ state }) => {
      for (const lot of state.lots) expect(lot.points).toBeGreaterThan(0);
      expect(state.debt).toBeGreaterThanOrEqual(0);
      if (state.debt > 0) expect(state.lots).toEqual([]);
    }),
  );

  it(
    'the reverses of an order never claw back more than it earned',
    property(({ entries, orders }) => {
      for (const [id, order] of orders) {
        const clawed = 0 - sum(entries.filter((e) => e.type === 'reverse' && e.orderId === id).map((e) => e.points));
        expect(clawed).toBe(order.reversedPoints);
        expect(clawed).toBeLessThanOrEqual(order.points);
        if (order.refundedMinor === order.amountMinor) expect(clawed).toBe(order.points);
      }
    }),
  );
});

const expiry = fc.oneof(fc.constant(NEVER_EXPIRES), fc.integer({ min: 1, max: 5 }).map((d) => d * 86_400_000));
const past: fc.Arbitrary<Past> = fc.oneof(
  fc.record({ type: fc.constant('earn' as const), points: fc.integer({ min: 0, max: 500 }), expiresAt: expiry }),
  fc.record({ type: fc.constantFrom('redeem' as const, 'reverse' as const), points: fc.integer({ min: -500, max: 0 }) }),
);

describe('applyEntry over random histories with expiring lots', () => {
  it('keeps lots sorted soonest-expiring first, never-expiring last, all positive', () => {
    fc.assert(
      fc.property(fc.array(past, { maxLength: 80 }), (history) => {
        const state = emptyState(TENANT, MEMBER);
        for (const p of history) applyEntry(state, entryAfter(state, p));
        const order = state.lots.map((l) => (l.expiresAt === NEVER_EXPIRES ? Number.POSITIVE_INFINITY : l.expiresAt));
        expect(order).toEqual([...order].sort((a, b) => a - b));
        expect(new Set(order).size).toBe(order.length);
        for (const lot of state.lots) expect(lot.points).toBeGreaterThan(0);
        expect(state.balance).toBe(sum(state.lots.map((l) => l.points)) - state.debt);
        expect(state.balance).toBe(sum(history.map((p) => p.points)));
      }),
      { numRuns: 300 },
    );
  });
});
