// ShardCore over a real SQLite ledger in a temp dir, with an injected clock and no threads:
// ordering, idempotency (in a batch, across batches, across a restart), passivation, and commit failure.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GetAccountQuery, ListEntriesQuery, ShardOp } from '../../src/actor/commands.js';
import type { AccountView, EntryPage, OpResult, WriteResult } from '../../src/actor/results.js';
import { ProgramBook } from '../../src/shard/program-book.js';
import { nextFollowUpId, type ShardCoreOptions, ShardCore, settleBatch } from '../../src/shard/shard-core.js';
import { SqliteLedgerStore } from '../../src/ledger/embedded/sqlite-store.js';
import type { CommitBatch, LedgerStore } from '../../src/ledger/store.js';
import { TENANT, adjustCmd, earnCmd, redeemCmd, reverseCmd } from '../actor/member-fixtures.js';
import { programFixture } from '../rules/program-fixture.js';

const NOW = 1_750_000_000_000;
const DAY = 86_400_000;
const A = { memberId: 'alice' };
const B = { memberId: 'bob' };

let dir: string;
let open: { core: ShardCore; store: LedgerStore }[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'jifen-shard-core-'));
  open = [];
});

afterEach(async () => {
  for (const { core } of open) await core.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A core over the shard file in `dir`; calling it again after close is a restart. */
async function startCore(options: Partial<ShardCoreOptions> = {}, wrap = (s: LedgerStore) => s) {
  const store = wrap(new SqliteLedgerStore({ file: join(dir, 'shard-0000.db'), durability: 'os' }));
  const core = await ShardCore.open(store, {
    actorCapacity: 1_000,
    snapshotEvery: 100,
    clock: () => NOW,
    shard: 0,
    ledgerId: 'test',
    programs: new ProgramBook(),
    ...options,
  });
  open.push({ core, store });
  return { core, store };
}

async function restart(core: ShardCore, options: Partial<ShardCoreOptions> = {}) {
  await core.close();
  open = open.filter((o) => o.core !== core);
  return startCore(options);
}

const account = (memberId: string): GetAccountQuery => ({ kind: 'getAccount', tenantId: TENANT, memberId });
const list = (memberId: string, afterSeq = 0, limit = 100): ListEntriesQuery => ({
  kind: 'listEntries',
  tenantId: TENANT,
  memberId,
  afterSeq,
  limit,
});

/** A result as a row can state it: the write's seq/points/balance, the balance read, or the rejection kind. */
function outcomeOf(r: OpResult): unknown {
  if (!r.ok) return r.rejection.kind;
  if ('entryId' in r.value) return { seq: r.value.seq, points: r.value.points, balance: r.value.balance };
  if ('lots' in r.value) return { balance: r.value.balance, seq: r.value.seq };
  if ('maxPoints' in r.value) return { maxPoints: r.value.maxPoints };
  if (!('entries' in r.value)) return r.value;
  return { seqs: r.value.entries.map((e) => e.seq), next: r.value.nextAfterSeq };
}

function okValue<T>(r: OpResult): T {
  if (!r.ok) throw new Error(`${r.rejection.kind}: ${r.rejection.message}`);
  return r.value as T;
}

async function balanceOf(core: ShardCore, memberId: string): Promise<number> {
  const { results } = await core.applyBatch([account(memberId)]);
  return okValue<AccountView>(results[0]).balance;
}

describe('ShardCore', () => {
  it('applies a batch that mixes members in arrival order', async () => {
    const { core } = await startCore();
    const rows: { op: ShardOp; expect: unknown }[] = [
      { op: earnCmd({ ...A, orderId: 'o-1', amountMinor: 12_345 }), expect: { seq: 1, points: 123, balance: 123 } },
      { op: earnCmd({ ...B, orderId: 'o-1', amountMinor: 5_000 }), expect: { seq: 1, points: 50, balance: 50 } },
      { op: redeemCmd(100, A), expect: { seq: 2, points: -100, balance: 23 } },
      { op: account('alice'), expect: { balance: 23, seq: 2 } },
      { op: redeemCmd(51, B), expect: 'InsufficientPoints' },
      { op: reverseCmd('o-1', 6_000, A), expect: { seq: 3, points: -59, balance: -36 } },
      { op: adjustCmd(1, B), expect: { seq: 2, points: 1, balance: 51 } },
      { op: redeemCmd(51, { ...B, idempotencyKey: 'redeem-51-again' }), expect: { seq: 3, points: -51, balance: 0 } },
      { op: earnCmd({ ...A, orderId: 'o-1', idempotencyKey: 'another-key' }), expect: 'OrderAlreadyEarned' },
      { op: list('alice'), expect: { seqs: [1, 2, 3], next: 0 } },
    ];
    const { results } = await core.applyBatch(rows.map((r) => r.op));
    expect(results.map(outcomeOf)).toEqual(rows.map((r) => r.expect));
  });

  it('stamps entries with the injected clock', async () => {
    const { core } = await startCore({ clock: () => 42 });
    const { results } = await core.applyBatch([earnCmd(A), list('alice')]);
    expect(okValue<EntryPage>(results[1]).entries[0].createdAt).toBe(42);
  });

  it('answers the same key twice in one batch with the first result, writing once', async () => {
    const { core } = await startCore();
    const { results } = await core.applyBatch([earnCmd(A), earnCmd(A), list('alice')]);
    expect(okValue<WriteResult>(results[1])).toEqual(okValue<WriteResult>(results[0]));
    expect(okValue<WriteResult>(results[0]).entryId).toBe(`${TENANT}:alice:1`);
    expect(outcomeOf(results[2])).toEqual({ seqs: [1], next: 0 });
  });

  it('refuses the same key with a different payload as IdempotencyConflict, in a batch and later', async () => {
    const { core } = await startCore();
    const inBatch = await core.applyBatch([earnCmd(A), earnCmd({ ...A, amountMinor: 999 })]);
    expect(inBatch.results.map(outcomeOf)).toEqual([{ seq: 1, points: 123, balance: 123 }, 'IdempotencyConflict']);
    const later = await core.applyBatch([redeemCmd(1, { ...A, idempotencyKey: earnCmd(A).idempotencyKey })]);
    expect(later.results.map(outcomeOf)).toEqual(['IdempotencyConflict']);
    expect(await balanceOf(core, 'alice')).toBe(123);
  });

  it('a retry after a restart returns the first entryId and applies nothing twice', async () => {
    const first = await startCore();
    const ops = [earnCmd(A), redeemCmd(10, A)];
    const before = (await first.core.applyBatch(ops)).results.map((r) => okValue<WriteResult>(r));
    const { core } = await restart(first.core);
    const after = (await core.applyBatch(ops)).results.map((r) => okValue<WriteResult>(r));
    expect(after).toEqual(before);
    expect(await balanceOf(core, 'alice')).toBe(113);
    expect(outcomeOf((await core.applyBatch([list('alice')])).results[0])).toEqual({ seqs: [1, 2], next: 0 });
  });

  it('passivated actors come back exactly from snapshot plus later entries', async () => {
    const { core, store } = await startCore({ actorCapacity: 2, snapshotEvery: 3 });
    const members = ['m-0', 'm-1', 'm-2', 'm-3', 'm-4'];
    const expected = new Map(members.map((m) => [m, 0]));
    for (let round = 1; round <= 5; round++) {
      for (const [i, memberId] of members.entries()) {
        const amountMinor = (i + 1) * 1_000 * round;
        const ops: ShardOp[] = [earnCmd({ memberId, orderId: `o-${round}`, amountMinor })];
        if (round % 2 === 0) ops.push(redeemCmd(i + 1, { memberId, idempotencyKey: `r-${round}` }));
        const { stats } = await core.applyBatch(ops);
        expect(stats.activeActors).toBeLessThanOrEqual(2);
        expected.set(memberId, (expected.get(memberId) ?? 0) + amountMinor / 100 - (round % 2 === 0 ? i + 1 : 0));
      }
    }
    const { results, stats } = await core.applyBatch(members.map(account));
    expect(stats.activated).toBeGreaterThanOrEqual(3);
    expect(results.map((r) => okValue<AccountView>(r).balance)).toEqual(members.map((m) => expected.get(m)));
    expect(results.map((r) => okValue<AccountView>(r).seq)).toEqual(members.map(() => 7));
    for (const history of await store.loadMembers(members.map((memberId) => ({ tenantId: TENANT, memberId })))) {
      expect(history.snapshot?.seq).toBe(6);
      expect(history.entries.map((e) => e.seq)).toEqual([7]);
    }
  });

  it('a list in the same batch as a write sees the write, and pages by afterSeq', async () => {
    const { core } = await startCore();
    const { results } = await core.applyBatch([
      earnCmd({ ...A, orderId: 'o-1' }),
      earnCmd({ ...A, orderId: 'o-2' }),
      earnCmd({ ...A, orderId: 'o-3' }),
      list('alice', 0, 2),
      list('alice', 2, 2),
    ]);
    expect(results.slice(3).map(outcomeOf)).toEqual([
      { seqs: [1, 2], next: 2 },
      { seqs: [3], next: 0 },
    ]);
    expect(okValue<EntryPage>(results[4]).entries[0]).toMatchObject({ entryId: `${TENANT}:alice:3`, type: 'earn', points: 123 });
  });

  it('a failed commit refuses every write of the batch, leaves no phantom state, and a retry succeeds', async () => {
    const flaky = { failures: 0 };
    const { core } = await startCore({}, (s) => failingCommits(s, flaky));
    await core.applyBatch([earnCmd({ ...A, orderId: 'o-1', amountMinor: 12_345 })]);
    const batch = [redeemCmd(100, A), earnCmd({ ...B, amountMinor: 5_000 }), account('alice')];

    flaky.failures = 1;
    const failed = await core.applyBatch(batch);
    expect(failed.results.map(outcomeOf)).toEqual(['CommitFailed', 'CommitFailed', 'CommitFailed']);
    const after = await core.applyBatch([account('alice'), account('bob'), list('alice')]);
    expect(after.results.map(outcomeOf)).toEqual([{ balance: 123, seq: 1 }, 'MemberNotFound', { seqs: [1], next: 0 }]);

    const retried = await core.applyBatch(batch);
    expect(retried.results.map(outcomeOf)).toEqual([
      { seq: 2, points: -100, balance: 23 },
      { seq: 1, points: 50, balance: 50 },
      { balance: 23, seq: 2 },
    ]);
  });

  it('a list in a batch whose commit failed still answers from the ledger, not MemberNotFound', async () => {
    const flaky = { failures: 0 };
    const { core } = await startCore({}, (s) => failingCommits(s, flaky));
    await core.applyBatch([earnCmd(A)]);
    flaky.failures = 1;
    const { results } = await core.applyBatch([redeemCmd(1, A), list('alice')]);
    expect(outcomeOf(results[0])).toBe('CommitFailed');
    // Either the committed page or CommitFailed is honest; MemberNotFound for an existing member is not.
    expect([{ seqs: [1], next: 0 }, 'CommitFailed']).toContainEqual(outcomeOf(results[1]));
  });

  it('a passivated member whose lot lapses is found through the due index, gets one EXPIRE entry, then nothing is due', async () => {
    // Lots last to the end of the next local day (Asia/Shanghai); no notices, one tier: only expiry falls due.
    const program = programFixture({ tenantId: TENANT, expiry: { kind: 'rolling', months: 0, days: 1, noticeDays: 0 } });
    let now = NOW; // 2025-06-15 23:06:40 in Shanghai
    const { core, store } = await startCore({ actorCapacity: 1, snapshotEvery: 1, clock: () => now, programs: new ProgramBook([program]) });
    const aliceExpires = Date.parse('2025-06-16T23:59:59.999+08:00');

    const earned = await core.applyBatch([earnCmd({ ...A, amountMinor: 12_345 })]);
    expect(outcomeOf(earned.results[0])).toEqual({ seq: 1, points: 123, balance: 123 });
    // bob's lot lasts to the end of 18 June; alice is passivated to make room for him, and comes back
    // from her snapshot (snapshotEvery 1) when the due index names her
    now = NOW + 2 * DAY;
    const bob = await core.applyBatch([earnCmd({ ...B, amountMinor: 5_000 })]);
    expect(bob.stats.activeActors).toBe(1);
    expect(await core.stageHousekeeping(aliceExpires - 1)).toBeUndefined();

    now = aliceExpires + 1;
    const staged = await core.stageHousekeeping(now);
    if (!staged) throw new Error('alice was not found due');
    const round = await settleBatch(staged);
    expect(round.results.map(outcomeOf)).toEqual([{ seq: 2, points: -123, balance: 0 }]);
    expect(round.stats.entries).toBe(1);
    const page = okValue<EntryPage>((await core.applyBatch([list('alice')])).results[0]);
    expect(page.entries.map((e) => [e.seq, e.type, e.points, e.balanceAfter])).toEqual([
      [1, 'earn', 123, 123],
      [2, 'expire', -123, 0],
    ]);

    expect(await core.stageHousekeeping(now)).toBeUndefined();
    expect(await store.dueMembers(now, 10)).toEqual([]);
    // Due at the first millisecond after the lot's last spendable one.
    const bobExpires = Date.parse('2025-06-18T23:59:59.999+08:00');
    expect(await store.dueMembers(Number.MAX_SAFE_INTEGER, 10)).toEqual([{ tenantId: TENANT, memberId: 'bob', at: bobExpires + 1 }]);
    expect(await balanceOf(core, 'alice')).toBe(0);
  });

  it('reads of a member with no entries are MemberNotFound and create no account', async () => {
    const { core } = await startCore();
    const { results } = await core.applyBatch([account('nobody'), list('nobody')]);
    expect(results.map(outcomeOf)).toEqual(['MemberNotFound', 'MemberNotFound']);
    const write = await core.applyBatch([adjustCmd(5, { memberId: 'nobody' })]);
    expect(outcomeOf(write.results[0])).toEqual({ seq: 1, points: 5, balance: 5 });
  });
});

/** Delegates to the store, but the next `flaky.failures` commits throw before writing anything. */
function failingCommits(store: LedgerStore, flaky: { failures: number }): LedgerStore {
  return {
    loadMembers: (refs) => store.loadMembers(refs),
    findByIdempotencyKeys: (refs) => store.findByIdempotencyKeys(refs),
    getOrders: (refs) => store.getOrders(refs),
    listEntries: (ref, afterSeq, limit) => store.listEntries(ref, afterSeq, limit),
    commit: async (batch: CommitBatch) => {
      if (flaky.failures > 0) {
        flaky.failures--;
        throw new Error('disk I/O error (injected)');
      }
      return store.commit(batch);
    },
    outboxPosition: () => store.outboxPosition(),
    dueMembers: (upTo, limit) => store.dueMembers(upTo, limit),
    pendingFollowUps: (limit) => store.pendingFollowUps(limit),
    completeFollowUps: (ids) => store.completeFollowUps(ids),
    readOutbox: (afterId, limit) => store.readOutbox(afterId, limit),
    markPublished: (id) => store.markPublished(id),
    rollForwardHeads: () => store.rollForwardHeads(),
    rollForwardBacklog: () => store.rollForwardBacklog(),
    readRollForward: (tenantId, fromDay, toDay) => store.readRollForward(tenantId, fromDay, toDay),
    listMembers: (after, limit) => store.listMembers(after, limit),
    close: () => store.close(),
  };
}

describe('follow-up ids', () => {
  const T = 1_750_000_000_000;
  const rows: [string, number, number, number][] = [
    ['the first after a start is the clock in microseconds', 0, T, T * 1000],
    ['within the same millisecond, one more than the last', T * 1000 + 5, T, T * 1000 + 6],
    ['with the clock set back, still one more than the last', (T + 60_000) * 1000, T, (T + 60_000) * 1000 + 1],
    ['20 s later, the clock again: another 10-s bucket of the Cassandra store', T * 1000 + 6, T + 20_000, (T + 20_000) * 1000],
  ];
  for (const [what, last, now, expected] of rows) {
    it(what, () => {
      expect(nextFollowUpId(last, now)).toBe(expected);
    });
  }
});
