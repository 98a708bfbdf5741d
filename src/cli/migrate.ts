// `jifen migrate`: applies deploy/cql/NNN_*.cql in order to a Cassandra / ScyllaDB cluster and records
// each file in <keyspace>.schema_version, so a re-run applies nothing. Run it once per change (a job,
// never from every engine at start: concurrent schema changes from several clients can disagree).
//
//   CASSANDRA_CONTACT_POINTS=10.0.0.1,10.0.0.2 CASSANDRA_LOCAL_DC=dc1 \
//   CASSANDRA_REPLICATION="{'class':'NetworkTopologyStrategy','dc1':3}" node --import tsx src/cli/migrate.ts

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Client, types } from 'cassandra-driver';

export interface MigrationSettings {
  contactPoints: string[];
  localDataCenter: string;
  keyspace: string;
  /** A CQL replication map, e.g. {'class':'NetworkTopologyStrategy','dc1':3}. */
  replication: string;
  username?: string;
  password?: string;
}

export interface MigrationOptions {
  /** Folder of NNN_name.cql files; default deploy/cql of this checkout. */
  cqlDir?: string;
  log?: (line: string) => void;
}

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
}

/** A setting is missing or malformed; the message names it. */
export class MigrationConfigError extends Error {
  override name = 'MigrationConfigError';
}

/** The database and the migration files disagree (an applied file was edited, or files are misnamed). */
export class MigrationError extends Error {
  override name = 'MigrationError';
}

const SCOPE = 'ledger';
const FILE_NAME = /^(\d{3})_[a-z0-9_]+\.cql$/;
const KEYSPACE_NAME = /^[a-z][a-z0-9_]{0,47}$/;

/** Applies every migration file not yet recorded in schema_version, in file order. */
export async function migrateLedger(settings: MigrationSettings, options: MigrationOptions = {}): Promise<MigrationResult> {
  const log = options.log ?? (() => undefined);
  const files = migrationFiles(options.cqlDir ?? defaultCqlDir());
  const client = new Client({
    contactPoints: settings.contactPoints,
    localDataCenter: settings.localDataCenter,
    credentials: settings.username ? { username: settings.username, password: settings.password ?? '' } : undefined,
    // DDL waits for every node to agree on the schema before the next statement runs.
    protocolOptions: { maxSchemaAgreementWaitSeconds: 60 },
    socketOptions: { readTimeout: 120_000 },
  });
  await client.connect();
  try {
    const recorded = await appliedVersions(client, settings.keyspace);
    const result: MigrationResult = { applied: [], alreadyApplied: [] };
    for (const file of files) {
      const done = recorded.get(file.version);
      if (done !== undefined) {
        if (done !== file.checksum) {
          throw new MigrationError(
            `${file.name} was applied with checksum ${done} but now reads ${file.checksum}; ` +
              'an applied migration must never change: add a new NNN_*.cql file instead',
          );
        }
        result.alreadyApplied.push(file.name);
        continue;
      }
      log(`applying ${file.name} to keyspace ${settings.keyspace}`);
      for (const statement of splitStatements(substitute(file.text, settings))) {
        if (await addsExistingColumn(client, statement)) {
          log(`  skipped (column exists): ${statement.replace(/\s+/g, ' ')}`);
          continue;
        }
        await client.execute(statement, [], { consistency: types.consistencies.localQuorum });
      }
      // Recorded only after every statement ran; a file stopped half-way is re-run whole (hence IF NOT EXISTS).
      await client.execute(
        `INSERT INTO ${settings.keyspace}.schema_version (scope, version, name, checksum, applied_at) VALUES (?, ?, ?, ?, ?)`,
        [SCOPE, file.version, file.name, file.checksum, new Date()],
        { prepare: true, consistency: types.consistencies.localQuorum },
      );
      result.applied.push(file.name);
    }
    // checkSchemaAgreement exists in driver 4.x but is missing from its type declarations.
    const metadata = client.metadata as unknown as { checkSchemaAgreement(): Promise<boolean> };
    if (!(await metadata.checkSchemaAgreement())) log('warning: the nodes do not agree on the schema yet');
    return result;
  } finally {
    await client.shutdown();
  }
}

/** Reads the migration settings from an environment; throws naming the first missing or bad setting. */
export function migrationSettingsFromEnv(env: NodeJS.ProcessEnv): MigrationSettings {
  const contactPoints = (env.CASSANDRA_CONTACT_POINTS ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h.length > 0);
  if (contactPoints.length === 0) {
    throw new MigrationConfigError('CASSANDRA_CONTACT_POINTS is not set (host[:port][,host[:port]...])');
  }
  const localDataCenter = env.CASSANDRA_LOCAL_DC?.trim();
  if (!localDataCenter) throw new MigrationConfigError('CASSANDRA_LOCAL_DC is not set (the local data centre name, e.g. dc1)');
  const keyspace = env.CASSANDRA_KEYSPACE?.trim() || 'jifen';
  if (!KEYSPACE_NAME.test(keyspace)) {
    throw new MigrationConfigError(
      `CASSANDRA_KEYSPACE ${JSON.stringify(keyspace)} must be a lowercase CQL identifier of at most 48 characters`,
    );
  }
  const replication = env.CASSANDRA_REPLICATION?.trim();
  if (!replication) {
    throw new MigrationConfigError(`CASSANDRA_REPLICATION is not set (e.g. "{'class':'NetworkTopologyStrategy','${localDataCenter}':3}")`);
  }
  if (!/^\{[^;]*'class'\s*:[^;]*\}$/.test(replication)) {
    throw new MigrationConfigError(`CASSANDRA_REPLICATION ${JSON.stringify(replication)} is not a CQL replication map like {'class':...}`);
  }
  return {
    contactPoints,
    localDataCenter,
    keyspace,
    replication,
    username: env.CASSANDRA_USERNAME || undefined,
    password: env.CASSANDRA_PASSWORD || undefined,
  };
}

/** Splits a CQL file into statements at `;`, outside quotes and comments. */
export function splitStatements(text: string): string[] {
  const statements: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const pair = text.slice(i, i + 2);
    if (pair === '--' || pair === '//') {
      const end = text.indexOf('\n', i);
      i = end === -1 ? text.length : end;
      current += '\n';
    } else if (pair === '/*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : end + 1;
    } else if (c === "'" || c === '"') {
      const end = closingQuote(text, i);
      current += text.slice(i, end + 1);
      i = end;
    } else if (c === ';') {
      if (current.trim()) statements.push(current.trim());
      current = '';
    } else {
      current += c;
    }
  }
  if (current.trim()) statements.push(current.trim());
  return statements;
}

interface MigrationFile {
  version: number;
  name: string;
  text: string;
  checksum: string;
}

function migrationFiles(dir: string): MigrationFile[] {
  const names = readdirSync(dir)
    .filter((n) => n.endsWith('.cql'))
    .sort();
  const files = names.map((name) => {
    const match = FILE_NAME.exec(name);
    if (!match) throw new MigrationError(`${join(dir, name)}: migration files are named NNN_lowercase_name.cql`);
    const text = readFileSync(join(dir, name), 'utf8');
    return { version: Number(match[1]), name, text, checksum: createHash('sha256').update(text).digest('hex').slice(0, 16) };
  });
  for (let i = 1; i < files.length; i++) {
    if (files[i].version === files[i - 1].version) throw new MigrationError(`two migration files share version ${files[i].version}`);
  }
  if (files.length === 0) throw new MigrationError(`no migration files in ${dir}`);
  return files;
}

/** ALTER TABLE ks.table ADD column ...; names lowercase, each optionally double-quoted. */
const ADD_COLUMN = /^ALTER\s+TABLE\s+"?([a-z][a-z0-9_]*)"?\."?([a-z][a-z0-9_]*)"?\s+ADD\s+"?([a-z][a-z0-9_]*)"?\s/;

/**
 * Whether the statement is `ALTER TABLE <keyspace>.<table> ADD <column> <type>` for a column that
 * already exists: a re-run of a file stopped half-way must skip it (Cassandra refuses to add a column
 * twice, and ALTER ... ADD IF NOT EXISTS is missing from ScyllaDB and from Cassandra before 4.1).
 */
export async function addsExistingColumn(client: Pick<Client, 'execute'>, statement: string): Promise<boolean> {
  const match = ADD_COLUMN.exec(statement);
  if (!match) return false;
  const [, keyspace, table, column] = match;
  const found = await client.execute(
    'SELECT column_name FROM system_schema.columns WHERE keyspace_name = ? AND table_name = ? AND column_name = ?',
    [keyspace, table, column],
    { prepare: true },
  );
  return found.rowLength > 0;
}

/** Version -> checksum of the files recorded as applied; empty when the keyspace is new. */
async function appliedVersions(client: Client, keyspace: string): Promise<Map<number, string>> {
  const table = await client.execute(
    'SELECT table_name FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?',
    [keyspace, 'schema_version'],
    { prepare: true },
  );
  if (table.rowLength === 0) return new Map();
  const rows = await client.execute(`SELECT version, checksum FROM ${keyspace}.schema_version WHERE scope = ?`, [SCOPE], {
    prepare: true,
    consistency: types.consistencies.localQuorum,
  });
  return new Map(rows.rows.map((r) => [r['version'] as number, r['checksum'] as string]));
}

/** Fills the ${keyspace} and ${replication} placeholders of a migration file. */
function substitute(text: string, settings: MigrationSettings): string {
  const values: Record<string, string> = { keyspace: settings.keyspace, replication: settings.replication };
  return text.replace(/\$\{(keyspace|replication)\}/g, (_, name: string) => values[name]);
}

function closingQuote(text: string, open: number): number {
  const quote = text[open];
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] !== quote) continue;
    if (text[i + 1] === quote) {
      i++; // '' inside a string is an escaped quote
      continue;
    }
    return i;
  }
  return text.length - 1;
}

function defaultCqlDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // src/cli/ when run with tsx, dist/src/cli/ when compiled
  for (const up of ['../..', '../../..']) {
    const dir = resolve(here, up, 'deploy/cql');
    if (existsSync(dir)) return dir;
  }
  throw new MigrationError(`deploy/cql not found above ${here}; pass cqlDir`);
}

async function main(): Promise<void> {
  const settings = migrationSettingsFromEnv(process.env);
  const result = await migrateLedger(settings, { log: (line) => console.log(line) });
  console.log(
    result.applied.length === 0
      ? `keyspace ${settings.keyspace} is up to date (${result.alreadyApplied.join(', ')})`
      : `applied ${result.applied.join(', ')} to keyspace ${settings.keyspace}`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
    process.exitCode = 1;
  });
}
