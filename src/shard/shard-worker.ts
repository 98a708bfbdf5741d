// The thread entry of one shard: the only writer of that shard's ledger. Piscina runs it in a pool
// of exactly one thread and hands it one task per micro-batch. With Redis or NATS configured, the
// thread's event loop stays live between tasks (for the outbox relay and the clients) and piscina
// hands it the next batch while the previous one waits for its cache write: batches are still
// decided and committed one after the other (`turn` below), only the cache round trips overlap.
// Housekeeping rounds come as tasks from the front's timer too: a thread parked in Atomics.wait
// (the embedded default) runs no timers of its own.
//
// In cluster mode (`hostsGroups`) one thread hosts several ledger shards: those of the ownership
// groups its node holds, each opened by a `ready` task with the group's epoch (a fenced store) and
// closed by `close` when the group is handed over or lost; they share the thread's cache, publishers
// and ledger client, and each keeps its own turn.

import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { workerData } from 'node:worker_threads';
import type { ShardOp } from '../actor/commands.js';
import { OutboxRelay } from '../events/outbox-relay.js';
import { EpochFollower } from '../cache/cache-epoch.js';
import { type ShardBackendSettings, closeThreadBackends, openLedger, openThreadBackends } from './shard-backends.js';
import type { FollowUp, LedgerStore, MemberRef, RollForwardRange } from '../ledger/store.js';
import type { RollForwardRow } from '../reports/roll-forward.js';
import type { Program } from '../rules/program/program.js';
import { ActorBudget } from './actor-budget.js';
import { ProgramBook } from './program-book.js';
import { type BatchReply, ShardCore, type StagedBatch, settleBatch } from './shard-core.js';

export interface ShardWorkerData extends ShardBackendSettings {
  actorCapacity: number;
  /** The thread's old generation is bounded to this many MiB (JIFEN_SHARD_HEAP_MB): its actors follow an ActorBudget. */
  heapMb?: number;
  snapshotEvery: number;
  cacheEpoch: string;
  programs: Program[];
  clockOffsetMs: number;
  activateFromCache: boolean;
  /**
   * Cluster mode: the thread hosts the ledger shards it is handed (`ready` with a group and its epoch),
   * each fenced at that epoch; `shard` is then the thread's number. Absent: it hosts ledger shard `shard`.
   */
  hostsGroups?: {
    knowledgeCapacity: number;
    /** TEST ONLY (issue 13's fencing-off variant): the ledger fence's conditions switched off. */
    fenceOff: boolean;
    /** TEST ONLY: every commit waits this long between its entries and its commit point (a window for faults). */
    commitPointDelayMs: number;
  };
}

/** Which ledger shard a task is for; absent: the thread's only one (single-node mode). */
interface ForGroup {
  group?: number;
}

export type ShardTask = ForGroup &
  (
    | { type: 'batch'; ops: ShardOp[] }
    | { type: 'programs'; programs: Program[] }
    | { type: 'followUpsDone'; ids: number[] }
    | { type: 'housekeep' }
    | { type: 'rollForward'; tenantId: string; fromDay: string; toDay: string }
    | { type: 'rollForwardHeads' }
    | { type: 'listMembers'; after: MemberRef | undefined; limit: number }
    /** Opens the ledger shard (cluster mode: fenced at `epoch`); answers the follow-ups owed before. */
    | { type: 'ready'; epoch?: number }
    | { type: 'close' }
  );

const settings = workerData as ShardWorkerData;
const clock = () => Date.now() + settings.clockOffsetMs;
const programs = new ProgramBook(settings.programs);
const thread = openThread();
// An unobserved rejection would crash the thread before the first task could report it.
thread.catch(() => {});
/** The ledger shards this thread hosts, by number. */
const hosts = new Map<number, Promise<LedgerShard>>();
if (!settings.hostsGroups) {
  const only = thread.then((t) => LedgerShard.open(settings.shard, undefined, t));
  only.catch(() => {});
  hosts.set(settings.shard, only);
}

/** The ledger shards open on this thread now (not those still opening: a batch never waits for them). */
const serving = new Set<LedgerShard>();
const budget = settings.heapMb ? new ActorBudget(settings.actorCapacity) : undefined;
/** What an out-of-memory is measured against: the old generation's bound (V8's heap_size_limit adds the young one). */
const heapLimitBytes = (settings.heapMb ?? 0) * 2 ** 20;
let collectGarbage: (() => void) | undefined;

/**
 * With a bounded heap, after each batch: the thread's ledger shards keep as many actors as the budget
 * allows (a full collection measures what is live when the heap fills up; rare: at most every 2 s).
 */
function keepWithinHeap(): void {
  if (!budget) return;
  const shards = [...serving];
  const active = Math.max(0, ...shards.map((s) => s.core.activeActors));
  const heap = getHeapStatistics();
  const before = budget.limit;
  const limit = budget.next({ usedBytes: heap.used_heap_size, limitBytes: heapLimitBytes }, active, Date.now(), () => {
    if (!collectGarbage) {
      setFlagsFromString('--expose-gc');
      collectGarbage = runInNewContext('gc') as () => void;
    }
    collectGarbage();
    return getHeapStatistics().used_heap_size;
  });
  if (limit === before) return;
  // Each shard passivates between its own batches (this one right after the step that called this).
  for (const s of shards) s.inTurn(() => s.core.limitActors(limit)).catch(() => {});
  if (limit < before)
    console.error(
      `jifen shard thread ${settings.shard}: heap ${mib(getHeapStatistics().used_heap_size)} MiB in use of ${settings.heapMb} MiB: keeping at most ${limit} actors per shard (was ${before})`,
    );
}

function mib(bytes: number): number {
  return Math.round(bytes / 2 ** 20);
}

async function openThread() {
  const backends = await openThreadBackends(settings, settings.hostsGroups !== undefined);
  return { backends, epoch: new EpochFollower(settings.cacheEpoch) };
}

type Thread = Awaited<ReturnType<typeof openThread>>;

/** One ledger shard's store, core and outbox relay, and the turn its batches take one after the other. */
class LedgerShard {
  /** The last step's promise; the next one starts after it. */
  private turn: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly core: ShardCore,
    readonly relay: OutboxRelay,
  ) {}

  static async open(shard: number, epoch: number | undefined, { backends, epoch: cacheEpoch }: Thread): Promise<LedgerShard> {
    const cluster = settings.hostsGroups;
    const store: LedgerStore = await openLedger(settings, shard, {
      fence: epoch === undefined ? undefined : { epoch, testOnlyUnconditional: cluster?.fenceOff, testHooks: delayedCommitPoint(cluster) },
      client: backends.ledgerClient,
      knowledgeCapacity: cluster?.knowledgeCapacity,
    });
    try {
      const core = await ShardCore.open(store, {
        actorCapacity: settings.actorCapacity,
        snapshotEvery: settings.snapshotEvery,
        clock,
        programs,
        shard,
        ledgerId: settings.ledgerId,
        risk: backends.risk,
        cache: backends.cache
          ? { cache: backends.cache, epoch: () => cacheEpoch.epoch, activateFromCache: settings.activateFromCache }
          : undefined,
      });
      const relay = await OutboxRelay.open(store, backends.publishers, {
        // Only with NATS: this thread's event loop then runs the spacing timer (an embedded shard parks in Atomics.wait).
        roundIntervalMs: settings.events.kind === 'nats' ? settings.events.roundIntervalMs : 0,
        onError: (err) => console.error(`jifen shard ${shard}: event publish failed, will retry:`, errorText(err)),
      });
      const opened = new LedgerShard(core, relay);
      serving.add(opened);
      return opened;
    } catch (err) {
      await store.close().catch(() => undefined);
      throw err;
    }
  }

  /** Runs `step` after every step queued before it; a failed step does not stop the ones after. */
  inTurn<T>(step: () => Promise<T> | T): Promise<T> {
    const run = this.turn.then(step);
    this.turn = run.catch(() => {});
    return run;
  }

  async close(): Promise<void> {
    serving.delete(this);
    await this.turn;
    await this.relay.close();
    await this.core.close();
  }
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
  const t = await thread;
  const group = task.group ?? settings.shard;
  if (task.type === 'programs') {
    // Every shard of the thread decides with the thread's book: each takes the new versions in its turn,
    // so batches already taken decide with the old version and later ones with the new.
    const open = await openShards();
    await Promise.all(open.map((s) => s.inTurn(() => undefined)));
    programs.install(task.programs);
    return null;
  }
  if (task.type === 'ready' && settings.hostsGroups) {
    if (task.epoch === undefined) throw new Error(`ledger shard ${group}: cluster mode opens a shard only with its epoch`);
    const previous = hosts.get(group);
    const opening = (async () => {
      await (await previous?.catch(() => undefined))?.close();
      return LedgerShard.open(group, task.epoch, t);
    })();
    hosts.set(group, opening);
    opening.catch(() => hosts.get(group) === opening && hosts.delete(group));
  }
  const hosting = hosts.get(group);
  if (!hosting) throw new Error(`ledger shard ${group} is not open on this thread`);
  const shard = await hosting;
  const { core, relay } = shard;
  switch (task.type) {
    case 'ready':
      return core.takeUndeliveredFollowUps(); // the backends are open; these were owed before a restart
    case 'batch': {
      const staged = await shard.inTurn(async (): Promise<StagedBatch> => {
        const step = await core.stageBatch(task.ops);
        if (step.reply.stats.entries > 0) relay.kick(core.takeCommittedOutbox());
        keepWithinHeap();
        return step;
      });
      return settleBatch(staged);
    }
    case 'housekeep':
      return shard.inTurn(() => housekeep(core, relay));
    case 'rollForward':
      // In the turn chain: the rows of every batch committed before it, none half-applied.
      return shard.inTurn(() => core.readRollForward(task.tenantId, task.fromDay, task.toDay));
    case 'rollForwardHeads':
      return shard.inTurn(() => core.rollForward.current());
    case 'listMembers':
      return shard.inTurn(() => core.listMembers(task.after, task.limit));
    case 'followUpsDone':
      await shard.inTurn(() => core.completeFollowUps(task.ids));
      return null;
    case 'close':
      if (hosts.get(group) === hosting) hosts.delete(group);
      await shard.close();
      if (!settings.hostsGroups) {
        await closeThreadBackends(t.backends);
        t.epoch.close();
      }
      return null;
  }
}

function delayedCommitPoint(cluster: ShardWorkerData['hostsGroups']) {
  const ms = cluster?.commitPointDelayMs ?? 0;
  return ms > 0 ? { beforeCommitPoint: () => new Promise<void>((r) => setTimeout(r, ms)) } : undefined;
}

async function openShards(): Promise<LedgerShard[]> {
  const settled = await Promise.allSettled(hosts.values());
  return settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
