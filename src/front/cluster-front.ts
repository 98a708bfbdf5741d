// Cluster mode's routing (issue 13): any node accepts any call. An op whose slot this node serves goes
// to the group's mailbox; one whose slot another live node owns is forwarded to it (PeerChannels), and
// the owner re-checks: one that lost the slot answers SlotMoved naming the owner it knows, and the
// forwarding node tries once more on whoever owns the slot then. While a slot has no owner that serves
// it (a node died and its lease has not expired yet, a group still opening), the op waits for the
// ownership to change, at most `unownedWaitMs`, then gets SlotMoved (UNAVAILABLE: retry, same key).
//
// This node's groups follow the slot map: a group it holds at an epoch it does not serve yet is opened
// (its ledger shard taken over at that epoch: the fence refuses an older owner's commits from then on);
// a group it no longer holds is closed. A hand-over (a join, SIGTERM) closes the group first:
// `beforeHandOver` resolves once what the group accepted is committed.

import { type ShardOp, isWrite } from '../actor/commands.js';
import { reject } from '../actor/rejections.js';
import type { OpResult } from '../actor/results.js';
import type { SlotOwnership } from '../cluster/slot-ownership.js';
import { SLOT_COUNT } from '../cluster/slots.js';
import type { Engine } from './engine.js';
import type { ForwardReply, ReadReply } from './forward-wire.js';
import type { PeerChannels } from './peer-channels.js';
import { slotOf } from './router.js';
import type { GroupRead } from './shard-threads.js';

/** A group whose opening failed (the ledger unreachable, a newer epoch there) is tried again after this long. */
const OPEN_RETRY_MS = 1_000;

export interface ClusterFrontOptions {
  /** Slots per ownership group = per ledger shard (4096 / the layout's shards). */
  groupSize: number;
  /** How long an op waits for its slot to get a serving owner before SlotMoved. */
  unownedWaitMs: number;
  log?: (line: string) => void;
}

/** One op on its way through this node's routing. */
interface Attempt {
  op: ShardOp;
  deadline: number;
  reply: (r: OpResult) => void;
  /** A peer forwarded it: served here or refused, never forwarded again. */
  forwarded: boolean;
  /** Already sent once more after a SlotMoved or a failed forward: the next answer is final. */
  retried: boolean;
  /** While waiting for an owner: answered SlotMoved at this time. */
  until?: number;
  /** A node that just refused it or could not be reached: not sent to it again. */
  avoid?: string;
}

interface Waiter {
  attempt: Attempt;
  timer: NodeJS.Timeout;
}

export class ClusterFront {
  private readonly groups: number;
  /** Groups being opened, with the epoch they are opened at. */
  private readonly opening = new Map<number, { epoch: number; done: Promise<void> }>();
  /** Groups being closed by a hand-over: not re-opened by sync until it is done. */
  private readonly closing = new Map<number, Promise<void>>();
  private waiters: Waiter[] = [];
  private stopped = false;
  private resync: NodeJS.Timeout | undefined;
  /** Groups whose opening failed, and when: tried again by a later sync, not at once (no retry spin). */
  private readonly failedAt = new Map<number, number>();

  constructor(
    private readonly engine: Engine,
    private readonly ownership: SlotOwnership,
    private readonly peers: PeerChannels,
    private readonly options: ClusterFrontOptions,
  ) {
    this.groups = SLOT_COUNT / options.groupSize;
  }

  /** Takes over the engine's routing and follows the slot map from now on. */
  start(): void {
    this.engine.routeWith(
      (op, deadline, reply) => this.route({ op, deadline, reply, forwarded: false, retried: false }),
      (group, task) => this.read(group, task),
    );
    this.ownership.onChange(() => this.sync());
    this.sync();
    // Also without a change of the map: a node whose lease can no longer be kept (etcd cut off) closes
    // its groups once it may not serve them, and the waiting ops go on to the others meanwhile.
    this.resync = setInterval(() => this.sync(), 500);
    this.resync.unref();
  }

  /** Groups this node serves now (held under its live lease and open at that epoch). */
  servedGroups(): number {
    let served = 0;
    for (let group = 0; group < this.groups; group++) if (this.servedEpoch(group * this.options.groupSize, group) !== undefined) served++;
    return served;
  }

  /** For SlotOwnership's beforeHandOver: stops serving the slots' groups, resolves once they are committed and closed. */
  async handOver(slots: number[]): Promise<void> {
    const groups = [...new Set(slots.map((s) => Math.floor(s / this.options.groupSize)))];
    await Promise.all(groups.map((g) => this.close(g)));
  }

  /** Stops routing new ops anywhere (SIGTERM, after the hand-over): those waiting are answered now. */
  stop(): void {
    this.stopped = true;
    clearInterval(this.resync);
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) {
      clearTimeout(w.timer);
      w.attempt.reply({ ok: false, rejection: reject.shuttingDown() });
    }
  }

  /** Ops a peer forwarded here: served if this node serves their slots now, else SlotMoved; never forwarded again. */
  acceptForwarded(ops: ShardOp[], deadlines: number[]): Promise<ForwardReply> {
    return new Promise((resolve) => {
      const results: OpResult[] = new Array(ops.length);
      let left = ops.length;
      if (left === 0) resolve(results);
      for (let i = 0; i < ops.length; i++) {
        const reply = (result: OpResult) => {
          results[i] = result;
          if (--left === 0) resolve(results);
        };
        this.route({ op: ops[i], deadline: deadlines[i], reply, forwarded: true, retried: false });
      }
    });
  }

  /** A read a peer forwarded: answered if this node serves the group now. */
  async acceptRead(group: number, task: GroupRead): Promise<ReadReply> {
    const slot = group * this.options.groupSize;
    const served = this.servedEpoch(slot, group) !== undefined ? this.engine.readLocalGroup(group, task) : undefined;
    if (!served) return { ok: false, rejection: this.moved(slot, 'is not served by this node') };
    try {
      return { ok: true, value: await served };
    } catch (err) {
      return { ok: false, rejection: reject.commitFailed(err instanceof Error ? err.message : String(err)) };
    }
  }

  /** Opens the groups this node holds at an epoch it does not serve yet; closes those it no longer holds. */
  sync(): void {
    for (let group = 0; group < this.groups; group++) {
      if (this.closing.has(group)) continue;
      const want = this.ownership.epochOf(group * this.options.groupSize);
      const have = this.engine.groupEpoch(group);
      const backingOff = (this.failedAt.get(group) ?? 0) > Date.now() - OPEN_RETRY_MS;
      if (want !== undefined && want !== have && this.opening.get(group)?.epoch !== want && !backingOff) this.open(group, want);
      else if (want === undefined && have !== undefined && !this.opening.has(group)) void this.close(group);
    }
    this.wake();
  }

  private open(group: number, epoch: number): void {
    const done = (async () => {
      await this.opening.get(group)?.done;
      if (this.ownership.epochOf(group * this.options.groupSize) !== epoch) return; // moved on meanwhile
      await this.engine.closeGroup(group);
      try {
        await this.engine.openGroup(group, epoch);
        this.failedAt.delete(group);
        this.options.log?.(`jifen cluster: serving ledger shard ${group} at epoch ${epoch}`);
      } catch (err) {
        this.failedAt.set(group, Date.now());
        this.options.log?.(
          `jifen cluster: ledger shard ${group} not opened at epoch ${epoch}: ${err instanceof Error ? err.message : err}`,
        );
      }
    })();
    const entry = { epoch, done };
    this.opening.set(group, entry);
    void done.finally(() => {
      if (this.opening.get(group) === entry) this.opening.delete(group);
      // Opened, or a newer epoch seen meanwhile: look again, and let the waiting ops go.
      this.sync();
    });
  }

  private close(group: number): Promise<void> {
    const running = this.closing.get(group);
    if (running) return running;
    const done = (async () => {
      await this.opening.get(group)?.done;
      await this.engine.closeGroup(group);
    })();
    this.closing.set(group, done);
    return done.finally(() => {
      this.closing.delete(group);
      this.options.log?.(`jifen cluster: ledger shard ${group} closed`);
      // Taken again meanwhile (a quick re-claim): open it now.
      this.sync();
    });
  }

  /** The epoch at which this node serves the slot right now (held under a live lease and open at that epoch). */
  private servedEpoch(slot: number, group: number): number | undefined {
    const epoch = this.ownership.epochOf(slot);
    return epoch !== undefined && this.engine.groupEpoch(group) === epoch ? epoch : undefined;
  }

  private route(a: Attempt): void {
    const { op, deadline, reply } = a;
    if (this.stopped) {
      reply({ ok: false, rejection: reject.shuttingDown() });
      return;
    }
    const slot = slotOf(op.tenantId, op.memberId);
    const group = Math.floor(slot / this.options.groupSize);
    const epoch = this.servedEpoch(slot, group);
    if (epoch !== undefined) {
      const answer = (result: OpResult) => {
        // The ledger fenced the commit: a newer owner took the group.
        const fenced = !result.ok && result.rejection.kind === 'SlotMoved';
        // Only a committed write (or its replay, read back from the ledger) is certain whenever it was
        // decided; a refusal or a read is only as fresh as this node's claim on the slot. If the claim
        // lapsed meanwhile (the node was paused past its lease, the group moved), a newer owner may have
        // changed the member: the answer is not given.
        const stale = !(result.ok && isWrite(op)) && this.servedEpoch(slot, group) !== epoch;
        if (!fenced && !stale) reply(result);
        // Once more, wherever the slot is now.
        else if (!a.retried && !a.forwarded) {
          this.sync();
          this.route({ ...a, retried: true });
        } else reply(stale ? { ok: false, rejection: this.moved(slot, 'moved while the command was decided here') } : result);
      };
      if (this.engine.postToGroup(group, op, deadline, answer)) return;
    }
    const owner = this.ownership.map.ownerOf(slot);
    if (a.forwarded) {
      // A peer's op: served here (once the group is open) or refused; never forwarded again.
      if (owner?.node === this.ownership.nodeId && this.ownership.epochOf(slot) !== undefined) this.wait(a);
      else reply({ ok: false, rejection: this.moved(slot, 'is not served by this node') });
      return;
    }
    const live = owner !== undefined && owner.node !== this.ownership.nodeId && this.ownership.map.nodeInfo(owner.node) !== undefined;
    if (live && owner && owner.node !== a.avoid) {
      this.peers.forward(owner.node, owner.address, op, deadline, (result) => {
        // The owner no longer serves it (a hand-over, a lost lease) or could not be reached: once more,
        // after the slot map has moved on from that node (the command is idempotent by its key).
        const kind = result.ok ? undefined : result.rejection.kind;
        if ((kind === 'SlotMoved' || kind === 'ForwardFailed') && !a.retried) this.route({ ...a, retried: true, avoid: owner.node });
        else reply(result);
      });
      return;
    }
    this.wait(a);
  }

  /** Holds the op until the slot map or this node's groups change (then routes it again), or until its time is up. */
  private wait(a: Attempt): void {
    const until = a.until ?? Date.now() + this.options.unownedWaitMs;
    const waiter: Waiter = {
      attempt: { ...a, until },
      timer: setTimeout(
        () => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          const slot = slotOf(a.op.tenantId, a.op.memberId);
          a.reply({ ok: false, rejection: this.moved(slot, `has no owner that serves it (waited ${this.options.unownedWaitMs} ms)`) });
        },
        Math.max(0, Math.min(until, a.deadline) - Date.now()),
      ),
    };
    this.waiters.push(waiter);
  }

  /** Routes every waiting op again (after a change). */
  private wake(): void {
    if (this.waiters.length === 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) {
      clearTimeout(w.timer);
      this.route(w.attempt);
    }
  }

  private moved(slot: number, why: string) {
    const owner = this.ownership.map.ownerOf(slot);
    return reject.slotMoved(slot, why, owner && owner.node !== this.ownership.nodeId ? owner : undefined);
  }

  private async read<T>(group: number, task: GroupRead): Promise<T> {
    const slot = group * this.options.groupSize;
    const until = Date.now() + this.options.unownedWaitMs;
    for (;;) {
      const local = this.servedEpoch(slot, group) !== undefined ? this.engine.readLocalGroup<T>(group, task) : undefined;
      if (local) return local;
      const owner = this.ownership.map.ownerOf(slot);
      if (owner && owner.node !== this.ownership.nodeId && this.ownership.map.nodeInfo(owner.node)) {
        const answer = await this.peers.read(owner.node, owner.address, group, task, Date.now() + 30_000);
        if (answer.ok) return answer.value as T;
        if (answer.rejection.kind !== 'SlotMoved' || Date.now() >= until) throw new RejectedRead(answer.rejection);
      } else if (Date.now() >= until) {
        throw new RejectedRead(this.moved(slot, `has no owner that serves it (waited ${this.options.unownedWaitMs} ms)`));
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** A read of a ledger shard the cluster could not answer: carries the rejection for the API's status mapping. */
export class RejectedRead extends Error {
  override name = 'RejectedRead';
  constructor(readonly rejection: ReturnType<typeof reject.slotMoved>) {
    super(rejection.message);
  }
}
