// SharedFiles as rows of <keyspace>.shared_files (deploy/cql/003_shared_files.cql): one partition per
// folder, one row per name, so listing a folder is one partition read. Writing a file also writes
// its folders' rows in their parents (idempotent upserts, before the file's own row), so a folder is
// listed before anything in it can be read. create() is a lightweight transaction (INSERT IF NOT
// EXISTS): two engines starting on one keyspace agree on one layout and one lottery secret.

import { Client, types } from 'cassandra-driver';
import { type SharedFiles, splitPath } from '../shared-files.js';
import { ledgerReconnection } from './reconnection.js';

export interface SharedFilesSettings {
  contactPoints: string[];
  localDataCenter: string;
  keyspace: string;
  username?: string;
  password?: string;
}

const QUORUM = { prepare: true, consistency: types.consistencies.localQuorum } as const;
const LWT = { ...QUORUM, serialConsistency: types.consistencies.localSerial } as const;

export class CassandraSharedFiles implements SharedFiles {
  private constructor(
    private readonly client: Client,
    private readonly table: string,
  ) {}

  static async open(s: SharedFilesSettings): Promise<CassandraSharedFiles> {
    const client = new Client({
      contactPoints: s.contactPoints,
      localDataCenter: s.localDataCenter,
      credentials: s.username ? { username: s.username, password: s.password ?? '' } : undefined,
      policies: { reconnection: ledgerReconnection() },
    });
    try {
      await client.connect();
    } catch (err) {
      await client.shutdown().catch(() => undefined);
      throw err;
    }
    return new CassandraSharedFiles(client, `${s.keyspace}.shared_files`);
  }

  async read(path: string): Promise<string | undefined> {
    const { dir, name } = splitPath(path);
    const row = (
      await this.client.execute(`SELECT body FROM ${this.table} WHERE dir = ? AND name = ?`, [keyOf(dir), name], QUORUM)
    ).first();
    return row?.['body'] ?? undefined;
  }

  async write(path: string, text: string): Promise<void> {
    const { dir, name } = splitPath(path);
    await this.writeFolders(dir);
    await this.client.execute(`INSERT INTO ${this.table} (dir, name, body) VALUES (?, ?, ?)`, [keyOf(dir), name, text], QUORUM);
  }

  async create(path: string, text: string): Promise<string> {
    const { dir, name } = splitPath(path);
    await this.writeFolders(dir);
    const result = await this.client.execute(
      `INSERT INTO ${this.table} (dir, name, body) VALUES (?, ?, ?) IF NOT EXISTS`,
      [keyOf(dir), name, text],
      LWT,
    );
    const row = result.first();
    return row?.['[applied]'] === false ? String(row['body']) : text;
  }

  async list(dir: string): Promise<string[]> {
    const result = await this.client.execute(`SELECT name FROM ${this.table} WHERE dir = ?`, [keyOf(dir)], { ...QUORUM, fetchSize: 5000 });
    const names: string[] = [];
    for await (const row of result) names.push(String(row['name']));
    return names.sort();
  }

  async close(): Promise<void> {
    await this.client.shutdown();
  }

  /** `a/b` → rows (`.`, `a`) and (`a`, `b`): each folder listed in its parent. Folder rows have no body. */
  private async writeFolders(dir: string): Promise<void> {
    if (dir === '') return;
    const parts = dir.split('/');
    for (let i = 0; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/');
      await this.client.execute(`INSERT INTO ${this.table} (dir, name) VALUES (?, ?)`, [keyOf(parent), parts[i]], QUORUM);
    }
  }
}

/** The top folder's partition key: a partition key may not be empty. */
function keyOf(dir: string): string {
  return dir === '' ? '.' : dir;
}
