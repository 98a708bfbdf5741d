// The shard threads and their mailboxes, as configured. On a single node a thread per ledger shard
// (one piscina pool of exactly one thread each: one writer per ledger). In cluster mode a fixed number
// of threads, each hosting the ledger shards (ownership groups) of this node that fall on it
// (group mod threads), opened and closed as the node gains and loses them.

import { Piscina } from 'piscina';
import type { EpochAuthority } from '../cache/cache-epoch.js';
import type { Config } from '../config/config.js';
import type { FollowUp } from '../ledger/store.js';
import type { EngineMetrics } from '../metrics/registry.js';
import { WindowsHost } from '../risk/windows-channel.js';
import type { Program } from '../rules/program/program.js';
import type { ShardTask, ShardWorkerData } from '../shard/shard-worker.js';
import { ShardMailbox } from './shard-mailbox.js';
import { workerExecArgv } from './worker-exec-argv.js';

/** The reads the front asks of a ledger shard between its batches. */
export type GroupRead = Extract<ShardTask, { type: 'rollForward' | 'rollForwardHeads' | 'listMembers' }>;

type OnFollowUps = (shard: number, followUps: FollowUp[], resumed: boolean) => void;

/** What the engine needs of the threads in cluster mode. */
export interface GroupHosts {
  pool(group: number): Piscina;
  mailbox(group: number, pool: Piscina, epoch: number | undefined, onFollowUps: OnFollowUps): ShardMailbox;
  installPrograms(programs: Program[]): Promise<void>;
  close(): Promise<void>;
}

export class ShardThreads implements GroupHosts {
  private readonly pools = new Map<number, Piscina>();
  private readonly workerFile = new URL(`../shard/shard-worker${extname(import.meta.url)}`, import.meta.url);
  private readonly riskChannel: string;
  /**
   * With Redis or NATS the shard thread's clients and outbox relay need its event loop between
   * tasks, so it must not park in Atomics.wait. The embedded default keeps the faster Atomics
   * wake-up and two batches in flight (the next one waits in the pool while one applies). With
   * Redis one batch at a time: a batch's replies wait for its cache write, so whatever arrives
   * meanwhile rides in the next batch, and the Redis round trip and per-call client work are
   * paid once per (larger) batch — cheaper per command on CPU-bound machines than overlapping
   * two smaller batches (bench/README.md, "redis-nats vs embedded").
   */
  private readonly embeddedOnly: boolean;
  private readonly pipelineDepth: number;
  /**
   * Batches that wait for a velocity-window reservation in Redis before deciding have a second
   * round trip in their path: then two in flight again, one's reservation overlapping the other.
   */
  private readonly reservingDepth: number;

  constructor(
    private readonly config: Config,
    private readonly ledgerId: string,
    private readonly metrics: EngineMetrics,
    private readonly epoch: EpochAuthority,
    private readonly programs: Program[],
    /** Single node: the ledger's shards. Cluster mode: the threads the groups are spread over. */
    private readonly threads: number,
    /** Cluster mode. */
    private readonly hostsGroups?: ShardWorkerData['hostsGroups'],
  ) {
    // Cross-member velocity windows live in Redis when balances do, else in this thread for all shards.
    this.riskChannel = config.balances.kind === 'memory' ? new WindowsHost(threads).name : '';
    this.embeddedOnly = !hostsGroups && config.balances.kind === 'memory' && config.events.kind === 'memory';
    this.pipelineDepth = config.pipelineDepth ?? (this.embeddedOnly ? 2 : 1);
    this.reservingDepth = config.pipelineDepth ?? 2;
  }

  /** The pool of the thread that hosts `shard` (single node: its own; cluster mode: group mod threads). */
  pool(shard: number): Piscina {
    const thread = this.hostsGroups ? shard % this.threads : shard;
    let pool = this.pools.get(thread);
    if (!pool) {
      pool = this.startThread(thread);
      this.pools.set(thread, pool);
    }
    return pool;
  }

  mailbox(shard: number, pool: Piscina, epoch: number | undefined, onFollowUps: OnFollowUps): ShardMailbox {
    const { config } = this;
    return new ShardMailbox(
      shard,
      pool,
      {
        capacity: config.mailboxCapacity,
        maxBatch: config.maxBatch,
        pipelineDepth: this.pipelineDepth,
        reservingDepth: this.reservingDepth,
        housekeepingIntervalMs: config.housekeepingIntervalMs,
        epoch,
      },
      this.metrics,
      () => this.epoch.renew(),
      onFollowUps,
    );
  }

  async installPrograms(programs: Program[]): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.run({ type: 'programs', programs } satisfies ShardTask)));
  }

  /** Cluster mode, after every group's mailbox closed: the threads and what they share. */
  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((pool) => pool.destroy()));
  }

  private startThread(thread: number): Piscina {
    const { config } = this;
    const workerData: ShardWorkerData = {
      shard: thread,
      dataDir: config.dataDir,
      durability: config.durability,
      sqliteCacheMb: config.sqliteCacheMb,
      sqliteFoldRows: config.sqliteFoldRows,
      ledger: config.ledger,
      balances: config.balances,
      events: config.events,
      actorCapacity: config.actorsPerShard,
      heapMb: config.shardHeapMb,
      snapshotEvery: config.snapshotEvery,
      cacheEpoch: this.epoch.epoch,
      ledgerId: this.ledgerId,
      programs: this.programs,
      clockOffsetMs: config.clockOffsetMs,
      activateFromCache:
        config.activateFromCache === 'always' || (config.activateFromCache === 'auto' && config.ledger.kind === 'cassandra'),
      risk: { channel: this.riskChannel, failure: config.riskRedisFailure },
      hostsGroups: this.hostsGroups,
    };
    return new Piscina({
      filename: this.workerFile.href,
      minThreads: 1,
      maxThreads: 1,
      // Cluster mode: every group of the thread keeps its own batches in flight.
      concurrentTasksPerWorker: this.hostsGroups
        ? Number.MAX_SAFE_INTEGER
        : this.embeddedOnly
          ? 1
          : Math.max(this.pipelineDepth, this.reservingDepth),
      idleTimeout: Number.POSITIVE_INFINITY,
      maxQueue: Number.POSITIVE_INFINITY,
      workerData,
      atomics: this.embeddedOnly ? 'sync' : 'disabled',
      execArgv: workerExecArgv(process.execArgv, this.workerFile.pathname.endsWith('.ts')),
      // A bounded heap: the thread keeps fewer actors when what is live nears it (shard/actor-budget.ts).
      ...(config.shardHeapMb === undefined ? {} : { resourceLimits: { maxOldGenerationSizeMb: config.shardHeapMb } }),
    });
  }
}

function extname(url: string): string {
  return url.endsWith('.ts') ? '.ts' : '.js';
}
