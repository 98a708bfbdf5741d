// Invariants of one member's ledger over random command sequences: decide each command, apply the
// accepted ones, and check conservation, seq without gaps, replayability and lot hygiene — under the
// built-in program, and under one with pending days, rolling expiry, caps, tiers and behaviours.
// Both mixes include holds (积分抵现): hold, capture and release at random instants.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CaptureHoldCommand, HoldCommand, ReleaseHoldCommand, WriteCommand } from '../../src/actor/commands.js';
import { decide } from '../../src/actor/decide.js';
import { type LedgerEntry, NEVER_EXPIRES, type OrderRecord, entryIdOf } from '../../src/actor/entries.js';
import { payloadFingerprint } from '../../src/actor/fingerprint.js';
import { type MemberState, applyEntry, availablePoints, emptyState, heldPoints, isLive, pendingPoints } from '../../src/actor/state.js';
import { defaultProgram } from '../../src/shard/program-book.js';
import type { Behaviour, Program } from '../../src/rules/program/program.js';
import { CHINA_TIERS, firstOrderRule, programFixture } from '../rules/program-fixture.js';
import {
  MEMBER,
  MemberTimeline,
  type Past,
  TENANT,
  activityCmd,
  adjustCmd,
  earnCmd,
  enrollCmd,
  entryAfter,
  housekeepCmd,
  redeemCmd,
  reverseCmd,
} from './member-fixtures.js';

/** The built-in program (1 point per yuan, nothing pending, nothing expires, no caps). */
const DEFAULT_PROGRAM = defaultProgram(TENANT);

const orderId = fc.constantFrom('o-1', 'o-2', 'o-3', 'o-4');
const amount = fc.oneof(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }));

// Holds: ttls up to a little over the program's 30 minutes (so some are refused), with and without
// an order amount (the share), captured whole or in part. A capture or release names its hold only
// when it runs (see holdOf): mostly an open one, sometimes any hold ever made (settled, lapsed).
const MINUTE = 60_000;
const holdTtl = fc.oneof(
  fc.integer({ min: 1_000, max: 60_000 }),
  fc.integer({ min: 1, max: 31 }).map((m) => m * MINUTE),
);
const hold = (points: fc.Arbitrary<number>, orderAmount: fc.Arbitrary<number>): fc.Arbitrary<WriteCommand> =>
  fc
    .record({ points, ttlMs: holdTtl, orderId, orderAmountMinor: fc.oneof(fc.constant(0), orderAmount) })
    .map((o): HoldCommand => ({ kind: 'hold', tenantId: TENANT, memberId: MEMBER, idempotencyKey: 'hold', ...o }));
/** `last#0`: the latest hold made; `open#k`: the k-th open hold (mod their number); `any#k`: any hold ever made. */
const holdRef = fc.oneof(
  fc.constant('last#0'),
  fc.record({ open: fc.boolean(), k: fc.nat(20) }).map(({ open, k }) => `${open ? 'open' : 'any'}#${k}`),
);
const capture = (points: fc.Arbitrary<number>): fc.Arbitrary<WriteCommand> =>
  fc
    .record({ holdId: holdRef, points: fc.oneof({ arbitrary: fc.constant(0), weight: 2 }, points) })
    .map((o): CaptureHoldCommand => ({ kind: 'capture', tenantId: TENANT, memberId: MEMBER, idempotencyKey: 'capture', ...o }));
const release: fc.Arbitrary<WriteCommand> = holdRef.map(
  (holdId): ReleaseHoldCommand => ({ kind: 'release', tenantId: TENANT, memberId: MEMBER, idempotencyKey: 'release', holdId }),
);

/** Resolves a capture's or release's hold reference against the member as it is when the command runs. */
function holdOf(cmd: WriteCommand, state: MemberState, entries: LedgerEntry[]): WriteCommand {
  if ((cmd.kind !== 'capture' && cmd.kind !== 'release') || !cmd.holdId.includes('#')) return cmd;
  const [which, k] = cmd.holdId.split('#');
  const made = entries.flatMap((e) => (e.type === 'hold' && e.detail?.hold ? [e.detail.hold.holdId] : []));
  const pool = which === 'open' && state.holds.length > 0 ? state.holds.map((h) => h.holdId) : made;
  const index = which === 'last' ? pool.length - 1 : Number(k) % pool.length;
  const holdId = pool.length > 0 ? pool[index] : entryIdOf(TENANT, MEMBER, 999);
  return { ...cmd, holdId };
}

const command: fc.Arbitrary<WriteCommand> = fc.oneof(
  fc.record({ orderId, amountMinor: amount }).map((o) => earnCmd(o)),
  fc.integer({ min: 1, max: 5_000 }).map((p) => redeemCmd(p)),
  fc
    .record({ orderId, amountMinor: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 600_000 })) })
    .map((o) => reverseCmd(o.orderId, o.amountMinor)),
  fc
    .integer({ min: -5_000, max: 5_000 })
    .filter((p) => p !== 0)
    .map((p) => adjustCmd(p)),
  hold(fc.integer({ min: 1, max: 5_000 }), fc.integer({ min: 1, max: 1_000_000 })),
  capture(fc.integer({ min: 1, max: 5_000 })),
  release,
);

// 60 commands of at most ~9·10^13 points each stay within 2^53. Medium size, so that a hold is often
// followed by its capture or release within one sequence.
const commands = fc.array(command, { maxLength: 60, size: 'medium' });

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
  cmds.forEach((generated, i) => {
    const cmd = holdOf(generated, state, entries);
    const id = cmd.kind === 'earn' || cmd.kind === 'reverse' ? cmd.orderId : '';
    const decision = decide(state, cmd, {
      now: 1_000 + i,
      payloadHash: payloadFingerprint(cmd),
      order: orders.get(id),
      program: DEFAULT_PROGRAM,
    });
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
    'lifetime earned and redeemed equal the sums of earn entries and of redeem and capture entries',
    property(({ state, entries }) => {
      expect(state.lifetimeEarned).toBe(sum(entries.filter((e) => e.type === 'earn').map((e) => e.points)));
      expect(state.lifetimeRedeemed).toBe(0 - sum(entries.filter((e) => e.type === 'redeem' || e.type === 'capture').map((e) => e.points)));
    }),
  );

  it(
    'holds move no points: HOLD and RELEASE entries are 0 and a CAPTURE takes at most its open hold, once',
    property(({ entries }) => checkHoldSettlements(entries)),
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

const expiry = fc.oneof(
  fc.constant(NEVER_EXPIRES),
  fc.integer({ min: 1, max: 5 }).map((d) => d * 86_400_000),
);
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

// ---------------------------------------------------------------------------------------------
// Under a program where time matters: base points pending 2 days (available from 00:00 local 3 days
// after the order's local day), lots expiring at the end of the local day 3 days on (noticed 1 day ahead), 300 points a day / 3000 a month overall, tiers on
// spend, a first-order bonus, sign-up, check-in with a 3-day streak bonus and a capped share.

const DAY = 86_400_000;
const START = Date.parse('2026-11-10T02:00:00Z'); // 10:00 in Shanghai

function behaviour(id: string, points: number, o: Partial<Behaviour> = {}): Behaviour {
  return {
    id,
    activity: id,
    points,
    once: false,
    perDay: 0,
    uniqueTarget: false,
    streak: undefined,
    caps: { perDay: 0, perMonth: 0 },
    ...o,
  };
}

const TIMED_PROGRAM: Program = programFixture({
  pendingDays: 2,
  expiry: { kind: 'rolling', months: 0, days: 3, noticeDays: 1 },
  caps: { perDay: 300, perMonth: 3_000 },
  tiers: { metric: 'spend', window: 'rolling_12_months', validityMonths: 1, levels: CHINA_TIERS },
  rules: [firstOrderRule('first-order', 50)],
  behaviours: [
    behaviour('sign_up', 20, { once: true }),
    behaviour('check_in', 5, { perDay: 1, streak: { days: 3, bonusPoints: 10 } }),
    behaviour('share', 40, { perDay: 3, caps: { perDay: 100, perMonth: 0 } }),
  ],
});

interface TimedStep {
  /** How long after the previous step this one arrives. */
  advance: number;
  cmd: WriteCommand;
  /** How long before its arrival it happened (earn, enroll, activity: occurred_at); 0 = occurred_at 0. */
  lateBy: number;
}

/** Mostly small: a timed member rarely has more than a few hundred points available. */
const holdPoints = fc.oneof(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 400 }));
const timedOrderId = fc.constantFrom('o-1', 'o-2', 'o-3', 'o-4', 'o-5', 'o-6');
const timedCommand: fc.Arbitrary<WriteCommand> = fc.oneof(
  { arbitrary: fc.record({ orderId: timedOrderId, amountMinor: fc.integer({ min: 1, max: 300_000 }) }).map((o) => earnCmd(o)), weight: 4 },
  { arbitrary: fc.integer({ min: 1, max: 400 }).map((p) => redeemCmd(p)), weight: 2 },
  {
    arbitrary: fc
      .record({ orderId: timedOrderId, amountMinor: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 200_000 })) })
      .map((o) => reverseCmd(o.orderId, o.amountMinor)),
    weight: 2,
  },
  fc
    .integer({ min: -400, max: 400 })
    .filter((p) => p !== 0)
    .map((p) => adjustCmd(p)),
  fc.constant(enrollCmd({ birthday: { month: 11, day: 12 } })),
  { arbitrary: fc.constantFrom('check_in', 'share', 'dance').map((a) => activityCmd(a)), weight: 3 },
  { arbitrary: fc.constant(housekeepCmd()), weight: 2 },
);

/** Arrivals from seconds to a week apart, so pending windows end, lots lapse, days and tiers roll over. */
const advance = fc.oneof(fc.integer({ min: 0, max: 60_000 }), fc.integer({ min: 0, max: 2 * DAY }), fc.integer({ min: 0, max: 7 * DAY }));
/** Mostly on time; sometimes up to the program's 30-day lateness window late. */
const lateBy = fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, fc.integer({ min: 1, max: 30 * DAY }));
/**
 * A checkout: a hold, then within about its ttl a capture (whole or part) or release — mostly of that
 * hold, sometimes of another one, open or settled — or nothing, and the hold lapses.
 */
const checkout: fc.Arbitrary<TimedStep[]> = fc
  .record({
    advance,
    hold: hold(holdPoints, fc.integer({ min: 1, max: 300_000 })),
    settleAfter: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 60_000 }), weight: 2 }, fc.integer({ min: 0, max: 35 * MINUTE })),
    settle: fc.oneof({ arbitrary: capture(fc.integer({ min: 1, max: 50 })), weight: 2 }, release, fc.constant(undefined)),
    ofThisHold: fc.oneof({ arbitrary: fc.constant(true), weight: 3 }, fc.constant(false)),
  })
  .map((c) => {
    const steps: TimedStep[] = [{ advance: c.advance, cmd: c.hold, lateBy: 0 }];
    if (c.settle?.kind === 'capture' || c.settle?.kind === 'release') {
      const cmd = c.ofThisHold ? { ...c.settle, holdId: 'last#0' } : c.settle;
      steps.push({ advance: c.settleAfter, cmd, lateBy: 0 });
    }
    return steps;
  });
/** Up to about 80 single commands as before the holds came, and a checkout for every six of them. */
const timedSteps = fc
  .array(fc.oneof({ arbitrary: fc.record({ advance, cmd: timedCommand, lateBy }).map((step) => [step]), weight: 6 }, checkout), {
    maxLength: 96,
    size: 'max',
  })
  .map((units) => units.flat());
/** Instants to look at the account, relative to the last step: before, around and after its lots' dates. */
const lookAt = fc.array(fc.integer({ min: -DAY, max: 6 * DAY }), { minLength: 1, maxLength: 6 });

interface TimedRun {
  member: MemberTimeline;
  /** The clock of each applied entry's command. */
  end: number;
}

/** Runs the steps in arrival order; with `late`, steps that carry occurred_at happened lateBy before arriving. */
function runTimed(steps: TimedStep[], late: boolean): TimedRun {
  const member = new MemberTimeline(TIMED_PROGRAM);
  let now = START;
  for (const step of steps) {
    now += step.advance;
    const occurs = step.cmd.kind === 'earn' || step.cmd.kind === 'enroll' || step.cmd.kind === 'activity';
    const cmd = late && occurs && step.lateBy > 0 ? { ...step.cmd, occurredAt: now - step.lateBy } : step.cmd;
    member.attempt(holdOf(cmd, member.state, member.entries), now);
  }
  return { member, end: now };
}

/** A property over random timed runs; `late: false` keeps every occurred_at at 0 (see 'caps under late arrivals'). */
const timedProperty =
  (check: (run: TimedRun, instants: number[]) => void, late = true) =>
  () =>
    fc.assert(
      fc.property(timedSteps, lookAt, (steps, offsets) => {
        const run = runTimed(steps, late);
        check(
          run,
          offsets.map((o) => run.end + o),
        );
      }),
      { numRuns: 300 },
    );

const lotsWhere = (state: MemberState, keep: (lot: MemberState['lots'][number]) => boolean) =>
  sum(state.lots.filter(keep).map((l) => l.points));
const lapsedBy = (t: number) => (lot: MemberState['lots'][number]) => lot.expiresAt !== NEVER_EXPIRES && lot.expiresAt <= t;

describe('one member over random timed commands under a program with pending days, expiry and caps', () => {
  it(
    'balance = lots − debt = sum of entries; at any instant available + held + pending + lapsed-not-yet-expired = balance',
    timedProperty(({ member }, instants) => {
      const { state, entries } = member;
      expect(state.balance).toBe(sum(state.lots.map((l) => l.points)) - state.debt);
      expect(state.balance).toBe(sum(entries.map((e) => e.points)));
      for (const t of instants) {
        const available = availablePoints(state, t);
        const held = heldPoints(state, t);
        const pending = pendingPoints(state, t);
        expect(available + held + pending).toBe(lotsWhere(state, (l) => !lapsedBy(t)(l)) - state.debt);
        expect(available + held + pending + lotsWhere(state, lapsedBy(t))).toBe(state.balance);
        expect(pending).toBeGreaterThanOrEqual(0);
        expect(held).toBeGreaterThanOrEqual(0);
      }
    }),
  );

  it(
    'holds never make available exceed what the lots allow: available = spendable lots − debt − held, and held is 0 once every hold has lapsed',
    timedProperty(({ member: { state } }, instants) => {
      const lastHold = Math.max(0, ...state.holds.map((h) => h.expiresAt));
      for (const t of [...instants, lastHold + 1]) {
        const spendable = lotsWhere(state, (l) => l.availableAt <= t && !lapsedBy(t)(l));
        expect(availablePoints(state, t)).toBe(spendable - state.debt - heldPoints(state, t));
        expect(availablePoints(state, t)).toBeLessThanOrEqual(spendable - state.debt);
      }
      expect(heldPoints(state, lastHold + 1)).toBe(0);
      expect(availablePoints(state, lastHold + 1)).toBe(
        lotsWhere(state, (l) => l.availableAt <= lastHold + 1 && !lapsedBy(lastHold + 1)(l)) - state.debt,
      );
    }),
  );

  it(
    'a hold never sets aside more than was available: right after each HOLD, available at its instant is ≥ 0',
    timedProperty(({ member }) => {
      const replayed = emptyState(TENANT, MEMBER);
      for (const e of member.entries) {
        applyEntry(replayed, e);
        if (e.type === 'hold') expect(availablePoints(replayed, e.createdAt)).toBeGreaterThanOrEqual(0);
      }
    }),
  );

  it(
    'a CAPTURE takes at most its hold’s points, no later than the hold’s last millisecond, and settles it once; HOLD and RELEASE move no points',
    timedProperty(({ member }) => checkHoldSettlements(member.entries)),
  );

  it('the random timed runs capture, release and let holds lapse (the hold properties are not vacuous)', () => {
    const seen = { capture: 0, release: 0, lapsed: 0 };
    timedProperty(({ member }) => {
      for (const e of member.entries) {
        if (e.type === 'capture') seen.capture++;
        if (e.type === 'release' && e.reason === 'hold expired') seen.lapsed++;
        else if (e.type === 'release') seen.release++;
      }
    })();
    expect(seen.capture).toBeGreaterThan(100);
    expect(seen.release).toBeGreaterThan(50);
    expect(seen.lapsed).toBeGreaterThan(50);
  });

  it(
    'seq has no gaps and every balance_after is the running sum',
    timedProperty(({ member }) => {
      let running = 0;
      member.entries.forEach((e, i) => {
        expect(e.seq).toBe(i + 1);
        running += e.points;
        expect(e.balanceAfter).toBe(running);
      });
    }),
  );

  it(
    'replaying the stored entries from emptyState gives a state deep-equal to the live one',
    timedProperty(({ member }) => {
      const stored = JSON.parse(JSON.stringify(member.entries)) as LedgerEntry[];
      const replayed = emptyState(TENANT, MEMBER);
      for (const e of stored) applyEntry(replayed, e);
      expect(replayed).toEqual(member.state);
    }),
  );

  it(
    'points earned per local day and month never exceed the overall caps (adjustments aside), arrivals on time',
    timedProperty(({ member }) => {
      const perDay = new Map<string, number>();
      const perMonth = new Map<string, number>();
      for (const e of member.entries) {
        if (e.points <= 0 || e.type === 'adjust' || !e.detail || e.detail.dayKey === '') continue;
        perDay.set(e.detail.dayKey, (perDay.get(e.detail.dayKey) ?? 0) + e.points);
        perMonth.set(e.detail.monthKey, (perMonth.get(e.detail.monthKey) ?? 0) + e.points);
      }
      for (const points of perDay.values()) expect(points).toBeLessThanOrEqual(TIMED_PROGRAM.caps.perDay);
      for (const points of perMonth.values()) expect(points).toBeLessThanOrEqual(TIMED_PROGRAM.caps.perMonth);
    }, false),
  );

  it(
    'no lot is empty, lots stay in expiry order, and debt only exists beside lapsed lots awaiting their EXPIRE entry',
    timedProperty(({ member: { state, entries } }) => {
      for (const lot of state.lots) expect(lot.points).toBeGreaterThan(0);
      const order = state.lots.map((l) => (l.expiresAt === NEVER_EXPIRES ? Number.POSITIVE_INFINITY : l.expiresAt));
      expect(order).toEqual([...order].sort((a, b) => a - b));
      expect(state.debt).toBeGreaterThanOrEqual(0);
      // A spend or refund takes every live lot before it owes; a lapsed lot is left for its EXPIRE
      // entry (its points are gone either way), and new points pay the debt before they make a lot.
      const last = entries.at(-1)?.createdAt ?? 0;
      if (state.debt > 0) expect(state.lots.filter((l) => isLive(l, last))).toEqual([]);
    }),
  );

  it('pending points are available from 00:00 local of the order’s day + 3 (2 pending days), and one local day’s pending points share one lot', () => {
    let pendingEarnsSeen = 0;
    timedProperty(({ member }) => {
      const pendingDays = new Set<string>();
      for (const e of member.entries) {
        if (e.type !== 'earn' || !e.detail || e.detail.pendingPoints === 0) continue;
        pendingEarnsSeen++;
        pendingDays.add(e.detail.dayKey);
        const [y, m, d] = e.detail.dayKey.split('-').map(Number);
        // Asia/Shanghai is UTC+8 all year: 00:00 local is 16:00Z the day before
        expect(e.detail.availableAt, e.detail.dayKey).toBe(Date.UTC(y, m - 1, d + 3) - 8 * 3_600_000);
      }
      // an earn's expiry and availableAt both follow its local day: at most one pending lot per day
      const pendingLots = member.state.lots.filter((l) => l.availableAt > 0);
      expect(new Set(pendingLots.map((l) => l.availableAt)).size).toBe(pendingLots.length);
      expect(pendingLots.length).toBeLessThanOrEqual(pendingDays.size);
    })();
    expect(pendingEarnsSeen).toBeGreaterThan(1_000);
  });

  it(
    'a redeem never takes more than was available when it was decided',
    timedProperty(({ member }) => {
      const replayed = emptyState(TENANT, MEMBER);
      for (const e of member.entries) {
        if (e.type === 'redeem') expect(-e.points).toBeLessThanOrEqual(availablePoints(replayed, e.createdAt));
        applyEntry(replayed, e);
      }
    }),
  );

  it(
    'an EXPIRE entry takes exactly the lots lapsed at its instant',
    timedProperty(({ member }) => {
      const replayed = emptyState(TENANT, MEMBER);
      for (const e of member.entries) {
        if (e.type === 'expire') {
          expect(-e.points).toBe(lotsWhere(replayed, lapsedBy(e.createdAt)));
          applyEntry(replayed, e);
          expect(lotsWhere(replayed, lapsedBy(e.createdAt))).toBe(0);
        } else applyEntry(replayed, e);
      }
    }),
  );
});

/**
 * Replays the entries checking each hold's settlement: HOLD and RELEASE move no points; a CAPTURE or
 * RELEASE settles a hold that is open at that moment (once), and a CAPTURE takes at most what the
 * hold holds, no later than its last millisecond.
 */
function checkHoldSettlements(entries: LedgerEntry[]): void {
  const replayed = emptyState(TENANT, MEMBER);
  const settled = new Set<string>();
  for (const e of entries) {
    if (e.type === 'hold' || e.type === 'release') expect(e.points).toBe(0);
    if (e.type === 'capture' || e.type === 'release') {
      const holdId = e.detail?.hold?.holdId ?? '';
      const open = replayed.holds.find((h) => h.holdId === holdId);
      expect(open, `${e.type} of ${holdId} at seq ${e.seq}`).toBeDefined();
      expect(settled.has(holdId)).toBe(false);
      settled.add(holdId);
      if (e.type === 'capture' && open) {
        expect(-e.points).toBeGreaterThan(0);
        expect(-e.points).toBeLessThanOrEqual(open.points);
        expect(e.createdAt).toBeLessThanOrEqual(open.expiresAt);
      }
    }
    applyEntry(replayed, e);
  }
}

describe('caps under late arrivals', () => {
  // BUG (src/actor/state.ts applyDetail, src/rules/caps.ts): the actor keeps cap usage and activity
  // counters for one local day only, and every entry rolls them to *its* day. An order back-dated to
  // yesterday (inside the lateness window) reads yesterday's usage as 0 and then replaces today's
  // usage, so both days exceed their cap.
  it('an order back-dated to a capped day earns nothing more that day, and today’s cap still holds', () => {
    const member = new MemberTimeline(programFixture({ caps: { perDay: 100, perMonth: 0 } }));
    const at = (iso: string) => Date.parse(iso);
    member.accept(earnCmd({ orderId: 'a', amountMinor: 10_000 }), at('2026-11-10T02:00:00Z')); // 11-10: 100
    member.accept(earnCmd({ orderId: 'b', amountMinor: 10_000 }), at('2026-11-11T02:00:00Z')); // 11-11: 100
    const late = member.accept(
      earnCmd({ orderId: 'c', amountMinor: 10_000, occurredAt: at('2026-11-10T12:00:00Z') }),
      at('2026-11-11T02:01:00Z'),
    );
    const again = member.accept(earnCmd({ orderId: 'd', amountMinor: 10_000 }), at('2026-11-11T02:02:00Z'));
    expect([late.points, again.points]).toEqual([0, 0]); // today: [100, 100]
  });

  it('a share back-dated to yesterday does not reset today’s per-day limit', () => {
    const member = new MemberTimeline(TIMED_PROGRAM);
    const t = Date.parse('2026-11-11T01:00:00Z'); // 09:00 on 11-11 in Shanghai
    for (let i = 0; i < 3; i++) member.accept(activityCmd('share'), t + i * 60_000);
    member.accept(activityCmd('share', { occurredAt: Date.parse('2026-11-10T14:00:00Z') }), t + 3 * 60_000);
    expect(member.attempt(activityCmd('share'), t + 4 * 60_000).ok).toBe(false); // today: accepted, a 4th share on 11-11
  });
});

describe('counterexamples the property runs found', () => {
  it('a refund of spent points while only a lapsed lot remains owes them, and leaves the lapsed lot to its EXPIRE entry', () => {
    const member = new MemberTimeline(TIMED_PROGRAM);
    const at = (iso: string) => Date.parse(iso);
    // 50 first-order points (expire end of 11-13 local), 1 pending base point from o-5 (available 11-15 00:00 local)
    member.accept(earnCmd({ orderId: 'o-1', amountMinor: 1 }), START);
    member.accept(earnCmd({ orderId: 'o-5', amountMinor: 100 }), at('2026-11-11T23:44:00Z'));
    member.accept(enrollCmd({ birthday: { month: 11, day: 12 } }), at('2026-11-13T03:45:00Z'));
    member.accept(activityCmd('check_in'), at('2026-11-14T15:59:00Z'));
    // at 00:00 local on 11-15 the 50 have lapsed (no EXPIRE entry yet) and 20 + 5 + 1 are spendable
    const spendAt = at('2026-11-14T16:00:00Z');
    expect(availablePoints(member.state, spendAt)).toBe(26);
    member.accept(redeemCmd(26), spendAt);
    const refund = member.accept(reverseCmd('o-5', 0), spendAt);
    expect(refund.points).toBe(-1);
    expect(member.state.debt).toBe(1);
    expect(member.state.lots).toEqual([{ expiresAt: at('2026-11-13T15:59:59.999Z'), points: 50, availableAt: 0 }]);
    expect(member.state.balance).toBe(49);
    expect(availablePoints(member.state, spendAt)).toBe(-1);
    // the EXPIRE entry takes the lapsed 50 and the debt stays owed
    member.accept(housekeepCmd(), spendAt + 60_000);
    expect(member.state.lots).toEqual([]);
    expect(member.state.debt).toBe(1);
    expect(member.state.balance).toBe(-1);
  });
});
