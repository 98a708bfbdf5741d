// 转赠 / 积分捐赠 / 跨界兑换 as a spec: one row per behaviour — the member's history (commands at
// their instants), the command under test, the entry it must write (and the follow-up it owes the
// receiver) or the rejection it must return, and the account it leaves. Program: Asia/Shanghai,
// lots last 12 months to the end of the local day, earned base points pending 7 days, at most 5,000
// points sent per local day, charity account `charity`, partner `air` at 3 points = 2 miles.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TransferCommand, TransferInCommand, WriteCommand } from '../../src/actor/commands.js';
import { type LedgerEntry, entryIdOf } from '../../src/actor/entries.js';
import type { RejectionKind } from '../../src/actor/rejections.js';
import type { EntryPage, OpResult, WriteResult } from '../../src/actor/results.js';
import { TRANSFER_USAGE, applyEntry, availablePoints, emptyState, heldPoints, pendingPoints } from '../../src/actor/state.js';
import { ProgramBook } from '../../src/shard/program-book.js';
import { ShardCore } from '../../src/shard/shard-core.js';
import { SqliteLedgerStore } from '../../src/ledger/embedded/sqlite-store.js';
import { localDayOf } from '../../src/rules/calendar.js';
import type { Program } from '../../src/rules/program/program.js';
import { programFixture } from '../rules/program-fixture.js';
import { MEMBER, MemberTimeline, TENANT, adjustCmd, earnCmd, holdCmd, redeemCmd } from './member-fixtures.js';

const T0 = Date.parse('2026-11-10T02:00:00Z'); // Tuesday 10 November 2026, 10:00 in Shanghai
const MIN = 60_000;
const HOUR = 60 * MIN;
/** Local midnight in Shanghai, 14 h after T0 (16:00 UTC): a new day for the daily limit. */
const MIDNIGHT = 14 * HOUR;
/** A lot received at T0 lasts 12 months, to the end of 10 November 2027 local time. */
const LOT_OF_T0_EXPIRES = Date.parse('2027-11-10T15:59:59.999Z');

const FRIEND = 'm-2';
const CHARITY = 'charity';
const PROGRAM = programFixture({
  pendingDays: 7,
  expiry: { kind: 'rolling', months: 12, days: 0, noticeDays: 0 },
  transfers: { maxPointsPerDay: 5_000, charityMemberId: CHARITY, partners: [{ id: 'air', points: 3, units: 2 }] },
});
const NO_CHARITY = { ...PROGRAM, transfers: { ...PROGRAM.transfers, charityMemberId: '' } };
const NO_LIMIT = { ...PROGRAM, transfers: { ...PROGRAM.transfers, maxPointsPerDay: 0 } };
/** The sender m-1 is itself the charity account. */
const SENDER_IS_CHARITY = { ...PROGRAM, transfers: { ...PROGRAM.transfers, charityMemberId: MEMBER } };

function toMember(points: number, o: Partial<TransferCommand> = {}): TransferCommand {
  return {
    kind: 'transfer',
    tenantId: TENANT,
    memberId: MEMBER,
    idempotencyKey: `transfer-${o.toMemberId ?? FRIEND}-${points}`,
    transferKind: 'member',
    toMemberId: FRIEND,
    points,
    partnerId: '',
    partnerReference: '',
    reason: 'gift to a friend',
    ...o,
  };
}

function donate(points: number, o: Partial<TransferCommand> = {}): TransferCommand {
  return toMember(points, { transferKind: 'donation', toMemberId: '', idempotencyKey: `donate-${points}`, reason: '捐赠', ...o });
}

function toPartner(points: number, partnerId = 'air', o: Partial<TransferCommand> = {}): TransferCommand {
  return toMember(points, {
    transferKind: 'partner',
    toMemberId: '',
    partnerId,
    partnerReference: 'AIR-778899',
    idempotencyKey: `partner-${partnerId}-${points}`,
    reason: 'miles',
    ...o,
  });
}

/** The receiving side as the engine sends it: m-2 receives `points` from m-1's transfer at seq 2. */
function transferIn(points: number, o: Partial<TransferInCommand> = {}): TransferInCommand {
  const transferId = o.transferId ?? transferAt(2);
  return {
    kind: 'transferIn',
    tenantId: TENANT,
    memberId: FRIEND,
    idempotencyKey: `\u00a7transfer:${transferId}`,
    transferId,
    fromMemberId: MEMBER,
    points,
    transferKind: 'member',
    ...o,
  };
}

/** The transfer id of m-1's TRANSFER_OUT at `seq`: its entry id. */
const transferAt = (seq: number) => entryIdOf(TENANT, MEMBER, seq);

type Step = { at: number; cmd: WriteCommand };
const at = (ms: number, cmd: WriteCommand): Step => ({ at: ms, cmd });

/** seq 1: 10,000 points that never lapse. */
const TEN_THOUSAND = at(0, adjustCmd(10_000));
/** seq 1–3: 1,000 that never lapse, 500 earned and pending for 7 days, 300 of the 1,000 held: 700 available. */
const HELD_AND_PENDING = [at(0, adjustCmd(1_000)), at(0, earnCmd({ amountMinor: 50_000 })), at(MIN, holdCmd(300))];
/** seq 2–3: 3,000 to m-2 and 1,500 donated this morning: 4,500 of the day's 5,000 sent. */
const SENT_4500 = [at(0, toMember(3_000)), at(HOUR, donate(1_500))];

interface Row {
  name: string;
  program?: Program;
  /** Whose history and command: the sender m-1 unless stated. */
  member?: string;
  given: Step[];
  when: Step;
  outcome: {
    /** The entry written (a partial match) and the follow-up it owes (null: none). */
    entry?: Partial<LedgerEntry>;
    followUp?: WriteCommand | null;
    rejection?: { kind: RejectionKind; message: string; field?: string };
    /** The account right after, at the instant of `when`. */
    account?: Partial<AccountNow>;
  };
}

interface AccountNow {
  available: number;
  held: number;
  pending: number;
  /** Ledger balance: the sum of entries. */
  balance: number;
  lots: { expiresAt: number; points: number; availableAt: number }[];
  lifetimeEarned: number;
  lifetimeRedeemed: number;
  /** Points sent away by transfers on the local day of `when`. */
  sentToday: number;
}

const transferDetail = (transfer: Partial<NonNullable<NonNullable<LedgerEntry['detail']>['transfer']>>) =>
  expect.objectContaining({ transfer: { partnerId: '', partnerReference: '', partnerUnits: 0, ...transfer } });

const rows: Row[] = [
  // 转赠: member to member
  {
    name: 'a transfer of 1,200 of 10,000 to m-2 writes TRANSFER_OUT −1,200 (balance 8,800) whose transfer id is its own entry id, and owes m-2 a TRANSFER_IN of 1,200 keyed §transfer:<id>',
    given: [TEN_THOUSAND],
    when: at(MIN, toMember(1_200)),
    outcome: {
      entry: {
        type: 'transfer_out',
        points: -1_200,
        balanceAfter: 8_800,
        idempotencyKey: 'transfer-m-2-1200',
        reason: 'gift to a friend',
        detail: expect.objectContaining({
          dayKey: '2026-11-10',
          transfer: {
            transferId: transferAt(2),
            kind: 'member',
            counterparty: FRIEND,
            partnerId: '',
            partnerReference: '',
            partnerUnits: 0,
          },
        }),
      },
      followUp: {
        kind: 'transferIn',
        tenantId: TENANT,
        memberId: FRIEND,
        idempotencyKey: `\u00a7transfer:${transferAt(2)}`,
        transferId: transferAt(2),
        fromMemberId: MEMBER,
        points: 1_200,
        transferKind: 'member',
      },
      account: { available: 8_800, balance: 8_800, lifetimeRedeemed: 1_200, sentToday: 1_200 },
    },
  },
  {
    name: 'a transfer of all 10,000 is accepted when the program sets no daily limit (max_points_per_day 0): balance 0',
    program: NO_LIMIT,
    given: [TEN_THOUSAND],
    when: at(MIN, toMember(10_000)),
    outcome: { entry: { type: 'transfer_out', points: -10_000, balanceAfter: 0 }, account: { available: 0, balance: 0, lots: [] } },
  },
  {
    name: 'a transfer to oneself → InvalidField to_member_id "must not be the sender"; nothing moves',
    given: [TEN_THOUSAND],
    when: at(MIN, toMember(100, { toMemberId: MEMBER })),
    outcome: {
      rejection: { kind: 'InvalidField', field: 'to_member_id', message: 'to_member_id must not be the sender' },
      account: { available: 10_000, sentToday: 0 },
    },
  },

  // What is available: held and pending points do not count
  {
    name: 'insufficient: 10,001 of 10,000 → InsufficientPoints (available 10000, requested 10001)',
    given: [TEN_THOUSAND],
    when: at(MIN, toMember(10_001, { idempotencyKey: 'too-much' })),
    outcome: {
      rejection: { kind: 'InsufficientPoints', message: 'available 10000, requested 10001' },
      account: { balance: 10_000, sentToday: 0 },
    },
  },
  {
    name: 'held and pending points do not count: ledger 1,500 with 500 pending and 300 held leaves 700; a transfer of 701 → InsufficientPoints (available 700)',
    given: HELD_AND_PENDING,
    when: at(2 * MIN, toMember(701)),
    outcome: {
      rejection: { kind: 'InsufficientPoints', message: 'available 700, requested 701' },
      account: { available: 700, held: 300, pending: 500, balance: 1_500 },
    },
  },
  {
    name: '… and a transfer of exactly those 700 is accepted: available 0, the 300 stay held and the 500 pending (ledger 800)',
    given: HELD_AND_PENDING,
    when: at(2 * MIN, toMember(700)),
    outcome: {
      entry: { type: 'transfer_out', points: -700, balanceAfter: 800 },
      account: { available: 0, held: 300, pending: 500, balance: 800 },
    },
  },
  {
    name: 'a member with no account has nothing to send: → InsufficientPoints (available 0)',
    given: [],
    when: at(0, toMember(1)),
    outcome: { rejection: { kind: 'InsufficientPoints', message: 'available 0, requested 1' } },
  },

  // 积分捐赠: donation to the program's charity account
  {
    name: 'a donation of 300 goes to the program’s charity account: TRANSFER_OUT −300 and a TRANSFER_IN of 300 for `charity`',
    given: [TEN_THOUSAND],
    when: at(MIN, donate(300)),
    outcome: {
      entry: {
        type: 'transfer_out',
        points: -300,
        balanceAfter: 9_700,
        reason: '捐赠',
        detail: transferDetail({ transferId: transferAt(2), kind: 'donation', counterparty: CHARITY }),
      },
      followUp: transferIn(300, { memberId: CHARITY, transferKind: 'donation', idempotencyKey: `\u00a7transfer:${transferAt(2)}` }),
      account: { available: 9_700, lifetimeRedeemed: 300, sentToday: 300 },
    },
  },
  {
    name: 'a donation when the program has no charity account → TransferRefused "donations are not offered"',
    program: NO_CHARITY,
    given: [TEN_THOUSAND],
    when: at(MIN, donate(300)),
    outcome: {
      rejection: { kind: 'TransferRefused', message: 'transfer refused: donations are not offered by this program' },
      account: { balance: 10_000 },
    },
  },
  {
    name: 'the charity account cannot donate to itself → InvalidField to_member_id (the receiver would be the sender)',
    program: SENDER_IS_CHARITY,
    given: [TEN_THOUSAND],
    when: at(MIN, donate(300)),
    outcome: { rejection: { kind: 'InvalidField', field: 'to_member_id', message: 'must not be the sender' } },
  },

  // 跨界兑换: partner conversion at the program's ratio
  {
    name: 'a conversion of 1,000 points to air at 3 points = 2 miles credits floor(1,000 × 2 / 3) = 666 miles: TRANSFER_OUT −1,000 naming air and its reference, no follow-up',
    given: [TEN_THOUSAND],
    when: at(MIN, toPartner(1_000)),
    outcome: {
      entry: {
        type: 'transfer_out',
        points: -1_000,
        balanceAfter: 9_000,
        reason: 'miles',
        detail: transferDetail({
          transferId: transferAt(2),
          kind: 'partner',
          counterparty: 'air',
          partnerId: 'air',
          partnerReference: 'AIR-778899',
          partnerUnits: 666,
        }),
      },
      followUp: null,
      account: { available: 9_000, lifetimeRedeemed: 1_000, sentToday: 1_000 },
    },
  },
  {
    name: 'a conversion of 2 points to air is floor(4 / 3) = 1 mile',
    given: [TEN_THOUSAND],
    when: at(MIN, toPartner(2)),
    outcome: {
      entry: {
        points: -2,
        detail: transferDetail({
          transferId: transferAt(2),
          kind: 'partner',
          counterparty: 'air',
          partnerId: 'air',
          partnerReference: 'AIR-778899',
          partnerUnits: 1,
        }),
      },
      followUp: null,
    },
  },
  {
    name: 'a conversion of 1 point to air is floor(2 / 3) = 0 miles → TransferRefused "1 points convert to 0 air units"; nothing moves',
    given: [TEN_THOUSAND],
    when: at(MIN, toPartner(1)),
    outcome: {
      rejection: { kind: 'TransferRefused', message: '1 points convert to 0 air units' },
      account: { balance: 10_000, sentToday: 0 },
    },
  },
  {
    name: 'a conversion to a partner the program does not list → InvalidField partner_id',
    given: [TEN_THOUSAND],
    when: at(MIN, toPartner(1_000, 'sea')),
    outcome: { rejection: { kind: 'InvalidField', field: 'partner_id', message: 'partner_id is not a partner of this program' } },
  },

  // The daily limit: all kinds together, per local day
  {
    name: 'daily limit 5,000, all kinds together: with 3,000 transferred and 1,500 donated today, a conversion of 501 → TransferLimit (4500 already sent, 501 more)',
    given: [TEN_THOUSAND, ...SENT_4500],
    when: at(2 * HOUR, toPartner(501)),
    outcome: {
      rejection: { kind: 'TransferLimit', message: 'daily transfer limit 5000 points: 4500 already sent today, 501 more requested' },
      account: { available: 5_500, sentToday: 4_500 },
    },
  },
  {
    name: '… and a conversion of 500 reaches the limit exactly: accepted, 5,000 sent today',
    given: [TEN_THOUSAND, ...SENT_4500],
    when: at(2 * HOUR, toPartner(500)),
    outcome: { entry: { type: 'transfer_out', points: -500 }, account: { available: 5_000, sentToday: 5_000 } },
  },
  {
    name: 'one transfer above the limit on its own: 5,001 → TransferLimit (0 already sent); the refusal uses up nothing',
    given: [TEN_THOUSAND],
    when: at(MIN, toMember(5_001)),
    outcome: {
      rejection: { kind: 'TransferLimit', message: '0 already sent today, 5001 more requested' },
      account: { sentToday: 0, available: 10_000 },
    },
  },
  {
    name: 'with the day’s 5,000 sent at 10:00, 1 more at 23:59:59.999 Shanghai time → TransferLimit',
    given: [TEN_THOUSAND, at(0, toMember(5_000))],
    when: at(MIDNIGHT - 1, toMember(1)),
    outcome: { rejection: { kind: 'TransferLimit', message: '5000 already sent today, 1 more requested' }, account: { sentToday: 5_000 } },
  },
  {
    name: '… and at 00:00 Shanghai time (16:00 UTC, still 10 November in UTC) the next local day starts fresh: 5,000 more are accepted',
    given: [TEN_THOUSAND, at(0, toMember(5_000))],
    when: at(MIDNIGHT, toMember(5_000, { idempotencyKey: 'next-day' })),
    outcome: {
      entry: { type: 'transfer_out', points: -5_000, balanceAfter: 0, detail: expect.objectContaining({ dayKey: '2026-11-11' }) },
      account: { sentToday: 5_000, balance: 0 },
    },
  },

  // lifetime_redeemed
  {
    name: 'lifetime_redeemed counts transfers out beside redeems: Redeem 500, donate 300, convert 1,000 → 1,800',
    given: [TEN_THOUSAND, at(0, redeemCmd(500)), at(MIN, donate(300))],
    when: at(2 * MIN, toPartner(1_000)),
    outcome: {
      entry: { type: 'transfer_out', points: -1_000, balanceAfter: 8_200 },
      account: { lifetimeRedeemed: 1_800, lifetimeEarned: 0, balance: 8_200 },
    },
  },

  // The receiving side (the follow-up, decided on the receiver's shard)
  {
    name: 'TRANSFER_IN +1,200 from m-1 opens m-2’s account with a lot under the program’s expiry (end of 10 Nov 2027 local), available at once (not pending), not earned',
    member: FRIEND,
    given: [],
    when: at(MIN, transferIn(1_200)),
    outcome: {
      entry: {
        type: 'transfer_in',
        memberId: FRIEND,
        seq: 1,
        points: 1_200,
        balanceAfter: 1_200,
        idempotencyKey: `\u00a7transfer:${transferAt(2)}`,
        reason: `transfer from ${MEMBER}`,
        expiresAt: LOT_OF_T0_EXPIRES,
        detail: transferDetail({ transferId: transferAt(2), kind: 'member', counterparty: MEMBER }),
      },
      followUp: null,
      account: {
        available: 1_200,
        pending: 0,
        balance: 1_200,
        lots: [{ expiresAt: LOT_OF_T0_EXPIRES, points: 1_200, availableAt: 0 }],
        lifetimeEarned: 0,
        lifetimeRedeemed: 0,
        sentToday: 0,
      },
    },
  },
  {
    name: 'TRANSFER_IN of a donation to the charity account: reason "donation from m-1"',
    member: CHARITY,
    given: [],
    when: at(MIN, transferIn(300, { memberId: CHARITY, transferKind: 'donation' })),
    outcome: {
      entry: { type: 'transfer_in', points: 300, reason: `donation from ${MEMBER}`, expiresAt: LOT_OF_T0_EXPIRES },
      account: { balance: 300 },
    },
  },
  {
    name: 'received points can be sent on at once, and receiving does not use up the receiver’s own limit: m-2 receives 5,000 and sends 5,000 the same day',
    member: FRIEND,
    given: [at(0, transferIn(5_000))],
    when: at(MIN, toMember(5_000, { memberId: FRIEND, toMemberId: 'm-3' })),
    outcome: {
      entry: { type: 'transfer_out', memberId: FRIEND, seq: 2, points: -5_000, balanceAfter: 0 },
      followUp: transferIn(5_000, { memberId: 'm-3', fromMemberId: FRIEND, transferId: entryIdOf(TENANT, FRIEND, 2) }),
      account: { sentToday: 5_000, lots: [] },
    },
  },
];

/** Runs the given steps (each must be accepted), then the command under test. */
function play(row: Row) {
  const member = new MemberTimeline(row.program ?? PROGRAM, TENANT, row.member ?? MEMBER);
  for (const step of row.given) member.accept(step.cmd, T0 + step.at);
  return { member, decision: member.attempt(row.when.cmd, T0 + row.when.at) };
}

function accountAt(member: MemberTimeline, now: number): AccountNow {
  const { state } = member;
  return {
    available: availablePoints(state, now),
    held: heldPoints(state, now),
    pending: pendingPoints(state, now),
    balance: state.balance,
    lots: state.lots.map((l) => ({ ...l })),
    lifetimeEarned: state.lifetimeEarned,
    lifetimeRedeemed: state.lifetimeRedeemed,
    sentToday: state.usage.days[localDayOf(now, 'Asia/Shanghai').key]?.[TRANSFER_USAGE] ?? 0,
  };
}

describe('transfers (转赠, 积分捐赠, 跨界兑换): decide', () => {
  it.each(rows)('$name', (row) => {
    const { member, decision } = play(row);
    const { entry, followUp, rejection, account } = row.outcome;
    if (rejection) {
      expect(decision.ok, 'expected a rejection').toBe(false);
      if (decision.ok) return;
      expect(decision.rejection.kind).toBe(rejection.kind);
      expect(decision.rejection.message).toContain(rejection.message);
      if (rejection.field) expect(decision.rejection.field).toBe(rejection.field);
    } else {
      if (!decision.ok) throw new Error(`refused: ${decision.rejection.kind}: ${decision.rejection.message}`);
      expect(decision.entry).toMatchObject(entry ?? {});
      if (followUp === null) expect(decision.followUp).toBeUndefined();
      else if (followUp) expect(decision.followUp).toEqual(followUp);
    }
    if (account) expect(accountAt(member, T0 + row.when.at)).toMatchObject(account);
  });

  it('replaying the stored entries of both sides gives the live states, the day’s limit counters included', () => {
    const sender = new MemberTimeline(PROGRAM);
    const friend = new MemberTimeline(PROGRAM, TENANT, FRIEND);
    const charity = new MemberTimeline(PROGRAM, TENANT, CHARITY);
    const receivers = new Map([
      [FRIEND, friend],
      [CHARITY, charity],
    ]);
    const send = (cmd: TransferCommand, now: number) => {
      const decision = sender.attempt(cmd, now);
      if (!decision.ok) throw new Error(decision.rejection.message);
      if (decision.followUp) receivers.get(decision.followUp.memberId)?.accept(decision.followUp, now + 1);
    };
    sender.accept(adjustCmd(10_000), T0); // 1
    send(toMember(1_200), T0 + MIN); // 2
    send(donate(300), T0 + 2 * MIN); // 3
    send(toPartner(1_000), T0 + 3 * MIN); // 4
    sender.accept(redeemCmd(500), T0 + 4 * MIN); // 5
    send(toMember(2_000, { idempotencyKey: 'next-day' }), T0 + MIDNIGHT); // 6
    friend.accept(toMember(700, { memberId: FRIEND, toMemberId: MEMBER }), T0 + MIDNIGHT + MIN);

    expect(sender.entries.map((e) => [e.type, e.points])).toEqual([
      ['adjust', 10_000],
      ['transfer_out', -1_200],
      ['transfer_out', -300],
      ['transfer_out', -1_000],
      ['redeem', -500],
      ['transfer_out', -2_000],
    ]);
    expect(sender.state.usage.days['2026-11-10']?.[TRANSFER_USAGE]).toBe(2_500);
    expect(sender.state.usage.days['2026-11-11']?.[TRANSFER_USAGE]).toBe(2_000);
    expect(sender.state.lifetimeRedeemed).toBe(5_000);
    expect(friend.entries.map((e) => [e.type, e.points, e.idempotencyKey])).toEqual([
      ['transfer_in', 1_200, `\u00a7transfer:${transferAt(2)}`],
      ['transfer_in', 2_000, `\u00a7transfer:${transferAt(6)}`],
      ['transfer_out', -700, 'transfer-m-1-700'],
    ]);
    expect(charity.entries.map((e) => [e.type, e.points, e.reason])).toEqual([['transfer_in', 300, `donation from ${MEMBER}`]]);

    for (const timeline of [sender, friend, charity]) {
      const stored = JSON.parse(JSON.stringify(timeline.entries)) as LedgerEntry[];
      const replayed = emptyState(TENANT, timeline.state.memberId);
      for (const e of stored) applyEntry(replayed, e);
      expect(replayed).toEqual(timeline.state);
    }
  });

  it('conservation: whatever members send each other, donate or convert, the points held plus those converted equal the points seeded', () => {
    const members = ['m-1', 'm-2', 'm-3', CHARITY];
    const transfer = fc.record({
      from: fc.integer({ min: 0, max: members.length - 1 }),
      to: fc.integer({ min: 0, max: members.length - 1 }),
      kind: fc.constantFrom('member', 'donation', 'partner'),
      points: fc.integer({ min: 1, max: 4_000 }),
      minutes: fc.integer({ min: 0, max: 6 * 60 }),
    });
    fc.assert(
      fc.property(fc.array(transfer, { maxLength: 40 }), (transfers) => {
        const timelines = new Map(members.map((m) => [m, new MemberTimeline(PROGRAM, TENANT, m)]));
        let now = T0;
        for (const m of members) timelines.get(m)?.accept(adjustCmd(3_000, { memberId: m }), now);
        let converted = 0;
        transfers.forEach((t, i) => {
          now += t.minutes * MIN;
          const from = members[t.from];
          const o = { memberId: from, idempotencyKey: `t-${i}` };
          const cmd =
            t.kind === 'member'
              ? toMember(t.points, { ...o, toMemberId: members[t.to] })
              : t.kind === 'donation'
                ? donate(t.points, o)
                : toPartner(t.points, 'air', o);
          const decision = timelines.get(from)?.attempt(cmd, now);
          if (!decision?.ok) return;
          if (t.kind === 'partner') converted += t.points;
          const owed = decision.followUp;
          if (t.kind !== 'partner') expect(owed).toMatchObject({ kind: 'transferIn', points: t.points });
          if (owed) timelines.get(owed.memberId)?.accept(owed, now);
        });
        const held = [...timelines.values()].reduce((sum, tl) => sum + tl.state.balance, 0);
        expect(held + converted).toBe(3_000 * members.length);
        for (const tl of timelines.values()) expect(tl.state.balance).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 200 },
    );
  });
});

// Applying a follow-up once is the shard's job, not decide's: decide always applies a TRANSFER_IN
// (the points already left the sender); the shard answers a command whose key it has seen with the
// first entry. So "the same follow-up twice is one entry" is checked on a ShardCore over SQLite.
describe('transfers: the receiving side applied through the shard, by its key §transfer:<id>', () => {
  it('the follow-up of a committed transfer delivered twice in one batch and again later is one TRANSFER_IN; another payload under its key is IdempotencyConflict', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jifen-transfers-'));
    const core = await ShardCore.open(new SqliteLedgerStore({ file: join(dir, 'shard-0000.db'), durability: 'os' }), {
      actorCapacity: 1_000,
      snapshotEvery: 100,
      clock: () => T0,
      shard: 0,
      ledgerId: 'test',
      programs: new ProgramBook([PROGRAM]),
    });
    try {
      const sent = await core.applyBatch([adjustCmd(10_000), toMember(1_200)]);
      expect(okValue<WriteResult>(sent.results[1])).toMatchObject({
        entryId: transferAt(2),
        transferId: transferAt(2),
        points: -1_200,
        balance: 8_800,
      });
      expect(sent.followUps.map((f) => f.command)).toEqual([transferIn(1_200)]);
      const owed = sent.followUps[0].command;

      const twice = await core.applyBatch([owed, owed]);
      const later = await core.applyBatch([owed]);
      const first = okValue<WriteResult>(twice.results[0]);
      expect(first).toMatchObject({
        entryId: entryIdOf(TENANT, FRIEND, 1),
        transferId: transferAt(2),
        points: 1_200,
        balance: 1_200,
        seq: 1,
      });
      expect(okValue<WriteResult>(twice.results[1])).toEqual(first);
      expect(okValue<WriteResult>(later.results[0])).toEqual(first);
      expect(twice.followUps).toEqual([]);

      const conflict = await core.applyBatch([{ ...owed, points: 1_201 } as WriteCommand]);
      expect(conflict.results[0]).toMatchObject({ ok: false, rejection: { kind: 'IdempotencyConflict' } });

      const { results } = await core.applyBatch([{ kind: 'listEntries', tenantId: TENANT, memberId: FRIEND, afterSeq: 0, limit: 100 }]);
      expect(okValue<EntryPage>(results[0]).entries.map((e) => [e.type, e.points, e.balanceAfter])).toEqual([
        ['transfer_in', 1_200, 1_200],
      ]);
    } finally {
      await core.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function okValue<T>(r: OpResult): T {
  if (!r.ok) throw new Error(`${r.rejection.kind}: ${r.rejection.message}`);
  return r.value as T;
}
