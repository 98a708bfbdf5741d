// The engine as the front sees it: route each op to its shard's mailbox and wait for the answer.
// Owns the shard pools: one piscina pool of exactly one thread per shard (one writer per ledger file).

import { Piscina } from 'piscina';
import { type ShardOp, isWrite } from '../actor/commands.js';
import { reject } from '../actor/rejections.js';
import type { OpResult } from '../actor/results.js';
import type { Config } from '../config/config.js';
import type { LedgerLayout } from './layout.js';
import type { FollowUp, MemberRef, RollForwardRange } from '../ledger/store.js';
import type { RollForwardRow } from '../reports/roll-forward.js';
import type { EngineMetrics } from '../metrics/registry.js';
import { FollowUpCourier } from './follow-up-courier.js';
import { RedemptionSagas } from './redemption-saga.js';
import type { Program } from '../rules/program/program.js';
import { Reconciler } from './reconciler.js';
import { shardOf } from './router.js';
import { ShardMailbox } from './shard-mailbox.js';
import type { EpochAuthority } from '../cache/cache-epoch.js';
import type { ShardWorkerData } from '../shard/shard-worker.js';
import { WindowsHost } from '../risk/windows-channel.js';

export class Engine {
  private closing = false;
  readonly courier: FollowUpCourier;
  readonly sagas: RedemptionSagas;
  /** One keyspace for every shard (Cassandra): any shard's store lists every member. */
  sharedLedger = false;
  private reconciler: Reconciler | undefined;

  private constructor(
    private readonly mailboxes: ShardMailbox[],
    private readonly metrics: EngineMetrics,
    /** The ledger's id from layout.json; names it in event batch ids and cache keys. */
    readonly ledgerId: string,
  ) {
    this.sagas = new RedemptionSagas(
      { submit: (op) => this.submit(op), closing: () => this.closing },
      (outcome) => metrics.sagas.inc({ outcome }),
      (running) => metrics.sagasInFlight.set(running),
    );
    this.courier = new FollowUpCourier(
      {
        submit: (op) => this.submit(op),
        complete: (shard, ids) => this.mailboxes[shard].completeFollowUps(ids),
        closing: () => this.closing,
      },
      (outcome) => metrics.followUps.inc({ outcome }),
      this.sagas,
    );
  }

  /** Starts every shard thread and waits until each has its ledger open, so the first call is not slow. */
  static async start(
    config: Config,
    layout: LedgerLayout,
    metrics: EngineMetrics,
    epoch: EpochAuthority,
    programs: Program[] = [],
  ): Promise<Engine> {
    const { shards, ledgerId } = layout;
    const workerFile = new URL(`../shard/shard-worker${extname(import.meta.url)}`, import.meta.url);
    const mailboxes: ShardMailbox[] = [];
    // Follow-ups reach the engine before it exists (left from before a restart): held until it does.
    let engine: Engine | undefined;
    const early: [number, FollowUp[]][] = [];
    const onFollowUps = (shard: number, followUps: FollowUp[], resumed: boolean) =>
      engine ? engine.courier.deliver(shard, followUps, resumed) : early.push([shard, followUps]);
    // Cross-member velocity windows live in Redis when balances do, else in this thread for all shards.
    const riskChannel = config.balances.kind === 'memory' ? new WindowsHost(shards).name : '';
    for (let shard = 0; shard < shards; shard++) {
      const workerData: ShardWorkerData = {
        shard,
        dataDir: config.dataDir,
        durability: config.durability,
        ledger: config.ledger,
        balances: config.balances,
        events: config.events,
        actorCapacity: config.actorsPerShard,
        snapshotEvery: config.snapshotEvery,
        cacheEpoch: epoch.epoch,
        ledgerId,
        programs,
        clockOffsetMs: config.clockOffsetMs,
        activateFromCache:
          config.activateFromCache === 'always' || (config.activateFromCache === 'auto' && config.ledger.kind === 'cassandra'),
        risk: { channel: riskChannel, failure: config.riskRedisFailure },
      };
      // With Redis or NATS the shard thread's clients and outbox relay need its event loop between
      // tasks, so it must not park in Atomics.wait. The embedded default keeps the faster Atomics
      // wake-up and two batches in flight (the next one waits in the pool while one applies). With
      // Redis one batch at a time: a batch's replies wait for its cache write, so whatever arrives
      // meanwhile rides in the next batch, and the Redis round trip and per-call client work are
      // paid once per (larger) batch — cheaper per command on CPU-bound machines than overlapping
      // two smaller batches (bench/README.md, "redis-nats vs embedded").
      const embeddedOnly = config.balances.kind === 'memory' && config.events.kind === 'memory';
      const pipelineDepth = config.pipelineDepth ?? (embeddedOnly ? 2 : 1);
      // Batches that wait for a velocity-window reservation in Redis before deciding have a second
      // round trip in their path: then two in flight again, one's reservation overlapping the other.
      const reservingDepth = config.pipelineDepth ?? 2;
      const pool = new Piscina({
        filename: workerFile.href,
        minThreads: 1,
        maxThreads: 1,
        concurrentTasksPerWorker: embeddedOnly ? 1 : Math.max(pipelineDepth, reservingDepth),
        idleTimeout: Number.POSITIVE_INFINITY,
        maxQueue: Number.POSITIVE_INFINITY,
        workerData,
        atomics: embeddedOnly ? 'sync' : 'disabled',
        execArgv: workerExecArgv(workerFile),
      });
      mailboxes.push(
        new ShardMailbox(
          shard,
          pool,
          {
            capacity: config.mailboxCapacity,
            maxBatch: config.maxBatch,
            pipelineDepth,
            reservingDepth,
            housekeepingIntervalMs: config.housekeepingIntervalMs,
          },
          metrics,
          () => epoch.renew(),
          onFollowUps,
        ),
      );
    }
    await Promise.all(mailboxes.map((m) => m.ready()));
    engine = new Engine(mailboxes, metrics, ledgerId);
    for (const [shard, followUps] of early) engine.courier.deliver(shard, followUps, true);
    engine.sharedLedger = config.ledger.kind === 'cassandra';
    engine.startReconciler(config.housekeepingIntervalMs, metrics);
    return engine;
  }

  /** Gives every shard the new program versions; resolves once all of them decide with them. */
  async installPrograms(programs: Program[]): Promise<void> {
    await Promise.all(this.mailboxes.map((m) => m.installPrograms(programs)));
  }

  get shardCount(): number {
    return this.mailboxes.length;
  }

  /** Every shard's roll-forward rows of a tenant for fromDay..toDay (and each one's last row before). */
  readRollForward(tenantId: string, fromDay: string, toDay: string): Promise<RollForwardRange[]> {
    return Promise.all(this.mailboxes.map((m) => m.read<RollForwardRange>({ type: 'rollForward', tenantId, fromDay, toDay })));
  }

  /** Every shard's running roll-forward totals (each tenant's newest row). */
  rollForwardHeads(): Promise<RollForwardRow[][]> {
    return Promise.all(this.mailboxes.map((m) => m.read<RollForwardRow[]>({ type: 'rollForwardHeads' })));
  }

  /** A page of one shard's ledger members (the audit's sweep). */
  listMembers(shard: number, after: MemberRef | undefined, limit: number): Promise<MemberRef[]> {
    return this.mailboxes[shard].read<MemberRef[]>({ type: 'listMembers', after, limit });
  }

  submit(op: ShardOp, deadline = Number.POSITIVE_INFINITY): Promise<OpResult> {
    return new Promise((resolve) => this.post(op, deadline, resolve));
  }

  /** Many ops at once (SubmitBatch): each goes to its own shard; answers in the order given. */
  submitAll(ops: ShardOp[], deadline = Number.POSITIVE_INFINITY): Promise<OpResult[]> {
    return new Promise((resolve) => {
      const results: OpResult[] = new Array(ops.length);
      let left = ops.length;
      if (left === 0) resolve(results);
      for (let i = 0; i < ops.length; i++) {
        this.post(ops[i], deadline, (result) => {
          results[i] = result;
          if (--left === 0) resolve(results);
        });
      }
    });
  }

  /** Refuses new work, lets every queued and in-flight batch commit, then closes the ledgers. */
  async shutdown(): Promise<void> {
    this.closing = true;
    await this.reconciler?.stop();
    this.sagas.abandonAll();
    await Promise.all(this.mailboxes.map((m) => m.close()));
  }

  private post(op: ShardOp, deadline: number, reply: (r: OpResult) => void): void {
    const shard = shardOf(op.tenantId, op.memberId, this.mailboxes.length);
    if (this.closing) {
      this.metrics.rejectedAtMailbox.inc({ shard, reason: 'shutting_down' });
      reply({ ok: false, rejection: reject.shuttingDown() });
      return;
    }
    if (this.reconciler && isWrite(op)) this.reconciler.noteWritten(op.tenantId, op.memberId);
    this.mailboxes[shard].post(op, deadline, reply);
  }

  /**
   * The online reconciler, one round per housekeeping interval: up to 500 recently written members and
   * the next 200 of a sweep over all, audited by their shards (a stale cache copy is rewritten).
   */
  private startReconciler(intervalMs: number, metrics: EngineMetrics): void {
    this.reconciler = new Reconciler(
      this,
      { intervalMs, sample: 500, sweep: 200, graceMs: 2 * intervalMs + 60_000, sharedLedger: this.sharedLedger },
      {
        checked: (count) => metrics.reconcileChecked.inc(count),
        mismatch: (kind, message) => {
          metrics.reconcileMismatches.inc({ kind });
          console.error(`jifen reconciler: ${kind}: ${message}`);
        },
      },
    );
    this.reconciler.start();
  }
}

function extname(url: string): string {
  return url.endsWith('.ts') ? '.ts' : '.js';
}

/** A TypeScript worker needs the tsx loader in its thread as well (when run from source). */
function workerExecArgv(file: URL): string[] {
  const argv = process.execArgv.filter((a) => !a.startsWith('--inspect'));
  if (file.pathname.endsWith('.ts') && !argv.some((a) => a.includes('tsx'))) argv.push('--import', 'tsx');
  return argv;
}
