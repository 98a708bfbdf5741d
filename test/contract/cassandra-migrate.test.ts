// `npm run migrate` against the real node: a fresh keyspace gets every deploy/cql file in order, a
// re-run applies nothing and changes nothing, and a missing setting is named with a non-zero exit.

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cassandraTarget } from '../support/cassandra-server.js';
import { REPO_ROOT } from '../support/engine-process.js';

const run = promisify(execFile);
const target = cassandraTarget();
const CQL_FILES = readdirSync(join(REPO_ROOT, 'deploy/cql'))
  .filter((f) => f.endsWith('.cql'))
  .sort();

describe.skipIf('skipped' in target)('npm run migrate on a real Cassandra node', () => {
  if ('skipped' in target) return;
  const keyspace = `jifen_migrate_${randomBytes(4).toString('hex')}`;
  const env = {
    ...process.env,
    CASSANDRA_CONTACT_POINTS: target.contactPoints.join(','),
    CASSANDRA_LOCAL_DC: target.localDataCenter,
    CASSANDRA_KEYSPACE: keyspace,
    CASSANDRA_REPLICATION: "{'class':'SimpleStrategy','replication_factor':1}",
  };
  const migrate = (overrides: Record<string, string | undefined> = {}) =>
    run('npm', ['run', '--silent', 'migrate'], { cwd: REPO_ROOT, env: { ...env, ...overrides }, timeout: 180_000 });
  const admin = new Client({ contactPoints: target.contactPoints, localDataCenter: target.localDataCenter });

  beforeAll(() => admin.connect());
  afterAll(async () => {
    await admin.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
    await admin.shutdown();
  }, 120_000);

  const recorded = async () =>
    (await admin.execute(`SELECT name, checksum FROM ${keyspace}.schema_version WHERE scope = 'ledger'`)).rows.map((r) => [
      r['name'],
      r['checksum'],
    ]);
  const tables = async () =>
    (await admin.execute('SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?', [keyspace])).rows
      .map((r) => String(r['table_name']))
      .sort();

  it('creates a fresh keyspace with every table and records each file once', async () => {
    const { stdout } = await migrate();
    expect(stdout).toContain(`applied ${CQL_FILES.join(', ')} to keyspace ${keyspace}`);
    expect((await recorded()).map(([name]) => name).sort()).toEqual(CQL_FILES);
    expect(await tables()).toEqual(
      expect.arrayContaining(['entries', 'idempotency_keys', 'orders', 'snapshots', 'outbox', 'due_members', 'follow_ups', 'shared_files']),
    );
  }, 180_000);

  it('a second run applies nothing and leaves the schema and its records as they were', async () => {
    const [before, tablesBefore] = [await recorded(), await tables()];
    const { stdout } = await migrate();
    expect(stdout).toContain(`keyspace ${keyspace} is up to date`);
    expect(await recorded()).toEqual(before);
    expect(await tables()).toEqual(tablesBefore);
  }, 180_000);

  it('without CASSANDRA_REPLICATION it exits non-zero naming the setting, and creates nothing', async () => {
    const other = `jifen_migrate_${randomBytes(4).toString('hex')}`;
    const failed = await migrate({ CASSANDRA_KEYSPACE: other, CASSANDRA_REPLICATION: '' }).then(
      () => undefined,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failed?.code).not.toBe(0);
    expect(failed?.stderr).toContain('CASSANDRA_REPLICATION is not set');
    const found = await admin.execute('SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = ?', [other]);
    expect(found.rowLength).toBe(0);
  }, 180_000);
});
