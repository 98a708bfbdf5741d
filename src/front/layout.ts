// The ledger's layout: its id (names it in event batch ids and cache keys) and its shard count.
// Members are placed on shards by slot, so the shard count is part of the stored data: recorded by
// the first engine (`layout.json` in the shared files: the data directory, or the keyspace with
// Cassandra, where every engine on it reads the same one) and a different count is refused.

import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { type Config, ConfigError, defaultShardCount } from '../config/config.js';
import type { SharedFiles } from '../ledger/shared-files.js';

export interface LedgerLayout {
  shards: number;
  ledgerId: string;
}

const LAYOUT_FILE = 'layout.json';

export async function resolveLayout(config: Config, files: SharedFiles): Promise<LedgerLayout> {
  const where = config.ledger.kind === 'cassandra' ? `keyspace ${config.ledger.keyspace}` : config.dataDir;
  const proposed = { shards: config.shards ?? defaultShardCount(), slots: 4096, id: randomBytes(6).toString('hex') };
  // create: the first engine's layout wins, also when two start at once on one keyspace.
  const stored = JSON.parse(await files.create(LAYOUT_FILE, `${JSON.stringify(proposed)}\n`)) as { shards: number; id?: string };
  if (config.shards !== undefined && config.shards !== stored.shards) {
    throw new ConfigError(
      `JIFEN_SHARDS=${config.shards} but the data in ${where} was written with ${stored.shards} shards; ` +
        `start with JIFEN_SHARDS=${stored.shards} (re-sharding an existing ledger is not supported yet)`,
    );
  }
  // Directories from before ledger ids existed get one derived from their path, stable across starts.
  return { shards: stored.shards, ledgerId: stored.id ?? legacyLedgerId(config.dataDir) };
}

function legacyLedgerId(dataDir: string): string {
  return createHash('sha256').update(join(dataDir, LAYOUT_FILE)).digest('hex').slice(0, 12);
}
