// One shard's batch application: activate the batch's actors, answer retries from the ledger,
// decide each command in arrival order, then commit every resulting entry in one durable write.
// Runs inside the shard's single worker thread; tests drive it directly without threads.

import type { ShardOp, WriteCommand } from '../actor/commands.js';
import { isWrite } from '../actor/commands.js';
import { decide } from '../actor/decide.js';
import type { LedgerEntry, OrderRecord } from '../actor/entries.js';
import { payloadFingerprint } from '../actor/fingerprint.js';
import { reject } from '../actor/rejections.js';
import { type OpResult, accountViewOf, entryViewOf, writeResultOf } from '../actor/results.js';
import { type MemberState, applyEntry, emptyState, memberExists } from '../actor/state.js';
import type { BalanceCache } from '../cache/balance-cache.js';
import { outboxRecordsOf } from '../events/outbox-envelopes.js';
import type { KeyRef, LedgerStore, MemberHistory, MemberLoad, OrderRef, OutboxRecord } from '../ledger/store.js';
import { type Actor, ActorCache, actorKey } from './actor-cache.js';

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
}

export interface ShardCache {
  cache: BalanceCache;
  /** The current cache epoch: readers trust only accounts written under it. */
  epoch: () => string;
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
}

export interface BatchReply {
  results: OpResult[];
  stats: BatchStats;
}

export class ShardCore {
  private readonly actors: ActorCache;
  private committedOutbox: OutboxRecord[] = [];

  private constructor(
    private readonly store: LedgerStore,
    private readonly options: ShardCoreOptions,
    private lastOutboxId: number,
  ) {
    this.actors = new ActorCache(options.actorCapacity);
  }

  /** Outbox records committed since the last take, for the relay to publish without reading them back. */
  takeCommittedOutbox(): OutboxRecord[] {
    const records = this.committedOutbox;
    this.committedOutbox = [];
    return records;
  }

  static async open(store: LedgerStore, options: ShardCoreOptions): Promise<ShardCore> {
    const { lastId } = await store.outboxPosition();
    return new ShardCore(store, options, lastId);
  }

  async applyBatch(ops: ShardOp[]): Promise<BatchReply> {
    const activated = await this.activateActors(ops);
    const hashes = ops.map((op) => (isWrite(op) ? payloadFingerprint(op) : ''));
    const [priorByKey, orders] = await Promise.all([this.fetchPriorEntries(ops), this.fetchOrders(ops)]);

    const now = this.options.clock();
    const results: OpResult[] = new Array(ops.length);
    const entries: LedgerEntry[] = [];
    const batchKeys = new Map<string, LedgerEntry>();
    const dirtyOrders = new Map<string, OrderRecord>();
    const touched = new Set<Actor>();

    try {
      for (let i = 0; i < ops.length; i++) {
        const op = ops[i];
        const actor = this.actors.peek(actorKey(op.tenantId, op.memberId)) as Actor;
        if (!isWrite(op)) {
          if (op.kind === 'getAccount') {
            results[i] = memberExists(actor.state)
              ? { ok: true, value: accountViewOf(actor.state) }
              : { ok: false, rejection: reject.memberNotFound(op.tenantId, op.memberId) };
          }
          continue; // listEntries is answered after the commit, so it sees this batch's writes
        }
        const key = idempotencyKeyOf(op);
        const prior = batchKeys.get(key) ?? priorByKey.get(key);
        if (prior) {
          results[i] =
            prior.payloadHash === hashes[i]
              ? { ok: true, value: writeResultOf(prior) }
              : { ok: false, rejection: reject.idempotencyConflict(op.idempotencyKey) };
          continue;
        }
        const orderKey = orderKeyOf(op);
        const decision = decide(actor.state, op, {
          now,
          payloadHash: hashes[i],
          order: orderKey === undefined ? undefined : orders.get(orderKey),
        });
        if (!decision.ok) {
          results[i] = { ok: false, rejection: decision.rejection };
          continue;
        }
        touched.add(actor);
        applyEntry(actor.state, decision.entry);
        entries.push(decision.entry);
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
      throw err;
    }

    const { committed, commitMs } = await this.commit(entries, dirtyOrders, touched, results);
    let cacheFault = false;
    if (committed) {
      cacheFault = !(await this.writeCache(ops, touched));
      await this.answerListQueries(ops, results);
    }
    this.actors.passivateOverflow();
    return {
      results,
      stats: {
        ops: ops.length,
        entries: entries.length,
        commitMs,
        activeActors: this.actors.size,
        activated,
        cacheFault,
        outboxId: this.lastOutboxId,
      },
    };
  }

  async close(): Promise<void> {
    await this.store.close();
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
      const state: MemberState = cached[i] ?? snapshot ?? emptyState(tenantId, memberId);
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
  private async commit(
    entries: LedgerEntry[],
    orders: Map<string, OrderRecord>,
    touched: Set<Actor>,
    results: OpResult[],
  ): Promise<{ committed: boolean; commitMs: number }> {
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
      await this.store.commit({ entries, orders: [...orders.values()], snapshots, outbox });
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
    if (!this.options.cache) return refs.map(() => undefined);
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
      await shardCache.cache.putAccounts([...states].map((state) => ({ state, held: 0, tier: '', epoch })));
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

/** Earn and reverse read and update the member's record of their order. */
function orderKeyOf(op: WriteCommand): string | undefined {
  if (op.kind !== 'earn' && op.kind !== 'reverse') return undefined;
  return `${op.tenantId}\u0000${op.memberId}\u0000${op.orderId}`;
}
