// This node's share of the 4096 slots, held in etcd: the node registers under its lease, watches the
// live nodes and slot owners (SlotMapWatch), and in rounds claims the free slots it wins by rendezvous
// hashing and hands over the ones another live node now wins (plan.ts), each by a compare-and-set
// transaction bound to its lease. A slot's epoch is its key's create revision: it only grows.

import type { Etcd3, ITxnResponse } from 'etcd3';
import { DEFAULT_PREFIX, encodeHolder, NODE_ID_PATTERN, nodeKey, slotKey } from './keys.js';
import { applyKey, SlotMapWatch, storedOf } from './map-watch.js';
import { NodeLease } from './node-lease.js';
import { type Holding, planRound } from './plan.js';
import { assignSlots } from './rendezvous.js';
import { SlotMap } from './slot-map.js';
import { DEFAULT_GROUP_SIZE, groupOf, SLOT_COUNT } from './slots.js';

export interface SlotOwnershipOptions {
  client: Etcd3;
  nodeId: string;
  /** host:port that peers and clients reach this node at. */
  address: string;
  ttlS: number;
  /** Slots handed over by this node and not yet taken by their new owner, at most. */
  movesPerRound: number;
  prefix?: string;
  /** Kept before the lease can expire; default lease-safety.ts safetyMarginMs. */
  marginMs?: number;
  /** Slots that move together with one epoch (slots.ts); the same on every node. Default 16: one ledger shard of 256. */
  groupSize?: number;
  /** Claim transactions per round; default 512. */
  maxClaimsPerRound?: number;
  /** A round also runs this often without any change seen (retries after errors); default 1 s. */
  roundIntervalMs?: number;
  /**
   * After start(), how long to wait for peers before claiming free slots (default 500 ms): nodes started
   * together then see each other first, instead of the first one claiming everything and handing most
   * of it over again. Not applied on a rejoin, where the node's share is free and unserved.
   */
  settleMs?: number;
  /**
   * Slots about to be handed over (a rebalance, or release()): they are no longer served when this
   * runs; it resolves once what was accepted for them is committed. Their keys are deleted after it.
   */
  beforeHandOver?: (slots: number[]) => Promise<void>;
  /** Monotonic clock (ms); default performance.now. */
  now?: () => number;
  log?: (line: string) => void;
}

/** Another live process holds the node id (a restart before the old incarnation's lease expired waits for it). */
export class NodeIdInUse extends Error {
  override name = 'NodeIdInUse';
}

export class SlotOwnership {
  readonly map = new SlotMap();
  private readonly prefix: string;
  private readonly groupSize: number;
  private readonly watch: SlotMapWatch;
  private lease: NodeLease | undefined;
  private readonly busy = new Set<number>();
  private readonly handingOver = new Set<number>();
  private readonly handedOver = new Set<number>();
  private winners: { membership: number; owners: (string | undefined)[] } | undefined;
  private roundTimer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private roundAgain = false;
  private stopping = false;
  /** Monotonic time before which rounds claim nothing (start-up settle). */
  private claimsFrom = 0;
  private settleTimer: NodeJS.Timeout | undefined;
  private readonly listeners: (() => void)[] = [];

  constructor(private readonly options: SlotOwnershipOptions) {
    if (!NODE_ID_PATTERN.test(options.nodeId))
      throw new RangeError(`node id ${JSON.stringify(options.nodeId)} must match ${NODE_ID_PATTERN}`);
    this.prefix = options.prefix ?? DEFAULT_PREFIX;
    this.groupSize = options.groupSize ?? DEFAULT_GROUP_SIZE;
    if (!Number.isInteger(this.groupSize) || SLOT_COUNT % this.groupSize !== 0 || this.groupSize > SLOTS_PER_TXN) {
      throw new RangeError(`group size ${this.groupSize} must divide ${SLOT_COUNT} and be at most ${SLOTS_PER_TXN}`);
    }
    this.watch = new SlotMapWatch(options.client, this.prefix, this.map, () => this.changed());
  }

  get nodeId(): string {
    return this.options.nodeId;
  }

  /** Reads the cluster, registers this node under a fresh lease and starts taking its share. */
  async start(): Promise<void> {
    await this.watch.start();
    try {
      await this.join();
    } catch (err) {
      this.stopping = true;
      await this.watch.stop();
      throw err;
    }
    this.claimsFrom = performance.now() + (this.options.settleMs ?? 500);
    this.settleTimer = setTimeout(() => this.scheduleRound(), this.options.settleMs ?? 500);
    this.tick();
  }

  /** Whether this node may serve the slot now: it holds it under its live lease, and the lease cannot have expired. */
  mayServe(slot: number): boolean {
    return this.epochOf(slot) !== undefined;
  }

  /** The slot's epoch (fencing token) while this node may serve it; undefined otherwise. */
  epochOf(slot: number): number | undefined {
    const lease = this.lease;
    if (lease === undefined || this.stopping || this.handingOver.has(slot) || !lease.mayServe()) return undefined;
    const owner = this.map.ownerOf(slot);
    return owner !== undefined && owner.lease === lease.id ? owner.epoch : undefined;
  }

  /** Slots held under this node's current lease (served or not). */
  heldSlots(): number[] {
    const id = this.lease?.id;
    const held: number[] = [];
    if (id === undefined) return held;
    for (let slot = 0; slot < SLOT_COUNT; slot++) if (this.map.ownerOf(slot)?.lease === id) held.push(slot);
    return held;
  }

  /** Runs after every change of the map (watch batch or own transaction). */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** The node's lease: tests and drills pause its keepalives through it. */
  get nodeLease(): NodeLease | undefined {
    return this.lease;
  }

  /**
   * Graceful stop (SIGTERM): stops serving every slot at once, lets `beforeHandOver` flush them, then
   * revokes the lease, which deletes the node key and every slot key in one revision for the others to take.
   */
  async release(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.roundTimer);
    clearTimeout(this.settleTimer);
    await this.round;
    try {
      const held = this.heldSlots();
      if (held.length > 0) await this.options.beforeHandOver?.(held);
      // Unreachable etcd: the revoke fails and the lease expires by its TTL instead (slower, as safe).
      await this.lease?.revoke();
    } finally {
      await this.watch.stop();
    }
  }

  /** As a crash looks to etcd: stops everything and leaves the lease to expire by its TTL (tests, drills). */
  async abandon(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.roundTimer);
    clearTimeout(this.settleTimer);
    this.lease?.abandon();
    await this.round;
    await this.watch.stop();
  }

  private changed(): void {
    this.notify();
    this.scheduleRound();
  }

  /** A fresh lease and the node key under it; waits while a previous incarnation's key is still there. */
  private async join(): Promise<void> {
    const { client, nodeId, address, ttlS } = this.options;
    const lease = new NodeLease(client, { ttlS, marginMs: this.options.marginMs, now: this.options.now });
    const leaseId = await lease.grant();
    // Only the lease in use rejoins: one lost while this join still waits makes the join fail instead.
    lease.onLost(() => {
      if (this.lease === lease) void this.rejoin();
    });
    const key = nodeKey(this.prefix, nodeId);
    const waitUntil = performance.now() + 2 * lease.ttlS * 1000 + 1000;
    for (;;) {
      const res = await client
        .if(key, 'Create', '==', 0)
        .then(
          client
            .put(key)
            .value(encodeHolder({ node: nodeId, address }))
            .lease(leaseId),
        )
        .else(client.get(key))
        .commit();
      if (res.succeeded) {
        this.map.applyNode(nodeId, { address, lease: leaseId }, Number(res.header.revision));
        break;
      }
      if (performance.now() > waitUntil || this.stopping) {
        await lease.revoke().catch(() => undefined);
        throw new NodeIdInUse(`node id ${nodeId} is registered by another live process (${key})`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    this.lease = lease;
    this.options.log?.(`cluster: node ${nodeId} joined with lease ${leaseId} (TTL ${lease.ttlS} s)`);
  }

  /** The lease is gone (etcd expired it: every key under it too): join again under a new one. */
  private async rejoin(): Promise<void> {
    this.options.log?.(`cluster: node ${this.nodeId} lost its lease; its slots are gone, joining again`);
    this.lease = undefined;
    this.handedOver.clear();
    for (let attempt = 0; !this.stopping; attempt++) {
      try {
        await this.join();
        this.scheduleRound();
        return;
      } catch (err) {
        this.options.log?.(`cluster: rejoin failed (${(err as Error).message}); retrying`);
        await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 100 * 2 ** attempt)));
      }
    }
  }

  private tick(): void {
    if (this.stopping) return;
    clearTimeout(this.roundTimer);
    this.roundTimer = setTimeout(() => this.tick(), this.options.roundIntervalMs ?? 1000);
    this.scheduleRound();
  }

  private scheduleRound(): void {
    if (this.stopping) return;
    if (this.round !== undefined) {
      this.roundAgain = true;
      return;
    }
    // After the current watch batch is applied in full: a node's exit deletes its key and its slots together.
    this.round = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.runRound())
      .catch((err) => this.options.log?.(`cluster: round failed: ${(err as Error).message}`))
      .finally(() => {
        this.round = undefined;
        if (this.roundAgain) {
          this.roundAgain = false;
          this.scheduleRound();
        }
      });
  }

  private async runRound(): Promise<void> {
    const lease = this.lease;
    const leaseId = lease?.id;
    if (this.stopping || lease === undefined || leaseId === undefined || !lease.mayServe()) return;
    const plan = planRound({
      self: this.nodeId,
      winners: this.currentWinners(),
      holdingOf: (slot) => this.holdingOf(slot, leaseId),
      busy: this.busy,
      handedOver: this.handedOver,
      movesPerRound: this.options.movesPerRound,
      maxClaims: this.options.maxClaimsPerRound ?? 512,
      groupSize: this.groupSize,
    });
    for (const slot of plan.settled) this.handedOver.delete(slot);
    if (plan.release.length > 0) await this.handOver(plan.release);
    if (performance.now() < this.claimsFrom) plan.claim.length = 0;
    if (plan.claim.length > 0) await this.claimAll(plan.claim, leaseId);
    if (plan.claim.length > 0 || plan.release.length > 0) this.roundAgain = true;
  }

  private currentWinners(): (string | undefined)[] {
    const membership = this.map.membershipVersion();
    if (this.winners?.membership !== membership) this.winners = { membership, owners: assignSlots(this.map.liveNodes(), this.groupSize) };
    return this.winners.owners;
  }

  private holdingOf(slot: number, leaseId: string): Holding {
    const owner = this.map.ownerOf(slot);
    if (owner === undefined) return 'free';
    return owner.lease === leaseId ? 'mine' : 'other';
  }

  /** Stops serving the slots, lets the caller flush them, then deletes each key if it is still this ownership's. */
  private async handOver(slots: number[]): Promise<void> {
    for (const slot of slots) {
      this.busy.add(slot);
      this.handingOver.add(slot);
    }
    try {
      await this.options.beforeHandOver?.(slots);
      const held = slots.flatMap((slot) => {
        const epoch = this.map.ownerOf(slot)?.epoch;
        return epoch === undefined ? [] : [{ slot, epoch }];
      });
      const byGroup = chunksOfGroups(held, (h) => groupOf(h.slot, this.groupSize), SLOTS_PER_TXN);
      await inParallel(byGroup, TXNS_IN_FLIGHT, (chunk) => this.deleteHeld(chunk));
    } finally {
      for (const slot of slots) {
        this.busy.delete(slot);
        this.handingOver.delete(slot);
      }
      this.notify();
    }
  }

  /** One transaction: if every key is still the one this node created (same create revision), delete them all. */
  private async deleteHeld(held: { slot: number; epoch: number }[]): Promise<void> {
    const { client } = this.options;
    const keys = held.map(({ slot }) => slotKey(this.prefix, slot));
    let txn = client.if(keys[0], 'Create', '==', held[0].epoch);
    for (let i = 1; i < held.length; i++) txn = txn.and(keys[i], 'Create', '==', held[i].epoch);
    const res = await txn.then(...keys.map((key) => client.delete().key(key))).commit();
    // Not succeeded: some key changed hands meanwhile (the watch brings it); the rest go next round.
    if (!res.succeeded) return;
    for (const { slot } of held) {
      this.map.applySlot(slot, undefined, Number(res.header.revision));
      this.handedOver.add(slot);
    }
  }

  /** Claims the slots in all-or-nothing transactions of whole groups, up to SLOTS_PER_TXN slots each. */
  private async claimAll(slots: number[], leaseId: string): Promise<void> {
    for (const slot of slots) this.busy.add(slot);
    try {
      const byGroup = chunksOfGroups(slots, (slot) => groupOf(slot, this.groupSize), SLOTS_PER_TXN);
      await inParallel(byGroup, TXNS_IN_FLIGHT, (chunk) => this.claimFree(chunk, leaseId));
    } finally {
      for (const slot of slots) this.busy.delete(slot);
      this.notify();
    }
  }

  /**
   * One transaction: if none of the slot keys exists, create them all bound to the lease (their epoch
   * is this transaction's revision); otherwise read them, so the next round knows who holds which.
   */
  private async claimFree(slots: number[], leaseId: string): Promise<void> {
    const { client, nodeId, address } = this.options;
    const value = encodeHolder({ node: nodeId, address });
    const keys = slots.map((slot) => slotKey(this.prefix, slot));
    let txn = client.if(keys[0], 'Create', '==', 0);
    for (let i = 1; i < keys.length; i++) txn = txn.and(keys[i], 'Create', '==', 0);
    const res: ITxnResponse = await txn
      .then(...keys.map((key) => client.put(key).value(value).lease(leaseId)))
      .else(...keys.map((key) => client.get(key)))
      .commit();
    const revision = Number(res.header.revision);
    if (res.succeeded) {
      for (const slot of slots) this.map.applySlot(slot, { node: nodeId, address, epoch: revision, lease: leaseId }, revision);
      return;
    }
    for (const op of res.responses) for (const kv of op.response_range?.kvs ?? []) applyKey(this.map, this.prefix, storedOf(kv), false);
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}

/** Slots per claim or hand-over transaction (etcd refuses more than --max-txn-ops, 128 by default, per branch). */
const SLOTS_PER_TXN = 64;
/** Claim or hand-over transactions in flight at once. */
const TXNS_IN_FLIGHT = 4;

/** Splits items (in group order) into chunks of at most `max`, never splitting a group (a group larger than max is a chunk alone). */
function chunksOfGroups<T>(items: readonly T[], groupOfItem: (item: T) => number, max: number): T[][] {
  const out: T[][] = [];
  let chunk: T[] = [];
  for (let i = 0; i < items.length; ) {
    let end = i + 1;
    while (end < items.length && groupOfItem(items[end]) === groupOfItem(items[i])) end++;
    if (chunk.length > 0 && chunk.length + (end - i) > max) {
      out.push(chunk);
      chunk = [];
    }
    chunk.push(...items.slice(i, end));
    i = end;
  }
  if (chunk.length > 0) out.push(chunk);
  return out;
}

/** Runs `task` over `items`, at most `concurrency` at a time; the first failure is rethrown after all settle. */
async function inParallel<T>(items: readonly T[], concurrency: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      try {
        await task(item);
      } catch (err) {
        failure ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  if (failure !== undefined) throw failure;
}
