// One shard's batches, in its worker thread (tests drive it without threads): activate the members,
// decide in arrival order, commit every entry in one durable write, write the cache; and housekeeping.

import { type HousekeepCommand, type ShardOp, engineKey, isWrite } from '../actor/commands.js';
import { payloadFingerprint } from '../actor/fingerprint.js';
import { reject } from '../actor/rejections.js';
import type { OpResult } from '../actor/results.js';
import type { LedgerEntry } from '../actor/entries.js';
import { type MemberState, applyEntry, emptyState, nextDueOf } from '../actor/state.js';
import { outboxRecordsOf } from '../events/outbox-envelopes.js';
import type { DueChange, FollowUp, LedgerStore, MemberRef, OutboxRecord, RollForwardRange } from '../ledger/store.js';
import { type RollForwardDelta, type RollForwardRow, deltaOf, figuresOf } from '../reports/roll-forward.js';
import { type RiskOptions, RiskBatch, type RiskStats } from '../risk/risk-batch.js';
import { InProcessWindows } from '../risk/shared-windows.js';
import { expiryNoticeAt } from '../rules/expiry.js';
import { activateMembers } from './activation.js';
import { type Actor, ActorCache, actorKey } from './actor-cache.js';
import { BatchDecisions } from './batch-decisions.js';
import type { ShardCache } from './cache-trust.js';
import { writeCachedAccounts } from './cache-write.js';
import { fetchOrders, fetchPriorEntries, idempotencyKeyOf } from './prior-records.js';
import type { ProgramBook } from './program-book.js';
import { answerAuditQueries } from './audit-queries.js';
import { answerListQueries } from './queries.js';
import { RollForwardBook } from './roll-forward-book.js';

export type { ShardCache } from './cache-trust.js';

export interface ShardCoreOptions {
  /** Active actors kept in memory before the oldest (CLOCK: used ones get a second chance) are passivated. */
  actorCapacity: number;
  /** Write a snapshot once this many entries accumulated since the last, bounding activation replay. */
  snapshotEvery: number;
  clock: () => number;
  /** Shard number and the ledger's id (from layout.json), both part of every outbox batch id. */
  shard: number;
  ledgerId: string;
  /** Hot-account cache written after each commit, before replies (read-your-writes through it). */
  cache?: ShardCache;
  /** Each tenant's current program. */
  programs: ProgramBook;
  /** Cross-member velocity windows (src/risk); absent: windows of this core alone, in memory (tests, one shard). */
  risk?: RiskOptions;
}

/** Follow-ups re-read at start; more stay stored and wait for the next start (they are rare: referrals). */
const MAX_PENDING_FOLLOW_UPS = 100_000;

/** A member whose housekeeping was refused is looked at again this much later. */
const HOUSEKEEPING_RETRY_MS = 3_600_000;

/** Due members handled per housekeeping round (each round is one batch). */
const HOUSEKEEPING_BATCH = 500;

export interface BatchStats {
  ops: number;
  entries: number;
  commitMs: number;
  activeActors: number;
  activated: number;
  /** True when the cache could not be written: the front must stop trusting what the cache holds. */
  cacheFault: boolean;
  /** Highest outbox id committed so far (the relay publishes up to it). */
  outboxId: number;
  /** Anti-abuse decisions and shared-store failures, when a program of the batch has a risk policy. */
  risk?: RiskStats;
  /** The batch waited for a shared velocity-window reservation before deciding. */
  reserved?: boolean;
}

export interface BatchReply {
  results: OpResult[];
  stats: BatchStats;
  /** Commands the batch's entries owe other members, committed with them; the front delivers them. */
  followUps: FollowUp[];
}

/**
 * A batch decided and committed whose cache write may still be on its way. The write was issued in
 * commit order; the replies must wait for it (read-your-writes through the cache), but the next
 * batch need not: the seq guard in the cache keeps an older state from overwriting a newer one.
 */
export interface StagedBatch {
  reply: BatchReply;
  /** Resolves to false when the cache could not be written. */
  cacheWritten: Promise<boolean>;
}

export class ShardCore {
  private readonly actors: ActorCache;
  private committedOutbox: OutboxRecord[] = [];
  private lastFollowUpId = 0;
  private undelivered: FollowUp[] = [];
  private readonly risk: RiskOptions;
  readonly rollForward: RollForwardBook;

  private constructor(
    private readonly store: LedgerStore,
    private readonly options: ShardCoreOptions,
    private lastOutboxId: number,
    rollForwardHeads: RollForwardRow[],
  ) {
    this.actors = new ActorCache(options.actorCapacity);
    this.rollForward = new RollForwardBook(rollForwardHeads, (tenantId) => options.programs.programFor(tenantId));
    this.risk = options.risk ?? { windows: new InProcessWindows(), failure: 'open', keyPrefix: '' };
  }

  /** Outbox records committed since the last take, for the relay to publish without reading them back. */
  takeCommittedOutbox(): OutboxRecord[] {
    const records = this.committedOutbox;
    this.committedOutbox = [];
    return records;
  }

  static async open(store: LedgerStore, options: ShardCoreOptions): Promise<ShardCore> {
    const { lastId } = await store.outboxPosition();
    const core = new ShardCore(store, options, lastId, await store.rollForwardHeads());
    await core.foldRollForwardBacklog(await store.rollForwardBacklog());
    core.undelivered = await store.pendingFollowUps(MAX_PENDING_FOLLOW_UPS);
    // Ids keep increasing across restarts, also when nothing was pending: they start from the wall
    // clock in microseconds (below 2^53 until the year 2255), so a stale write of an old process
    // never shares an id with a new follow-up.
    core.lastFollowUpId = Date.now() * 1000;
    for (const f of core.undelivered) core.lastFollowUpId = Math.max(core.lastFollowUpId, f.id);
    return core;
  }

  /**
   * Entries the ledger holds but the roll-forward does not count (a process died between a batch's
   * entries and its rows, Cassandra): each member's ledger replayed to find its figures around them,
   * their deltas folded in and the rows committed before the shard serves.
   */
  private async foldRollForwardBacklog(backlog: LedgerEntry[]): Promise<void> {
    if (backlog.length === 0) return;
    const uncounted = new Set(backlog.map((e) => `${e.tenantId}\u0000${e.memberId}\u0000${e.seq}`));
    const members = new Map(backlog.map((e) => [`${e.tenantId}\u0000${e.memberId}`, { tenantId: e.tenantId, memberId: e.memberId }]));
    const deltas: RollForwardDelta[] = [];
    for (const ref of members.values()) {
      const state = emptyState(ref.tenantId, ref.memberId);
      const campaignRules = this.rollForward.campaignRulesOf(ref.tenantId);
      for (const entry of await this.store.listEntries(ref, 0, Number.MAX_SAFE_INTEGER)) {
        const before = figuresOf(state);
        applyEntry(state, entry);
        if (uncounted.has(`${entry.tenantId}\u0000${entry.memberId}\u0000${entry.seq}`)) {
          deltas.push(deltaOf(entry, before, figuresOf(state), campaignRules));
        }
      }
    }
    deltas.sort((a, b) => a.at - b.at);
    const rollForward = this.rollForward.apply(deltas);
    try {
      await this.store.commit({ entries: [], orders: [], snapshots: [], outbox: [], rollForward });
      this.rollForward.committed();
    } catch (err) {
      this.rollForward.failed();
      throw err;
    }
    console.error(
      `jifen shard ${this.options.shard}: roll-forward caught up with ${backlog.length} entries a previous process left uncounted`,
    );
  }

  /** Follow-ups committed before a restart and not completed: the front delivers them again. */
  takeUndeliveredFollowUps(): FollowUp[] {
    const pending = this.undelivered;
    this.undelivered = [];
    return pending;
  }

  async completeFollowUps(ids: number[]): Promise<void> {
    await this.store.completeFollowUps(ids);
  }

  /** Applies a batch and waits for its cache write: the reply is ready to send. */
  async applyBatch(ops: ShardOp[]): Promise<BatchReply> {
    return settleBatch(await this.stageBatch(ops));
  }

  /**
   * Decides and commits a batch, issues its cache write and returns without waiting for that write.
   * Calls must not overlap (the caller serialises them); only the returned write may.
   */
  async stageBatch(ops: ShardOp[]): Promise<StagedBatch> {
    const activated = await activateMembers(ops, this.actors, this.store, this.options.cache);
    const hashes = ops.map((op) => (isWrite(op) ? payloadFingerprint(op) : ''));
    const [priorByKey, orders] = await Promise.all([
      fetchPriorEntries(ops, this.actors, this.store),
      fetchOrders(ops, this.actors, this.store),
    ]);

    const now = this.options.clock();
    // One reservation of the batch's cross-member velocity windows (undefined: no risk policy involved).
    const risk = await RiskBatch.start(
      this.risk,
      ops,
      now,
      (tenantId) => this.options.programs.programFor(tenantId),
      (op) => priorByKey.has(idempotencyKeyOf(op)),
    );
    const batch = new BatchDecisions(ops.length, {
      now,
      hashes,
      priorByKey,
      orders,
      risk,
      programs: this.options.programs,
      nextDue: (state) => this.nextDue(state),
      nextFollowUpId: () => (this.lastFollowUpId = nextFollowUpId(this.lastFollowUpId, Date.now())),
      campaignRules: (tenantId) => this.rollForward.campaignRulesOf(tenantId),
    });
    try {
      for (let i = 0; i < ops.length; i++) {
        const op = ops[i];
        batch.decide(i, op, this.actors.peek(actorKey(op.tenantId, op.memberId)) as Actor);
      }
    } catch (err) {
      // A bug mid-batch leaves actors ahead of the ledger: forget them so the ledger re-activates them.
      for (const actor of batch.touched) this.actors.drop(actorKey(actor.state.tenantId, actor.state.memberId));
      risk?.close(false);
      throw err;
    }

    const { committed, commitMs } = await this.commit(batch, batch.dueChanges());
    let cacheWritten = Promise.resolve(true);
    if (committed) {
      const { cache, programs, clock } = this.options;
      cacheWritten = writeCachedAccounts(cache, ops, batch.touched, this.actors, programs, clock);
      await answerListQueries(ops, batch.results, this.actors, this.store);
      await answerAuditQueries(ops, batch.results, this.actors, this.store, cache, programs, now);
    }
    this.actors.passivateOverflow();
    const stats: BatchStats = {
      ops: ops.length,
      entries: batch.entries.length,
      commitMs,
      activeActors: this.actors.size,
      activated,
      cacheFault: false,
      outboxId: this.lastOutboxId,
    };
    if (risk) {
      stats.risk = risk.close(committed);
      if (risk.reserved) stats.reserved = true;
    }
    return { reply: { results: batch.results, stats, followUps: committed ? batch.followUps : [] }, cacheWritten };
  }

  /**
   * One housekeeping round: members whose due instant has passed get a housekeeping command (expire
   * lapsed lots, review a lapsed tier), decided and committed like any batch. A row that no longer
   * matches its member's state is corrected without an entry. Returns undefined when nothing was due.
   */
  async stageHousekeeping(now: number): Promise<StagedBatch | undefined> {
    const due = await this.store.dueMembers(now, HOUSEKEEPING_BATCH);
    if (due.length === 0) return undefined;
    await activateMembers(due, this.actors, this.store, this.options.cache);
    const ops: HousekeepCommand[] = [];
    const rowAt: number[] = [];
    const stale: DueChange[] = [];
    for (const d of due) {
      const state = (this.actors.peek(actorKey(d.tenantId, d.memberId)) as Actor).state;
      const next = this.nextDue(state);
      if (next === 0 || next > now || next !== d.at) {
        stale.push({ tenantId: d.tenantId, memberId: d.memberId, from: d.at, to: next });
        continue;
      }
      ops.push({ kind: 'housekeep', tenantId: d.tenantId, memberId: d.memberId, idempotencyKey: engineKey(`housekeep:${state.seq}`) });
      rowAt.push(d.at);
    }
    if (stale.length > 0) await this.store.commit({ entries: [], orders: [], snapshots: [], outbox: [], dues: stale });
    const staged = await this.stageBatch(ops);
    // A refused round (a bug, or a failed commit) must not starve the rest of the index: its rows
    // step aside for an hour; the stale-row check above puts them back in place then.
    const retry: DueChange[] = [];
    staged.reply.results.forEach((result, i) => {
      if (result.ok) return;
      const op = ops[i];
      console.error(
        `jifen shard ${this.options.shard}: housekeeping of ${op.tenantId}/${op.memberId} refused: ${result.rejection.message}`,
      );
      retry.push({ tenantId: op.tenantId, memberId: op.memberId, from: rowAt[i], to: now + HOUSEKEEPING_RETRY_MS });
    });
    if (retry.length > 0) await this.store.commit({ entries: [], orders: [], snapshots: [], outbox: [], dues: retry }).catch(() => {});
    return staged;
  }

  /** A tenant's roll-forward rows of this shard (fromDay..toDay and the last before), as committed. */
  readRollForward(tenantId: string, fromDay: string, toDay: string): Promise<RollForwardRange> {
    return this.store.readRollForward(tenantId, fromDay, toDay);
  }

  /** A page of the ledger's members for the audit's sweep. */
  listMembers(after: MemberRef | undefined, limit: number): Promise<MemberRef[]> {
    return this.store.listMembers(after, limit);
  }

  /** Keeps at most `actors` active members from now on (a bounded heap's budget); passivates the rest now. */
  limitActors(actors: number): void {
    this.actors.capacity = actors;
    this.actors.passivateOverflow();
  }

  /** Active members now. */
  get activeActors(): number {
    return this.actors.size;
  }

  async close(): Promise<void> {
    await this.store.close();
  }

  /** The member's next due instant under its tenant's current program (notice days may change with it). */
  private nextDue(state: MemberState): number {
    const program = this.options.programs.programFor(state.tenantId);
    return nextDueOf(state, (expiresAt) => expiryNoticeAt(program.expiry, expiresAt, program.timeZone));
  }

  /**
   * Writes the batch durably. On failure the in-memory actors are ahead of the ledger, so they
   * are dropped (the next command re-activates them from the store) and every op is refused.
   */
  private async commit(batch: BatchDecisions, dues: DueChange[]): Promise<{ committed: boolean; commitMs: number }> {
    const { entries, dirtyOrders: orders, touched, results, followUps } = batch;
    if (entries.length === 0) return { committed: true, commitMs: 0 };
    const rollForward = this.rollForward.apply(batch.rollForward);
    const snapshots: MemberState[] = [];
    for (const actor of touched) {
      if (actor.state.seq - actor.snapshotSeq >= this.options.snapshotEvery) {
        snapshots.push(structuredClone(actor.state));
        actor.snapshotSeq = actor.state.seq;
      }
    }
    const started = performance.now();
    try {
      const outbox = outboxRecordsOf(entries, this.options.ledgerId, this.options.shard, this.lastOutboxId + 1);
      await this.store.commit({ entries, orders: [...orders.values()], snapshots, outbox, dues, followUps, rollForward });
      this.rollForward.committed();
      this.lastOutboxId += outbox.length;
      for (const record of outbox) this.committedOutbox.push(record);
    } catch (err) {
      this.rollForward.failed();
      for (const actor of touched) this.actors.drop(actorKey(actor.state.tenantId, actor.state.memberId));
      // Reads in the batch may have seen the uncommitted state too, so they are refused as well.
      const message = err instanceof Error ? err.message : String(err);
      // A fenced store (cluster mode) refuses every later commit: the shard moved, the callers go to its new owner.
      const failure = err instanceof Error && err.name === 'ShardFenced' ? reject.ledgerShardMoved(message) : reject.commitFailed(message);
      results.fill({ ok: false, rejection: failure });
      return { committed: false, commitMs: performance.now() - started };
    }
    return { committed: true, commitMs: performance.now() - started };
  }
}

/** The reply of a staged batch once its cache write has settled. */
export async function settleBatch(staged: StagedBatch): Promise<BatchReply> {
  const written = await staged.cacheWritten;
  return written ? staged.reply : { ...staged.reply, stats: { ...staged.reply.stats, cacheFault: true } };
}

/**
 * The id of the next follow-up: the wall clock in microseconds, and one more than the last id when the
 * clock has not moved on (or went back), so ids always increase and the Cassandra store's follow-up
 * buckets (10,000,000 ids each) hold ~10 s of follow-ups each, not a whole process's.
 */
export function nextFollowUpId(lastId: number, nowMs: number): number {
  return Math.max(lastId + 1, nowMs * 1000);
}
