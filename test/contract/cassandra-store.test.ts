// The LedgerStore contract against Cassandra/ScyllaDB. Skipped, loudly, without a cluster. With
// CASSANDRA_CONTACT_POINTS set, a fresh keyspace is created by the real migration, every test starts
// from truncated tables, and the keyspace is dropped at the end.
//   CASSANDRA_CONTACT_POINTS=127.0.0.1 CASSANDRA_LOCAL_DC=datacenter1 npx vitest run test/contract/cassandra-store.test.ts
// CASSANDRA_REPLICATION defaults to SimpleStrategy with one replica (a single test node).

import { randomBytes } from 'node:crypto';
import { Client } from 'cassandra-driver';
import { afterAll, beforeAll, describe } from 'vitest';
import { migrateLedger } from '../../src/cli/migrate.js';
import { CassandraLedgerStore } from '../../src/ledger/cassandra/cassandra-store.js';
import type { LedgerStore } from '../../src/ledger/store.js';
import { ledgerStoreContract } from './ledger-store.contract.js';

const contactPoints = process.env.CASSANDRA_CONTACT_POINTS;

if (!contactPoints) {
  console.warn('CASSANDRA CONTRACT SUITE SKIPPED: set CASSANDRA_CONTACT_POINTS to run it');
  describe.skip('Cassandra LedgerStore (no CASSANDRA_CONTACT_POINTS)', () => {
    ledgerStoreContract(
      'CassandraLedgerStore',
      async () => {
        throw new Error('unreachable: the suite is skipped');
      },
      async () => {},
    );
  });
} else {
  const hosts = contactPoints.split(',').map((h) => h.trim());
  const localDataCenter = process.env.CASSANDRA_LOCAL_DC ?? 'datacenter1';
  const replication = process.env.CASSANDRA_REPLICATION ?? "{'class':'SimpleStrategy','replication_factor':1}";
  const keyspace = `jifen_contract_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const credentials = process.env.CASSANDRA_USERNAME
    ? { username: process.env.CASSANDRA_USERNAME, password: process.env.CASSANDRA_PASSWORD ?? '' }
    : undefined;
  const admin = new Client({ contactPoints: hosts, localDataCenter, credentials });
  // "entries" quoted: ENTRIES is a reserved CQL keyword. due_range goes with due_members (never one alone).
  const TABLES = ['"entries"', 'idempotency_keys', 'orders', 'snapshots', 'outbox', 'outbox_cursor', 'due_members', 'due_range', 'follow_ups'];

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
