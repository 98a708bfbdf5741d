// The roll-forward on a real Cassandra node when a process dies between a batch's entries (step 2) and
// its roll-forward rows (step 2c): the next open finds the entries the rows do not count, the shard folds
// them in before it serves, and the open after that finds nothing left (PROTOCOL.md, "Roll-forward").

import { Client, policies, types } from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import type { OpResult } from '../../src/actor/results.js';
import { CassandraLedgerStore, type CqlClient } from '../../src/ledger/cassandra/cassandra-store.js';
import { CQL } from '../../src/ledger/cassandra/cql.js';
import { outstandingOf } from '../../src/reports/roll-forward.js';
import { ProgramBook } from '../../src/shard/program-book.js';
import { ShardCore } from '../../src/shard/shard-core.js';
import { earnCmd } from '../actor/member-fixtures.js';
import { migratedKeyspace } from '../support/cassandra-keyspace.js';
import { cassandraTarget } from '../support/cassandra-server.js';

const target = cassandraTarget();
const NOW = Date.UTC(2026, 11, 6, 2, 0, 0);

describe.skipIf('skipped' in target)('Cassandra roll-forward across a crash', () => {
  if ('skipped' in target) return;
  const { contactPoints, localDataCenter } = target;
  const { keyspace } = migratedKeyspace(target, 'jifen_roll_forward');
  const options = (shard: number) => ({ contactPoints, localDataCenter, keyspace, shard });
  const core = (store: CassandraLedgerStore, shard: number) =>
    ShardCore.open(store, { actorCapacity: 100, snapshotEvery: 64, clock: () => NOW, shard, ledgerId: 'rf', programs: new ProgramBook() });

  it('entries written by a process that died before their rows are folded in at the next open, once', async () => {
    const shard = 3;
    const first = await core(await CassandraLedgerStore.openOn(await crashingAtStep2c(), options(shard)), shard);
    await first.applyBatch([earnCmd({ memberId: 'm-1', orderId: 'o-1', idempotencyKey: 'e-1', amountMinor: 10_000 })]);
    const refused = await first.applyBatch([earnCmd({ memberId: 'm-2', orderId: 'o-2', idempotencyKey: 'e-2', amountMinor: 5_000 })]);
    expect((refused.results[0] as Extract<OpResult, { ok: false }>).rejection.kind).toBe('CommitFailed');
    await first.close().catch(() => undefined); // its rollback cannot be written: as if the process died here

    const store = await CassandraLedgerStore.open(options(shard));
    expect((await store.listEntries({ tenantId: 'acme', memberId: 'm-2' }, 0, 10)).map((e) => e.points)).toEqual([50]);
    const second = await core(store, shard);
    const [head] = second.rollForward.current();
    expect([head.tenantId, outstandingOf(head.totals), head.totals.accounts]).toEqual(['acme', 150, 2]);
    const day = head.day;
    expect((await second.readRollForward('acme', day, day)).rows.map((r) => r.totals.flows.issuedOrders)).toEqual([150]);
    await second.close();

    const third = await CassandraLedgerStore.open(options(shard));
    expect(await third.rollForwardBacklog()).toEqual([]);
    expect((await third.rollForwardHeads()).map((h) => outstandingOf(h.totals))).toEqual([150]);
    await third.close();
  });

  /** A client whose second batch's step 2c fails, and every request after it: a process dying there. */
  async function crashingAtStep2c(): Promise<CqlClient> {
    const client = new Client({
      contactPoints,
      localDataCenter,
      keyspace,
      queryOptions: { consistency: types.consistencies.localQuorum, prepare: true },
      policies: { timestampGeneration: new policies.timestampGeneration.MonotonicTimestampGenerator(1000, 1000) },
    });
    await client.connect();
    const state = { seen: 0, down: false };
    const check = (queries: string[]) => {
      if (!state.down && queries.some((q) => q === CQL.upsertRollForward) && ++state.seen === 2) state.down = true;
      if (state.down) throw new Error('injected failure');
    };
    return {
      execute: async (query: string, params: unknown[], opts: object) => {
        check([query]);
        return client.execute(query, params, opts);
      },
      batch: async (queries: { query: string; params: unknown[] }[], opts: object) => {
        check(queries.map((q) => q.query));
        return client.batch(queries, opts);
      },
      shutdown: () => client.shutdown(),
    } as unknown as CqlClient;
  }
});
