// The front's side of one shard: a bounded mailbox that sends everything queued as one message.
// At most `pipelineDepth` batches are in flight: one being applied, the next already on its way, so
// the shard never waits on a round trip through the front; whatever arrives meanwhile rides in the
// batch after (group commit grows with load). Idle, a command waits at most one event-loop turn.

import type { FollowUp } from '../ledger/store.js';
import type { Program } from '../rules/program/program.js';
import type { Piscina } from 'piscina';
import type { ShardOp } from '../actor/commands.js';
import { reject } from '../actor/rejections.js';
import type { OpResult } from '../actor/results.js';
import type { EngineMetrics } from '../metrics/registry.js';
import type { BatchReply } from '../shard/shard-core.js';
import type { HousekeepingReport, ShardTask } from '../shard/shard-worker.js';
import { recordRiskStats } from '../risk/risk-metrics.js';

export type Reply = (result: OpResult) => void;

interface Letter {
  op: ShardOp;
  /** Epoch ms after which the caller no longer waits; Infinity for none. */
  deadline: number;
  reply: Reply;
}

export interface MailboxOptions {
  capacity: number;
  maxBatch: number;
  /** Batches sent to the shard and not yet answered; 2 keeps the shard busy without shrinking batches. */
  pipelineDepth: number;
  /**
   * The depth while the shard's batches wait for shared velocity-window reservations (a store round
   * trip before deciding): a second batch in flight then overlaps one batch's reservation with the
   * other's work. Default: pipelineDepth.
   */
  reservingDepth?: number;
  /** How often the shard is asked to expire lapsed lots and review lapsed tiers; 0 = never. */
  housekeepingIntervalMs?: number;
  /**
   * Cluster mode: the ledger shard is one ownership group held at this epoch, on a thread it shares
   * with other groups (closing the mailbox closes the shard, not the thread).
   */
  epoch?: number;
}

export class ShardMailbox {
  private queue: Letter[] = [];
  private batchesInFlight = 0;
  /** pipelineDepth, or reservingDepth after a batch that reserved shared windows. */
  private depthNow: number;
  private opsInFlight = 0;
  private scheduled = false;
  private idleWaiters: (() => void)[] = [];
  private housekeeping: NodeJS.Timeout | undefined;
  private housekeepingRound: Promise<unknown> = Promise.resolve();
  private housekeepingBusy = false;
  private closing = false;

  constructor(
    readonly shard: number,
    private readonly pool: Piscina,
    private readonly options: MailboxOptions,
    private readonly metrics: EngineMetrics,
    /** Called when the shard could not write the cache, before any reply of that batch goes out. */
    private readonly onCacheFault: () => void = () => {},
    /** Called with the follow-ups a batch committed (and, at start, those left from before a restart). */
    private readonly onFollowUps: (shard: number, followUps: FollowUp[], resumed: boolean) => void = () => {},
  ) {
    this.depthNow = options.pipelineDepth;
    metrics.outboxLag.watch(shard);
  }

  /** Cluster mode: the epoch at which this node holds the group; undefined on a single node. */
  get epoch(): number | undefined {
    return this.options.epoch;
  }

  get depth(): number {
    return this.queue.length + this.opsInFlight;
  }

  /** Queues op; answers RESOURCE_EXHAUSTED at once (via reply) when the mailbox is full. */
  post(op: ShardOp, deadline: number, reply: Reply): void {
    if (deadline <= Date.now()) {
      this.metrics.rejectedAtMailbox.inc({ shard: this.shard, reason: 'deadline' });
      reply({ ok: false, rejection: reject.deadlineExceeded() });
      return;
    }
    if (this.depth >= this.options.capacity) {
      this.metrics.rejectedAtMailbox.inc({ shard: this.shard, reason: 'full' });
      reply({ ok: false, rejection: reject.mailboxFull(this.shard) });
      return;
    }
    this.queue.push({ op, deadline, reply });
    if (!this.scheduled && this.batchesInFlight < this.depthNow) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.dispatch();
      });
    }
  }

  /** Resolves once nothing is queued or in flight. */
  whenIdle(): Promise<void> {
    if (this.depth === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Resolves once the shard's thread runs and its ledger is open; rejects if it cannot start. */
  async ready(): Promise<void> {
    const undelivered: FollowUp[] = await this.pool.run({
      type: 'ready',
      group: this.shard,
      epoch: this.options.epoch,
    } satisfies ShardTask);
    this.onFollowUps(this.shard, undelivered, true);
    const every = this.options.housekeepingIntervalMs ?? 0;
    if (every > 0) {
      this.housekeeping = setInterval(() => this.housekeep(), every);
      this.housekeeping.unref();
    }
  }

  /**
   * Rounds one after the other, each its own task, so client batches queue between them; a round
   * that found due members is followed by another until none is due. Skipped while a timer tick
   * finds the previous ticks' rounds still running.
   */
  private housekeep(): void {
    if (this.housekeepingBusy) return;
    this.housekeepingBusy = true;
    this.housekeepingRound = (async () => {
      try {
        for (let more = true; more && !this.closing; ) {
          const report: HousekeepingReport = await this.pool.run({ type: 'housekeep', group: this.shard } satisfies ShardTask);
          if (report.cacheFault) this.cacheFailed();
          if (report.entries > 0) this.metrics.housekeepingEntries.inc({ shard: this.shard }, report.entries);
          this.metrics.outboxLag.committed(this.shard, report.outboxId);
          more = report.more;
        }
      } catch (err) {
        console.error(`jifen shard ${this.shard}: housekeeping failed, will retry:`, err instanceof Error ? err.message : err);
      } finally {
        this.housekeepingBusy = false;
      }
    })();
  }

  /** The shard forgets follow-ups its targets have decided. */
  async completeFollowUps(ids: number[]): Promise<void> {
    await this.pool.run({ type: 'followUpsDone', group: this.shard, ids } satisfies ShardTask);
  }

  /**
   * Hands the shard new program versions. Tasks start in the order they are run, and the shard
   * applies batches and programs one after the other, so every batch sent after this resolves
   * decides with them.
   */
  async installPrograms(programs: Program[]): Promise<void> {
    await this.pool.run({ type: 'programs', programs } satisfies ShardTask);
  }

  /** A read the shard answers between batches (roll-forward rows, the audit's member pages). */
  async read<T>(task: Extract<ShardTask, { type: 'rollForward' | 'rollForwardHeads' | 'listMembers' }>): Promise<T> {
    return (await this.pool.run({ ...task, group: this.shard })) as T;
  }

  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.housekeeping);
    await this.housekeepingRound;
    await this.whenIdle();
    await this.pool.run({ type: 'close', group: this.shard } satisfies ShardTask);
    if (this.options.epoch === undefined) await this.pool.destroy();
  }

  private dispatch(): void {
    if (this.batchesInFlight >= this.depthNow) return;
    let letters: Letter[] = [];
    while (letters.length === 0 && this.queue.length > 0) letters = this.takeLive();
    if (letters.length === 0) {
      if (this.batchesInFlight === 0) this.notifyIdle();
      return;
    }
    this.batchesInFlight++;
    this.opsInFlight += letters.length;
    this.metrics.mailboxDepth.set({ shard: this.shard }, this.depth);
    this.metrics.batchOps.observe(letters.length);
    const task: ShardTask = { type: 'batch', group: this.shard, ops: letters.map((l) => l.op) };
    this.pool.run(task).then(
      (reply: BatchReply) => this.deliver(letters, reply),
      (err: unknown) => this.fail(letters, err),
    );
  }

  /** Takes the next batch, answering the ops whose callers already gave up without sending them. */
  private takeLive(): Letter[] {
    const now = Date.now();
    const taken = this.queue.length <= this.options.maxBatch ? this.queue : this.queue.slice(0, this.options.maxBatch);
    this.queue = taken === this.queue ? [] : this.queue.slice(this.options.maxBatch);
    const live: Letter[] = [];
    for (const letter of taken) {
      if (letter.deadline <= now) {
        this.metrics.rejectedAtMailbox.inc({ shard: this.shard, reason: 'deadline' });
        letter.reply({ ok: false, rejection: reject.deadlineExceeded() });
      } else live.push(letter);
    }
    return live;
  }

  private deliver(letters: Letter[], reply: BatchReply): void {
    const { stats, results } = reply;
    this.depthNow = stats.reserved ? (this.options.reservingDepth ?? this.options.pipelineDepth) : this.options.pipelineDepth;
    // Before the replies: a client that reads its own write through the cache must not see the old copy.
    if (stats.cacheFault) this.cacheFailed();
    if (stats.entries > 0) this.metrics.commitSeconds.observe(stats.commitMs / 1000);
    this.metrics.outboxLag.committed(this.shard, stats.outboxId);
    this.metrics.activeActors.set({ shard: this.shard }, stats.activeActors);
    if (stats.activated > 0) this.metrics.activations.inc({ shard: this.shard }, stats.activated);
    if (stats.risk) recordRiskStats(this.metrics, stats.risk);
    if (reply.followUps.length > 0) this.onFollowUps(this.shard, reply.followUps, false);
    this.countCommands(letters, results);
    for (let i = 0; i < letters.length; i++) letters[i].reply(results[i]);
    this.settle(letters.length);
  }

  /** jifen_commands_total: one increment per run of the same kind and outcome (prom-client hashes the labels per call). */
  private countCommands(letters: Letter[], results: OpResult[]): void {
    for (let start = 0; start < letters.length; ) {
      const kind = letters[start].op.kind;
      const outcome = outcomeOf(results[start]);
      let end = start + 1;
      while (end < letters.length && letters[end].op.kind === kind && outcomeOf(results[end]) === outcome) end++;
      this.metrics.commands.inc({ kind, outcome }, end - start);
      start = end;
    }
  }

  private cacheFailed(): void {
    this.metrics.cacheWriteFailures.inc({ shard: this.shard });
    this.onCacheFault();
  }

  private fail(letters: Letter[], err: unknown): void {
    const failure = reject.commitFailed(`shard ${this.shard} worker failed: ${messageOf(err)}`);
    for (const letter of letters) letter.reply({ ok: false, rejection: failure });
    this.settle(letters.length);
  }

  private settle(ops: number): void {
    this.batchesInFlight--;
    this.opsInFlight -= ops;
    this.metrics.mailboxDepth.set({ shard: this.shard }, this.depth);
    if (this.queue.length > 0) this.dispatch();
    else if (this.batchesInFlight === 0) this.notifyIdle();
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** The outcome label of a command's result: ok, or the rejection's kind. */
function outcomeOf(result: OpResult): string {
  return result.ok ? 'ok' : result.rejection.kind;
}

/** An error from the worker, which may arrive as a plain object (structured clone keeps no class): its message. */
function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string') {
    return (err as { message: string }).message;
  }
  return String(err);
}
