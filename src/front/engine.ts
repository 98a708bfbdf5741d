// The engine as the front sees it: route each op to its shard's mailbox and wait for the answer.
// Owns the shard pools (shard-threads.ts): on a single node one piscina pool of exactly one thread per
// shard (one writer per ledger file); in cluster mode a few threads hosting the ledger shards this node
// owns, opened and closed as ClusterFront says, and every op routed by it (here, a peer, or a wait).

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
import type { ShardMailbox } from './shard-mailbox.js';
import type { EpochAuthority } from '../cache/cache-epoch.js';
import type { ShardWorkerData } from '../shard/shard-worker.js';
import { type GroupHosts, type GroupRead, ShardThreads } from './shard-threads.js';

export class Engine {
  private closing = false;
  readonly courier: FollowUpCourier;
  readonly sagas: RedemptionSagas;
  /** One keyspace for every shard (Cassandra): any shard's store lists every member. */
  sharedLedger = false;
  private reconciler: Reconciler | undefined;

  /** Cluster mode: where an op goes (this node's group, a peer, or a wait for an owner), set by ClusterFront. */
  private router: ((op: ShardOp, deadline: number, reply: (r: OpResult) => void) => void) | undefined;
  /** Cluster mode: a read of a ledger shard this node may not hold (answered here or by its owner). */
  private groupReader: (<T>(group: number, task: GroupRead) => Promise<T>) | undefined;

  private constructor(
    /** Single node: one per shard. Cluster mode: one per ownership group this node serves now, sparse. */
    private readonly mailboxes: (ShardMailbox | undefined)[],
    private readonly metrics: EngineMetrics,
    /** The ledger's id from layout.json; names it in event batch ids and cache keys. */
    readonly ledgerId: string,
    /** Cluster mode: the shard threads the groups are spread over, and how a group's mailbox is made. */
    private readonly groupHosts?: GroupHosts,
  ) {
    this.sagas = new RedemptionSagas(
      { submit: (op) => this.submit(op), closing: () => this.closing },
      (outcome) => metrics.sagas.inc({ outcome }),
      (running) => metrics.sagasInFlight.set(running),
    );
    this.courier = new FollowUpCourier(
      {
        submit: (op) => this.submit(op),
        complete: (shard, ids) => this.mailboxes[shard]?.completeFollowUps(ids) ?? Promise.resolve(),
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
    // Follow-ups reach the engine before it exists (left from before a restart): held until it does.
    let engine: Engine | undefined;
    const early: [number, FollowUp[]][] = [];
    const onFollowUps = (shard: number, followUps: FollowUp[], resumed: boolean) =>
      engine ? engine.courier.deliver(shard, followUps, resumed) : early.push([shard, followUps]);
    const threads = new ShardThreads(config, ledgerId, metrics, epoch, programs, shards);
    const mailboxes: ShardMailbox[] = [];
    for (let shard = 0; shard < shards; shard++) {
      mailboxes.push(threads.mailbox(shard, threads.pool(shard), undefined, onFollowUps));
    }
    await Promise.all(mailboxes.map((m) => m.ready()));
    engine = new Engine(mailboxes, metrics, ledgerId);
    for (const [shard, followUps] of early) engine.courier.deliver(shard, followUps, true);
    engine.sharedLedger = config.ledger.kind === 'cassandra';
    engine.startReconciler(config.housekeepingIntervalMs, metrics);
    return engine;
  }

  /**
   * Cluster mode: `threads` shard threads that will host the ledger shards (ownership groups) this node
   * is given with openGroup, none yet. Every op goes through the router ClusterFront sets.
   */
  static async startCluster(
    config: Config,
    layout: LedgerLayout,
    metrics: EngineMetrics,
    epoch: EpochAuthority,
    programs: Program[],
    cluster: { threads: number } & Pick<NonNullable<ShardWorkerData['hostsGroups']>, 'fenceOff' | 'commitPointDelayMs'>,
  ): Promise<Engine> {
    const threads = new ShardThreads(config, layout.ledgerId, metrics, epoch, programs, cluster.threads, {
      fenceOff: cluster.fenceOff,
      commitPointDelayMs: cluster.commitPointDelayMs,
      knowledgeCapacity: Math.max(4_096, Math.ceil(262_144 / Math.max(1, layout.shards / cluster.threads))),
    });
    const engine = new Engine(new Array(layout.shards).fill(undefined), metrics, layout.ledgerId, threads);
    engine.sharedLedger = true;
    engine.startReconciler(config.housekeepingIntervalMs, metrics);
    return engine;
  }

  /** Cluster mode: opens the group's ledger shard fenced at `epoch` (a newer owner refuses it) and serves it. */
  async openGroup(group: number, epoch: number): Promise<void> {
    const hosts = this.groupHosts;
    if (!hosts) throw new Error('openGroup is for cluster mode');
    const mailbox = hosts.mailbox(group, hosts.pool(group), epoch, (shard, followUps, resumed) =>
      this.courier.deliver(shard, followUps, resumed),
    );
    await mailbox.ready();
    this.mailboxes[group] = mailbox;
  }

  /** Cluster mode: stops serving the group; resolves once what it accepted is committed and its shard closed. */
  async closeGroup(group: number): Promise<void> {
    const mailbox = this.mailboxes[group];
    if (!mailbox) return;
    this.mailboxes[group] = undefined;
    await mailbox.close();
  }

  /** The epoch of the group this node serves now; undefined when it serves none. */
  groupEpoch(group: number): number | undefined {
    return this.mailboxes[group]?.epoch;
  }

  /** Cluster mode: the router and the reader of groups held elsewhere (ClusterFront). */
  routeWith(
    router: (op: ShardOp, deadline: number, reply: (r: OpResult) => void) => void,
    reader: <T>(group: number, task: GroupRead) => Promise<T>,
  ): void {
    this.router = router;
    this.groupReader = reader;
  }

  /** An op for a group this node serves, as the router decided (undefined: not served here now). */
  postToGroup(group: number, op: ShardOp, deadline: number, reply: (r: OpResult) => void): boolean {
    const mailbox = this.mailboxes[group];
    if (!mailbox) return false;
    this.noteWrite(op);
    mailbox.post(op, deadline, reply);
    return true;
  }

  /** A read of a group this node serves (undefined: not served here now). */
  readLocalGroup<T>(group: number, task: GroupRead): Promise<T> | undefined {
    return this.mailboxes[group]?.read<T>(task);
  }

  /** Gives every shard the new program versions; resolves once all of them decide with them. */
  async installPrograms(programs: Program[]): Promise<void> {
    // Cluster mode: once per thread, whose groups share its book (groups opened later get it too).
    if (this.groupHosts) await this.groupHosts.installPrograms(programs);
    else await Promise.all(this.mailboxes.map((m) => m?.installPrograms(programs)));
  }

  get shardCount(): number {
    return this.mailboxes.length;
  }

  /** Every shard's roll-forward rows of a tenant for fromDay..toDay (and each one's last row before). */
  readRollForward(tenantId: string, fromDay: string, toDay: string): Promise<RollForwardRange[]> {
    return Promise.all(
      this.mailboxes.map((_, g) => this.readGroup<RollForwardRange>(g, { type: 'rollForward', tenantId, fromDay, toDay })),
    );
  }

  /** Every shard's running roll-forward totals (each tenant's newest row). */
  rollForwardHeads(): Promise<RollForwardRow[][]> {
    return Promise.all(this.mailboxes.map((_, g) => this.readGroup<RollForwardRow[]>(g, { type: 'rollForwardHeads' })));
  }

  /** A page of one shard's ledger members (the audit's sweep). */
  listMembers(shard: number, after: MemberRef | undefined, limit: number): Promise<MemberRef[]> {
    return this.readGroup<MemberRef[]>(shard, { type: 'listMembers', after, limit });
  }

  private readGroup<T>(group: number, task: GroupRead): Promise<T> {
    if (this.groupReader) return this.groupReader<T>(group, task);
    const mailbox = this.mailboxes[group];
    if (!mailbox) return Promise.reject(new RangeError(`no shard ${group}`));
    return mailbox.read<T>(task);
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
    await Promise.all(this.mailboxes.map((m) => m?.close()));
    await this.groupHosts?.close();
  }

  private post(op: ShardOp, deadline: number, reply: (r: OpResult) => void): void {
    if (this.closing) {
      this.metrics.rejectedAtMailbox.inc({ shard: shardOf(op.tenantId, op.memberId, this.mailboxes.length), reason: 'shutting_down' });
      reply({ ok: false, rejection: reject.shuttingDown() });
      return;
    }
    if (this.router) {
      this.router(op, deadline, reply);
      return;
    }
    const shard = shardOf(op.tenantId, op.memberId, this.mailboxes.length);
    this.noteWrite(op);
    (this.mailboxes[shard] as ShardMailbox).post(op, deadline, reply);
  }

  private noteWrite(op: ShardOp): void {
    if (this.reconciler && isWrite(op)) this.reconciler.noteWritten(op.tenantId, op.memberId);
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
