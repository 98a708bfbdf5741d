// The thread entry of one shard: the only writer of that shard's ledger. Piscina runs it in a pool
// of exactly one thread and hands it one task per micro-batch. Between tasks the thread's event loop
// stays live (piscina atomics disabled) for the outbox relay and the cache/bus clients.

import { workerData } from 'node:worker_threads';
import type { ShardOp } from '../actor/commands.js';
import { OutboxRelay } from '../events/outbox-relay.js';
import { EpochFollower } from './cache-epoch.js';
import { type ShardBackendSettings, openShardBackends } from './shard-backends.js';
import { type BatchReply, ShardCore } from './shard-core.js';

export interface ShardWorkerData extends ShardBackendSettings {
  actorCapacity: number;
  snapshotEvery: number;
  cacheEpoch: string;
}

export type ShardTask = { type: 'batch'; ops: ShardOp[] } | { type: 'ready' } | { type: 'close' };

const settings = workerData as ShardWorkerData;
const started = startShard();
// An unobserved rejection would crash the thread before the first task could report it.
started.catch(() => {});

async function startShard() {
  const backends = await openShardBackends(settings);
  const epoch = new EpochFollower(settings.cacheEpoch);
  const core = await ShardCore.open(backends.store, {
    actorCapacity: settings.actorCapacity,
    snapshotEvery: settings.snapshotEvery,
    clock: Date.now,
    shard: settings.shard,
    ledgerId: settings.ledgerId,
    cache: backends.cache ? { cache: backends.cache, epoch: () => epoch.epoch } : undefined,
  });
  const relay = await OutboxRelay.open(backends.store, backends.publishers, {
    onError: (err) => console.error(`jifen shard ${settings.shard}: event publish failed, will retry:`, errorText(err)),
  });
  return { core, relay, backends, epoch };
}

export default async function runShardTask(task: ShardTask): Promise<BatchReply | null> {
  const { core, relay, backends, epoch } = await started;
  switch (task.type) {
    case 'ready':
      return null; // the backends are open
    case 'batch': {
      const reply = await core.applyBatch(task.ops);
      if (reply.stats.entries > 0) relay.kick(core.takeCommittedOutbox());
      return reply;
    }
    case 'close':
      await relay.close();
      await core.close();
      await backends.cache?.close();
      for (const publisher of backends.publishers) await publisher.close();
      epoch.close();
      return null;
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
