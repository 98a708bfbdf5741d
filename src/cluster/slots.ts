// The unit of ownership between nodes: 4096 slots, the same number as the front's router (slotOf);
// test/cluster/rendezvous.test.ts keeps the two equal, since the cluster sits below the front and cannot import it.
// Slots move in groups of contiguous slots that share one owner and one epoch: with 16, a group is one
// ledger shard at 256 shards (the router's shardOfSlot(slot, 256) = slot / 16), so the ledger can fence
// a group commit with one condition per ledger shard (deploy/CLUSTER.md).

export const SLOT_COUNT = 4096;

/** Slots per group: every node of a cluster must use the same. */
export const DEFAULT_GROUP_SIZE = 16;

/** The group of a slot: contiguous ranges of `groupSize` slots. */
export function groupOf(slot: number, groupSize: number): number {
  return Math.floor(slot / groupSize);
}
