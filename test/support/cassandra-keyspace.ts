// A fresh keyspace for one Cassandra test file: made by the real migration before the file's tests
// (the same files `npm run migrate` applies), dropped after them, with an admin client on the node.
// Call it inside the file's describe. CASSANDRA_REPLICATION and CASSANDRA_USERNAME/PASSWORD apply
// when the suites run against an existing cluster (CASSANDRA_CONTACT_POINTS).

import { randomBytes } from 'node:crypto';
import { Client } from 'cassandra-driver';
import { afterAll, beforeAll } from 'vitest';
import { migrateLedger } from '../../src/cli/migrate.js';

export interface TestKeyspace {
  keyspace: string;
  /** Connected before the file's tests, shut down after them. */
  admin: Client;
  /** Settings for a store or shared files on this keyspace. */
  settings: { contactPoints: string[]; localDataCenter: string; keyspace: string; username?: string; password?: string };
}

export function migratedKeyspace(target: CassandraCluster, prefix: string): TestKeyspace {
  const { contactPoints, localDataCenter } = target;
  const { username, password } = credentialsFromEnv();
  // TRUNCATE and DROP KEYSPACE flush and snapshot on the node: on a loaded 2-core machine they may take
  // longer than the driver's default 12 s read timeout, which is no fault of the code under test.
  const admin = new Client({
    contactPoints,
    localDataCenter,
    credentials: username ? { username, password: password ?? '' } : undefined,
    socketOptions: { readTimeout: 120_000 },
  });
  const keyspace = keyspaceName(prefix);

  beforeAll(async () => {
    await admin.connect();
    await migrate(target, keyspace);
  }, 300_000);
  afterAll(async () => {
    try {
      await admin.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
    } finally {
      await admin.shutdown();
    }
  }, 120_000);

  return { keyspace, admin, settings: { contactPoints, localDataCenter, keyspace, username, password } };
}

// "entries" quoted: ENTRIES is a reserved CQL keyword. due_range goes with due_members, follow_up_range
// with follow_ups_by_bucket (never one alone).
const LEDGER_TABLES = [
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
  'roll_forward',
  'roll_forward_heads',
];

/**
 * Empties the ledger's tables (and extra ones) between tests. TRUNCATE is not a tombstone, so rows later
 * written with small USING TIMESTAMP values (snapshots, cursors) are not hidden by it.
 */
export async function truncateLedger(admin: Client, keyspace: string, extra: string[] = []): Promise<void> {
  for (const table of [...LEDGER_TABLES, ...extra]) await admin.execute(`TRUNCATE ${keyspace}.${table}`);
}

/** A fresh keyspace made by the real migration, now (for keyspaces whose life is not one test file's). */
export async function createKeyspace(target: CassandraCluster, prefix: string): Promise<string> {
  const keyspace = keyspaceName(prefix);
  await migrate(target, keyspace);
  return keyspace;
}

interface CassandraCluster {
  contactPoints: string[];
  localDataCenter: string;
}

function keyspaceName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

function credentialsFromEnv(): { username?: string; password?: string } {
  const username = process.env.CASSANDRA_USERNAME || undefined;
  return { username, password: username ? (process.env.CASSANDRA_PASSWORD ?? '') : undefined };
}

function migrate(target: CassandraCluster, keyspace: string): Promise<unknown> {
  const replication = process.env.CASSANDRA_REPLICATION ?? "{'class':'SimpleStrategy','replication_factor':1}";
  return migrateLedger({ ...target, keyspace, replication, ...credentialsFromEnv() });
}
