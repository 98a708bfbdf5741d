// The roll-forward over a known workload, through ShardCore and a real SQLite ledger with an injected
// clock (moved 40 days for the expiry): earns, a refund, a redemption, holds captured, released and
// open over midnight, a transfer, adjustments, pending points of another tenant. Every column is
// checked to the point, the identity holds, closing(N) = opening(N+1), and the audit ties out; then a
// ledger row changed behind the engine's back is found.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditMemberQuery, ShardOp, TransferCommand } from '../../src/actor/commands.js';
import type { EntryPage, MemberAuditAnswer, OpResult, WriteResult } from '../../src/actor/results.js';
import { SqliteLedgerStore } from '../../src/ledger/embedded/sqlite-store.js';
import { type RollForwardLine, periodsOf, rollForwardOf } from '../../src/reports/roll-forward-report.js';
import { FLOW_COLUMNS, outstandingOf } from '../../src/reports/roll-forward.js';
import { ProgramBook } from '../../src/shard/program-book.js';
import { ShardCore, settleBatch } from '../../src/shard/shard-core.js';
import { adjustCmd, earnCmd, holdCmd, redeemCmd, reverseCmd } from '../actor/member-fixtures.js';
import { programFixture } from '../rules/program-fixture.js';

/** 10:00 on 15 June 2025 in Asia/Shanghai. */
const T0 = Date.UTC(2025, 5, 15, 2, 0, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ACME = programFixture({ tenantId: 'acme', expiry: { kind: 'rolling', months: 1, days: 0, noticeDays: 0 } });
const BETA = programFixture({ tenantId: 'beta', pendingDays: 7 });
const GAMMA = programFixture({ tenantId: 'gamma', expiry: { kind: 'rolling', months: 1, days: 0, noticeDays: 7 } });

let dir: string;
let now: number;
let core: ShardCore;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jifen-roll-forward-'));
  now = T0;
  core = await openCore();
});

afterEach(async () => {
  await core.close();
  rmSync(dir, { recursive: true, force: true });
});

async function openCore(): Promise<ShardCore> {
  return ShardCore.open(new SqliteLedgerStore({ file: join(dir, 'shard-0000.db'), durability: 'os' }), {
    actorCapacity: 1_000,
    snapshotEvery: 4,
    clock: () => now,
    shard: 0,
    ledgerId: 'test',
    programs: new ProgramBook([ACME, BETA, GAMMA]),
  });
}

/** Applies ops one batch each, delivers the follow-ups they owe (a transfer's credit), and expects every one accepted. */
async function run(...ops: ShardOp[]): Promise<WriteResult[]> {
  const values: WriteResult[] = [];
  for (const op of ops) {
    const reply = await core.applyBatch([op]);
    expect(reply.results[0], JSON.stringify(op)).toMatchObject({ ok: true });
    values.push((reply.results[0] as Extract<OpResult, { ok: true }>).value as WriteResult);
    for (const f of reply.followUps) await run(f.command);
  }
  return values;
}

async function housekeep(): Promise<void> {
  for (let staged = await core.stageHousekeeping(now); staged; staged = await core.stageHousekeeping(now)) await settleBatch(staged);
}

async function report(tenantId: string, from: string, to: string, granularity: 'day' | 'month'): Promise<RollForwardLine[]> {
  const rows = await core.readRollForward(tenantId, from, to);
  return rollForwardOf([rows], periodsOf(from, to, granularity), { pointValueFen: 1, breakageBp: 2_000 }, granularity);
}

async function audit(tenantId: string, memberIds: string[]): Promise<MemberAuditAnswer[]> {
  const ops = memberIds.map(
    (memberId): AuditMemberQuery => ({ kind: 'auditMember', tenantId, memberId, graceMs: 10 * 60_000, repairCache: false }),
  );
  const reply = await core.applyBatch(ops);
  return reply.results.map((r) => (r as Extract<OpResult, { ok: true }>).value as MemberAuditAnswer);
}

const transfer = (points: number, toMemberId: string, memberId: string): TransferCommand => ({
  kind: 'transfer',
  tenantId: 'acme',
  memberId,
  idempotencyKey: `transfer-${memberId}-${points}`,
  transferKind: 'member',
  toMemberId,
  points,
  partnerId: '',
  partnerReference: '',
  reason: 'gift',
});

async function workload(): Promise<void> {
  const alice = { memberId: 'alice' };
  const bob = { memberId: 'bob' };
  await run(
    earnCmd({ ...alice, orderId: 'o-1', idempotencyKey: 'e1', amountMinor: 10_000 }), // +100
    earnCmd({ ...bob, orderId: 'o-2', idempotencyKey: 'e2', amountMinor: 5_000 }), // +50
    reverseCmd('o-1', 5_000, alice), // −50
    redeemCmd(20, alice), // −20
  );
  const [hold] = await run(holdCmd(10, { ...alice, orderId: 'h-1', idempotencyKey: 'h1' }));
  await run(
    { kind: 'capture', tenantId: 'acme', memberId: 'alice', idempotencyKey: 'c1', holdId: hold.holdId, points: 0 }, // −10
    transfer(10, 'bob', 'alice'), // alice −10, bob +10
    adjustCmd(7, { ...bob, idempotencyKey: 'a1' }), // +7, never expires
    adjustCmd(-3, { ...alice, idempotencyKey: 'a2' }), // −3
    earnCmd({ tenantId: 'beta', memberId: 'carol', orderId: 'b-1', idempotencyKey: 'b1', amountMinor: 3_000 }), // +30 pending 7 days
  );
  now = T0 + 13 * HOUR + 55 * 60_000; // 23:55 local: a hold that lapses after midnight
  const [open] = await run(holdCmd(5, { ...bob, orderId: 'h-2', idempotencyKey: 'h2' }));
  now = T0 + 14 * HOUR + 5 * 60_000; // 00:05 on 16 June
  await run({ kind: 'release', tenantId: 'acme', memberId: 'bob', idempotencyKey: 'r2', holdId: open.holdId });
  now = T0 + 40 * DAY; // 25 July: the June lots (end of 15 July) have lapsed
  await housekeep();
  await run(earnCmd({ ...alice, orderId: 'o-3', idempotencyKey: 'e3', amountMinor: 2_000 })); // +20
}

describe('roll-forward over a known workload', () => {
  it('has every column to the point, day by day and by month, and the identity holds', async () => {
    await workload();
    const days = await report('acme', '2025-06-15', '2025-07-25', 'day');
    const byDay = new Map(days.map((l) => [l.period.label, l]));
    const june15 = byDay.get('2025-06-15') as RollForwardLine;
    expect(june15).toMatchObject({
      opening: 0,
      flows: {
        issuedOrders: 150,
        issuedCampaignsAndBonuses: 0,
        issuedBehaviours: 0,
        issuedReferrals: 0,
        issuedImports: 0,
        issuedTransfersIn: 10,
        issuedReviewApprovals: 0,
        reversed: -50,
        redeemedMall: 0,
        redeemedHolds: -10,
        redeemed: -20,
        expired: 0,
        transferredOut: -10,
        adjustments: 4,
      },
      closing: 74,
      pending: 0,
      held: 5,
      underReview: 0,
      accounts: 2,
      activeMembers: 2,
      tiers: { '': 2 },
      // 67 of the 74 expire at the end of 15 July, the 30th day after (bob's adjusted 7 never do)
      expiring30: 67,
      expiring60: 67,
      expiring90: 67,
      grossLiabilityFen: 74,
      netLiabilityFen: 74 - 14,
    });
    expect(byDay.get('2025-06-16')).toMatchObject({ opening: 74, closing: 74, held: 0, activeMembers: 1 });
    expect(byDay.get('2025-06-17')).toMatchObject({ opening: 74, closing: 74, activeMembers: 0 });
    const july25 = byDay.get('2025-07-25') as RollForwardLine;
    expect(july25).toMatchObject({ opening: 74, closing: 27, activeMembers: 2, flows: { expired: -67, issuedOrders: 20 } });
    for (const [i, line] of days.entries()) {
      const sum = FLOW_COLUMNS.reduce((s, c) => s + line.flows[c], 0);
      expect(line.opening + sum, `identity on ${line.period.label}`).toBe(line.closing);
      if (i > 0) expect(line.opening, `opening of ${line.period.label} = closing before`).toBe(days[i - 1].closing);
    }

    const months = await report('acme', '2025-06-01', '2025-07-31', 'month');
    expect(months.map((m) => [m.period.label, m.opening, m.closing, m.activeMembers])).toEqual([
      ['2025-06', 0, 74, 2],
      ['2025-07', 74, 27, 2],
    ]);
    expect(months[1].flows).toMatchObject({ expired: -67, issuedOrders: 20, issuedTransfersIn: 0 });

    const beta = await report('beta', '2025-06-15', '2025-06-23', 'day');
    expect(beta[0]).toMatchObject({ closing: 30, pending: 30, flows: { issuedOrders: 30 } });
    // pending until the end of the 7th day after: on the 22nd still pending, on the 23rd not
    expect(beta.find((l) => l.period.label === '2025-06-21')?.pending).toBe(30);
    expect(beta.find((l) => l.period.label === '2025-06-23')).toMatchObject({ closing: 30, pending: 0 });
  });

  it('ties out with the members audited one by one, and survives a restart', async () => {
    await workload();
    core = await reopen();
    const answers = await audit('acme', ['alice', 'bob']);
    expect(answers.flatMap((a) => a.mismatches)).toEqual([]);
    const outstanding = answers.reduce((s, a) => s + a.outstanding, 0);
    const head = core.rollForward.current().find((r) => r.tenantId === 'acme');
    expect(head && outstandingOf(head.totals)).toBe(outstanding);
    expect(outstanding).toBe(27);
  });

  it('a NOTICE entry names the points that expire and when; it moves no points', async () => {
    await run(earnCmd({ tenantId: 'gamma', memberId: 'dora', orderId: 'g-1', idempotencyKey: 'g1', amountMinor: 4_200 }));
    now = T0 + 25 * DAY; // 10 July: within 7 days of the lot's expiry (end of 15 July)
    await housekeep();
    const reply = await core.applyBatch([{ kind: 'listEntries', tenantId: 'gamma', memberId: 'dora', afterSeq: 0, limit: 10 }]);
    const { entries } = (reply.results[0] as Extract<OpResult, { ok: true }>).value as EntryPage;
    const endOf15July = Date.UTC(2025, 6, 15, 16, 0, 0) - 1;
    expect(entries.map((e) => [e.type, e.points, e.balanceAfter, e.expiringPoints, e.expiresAt])).toEqual([
      ['earn', 42, 42, 0, endOf15July],
      ['notice', 0, 42, 42, endOf15July],
    ]);
  });

  it("finds a ledger row changed behind the engine's back", async () => {
    await workload();
    await core.close();
    const db = new Database(join(dir, 'shard-0000.db'));
    const row = db
      .prepare("SELECT rk, body FROM ledger WHERE tenant_id = 'acme' AND member_id = 'bob' AND rk = ?")
      .get(`e${'2'.padStart(15, '0')}`) as {
      rk: string;
      body: string;
    };
    const body = JSON.parse(row.body);
    body[1] += 1_000; // the points of bob's second entry
    db.prepare("UPDATE ledger SET body = ? WHERE tenant_id = 'acme' AND member_id = 'bob' AND rk = ?").run(JSON.stringify(body), row.rk);
    db.close();
    core = await openCore();
    const [alice, bob] = await audit('acme', ['alice', 'bob']);
    expect(alice.mismatches).toEqual([]);
    expect(bob.mismatches.map((m) => m.kind)).toContain('balance_chain');
  });
});

async function reopen(): Promise<ShardCore> {
  await core.close();
  return openCore();
}
