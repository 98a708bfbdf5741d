// The cluster as this node last heard it from etcd: live nodes and each slot's owner with its epoch.
// Read synchronously on every call (the front's routing); written only from the watch and from this
// node's own transactions, in revision order per key, so a late echo never undoes a newer change.

import { SLOT_COUNT } from './slots.js';

export interface SlotOwner {
  node: string;
  address: string;
  /**
   * The fencing token: the etcd revision at which this ownership began (the slot key's create
   * revision). Every later ownership of any slot has a larger one. Revisions stay below 2^53.
   */
  epoch: number;
  /** The etcd lease the slot key is bound to (decimal int64): which incarnation of the node holds it. */
  lease: string;
}

export interface LiveNode {
  address: string;
  lease: string;
}

export class SlotMap {
  private readonly owners: (SlotOwner | undefined)[] = new Array(SLOT_COUNT).fill(undefined);
  /** Per slot, the revision of the last change applied (0: never heard of). */
  private readonly slotRevisions = new Float64Array(SLOT_COUNT);
  private readonly live = new Map<string, LiveNode>();
  private readonly nodeRevisions = new Map<string, number>();
  /** Node changes at or below this revision are already in the last snapshot. */
  private nodeFloor = 0;
  private membership = 0;

  /** The slot's owner, or undefined while it has none. */
  ownerOf(slot: number): SlotOwner | undefined {
    return this.owners[slot];
  }

  /** Live node ids, sorted. */
  liveNodes(): string[] {
    return [...this.live.keys()].sort();
  }

  nodeInfo(node: string): LiveNode | undefined {
    return this.live.get(node);
  }

  /** Grows whenever a node joins or leaves (for callers that cache what depends on the members). */
  membershipVersion(): number {
    return this.membership;
  }

  /** Sets (owner) or clears (undefined) a slot as of `revision`; false when a newer change is already applied. */
  applySlot(slot: number, owner: SlotOwner | undefined, revision: number): boolean {
    if (revision <= this.slotRevisions[slot]) return false;
    this.slotRevisions[slot] = revision;
    this.owners[slot] = owner;
    return true;
  }

  /** Adds or updates (info) or removes (undefined) a live node as of `revision`; false when stale. */
  applyNode(node: string, info: LiveNode | undefined, revision: number): boolean {
    if (revision <= (this.nodeRevisions.get(node) ?? this.nodeFloor)) return false;
    this.nodeRevisions.set(node, revision);
    const before = this.live.get(node);
    if (info === undefined) this.live.delete(node);
    else this.live.set(node, info);
    if (before === undefined || info === undefined || before.lease !== info.lease) this.membership++;
    return true;
  }

  /**
   * Replaces everything with a snapshot read at `revision` (at start, and when the watch fell behind
   * compaction): older changes, such as a transaction's answer still on its way, cannot apply after it.
   */
  replaceAll(revision: number, slots: Iterable<[number, SlotOwner]>, nodes: Iterable<[string, LiveNode]>): void {
    this.owners.fill(undefined);
    this.slotRevisions.fill(revision);
    for (const [slot, owner] of slots) this.owners[slot] = owner;
    this.live.clear();
    this.nodeRevisions.clear();
    this.nodeFloor = revision;
    for (const [node, info] of nodes) this.live.set(node, info);
    this.membership++;
  }

  /** Slots per owner node, and how many have none. */
  counts(): { perNode: Map<string, number>; unowned: number } {
    const perNode = new Map<string, number>();
    let unowned = 0;
    for (const owner of this.owners) {
      if (owner === undefined) unowned++;
      else perNode.set(owner.node, (perNode.get(owner.node) ?? 0) + 1);
    }
    return { perNode, unowned };
  }
}
