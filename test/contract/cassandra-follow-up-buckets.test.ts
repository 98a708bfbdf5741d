// The Cassandra store's follow-up buckets (deploy/cql/005_follow_up_buckets.cql) on a real node: one
// partition per bucket of ids, the per-shard range an open reads from, a batch whose follow-ups span two
// buckets completed or undone whole (in the process and after a crash), and the rows an existing
// keyspace still holds in the table before 005. Each test writes its own shard and members of one keyspace.

import { Client, policies, types } from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import type { WriteCommand } from '../../src/actor/commands.js';
import type { LedgerEntry } from '../../src/actor/entries.js';
import { CassandraLedgerStore, type CqlClient } from '../../src/ledger/cassandra/cassandra-store.js';
import { CQL, long } from '../../src/ledger/cassandra/cql.js';
import { FOLLOW_UP_BUCKET_IDS, followUpBucketOf } from '../../src/ledger/cassandra/layout.js';
import type { CommitBatch, FollowUp, LedgerStore, MemberRef } from '../../src/ledger/store.js';
import { migratedKeyspace } from '../support/cassandra-keyspace.js';
import { cassandraTarget } from '../support/cassandra-server.js';

const target = cassandraTarget();
/** The first id of a bucket near now, as the engine numbers follow-ups (the clock in microseconds). */
const BASE = followUpBucketOf(Date.now() * 1000) * FOLLOW_UP_BUCKET_IDS;
const BUCKET = followUpBucketOf(BASE);

describe.skipIf('skipped' in target)('Cassandra follow-up buckets', () => {
  if ('skipped' in target) return;
  const { contactPoints, localDataCenter } = target;
  const { keyspace, admin } = migratedKeyspace(target, 'jifen_follow_ups');

  const open = (shard: number): Promise<CassandraLedgerStore> =>
    CassandraLedgerStore.open({ contactPoints, localDataCenter, keyspace, shard });
  const commit = (store: LedgerStore, batch: Partial<CommitBatch>) =>
    store.commit({ entries: [], orders: [], snapshots: [], outbox: [], ...batch });
  const cql = (query: string, params: unknown[] = []) => admin.execute(query.replaceAll('{ks}', keyspace), params, { prepare: true });
  /** Live rows of a shard in the given buckets, as `kind:id`. */
  const rowsIn = async (shard: number, buckets: number[]) =>
    (await cql('SELECT bucket, kind, id FROM {ks}.follow_ups_by_bucket WHERE shard = ? AND bucket IN ?', [shard, buckets])).rows.map(
      (r) => `${r['kind']}:${long(r['id'])}@${long(r['bucket'])}`,
    );

  it('writes one partition per bucket, keeps the oldest undelivered id as the range low, and a reopen reads from there on', async () => {
    const shard = 11;
    const A = memberOf(shard);
    const store = await open(shard);
    const [a, b, c, d, e] = [
      BASE + 1,
      BASE + 2,
      BASE + FOLLOW_UP_BUCKET_IDS - 1,
      BASE + FOLLOW_UP_BUCKET_IDS,
      BASE + 3 * FOLLOW_UP_BUCKET_IDS + 5,
    ];
    await commit(store, { entries: [entryOf(A, 1)], followUps: [followUp(a), followUp(b)] });
    await commit(store, { entries: [entryOf(A, 2)], followUps: [followUp(d), followUp(c)] }); // buckets BUCKET and BUCKET + 1
    await commit(store, { entries: [entryOf(A, 3)], followUps: [followUp(e)] });
    const buckets = [BUCKET, BUCKET + 1, BUCKET + 2, BUCKET + 3];
    expect((await rowsIn(shard, buckets)).sort()).toEqual(
      [`owed:${a}@${BUCKET}`, `owed:${b}@${BUCKET}`, `owed:${c}@${BUCKET}`, `owed:${d}@${BUCKET + 1}`, `owed:${e}@${BUCKET + 3}`].sort(),
    );
    await store.completeFollowUps([a, b, c, d]);
    await store.close();
    const [range] = (await cql('SELECT low_id, high_bucket FROM {ks}.follow_up_range WHERE shard = ?', [shard])).rows;
    expect([long(range['low_id']), long(range['high_bucket'])]).toEqual([e, BUCKET + 3]);
    // A row below the low (none of the store's own can be there): the next open must not read it.
    await cql(`INSERT INTO {ks}.follow_ups_by_bucket (shard, bucket, kind, id, body) VALUES (?, ?, 'owed', ?, ?)`, [
      shard,
      BUCKET + 1,
      d + 1,
      JSON.stringify(followUp(d + 1).command),
    ]);
    const reopened = await open(shard);
    expect(await reopened.pendingFollowUps(10)).toEqual([followUp(e)]);
    await reopened.close();
    expect((await cql('SELECT id FROM {ks}.follow_ups WHERE shard = ?', [shard])).rowLength).toBe(0);
  });

  it('a commit that fails between the buckets of its follow-ups is rolled back whole, and can be committed again', async () => {
    const shard = 12;
    const A = memberOf(shard);
    const faulty = await faultyClient('once');
    const store = await CassandraLedgerStore.openOn(faulty, { contactPoints, localDataCenter, keyspace, shard });
    const batch = { entries: [entryOf(A, 1)], followUps: [followUp(BASE - 1), followUp(BASE)] }; // buckets BUCKET - 1 and BUCKET
    await expect(commit(store, batch)).rejects.toThrow('injected');
    expect(faulty.failed).toBe(1);
    expect(await store.pendingFollowUps(10)).toEqual([]);
    expect(await store.listEntries(A, 0, 10)).toEqual([]);
    expect(await rowsIn(shard, [BUCKET - 1, BUCKET])).toEqual([]);
    await commit(store, structuredClone(batch));
    expect(await store.pendingFollowUps(10)).toEqual(batch.followUps);
    await store.close();
  });

  it("a process that dies between the buckets of a commit's follow-ups leaves it to the next open, which completes it whole", async () => {
    const shard = 13;
    const A = memberOf(shard);
    const faulty = await faultyClient('crash');
    const store = await CassandraLedgerStore.openOn(faulty, { contactPoints, localDataCenter, keyspace, shard });
    const batch = { entries: [entryOf(A, 1)], followUps: [followUp(BASE - 1), followUp(BASE)] };
    await expect(commit(store, batch)).rejects.toThrow('injected');
    // Its entries and the owed row of the later bucket are written; the intent still stands for the batch.
    expect((await rowsIn(shard, [BUCKET - 1, BUCKET])).sort()).toEqual([`intent:${BASE - 1}@${BUCKET - 1}`, `owed:${BASE}@${BUCKET}`]);
    await store.close(); // its rollback cannot be written: as if the process died here
    const next = await open(shard);
    expect(await next.pendingFollowUps(10)).toEqual(batch.followUps);
    expect(await next.listEntries(A, 0, 10)).toEqual(batch.entries);
    expect((await rowsIn(shard, [BUCKET - 1, BUCKET])).sort()).toEqual([`owed:${BASE - 1}@${BUCKET - 1}`, `owed:${BASE}@${BUCKET}`]);
    await next.close();
  });

  it('rows an existing keyspace holds in the table before 005 are settled at open, delivered from there and deleted there', async () => {
    const shard = 14;
    const A = memberOf(shard);
    const first = await open(shard);
    await commit(first, { entries: [entryOf(A, 1)] });
    await first.close();
    const old = (kind: string, id: number, body: unknown) =>
      cql('INSERT INTO {ks}.follow_ups (shard, kind, id, body) VALUES (?, ?, ?, ?)', [shard, kind, id, JSON.stringify(body)]);
    const [owed, done, undone] = [followUp(100), [followUp(200), followUp(201)], [followUp(300)]];
    await old('owed', owed.id, owed.command);
    const a1 = entryOf(A, 1);
    // A commit whose entry exists (completed at open) and one whose entry never came (undone at open).
    await old('intent', 200, { followUps: done, entries: [[A.tenantId, A.memberId, 1, a1.idempotencyKey, a1.createdAt]] });
    await old('intent', 300, { followUps: undone, entries: [[A.tenantId, A.memberId, 2, 'k-2', a1.createdAt + 1]] });
    const store = await open(shard);
    expect(await store.pendingFollowUps(10)).toEqual([owed, ...done]);
    const oldRows = async () =>
      (await cql('SELECT kind, id FROM {ks}.follow_ups WHERE shard = ?', [shard])).rows.map((r) => `${r['kind']}:${long(r['id'])}`);
    expect(await oldRows()).toEqual(['owed:100', 'owed:200', 'owed:201']);
    const fresh = followUp(BASE + 7);
    await commit(store, { entries: [entryOf(A, 2)], followUps: [fresh] });
    expect(await store.pendingFollowUps(10)).toEqual([owed, ...done, fresh]);
    await store.completeFollowUps([100, 200, 201]);
    expect(await oldRows()).toEqual([]);
    await store.close();
    const reopened = await open(shard);
    expect(await reopened.pendingFollowUps(10)).toEqual([fresh]);
    expect(await oldRows()).toEqual([]);
    await reopened.close();
  });

  /**
   * A client on the test keyspace that fails the first request deleting a follow-up intent (step 2b's last
   * batch): only that one ('once'), or that one and every request after it ('crash').
   */
  async function faultyClient(mode: 'once' | 'crash'): Promise<CqlClient & { failed: number }> {
    const client = new Client({
      contactPoints,
      localDataCenter,
      keyspace,
      queryOptions: { consistency: types.consistencies.localQuorum, prepare: true },
      policies: { timestampGeneration: new policies.timestampGeneration.MonotonicTimestampGenerator(1000, 1000) },
    });
    await client.connect();
    const state = { failed: 0, down: false };
    const check = (queries: string[]) => {
      if (state.down || (state.failed === 0 && queries.includes(CQL.deleteIntent))) {
        state.failed++;
        state.down = mode === 'crash';
        throw new Error('injected failure');
      }
    };
    const faulty = {
      get failed() {
        return state.failed;
      },
      execute: async (query: string, params: unknown[], options: object) => {
        check([query]);
        return client.execute(query, params, options);
      },
      batch: async (queries: { query: string; params: unknown[] }[], options: object) => {
        check(queries.map((q) => q.query));
        return client.batch(queries, options);
      },
      shutdown: () => client.shutdown(),
    };
    return faulty as unknown as CqlClient & { failed: number };
  }
});

/** A member of its own per test: entries are per member, not per shard. */
function memberOf(shard: number): MemberRef {
  return { tenantId: 'acme', memberId: `m-${shard}` };
}

function followUp(id: number): FollowUp {
  const command: WriteCommand = {
    kind: 'referral',
    tenantId: 'acme',
    memberId: 'm-9',
    idempotencyKey: `§referral:${id}`,
    referredMemberId: `m-${id}`,
  };
  return { id, command };
}

function entryOf(ref: MemberRef, seq: number): LedgerEntry {
  return {
    tenantId: ref.tenantId,
    memberId: ref.memberId,
    seq,
    type: 'earn',
    points: 10,
    balanceAfter: 10 * seq,
    idempotencyKey: `k-${seq}`,
    orderId: `o-${seq}`,
    reason: '',
    operator: '',
    amountMinor: 1000,
    createdAt: 1_750_000_000_000 + seq - 1,
    expiresAt: 0,
    payloadHash: `${seq}`.padStart(16, '0'),
  };
}
