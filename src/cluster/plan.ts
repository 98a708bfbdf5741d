// What this node does in one round, decided from its view of the cluster alone (pure): claim the free
// slots it wins, hand over the slots it holds that another live node now wins, at most `movesPerRound`
// in transit at once (a join moves load gradually; a dead node's slots are free and claimed at once).

/** A slot as this node sees it: free, held by this node's current lease, or held by someone else. */
export type Holding = 'free' | 'mine' | 'other';

export interface RoundInput {
  self: string;
  /** The rendezvous winner of each slot among the live nodes (index = slot). */
  winners: readonly (string | undefined)[];
  holdingOf: (slot: number) => Holding;
  /** Slots with a claim or release of this node still in flight: left alone this round. */
  busy: ReadonlySet<number>;
  /** Slots this node handed over earlier (released for their new winner). */
  handedOver: ReadonlySet<number>;
  movesPerRound: number;
  /** Claims issued in one round at most, so a node that learns of new members mid-way re-plans soon. */
  maxClaims: number;
}

export interface RoundPlan {
  claim: number[];
  release: number[];
  /** Handed-over slots someone holds again (or this node wins back): no longer in transit. */
  settled: number[];
}

export function planRound(input: RoundInput): RoundPlan {
  const { self, winners, holdingOf, busy, handedOver } = input;
  const settled: number[] = [];
  let inTransit = 0;
  for (const slot of handedOver) {
    if (holdingOf(slot) === 'free' && winners[slot] !== self) inTransit++;
    else settled.push(slot);
  }
  const claim: number[] = [];
  const release: number[] = [];
  let releaseQuota = Math.max(0, input.movesPerRound - inTransit);
  for (let slot = 0; slot < winners.length; slot++) {
    if (busy.has(slot)) continue;
    const winner = winners[slot];
    const holding = holdingOf(slot);
    if (holding === 'free' && winner === self && claim.length < input.maxClaims) claim.push(slot);
    else if (holding === 'mine' && winner !== undefined && winner !== self && releaseQuota > 0) {
      release.push(slot);
      releaseQuota--;
    }
  }
  return { claim, release, settled };
}
