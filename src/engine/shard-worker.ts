// The thread entry of one shard: the only writer of that shard's ledger file. Piscina runs it in a
// pool of exactly one thread and hands it one task per micro-batch.

import { join } from 'node:path';
import { workerData } from 'node:worker_threads';
import type { ShardOp } from '../actor/commands.js';
import { SqliteLedgerStore } from '../ledger/embedded/sqlite-store.js';
import { type BatchReply, ShardCore } from './shard-core.js';

export interface ShardWorkerData {
  shard: number;
  dataDir: string;
  durability: 'fsync' | 'os';
  actorCapacity: number;
  snapshotEvery: number;
}

export type ShardTask = { type: 'batch'; ops: ShardOp[] } | { type: 'ready' } | { type: 'close' };

const config = workerData as ShardWorkerData;

export function shardFile(dataDir: string, shard: number): string {
  return join(dataDir, `shard-${String(shard).padStart(4, '0')}.db`);
}

const core = new ShardCore(
  new SqliteLedgerStore({ file: shardFile(config.dataDir, config.shard), durability: config.durability }),
  { actorCapacity: config.actorCapacity, snapshotEvery: config.snapshotEvery, clock: Date.now },
);

export default async function runShardTask(task: ShardTask): Promise<BatchReply | null> {
  if (task.type === 'close') {
    await core.close();
    return null;
  }
  if (task.type === 'ready') return null; // the module has loaded and its ledger file is open
  return core.applyBatch(task.ops);
}
