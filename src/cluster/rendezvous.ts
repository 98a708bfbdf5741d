// Rendezvous (highest-random-weight) hashing: each group of slots (slots.ts) goes to the live node
// with the highest weight(node, group). A node leaving moves only its own groups; a node joining takes
// about 1/N of the others', spread evenly, without a ring or virtual nodes. Pure: same members, same map.

import { groupOf, SLOT_COUNT } from './slots.js';

/** The winner of every slot among `nodes` (index = slot); undefined entries when there are no nodes. */
export function assignSlots(nodes: readonly string[], groupSize = 1): (string | undefined)[] {
  const ranked = nodes.map((node) => ({ node, seed: nodeSeed(node) }));
  const owners: (string | undefined)[] = new Array(SLOT_COUNT);
  for (let slot = 0; slot < SLOT_COUNT; slot++) {
    owners[slot] = slot % groupSize === 0 ? winnerOf(groupOf(slot, groupSize), ranked) : owners[slot - 1];
  }
  return owners;
}

/** The winner of one slot among `nodes`, or undefined when there are none. */
export function rendezvousOwner(slot: number, nodes: readonly string[], groupSize = 1): string | undefined {
  return winnerOf(
    groupOf(slot, groupSize),
    nodes.map((node) => ({ node, seed: nodeSeed(node) })),
  );
}

/** weight(node, group): a 32-bit mix of the node's seed and the group. */
export function weightOf(seed: number, group: number): number {
  return mix32((seed ^ Math.imul(group + 1, 0x9e3779b1)) >>> 0);
}

function winnerOf(group: number, ranked: readonly { node: string; seed: number }[]): string | undefined {
  let best: string | undefined;
  let bestWeight = -1;
  for (const { node, seed } of ranked) {
    const weight = weightOf(seed, group);
    // Ties (1 in 2^32 per pair) go to the smaller node id, so every node picks the same winner.
    if (weight > bestWeight || (weight === bestWeight && best !== undefined && node < best)) {
      best = node;
      bestWeight = weight;
    }
  }
  return best;
}

/** FNV-1a over the node id's UTF-16 code units, then mixed: ids like n1, n2 must land far apart. */
export function nodeSeed(node: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < node.length; i++) h = Math.imul(h ^ node.charCodeAt(i), 0x01000193);
  return mix32(h >>> 0);
}

/** murmur3's 32-bit finaliser: every input bit flips about half the output bits. */
function mix32(x: number): number {
  let h = x;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
