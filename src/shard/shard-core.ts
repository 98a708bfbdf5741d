// One shard's batch application: activate the batch's actors, answer retries from the ledger,
// decide each command in arrival order, then commit every resulting entry in one durable write.
// Runs inside the shard's single worker thread; tests drive it directly without threads.

import { type HousekeepCommand, type ShardOp, type WriteCommand, engineKey } from '../actor/commands.js';
import { isWrite } from '../actor/commands.js';
import { decide } from '../actor/decide.js';
import { type LedgerEntry, type OrderRecord, emptyDetail } from '../actor/entries.js';
import { payloadFingerprint } from '../actor/fingerprint.js';
import { reject } from '../actor/rejections.js';
import {
  type OpResult,
  accountViewOf,
  entryViewOf,
  quoteOf,
  redemptionListOf,
  stockViewOf,
  writeResultOf,
} from '../actor/results.js';
import {
  type MemberState,
  applyEntry,
  accountStateOf,
  availablePoints,
  completeState,
  emptyState,
  heldPoints,
  memberExists,
  nextDueOf,
} from '../actor/state.js';
import type { BalanceCache } from '../cache/balance-cache.js';
import { outboxRecordsOf } from '../events/outbox-envelopes.js';
import { expiryNoticeAt } from '../rules/expiry.js';
import { tierLevel } from '../rules/tiers.js';
import type { DueChange, FollowUp, KeyRef, LedgerStore, MemberHistory, MemberLoad, OrderRef, OutboxRecord } from '../ledger/store.js';
import { type Actor, ActorCache, actorKey } from './actor-cache.js';
import type { ProgramBook } from './program-book.js';
import { type RiskOptions, RiskBatch, type RiskStats } from '../risk/risk-batch.js';
import { listFlaggedOf } from '../actor/risk/review.js';
import { InProcessWindows } from '../risk/shared-windows.js';

export interface ShardCoreOptions {
  /** Active actors kept in memory before the least recently used are passivated. */
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

export interface ShardCache {
  cache: BalanceCache;
  /** The current cache epoch: readers trust only accounts written under it. */
  epoch: () => string;
  /**
   * Whether activation starts from the cached state (then reads only the ledger entries after it).
   * Worth a round trip when the ledger is remote (Cassandra); a local ledger reads its snapshot faster.
   */
  activateFromCache: boolean;
}

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

  private constructor(
    private readonly store: LedgerStore,
    private readonly options: ShardCoreOptions,
    private lastOutboxId: number,
  ) {
    this.actors = new ActorCache(options.actorCapacity);
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
    const core = new ShardCore(store, options, lastId);
    core.undelivered = await store.pendingFollowUps(MAX_PENDING_FOLLOW_UPS);
    // Ids keep increasing across restarts, also when nothing was pending: they start from the wall
    // clock in microseconds (below 2^53 until the year 2255), so a stale write of an old process
    // never shares an id with a new follow-up.
    core.lastFollowUpId = Date.now() * 1000;
    for (const f of core.undelivered) core.lastFollowUpId = Math.max(core.lastFollowUpId, f.id);
    return core;
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
    const activated = await this.activateActors(ops);
    const hashes = ops.map((op) => (isWrite(op) ? payloadFingerprint(op) : ''));
    const [priorByKey, orders] = await Promise.all([this.fetchPriorEntries(ops), this.fetchOrders(ops)]);

    const now = this.options.clock();
    // One reservation of the batch's cross-member velocity windows (undefined: no risk policy involved).
    const risk = await RiskBatch.start(
      this.risk,
      ops,
      now,
      (tenantId) => this.options.programs.programFor(tenantId),
      (op) => priorByKey.has(idempotencyKeyOf(op)),
    );
    const results: OpResult[] = new Array(ops.length);
    const entries: LedgerEntry[] = [];
    const batchKeys = new Map<string, LedgerEntry>();
    const dirtyOrders = new Map<string, OrderRecord>();
    const touched = new Set<Actor>();
    /** Each touched member's due instant before the batch, to move its due-index row after it. */
    const dueBefore = new Map<Actor, number>();
    const followUps: FollowUp[] = [];

    try {
      for (let i = 0; i < ops.length; i++) {
        const op = ops[i];
        const actor = this.actors.peek(actorKey(op.tenantId, op.memberId)) as Actor;
        if (!isWrite(op)) {
          if (op.kind === 'getAccount') {
            results[i] = memberExists(actor.state)
              ? { ok: true, value: accountViewOf(actor.state, this.options.programs.programFor(op.tenantId), now) }
              : { ok: false, rejection: reject.memberNotFound(op.tenantId, op.memberId) };
          } else if (op.kind === 'quote') {
            results[i] = { ok: true, value: quoteOf(actor.state, this.options.programs.programFor(op.tenantId), op.orderAmountMinor, now) };
          } else if (op.kind === 'stock') {
            results[i] = { ok: true, value: stockViewOf(actor.state, op.redemptionId) };
          } else if (op.kind === 'redemptions') {
            results[i] = { ok: true, value: redemptionListOf(actor.state) };
          } else if (op.kind === 'listFlagged') {
            results[i] = { ok: true, value: listFlaggedOf(actor.state, op) };
          }
          continue; // listEntries is answered after the commit, so it sees this batch's writes
        }
        const key = idempotencyKeyOf(op);
        const prior = batchKeys.get(key) ?? priorByKey.get(key);
        if (prior) {
          results[i] =
            prior.payloadHash === hashes[i]
              ? { ok: true, value: writeResultOf(prior), replayed: true }
              : { ok: false, rejection: reject.idempotencyConflict(op.idempotencyKey) };
          continue;
        }
        const orderKey = orderKeyOf(op);
        const program = this.options.programs.programFor(op.tenantId);
        const decision = decide(actor.state, op, {
          now,
          payloadHash: hashes[i],
          order: orderKey === undefined ? undefined : orders.get(orderKey),
          program,
          risk: risk?.inputFor(i),
        });
        risk?.decided(i, decision);
        if (!decision.ok) {
          results[i] = { ok: false, rejection: decision.rejection };
          continue;
        }
        // A dry run (legacy import) is decided against the member's state and answered, never applied.
        if (op.kind === 'importLot' && op.dryRun) {
          results[i] = { ok: true, value: writeResultOf(decision.entry) };
          continue;
        }
        if (!dueBefore.has(actor)) dueBefore.set(actor, this.nextDue(actor.state));
        touched.add(actor);
        applyEntry(actor.state, decision.entry);
        const available = availablePoints(actor.state, now);
        if (available !== decision.entry.balanceAfter) {
          decision.entry.detail ??= emptyDetail(program.version);
          decision.entry.detail.availableAfter = available;
        }
        entries.push(decision.entry);
        if (decision.followUp) followUps.push({ id: ++this.lastFollowUpId, command: decision.followUp });
        batchKeys.set(key, decision.entry);
        if (decision.order && orderKey !== undefined) {
          orders.set(orderKey, decision.order);
          dirtyOrders.set(orderKey, decision.order);
        }
        results[i] = { ok: true, value: writeResultOf(decision.entry) };
      }
    } catch (err) {
      // A bug mid-batch leaves actors ahead of the ledger: forget them so the ledger re-activates them.
      for (const actor of touched) this.actors.drop(actorKey(actor.state.tenantId, actor.state.memberId));
      risk?.close(false);
      throw err;
    }

    const dues: DueChange[] = [];
    for (const [actor, from] of dueBefore) {
      const to = this.nextDue(actor.state);
      if (to !== from) dues.push({ tenantId: actor.state.tenantId, memberId: actor.state.memberId, from, to });
    }
    const { committed, commitMs } = await this.commit({ entries, orders: dirtyOrders, touched, results, dues, followUps });
    let cacheWritten = Promise.resolve(true);
    if (committed) {
      cacheWritten = this.writeCache(ops, touched);
      await this.answerListQueries(ops, results);
    }
    this.actors.passivateOverflow();
    const stats: BatchStats = {
      ops: ops.length,
      entries: entries.length,
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
    return { reply: { results, stats, followUps: committed ? followUps : [] }, cacheWritten };
  }

  /**
   * One housekeeping round: members whose due instant has passed get a housekeeping command (expire
   * lapsed lots, review a lapsed tier), decided and committed like any batch. A row that no longer
   * matches its member's state is corrected without an entry. Returns undefined when nothing was due.
   */
  async stageHousekeeping(now: number): Promise<StagedBatch | undefined> {
    const due = await this.store.dueMembers(now, HOUSEKEEPING_BATCH);
    if (due.length === 0) return undefined;
    await this.activateActors(due.map((d) => ({ kind: 'getAccount' as const, tenantId: d.tenantId, memberId: d.memberId })));
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
      console.error(`jifen shard ${this.options.shard}: housekeeping of ${op.tenantId}/${op.memberId} refused: ${result.rejection.message}`);
      retry.push({ tenantId: op.tenantId, memberId: op.memberId, from: rowAt[i], to: now + HOUSEKEEPING_RETRY_MS });
    });
    if (retry.length > 0) await this.store.commit({ entries: [], orders: [], snapshots: [], outbox: [], dues: retry }).catch(() => {});
    return staged;
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
   * Brings every member of the batch into memory: from the cached state when the cache has one
   * (then only the ledger entries after its seq), else from the newest ledger snapshot and the
   * entries after it. A cached state is always a committed one, so either way the fold is exact.
   */
  private async activateActors(ops: ShardOp[]): Promise<number> {
    const missing: MemberLoad[] = [];
    const seen = new Set<string>();
    for (const op of ops) {
      const key = actorKey(op.tenantId, op.memberId);
      if (seen.has(key)) continue;
      seen.add(key);
      if (!this.actors.touch(key)) missing.push({ tenantId: op.tenantId, memberId: op.memberId });
    }
    if (missing.length === 0) return 0;
    const cached = await this.readCache(missing);
    for (let i = 0; i < missing.length; i++) {
      if (cached[i]) missing[i].afterSeq = (cached[i] as MemberState).seq;
    }
    const histories = await this.store.loadMembers(missing);
    await this.distrustForeignCopies(missing, cached, histories);
    for (let i = 0; i < missing.length; i++) {
      const { tenantId, memberId } = missing[i];
      const { snapshot, entries } = histories[i];
      const stored = cached[i] ?? snapshot;
      const state: MemberState = stored ? completeState(stored) : emptyState(tenantId, memberId);
      const snapshotSeq = state.seq;
      for (const entry of entries) applyEntry(state, entry);
      this.actors.put(actorKey(tenantId, memberId), { state, snapshotSeq });
    }
    return missing.length;
  }

  /** Looks up earlier entries for the batch's idempotency keys; a member with no entries has none. */
  private async fetchPriorEntries(ops: ShardOp[]): Promise<Map<string, LedgerEntry>> {
    const refs: KeyRef[] = [];
    for (const op of ops) {
      if (isWrite(op) && this.hasHistory(op)) refs.push(op);
    }
    const found = new Map<string, LedgerEntry>();
    if (refs.length === 0) return found;
    const entries = await this.store.findByIdempotencyKeys(refs);
    for (let i = 0; i < refs.length; i++) {
      const entry = entries[i];
      if (entry) found.set(idempotencyKeyOf(refs[i]), entry);
    }
    return found;
  }

  private async fetchOrders(ops: ShardOp[]): Promise<Map<string, OrderRecord>> {
    const refs: OrderRef[] = [];
    const keys: string[] = [];
    for (const op of ops) {
      if (!isWrite(op) || !this.hasHistory(op)) continue;
      const key = orderKeyOf(op);
      if (key === undefined) continue;
      refs.push({ tenantId: op.tenantId, memberId: op.memberId, orderId: (op as { orderId: string }).orderId });
      keys.push(key);
    }
    const found = new Map<string, OrderRecord>();
    if (refs.length === 0) return found;
    const records = await this.store.getOrders(refs);
    for (let i = 0; i < refs.length; i++) {
      const record = records[i];
      if (record) found.set(keys[i], record);
    }
    return found;
  }

  private hasHistory(op: WriteCommand): boolean {
    return memberExists((this.actors.peek(actorKey(op.tenantId, op.memberId)) as Actor).state);
  }

  /**
   * Writes the batch durably. On failure the in-memory actors are ahead of the ledger, so they
   * are dropped (the next command re-activates them from the store) and every op is refused.
   */
  private async commit(batch: {
    entries: LedgerEntry[];
    orders: Map<string, OrderRecord>;
    touched: Set<Actor>;
    results: OpResult[];
    dues: DueChange[];
    followUps: FollowUp[];
  }): Promise<{ committed: boolean; commitMs: number }> {
    const { entries, orders, touched, results, dues, followUps } = batch;
    if (entries.length === 0) return { committed: true, commitMs: 0 };
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
      await this.store.commit({ entries, orders: [...orders.values()], snapshots, outbox, dues, followUps });
      this.lastOutboxId += outbox.length;
      for (const record of outbox) this.committedOutbox.push(record);
    } catch (err) {
      for (const actor of touched) this.actors.drop(actorKey(actor.state.tenantId, actor.state.memberId));
      // Reads in the batch may have seen the uncommitted state too, so they are refused as well.
      const failure = reject.commitFailed(err instanceof Error ? err.message : String(err));
      results.fill({ ok: false, rejection: failure });
      return { committed: false, commitMs: performance.now() - started };
    }
    return { committed: true, commitMs: performance.now() - started };
  }

  /**
   * A cached state seeds an actor only if this ledger holds the entry at its seq with the same
   * balance (the store returns that entry first). Otherwise — a ledger restored from an older copy,
   * a cache from elsewhere — the copy is deleted and the member loaded from the ledger alone.
   * Histories are rewritten in place to what activation should fold.
   */
  private async distrustForeignCopies(
    refs: MemberLoad[],
    cached: (MemberState | undefined)[],
    histories: MemberHistory[],
  ): Promise<void> {
    const foreign: number[] = [];
    for (let i = 0; i < refs.length; i++) {
      const copy = cached[i];
      if (!copy) continue;
      const [first, ...after] = histories[i].entries;
      if (first && first.seq === copy.seq && first.balanceAfter === copy.balance) {
        histories[i] = { snapshot: null, entries: after };
      } else {
        foreign.push(i);
        cached[i] = undefined;
      }
    }
    if (foreign.length === 0) return;
    const reload = foreign.map((i) => ({ tenantId: refs[i].tenantId, memberId: refs[i].memberId }));
    const fresh = await this.store.loadMembers(reload);
    foreign.forEach((i, j) => {
      histories[i] = fresh[j];
    });
    await this.options.cache?.cache.deleteAccounts(reload).catch(() => {
      // Still there: the seq guard will refuse its repair and readers keep missing, which is safe.
    });
  }

  /** Cached states for activation; a cache that cannot be read only makes activation use the ledger. */
  private async readCache(refs: MemberLoad[]): Promise<(MemberState | undefined)[]> {
    if (!this.options.cache?.activateFromCache) return refs.map(() => undefined);
    try {
      const accounts = await this.options.cache.cache.getAccounts(refs);
      return accounts.map((a) => a?.state);
    } catch {
      return refs.map(() => undefined);
    }
  }

  /**
   * Writes the batch's changed accounts, and those the front asked to refill after a cache miss,
   * under the current epoch. Returns false if the cache could not be written.
   */
  private async writeCache(ops: ShardOp[], touched: Set<Actor>): Promise<boolean> {
    const shardCache = this.options.cache;
    if (!shardCache) return true;
    const states = new Set<MemberState>();
    for (const actor of touched) states.add(actor.state);
    for (const op of ops) {
      if (op.kind !== 'getAccount' || !op.refillCache) continue;
      const actor = this.actors.peek(actorKey(op.tenantId, op.memberId));
      if (actor && memberExists(actor.state)) states.add(actor.state);
    }
    if (states.size === 0) return true;
    const epoch = shardCache.epoch();
    try {
      const now = this.options.clock();
      // Only activation needs the whole state; a cache that serves reads gets the account's part
      // (lots, holds, tier …), a fraction of a busy member's JSON (caps, activity, risk windows).
      const whole = shardCache.activateFromCache;
      await shardCache.cache.putAccounts(
        [...states].map((state) => ({
          state: whole ? state : accountStateOf(state),
          held: heldPoints(state, now),
          tier: tierLevel(this.options.programs.programFor(state.tenantId), state.tier).id,
          available: availablePoints(state, now),
          epoch,
        })),
      );
      return true;
    } catch {
      return false;
    }
  }

  private async answerListQueries(ops: ShardOp[], results: OpResult[]): Promise<void> {
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i];
      if (op.kind !== 'listEntries') continue;
      const actor = this.actors.peek(actorKey(op.tenantId, op.memberId));
      if (!actor || !memberExists(actor.state)) {
        results[i] = { ok: false, rejection: reject.memberNotFound(op.tenantId, op.memberId) };
        continue;
      }
      const page = await this.store.listEntries(op, op.afterSeq, op.limit + 1);
      const more = page.length > op.limit;
      const shown = more ? page.slice(0, op.limit) : page;
      results[i] = {
        ok: true,
        value: { entries: shown.map(entryViewOf), nextAfterSeq: more ? shown[shown.length - 1].seq : 0 },
      };
    }
  }
}

function idempotencyKeyOf(ref: KeyRef): string {
  return `${ref.tenantId}\u0000${ref.memberId}\u0000${ref.idempotencyKey}`;
}

/** Earn and reverse read and update the member's record of their order (and a review of a held order). */
function orderKeyOf(op: WriteCommand): string | undefined {
  if (op.kind === 'review' && op.orderId !== '') return `${op.tenantId}\u0000${op.memberId}\u0000${op.orderId}`;
  if (op.kind !== 'earn' && op.kind !== 'reverse') return undefined;
  return `${op.tenantId}\u0000${op.memberId}\u0000${op.orderId}`;
}

/** The reply of a staged batch once its cache write has settled. */
export async function settleBatch(staged: StagedBatch): Promise<BatchReply> {
  const written = await staged.cacheWritten;
  return written ? staged.reply : { ...staged.reply, stats: { ...staged.reply.stats, cacheFault: true } };
}
