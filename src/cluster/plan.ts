// What this node does in one round, decided from its view of the cluster alone (pure): claim the free
// slots it wins, hand over the slots it holds that another live node now wins, at most `movesPerRound`
// in transit at once (a join moves load gradually; a dead node's slots are free and claimed at once).
// Whole groups at a time (slots.ts): the caller claims or hands over each group in one transaction, so
// a group's slots keep one owner and one epoch.

import { SLOT_COUNT } from './slots.js';

/** A slot as this node sees it: free, held by this node's current lease, or held by someone else. */
export type Holding = 'free' | 'mine' | 'other';

export interface RoundInput {
  self: string;
  /** The rendezvous winner of each slot among the live nodes (index = slot); equal within a group. */
  winners: readonly (string | undefined)[];
  holdingOf: (slot: number) => Holding;
  /** Slots with a claim or release of this node still in flight: their groups are left alone this round. */
  busy: ReadonlySet<number>;
  /** Slots this node handed over earlier (released for their new winner). */
  handedOver: ReadonlySet<number>;
  movesPerRound: number;
  /** Claims issued in one round at most, so a node that learns of new members mid-way re-plans soon. */
  maxClaims: number;
  /** Slots per group; 1: every slot on its own. */
  groupSize: number;
}

export interface RoundPlan {
  /** Whole groups, in slot order: the free slots of each group this node wins. */
  claim: number[];
  /** Whole groups, in slot order: the slots this node holds in each group another node wins. */
  release: number[];
  /** Handed-over slots someone holds again (or this node wins back): no longer in transit. */
  settled: number[];
}

export function planRound(input: RoundInput): RoundPlan {
  const { self, winners, holdingOf, busy, handedOver, groupSize } = input;
  const settled: number[] = [];
  let inTransit = 0;
  for (const slot of handedOver) {
    if (holdingOf(slot) === 'free' && winners[slot] !== self) inTransit++;
    else settled.push(slot);
  }
  const claim: number[] = [];
  const release: number[] = [];
  let releaseQuota = input.movesPerRound - inTransit;
  const slotsOfGroup = (start: number, holding: Holding) => {
    const slots: number[] = [];
    for (let slot = start; slot < Math.min(start + groupSize, winners.length); slot++) {
      if (busy.has(slot)) return [];
      if (holdingOf(slot) === holding) slots.push(slot);
    }
    return slots;
  };
  for (let start = 0; start < Math.min(winners.length, SLOT_COUNT); start += groupSize) {
    const winner = winners[start];
    if (winner === self) {
      // A group partly held by another lease is left alone: claiming the rest would split its epoch.
      if (slotsOfGroup(start, 'other').length > 0) continue;
      const free = slotsOfGroup(start, 'free');
      if (free.length > 0 && claim.length + free.length <= input.maxClaims) claim.push(...free);
    } else if (winner !== undefined && releaseQuota > 0) {
      const mine = slotsOfGroup(start, 'mine');
      release.push(...mine);
      releaseQuota -= mine.length;
    }
  }
  return { claim, release, settled };
}
