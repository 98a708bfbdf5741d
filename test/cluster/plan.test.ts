// One round of a node: claim free slots it wins, hand over held slots another live node wins, bounded.

import { describe, expect, it } from 'vitest';
import { type Holding, planRound, type RoundInput } from '../../src/cluster/plan.js';

/** A small world of 8 slots: winners and holdings written as strings, one letter per slot. */
function world(winners: string, holdings: string, extra: Partial<RoundInput> = {}): RoundInput {
  const holdingByLetter: Record<string, Holding> = { '.': 'free', m: 'mine', o: 'other' };
  return {
    self: 'A',
    winners: [...winners].map((w) => (w === '-' ? undefined : w)),
    holdingOf: (slot) => holdingByLetter[holdings[slot]],
    busy: new Set(),
    handedOver: new Set(),
    movesPerRound: 64,
    maxClaims: 512,
    groupSize: 1,
    ...extra,
  };
}

describe('planRound', () => {
  it.each([
    {
      what: 'an empty cluster: claim every slot it wins',
      winners: 'AAAAAAAA',
      holdings: '........',
      claim: [0, 1, 2, 3, 4, 5, 6, 7],
      release: [],
    },
    { what: 'free slots another node wins are left to it', winners: 'ABABABAB', holdings: '........', claim: [0, 2, 4, 6], release: [] },
    { what: 'slots held by others are not claimed, even if won', winners: 'AAAABBBB', holdings: 'oo......', claim: [2, 3], release: [] },
    { what: 'a joiner wins held slots: hand them over', winners: 'AAAABBBB', holdings: 'mmmmmmmm', claim: [], release: [4, 5, 6, 7] },
    { what: 'nothing to do once the map matches the winners', winners: 'AABBAABB', holdings: 'mmoommoo', claim: [], release: [] },
    { what: 'no live node known: keep what it holds', winners: '--------', holdings: 'mmmm....', claim: [], release: [] },
  ])('$what', ({ winners, holdings, claim, release }) => {
    const plan = planRound(world(winners, holdings));
    expect(plan.claim).toEqual(claim);
    expect(plan.release).toEqual(release);
  });

  it.each([
    { movesPerRound: 2, handedOver: [], release: [4, 5] },
    { movesPerRound: 3, handedOver: [4], release: [5, 6] },
    { movesPerRound: 2, handedOver: [4, 5], release: [] },
  ])('hands over at most $movesPerRound in transit (already in transit: $handedOver)', ({ movesPerRound, handedOver, release }) => {
    // Slots in transit are free and won by B; the rest still held.
    const holdings = [...'mmmmmmmm'].map((h, slot) => (handedOver.includes(slot) ? '.' : h)).join('');
    const plan = planRound(world('AAAABBBB', holdings, { movesPerRound, handedOver: new Set(handedOver) }));
    expect(plan.release).toEqual(release);
  });

  it('settles handed-over slots once someone holds them or this node wins them back', () => {
    const plan = planRound(world('AAAAABBB', 'mmmm.o.m', { handedOver: new Set([3, 4, 5, 6]) }));
    // 3: held by this node again; 4: free and won back (claimed); 5: taken by another; 6: still in transit.
    expect(plan.settled).toEqual([3, 4, 5]);
    expect(plan.claim).toEqual([4]);
    expect(plan.release).toEqual([7]);
  });

  it('leaves busy slots alone and caps the claims per round', () => {
    const plan = planRound(world('AAAAAAAA', '........', { busy: new Set([0, 1]), maxClaims: 3 }));
    expect(plan.claim).toEqual([2, 3, 4]);
  });

  it.each([
    { what: 'claims whole free groups it wins', winners: 'AAAABBBB', holdings: '........', claim: [0, 1, 2, 3], release: [] },
    { what: 'completes a group it partly holds', winners: 'AAAABBBB', holdings: 'm.m.....', claim: [1, 3], release: [] },
    {
      what: 'leaves a group partly held by another lease alone',
      winners: 'AAAAAAAA',
      holdings: '.o......',
      claim: [4, 5, 6, 7],
      release: [],
    },
    {
      what: 'hands over a whole group, even past the quota',
      winners: 'BBBBAAAA',
      holdings: 'mmmmmmmm',
      moves: 2,
      claim: [],
      release: [0, 1, 2, 3],
    },
    {
      what: 'leaves a group alone while one of its slots is busy',
      winners: 'AAAAAAAA',
      holdings: '........',
      busy: [5],
      claim: [0, 1, 2, 3],
      release: [],
    },
  ])('groups of 4: $what', ({ winners, holdings, moves, busy, claim, release }) => {
    const plan = planRound(world(winners, holdings, { groupSize: 4, movesPerRound: moves ?? 64, busy: new Set(busy ?? []) }));
    expect(plan.claim).toEqual(claim);
    expect(plan.release).toEqual(release);
  });

  it('groups of 4: a round claims no partial group past maxClaims', () => {
    expect(planRound(world('AAAAAAAA', '........', { groupSize: 4, maxClaims: 6 })).claim).toEqual([0, 1, 2, 3]);
  });
});
