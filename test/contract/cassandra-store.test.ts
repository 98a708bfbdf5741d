// The LedgerStore contract against a real Cassandra node: the one the `cassandra` project's global
// setup starts for the run (test/support/cassandra-global-setup.ts), or the cluster named by
// CASSANDRA_CONTACT_POINTS. A fresh keyspace is created by the real migration, every test starts from
// truncated tables, and the keyspace is dropped at the end.
// CASSANDRA_REPLICATION defaults to SimpleStrategy with one replica (a single test node).

import { randomBytes } from 'node:crypto';
import { Client } from 'cassandra-driver';
import { afterAll, beforeAll, describe } from 'vitest';
import { migrateLedger } from '../../src/cli/migrate.js';
import { CassandraLedgerStore } from '../../src/ledger/cassandra/cassandra-store.js';
import type { LedgerStore } from '../../src/ledger/store.js';
import { cassandraTarget } from '../support/cassandra-server.js';
import { ledgerStoreContract } from './ledger-store.contract.js';

const target = cassandraTarget();

if ('skipped' in target) {
  describe.skip(`Cassandra LedgerStore (skipped: ${target.skipped})`, () => {
    ledgerStoreContract(
      'CassandraLedgerStore',
      async () => {
        throw new Error('unreachable: the suite is skipped');
      },
      async () => {},
    );
  });
} else {
  const { contactPoints: hosts, localDataCenter } = target;
  const replication = process.env.CASSANDRA_REPLICATION ?? "{'class':'SimpleStrategy','replication_factor':1}";
  const keyspace = `jifen_contract_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const credentials = process.env.CASSANDRA_USERNAME
    ? { username: process.env.CASSANDRA_USERNAME, password: process.env.CASSANDRA_PASSWORD ?? '' }
    : undefined;
  const admin = new Client({ contactPoints: hosts, localDataCenter, credentials });
  // "entries" quoted: ENTRIES is a reserved CQL keyword. due_range goes with due_members, follow_up_range
  // with follow_ups_by_bucket (never one alone).
  const TABLES = [
    '"entries"',
    'idempotency_keys',
    'orders',
    'snapshots',
    'outbox',
    'outbox_cursor',
    'due_members',
    'due_range',
    'follow_ups',
    'follow_ups_by_bucket',
    'follow_up_range',
  ];

  beforeAll(async () => {
    await admin.connect();
    await migrateLedger({
      contactPoints: hosts,
      localDataCenter,
      keyspace,
      replication,
      username: credentials?.username,
      password: credentials?.password,
    });
  }, 300_000);

  afterAll(async () => {
    try {
      await admin.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
    } finally {
      await admin.shutdown();
    }
  }, 120_000);

  const open = (): Promise<LedgerStore> =>
    CassandraLedgerStore.open({
      contactPoints: hosts,
      localDataCenter,
      keyspace,
      shard: 0,
      username: credentials?.username,
      password: credentials?.password,
    });

  // TRUNCATE is not a tombstone, so rows later written with small USING TIMESTAMP values (snapshots,
  // cursors) are not hidden by it.
  const cleanup = async (): Promise<void> => {
    for (const table of TABLES) await admin.execute(`TRUNCATE ${keyspace}.${table}`);
  };

  ledgerStoreContract('CassandraLedgerStore', open, cleanup);
}
