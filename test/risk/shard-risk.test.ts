// Anti-abuse through a shard (ShardCore over a real SQLite ledger, no threads): one reservation per
// batch, in-batch ordering, refunds of reserved commands that were refused or were retries, earn
// points learnt after deciding, the failure policy, the tally for the metrics, and the review queue.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ShardOp } from '../../src/actor/commands.js';
import type { OpResult } from '../../src/actor/results.js';
import { ProgramBook } from '../../src/shard/program-book.js';
import { type BatchReply, ShardCore } from '../../src/shard/shard-core.js';
import { SqliteLedgerStore } from '../../src/ledger/embedded/sqlite-store.js';
import type { RiskFailurePolicy } from '../../src/risk/risk-batch.js';
import { REVIEW_QUEUE_MEMBER } from '../../src/actor/risk/review-commands.js';
import { type Corrections, InProcessWindows, type ReserveRequest, type SharedWindows } from '../../src/risk/shared-windows.js';
import { adjustCmd, earnCmd, redeemCmd } from '../actor/member-fixtures.js';
import { NOW, TENANT, device, programOf } from './risk-fixtures.js';

const PROGRAM = programOf({
  velocity: [
    { id: 'device-earns', on: 'earn', per: 'device', window: 'minute', max_count: 10 },
    { id: 'device-points', on: 'earn', per: 'device', window: 'hour', max_points: 1_000 },
    { id: 'device-redeems', on: 'redeem', per: 'device', window: 'minute', max_count: 2 },
  ],
  review: { device_members: { max_members: 30, window: 'hour' } },
});

/** Counts reservations and can be switched off, around the in-process windows. */
class ProbeWindows implements SharedWindows {
  readonly inner = new InProcessWindows();
  calls = 0;
  down = false;
  async reserve(request: ReserveRequest) {
    this.calls++;
    if (this.down) throw new Error('connection refused');
    return this.inner.reserve(request);
  }
  settle(corrections: Corrections) {
    this.inner.settle(corrections);
  }
  async close() {}
}

let dir: string;
let core: ShardCore;
let windows: ProbeWindows;
let now: number;

async function openCore(failure: RiskFailurePolicy = 'open') {
  core = await ShardCore.open(new SqliteLedgerStore({ file: join(dir, 'shard-0000.db'), durability: 'os' }), {
    actorCapacity: 1_000,
    snapshotEvery: 100,
    clock: () => now,
    shard: 0,
    ledgerId: 'test',
    programs: new ProgramBook([PROGRAM]),
    risk: { windows, failure, keyPrefix: 'jifen:test:risk:' },
  });
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jifen-shard-risk-'));
  windows = new ProbeWindows();
  now = NOW;
  await openCore();
});

afterEach(async () => {
  await core.close();
  rmSync(dir, { recursive: true, force: true });
});

function outcomes(reply: BatchReply): string[] {
  return reply.results.map((r: OpResult) => (r.ok ? 'ok' : r.rejection.kind));
}

const earnOn = (member: string, dev: string, amountMinor = 1_000, key = `e-${member}`) =>
  earnCmd({ memberId: member, orderId: key, idempotencyKey: key, amountMinor, ...device(dev) });

describe('cross-member windows through a shard', () => {
  it('50 members earning from one device in one batch: 10 pass the device limit, with one reservation', async () => {
    const ops: ShardOp[] = Array.from({ length: 50 }, (_, i) => earnOn(`m${i}`, 'dev-1'));
    const reply = await core.applyBatch(ops);
    expect(outcomes(reply).filter((o) => o === 'ok')).toHaveLength(10);
    expect(outcomes(reply).slice(10)).toEqual(Array(40).fill('VelocityLimit'));
    expect(windows.calls).toBe(1);
    expect(reply.stats.risk?.decisions).toEqual(
      expect.arrayContaining([
        ['none', 'allow', 10],
        ['device-earns', 'reject', 40],
      ]),
    );
  });

  it('a reserved command refused by its member (not enough points) or answered as a retry gives its place back', async () => {
    await core.applyBatch([adjustCmd(500, { memberId: 'rich' }), earnOn('m0', 'dev-r')]);
    const poor = redeemCmd(100, { memberId: 'poor', idempotencyKey: 'p', ...device('dev-r') });
    const rich = redeemCmd(100, { memberId: 'rich', idempotencyKey: 'r', ...device('dev-r') });
    expect(outcomes(await core.applyBatch([poor, rich]))).toEqual(['InsufficientPoints', 'ok']);
    // The retry of `rich` is answered from the ledger; neither it nor the refused spend used the limit of 2.
    expect(outcomes(await core.applyBatch([rich, redeemCmd(100, { memberId: 'rich', idempotencyKey: 'r2', ...device('dev-r') })]))).toEqual(
      ['ok', 'ok'],
    );
    expect(outcomes(await core.applyBatch([redeemCmd(100, { memberId: 'rich', idempotencyKey: 'r3', ...device('dev-r') })]))).toEqual([
      'VelocityLimit',
    ]);
  });

  it("an earn's points count once known: later earns on the device see them, in the batch and after it", async () => {
    // 600 + 300 pass; the third (300) would make 1,200 > 1,000.
    const first = await core.applyBatch([earnOn('a', 'dev-p', 60_000), earnOn('b', 'dev-p', 30_000), earnOn('c', 'dev-p', 30_000)]);
    expect(outcomes(first)).toEqual(['ok', 'ok', 'VelocityLimit']);
    const r = first.results[2];
    expect(!r.ok && [r.rejection.policy, r.rejection.retryAfterMs]).toEqual(['device-points', 300_000]);
    expect(outcomes(await core.applyBatch([earnOn('d', 'dev-p', 10_000), earnOn('e', 'dev-p', 10_000)]))).toEqual(['ok', 'VelocityLimit']);
  });

  it('many members from one device: the 31st is held for review and the flag reaches the queue', async () => {
    // One a minute: the device's count limit (10 a minute) stays out of the way.
    for (let i = 0; i < 31; i++) {
      now = NOW + i * 60_000;
      const reply = await core.applyBatch([earnOn(`m${i}`, 'shared-phone', 100, `k${i}`)]);
      expect(outcomes(reply)).toEqual(['ok']);
      if (i < 30) expect(reply.followUps).toEqual([]);
      else {
        expect(reply.stats.risk?.decisions).toEqual([['device_members', 'review', 1]]);
        expect(reply.followUps.map((f) => f.command.kind)).toEqual(['reviewQueue']);
        await core.applyBatch(reply.followUps.map((f) => f.command));
      }
    }
    const page = await core.applyBatch([
      {
        kind: 'listFlagged',
        tenantId: TENANT,
        memberId: REVIEW_QUEUE_MEMBER,
        rule: '',
        from: 0,
        to: 0,
        flagId: '',
        afterSeq: 0,
        limit: 10,
      },
    ]);
    expect(page.results[0].ok && page.results[0].value).toMatchObject({ flags: [{ memberId: 'm30', rule: 'device_members', points: 1 }] });
  });

  it.each([
    { failure: 'open' as const, expected: ['ok'] },
    { failure: 'closed' as const, expected: ['RiskUnavailable'] },
  ])('with the store down, fail-$failure: $expected (and the failure is counted)', async ({ failure, expected }) => {
    await core.close();
    await openCore(failure);
    windows.down = true;
    const reply = await core.applyBatch([earnOn('m1', 'dev-x'), adjustCmd(10, { memberId: 'm2' })]);
    expect(outcomes(reply)).toEqual([...expected, 'ok']);
    expect(reply.stats.risk?.storeFailures).toBe(1);
  });

  it('a batch without shared checks does not ask the store; a tenant without a policy is not screened at all', async () => {
    const reply = await core.applyBatch([earnCmd({ memberId: 'm1' }), earnCmd({ tenantId: 'other', memberId: 'm1', ...device('dev') })]);
    expect(outcomes(reply)).toEqual(['ok', 'ok']);
    expect(windows.calls).toBe(0);
    expect(reply.stats.risk?.decisions).toEqual([['none', 'allow', 1]]);
  });
});
