// The thread entry of one shard: the only writer of that shard's ledger. Piscina runs it in a pool
// of exactly one thread and hands it one task per micro-batch. With Redis or NATS configured, the
// thread's event loop stays live between tasks (for the outbox relay and the clients) and piscina
// hands it the next batch while the previous one waits for its cache write: batches are still
// decided and committed one after the other (`turn` below), only the cache round trips overlap.
// Housekeeping rounds come as tasks from the front's timer too: a thread parked in Atomics.wait
// (the embedded default) runs no timers of its own.

import { workerData } from 'node:worker_threads';
import type { ShardOp } from '../actor/commands.js';
import { OutboxRelay } from '../events/outbox-relay.js';
import { EpochFollower } from '../cache/cache-epoch.js';
import { type ShardBackendSettings, openShardBackends } from './shard-backends.js';
import type { FollowUp, MemberRef, RollForwardRange } from '../ledger/store.js';
import type { RollForwardRow } from '../reports/roll-forward.js';
import type { Program } from '../rules/program/program.js';
import { ProgramBook } from './program-book.js';
import { type BatchReply, ShardCore, type StagedBatch, settleBatch } from './shard-core.js';

export interface ShardWorkerData extends ShardBackendSettings {
  actorCapacity: number;
  snapshotEvery: number;
  cacheEpoch: string;
  programs: Program[];
  clockOffsetMs: number;
  activateFromCache: boolean;
}

export type ShardTask =
  | { type: 'batch'; ops: ShardOp[] }
  | { type: 'programs'; programs: Program[] }
  | { type: 'followUpsDone'; ids: number[] }
  | { type: 'housekeep' }
  | { type: 'rollForward'; tenantId: string; fromDay: string; toDay: string }
  | { type: 'rollForwardHeads' }
  | { type: 'listMembers'; after: MemberRef | undefined; limit: number }
  | { type: 'ready' }
  | { type: 'close' };

const settings = workerData as ShardWorkerData;
const clock = () => Date.now() + settings.clockOffsetMs;
const programs = new ProgramBook(settings.programs);
const started = startShard();
// An unobserved rejection would crash the thread before the first task could report it.
started.catch(() => {});
/** The last batch's decide-and-commit step; the next one starts after it. */
let turn: Promise<unknown> = Promise.resolve();

/** Runs `step` after every step queued before it; a failed step does not stop the ones after. */
function inTurn<T>(step: () => Promise<T> | T): Promise<T> {
  const run = turn.then(step);
  turn = run.catch(() => {});
  return run;
}

async function startShard() {
  const backends = await openShardBackends(settings);
  const epoch = new EpochFollower(settings.cacheEpoch);
  const core = await ShardCore.open(backends.store, {
    actorCapacity: settings.actorCapacity,
    snapshotEvery: settings.snapshotEvery,
    clock,
    programs,
    shard: settings.shard,
    ledgerId: settings.ledgerId,
    risk: backends.risk,
    cache: backends.cache ? { cache: backends.cache, epoch: () => epoch.epoch, activateFromCache: settings.activateFromCache } : undefined,
  });
  const relay = await OutboxRelay.open(backends.store, backends.publishers, {
    // Only with NATS: this thread's event loop then runs the spacing timer (an embedded shard parks in Atomics.wait).
    roundIntervalMs: settings.events.kind === 'nats' ? settings.events.roundIntervalMs : 0,
    onError: (err) => console.error(`jifen shard ${settings.shard}: event publish failed, will retry:`, errorText(err)),
  });
  return { core, relay, backends, epoch };
}

/**
 * One housekeeping round (at most one batch of due members): expire lapsed lots, release lapsed
 * holds, send expiring-soon notices, review lapsed tiers. One round per task, so client batches run
 * between rounds even when a year-end expiry makes a million members due at once.
 */
async function housekeep(core: ShardCore, relay: OutboxRelay): Promise<HousekeepingReport> {
  const staged = await core.stageHousekeeping(clock());
  if (!staged) return { entries: 0, cacheFault: false, more: false, outboxId: 0 };
  if (staged.reply.stats.entries > 0) relay.kick(core.takeCommittedOutbox());
  const settled = await settleBatch(staged);
  const { entries, cacheFault, ops, outboxId } = settled.stats;
  return { entries, cacheFault, more: ops > 0, outboxId };
}

export interface HousekeepingReport {
  entries: number;
  cacheFault: boolean;
  /** The round found due members: ask again, more may be due. */
  more: boolean;
  /** Highest outbox id committed so far (0: the round found nothing due). */
  outboxId: number;
}

export default async function runShardTask(
  task: ShardTask,
): Promise<BatchReply | FollowUp[] | HousekeepingReport | RollForwardRange | RollForwardRow[] | MemberRef[] | null> {
  const { core, relay, backends, epoch } = await started;
  switch (task.type) {
    case 'ready':
      return core.takeUndeliveredFollowUps(); // the backends are open; these were owed before a restart
    case 'batch': {
      const staged = await inTurn(async (): Promise<StagedBatch> => {
        const step = await core.stageBatch(task.ops);
        if (step.reply.stats.entries > 0) relay.kick(core.takeCommittedOutbox());
        return step;
      });
      return settleBatch(staged);
    }
    case 'housekeep':
      return inTurn(() => housekeep(core, relay));
    case 'rollForward':
      // In the turn chain: the rows of every batch committed before it, none half-applied.
      return inTurn(() => core.readRollForward(task.tenantId, task.fromDay, task.toDay));
    case 'rollForwardHeads':
      return inTurn(() => core.rollForward.current());
    case 'listMembers':
      return inTurn(() => core.listMembers(task.after, task.limit));
    case 'followUpsDone':
      await inTurn(() => core.completeFollowUps(task.ids));
      return null;
    case 'programs':
      // In the turn chain: batches already taken decide with the old version, later ones with the new.
      await inTurn(() => programs.install(task.programs));
      return null;
    case 'close':
      await turn;
      await relay.close();
      await core.close();
      await backends.cache?.close();
      await backends.risk.windows.close();
      for (const publisher of backends.publishers) await publisher.close();
      epoch.close();
      return null;
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
