// Slot routing: slot = hash(tenant, member) mod 4096; slots, not members, are the unit of ownership,
// so a later multi-node version can move slots between nodes without rehashing members.

export const SLOT_COUNT = 4096;

export function slotOf(tenantId: string, memberId: string): number {
  // FNV-1a 32-bit over tenant, a separator, and member.
  let h = 0x811c9dc5;
  for (let i = 0; i < tenantId.length; i++) h = Math.imul(h ^ tenantId.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ 0, 0x01000193);
  for (let i = 0; i < memberId.length; i++) h = Math.imul(h ^ memberId.charCodeAt(i), 0x01000193);
  // FNV's low bits are weak for short, similar ids; murmur3's finaliser spreads them over the slots.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % SLOT_COUNT;
}

/** Contiguous slot ranges per shard: slot s belongs to shard floor(s × shards / 4096). */
export function shardOfSlot(slot: number, shards: number): number {
  return Math.floor((slot * shards) / SLOT_COUNT);
}

export function shardOf(tenantId: string, memberId: string, shards: number): number {
  return shardOfSlot(slotOf(tenantId, memberId), shards);
}
