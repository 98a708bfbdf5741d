// Rendezvous hashing over live nodes: deterministic, even, and minimal in what moves on a change.

import { describe, expect, it } from 'vitest';
import { SLOT_COUNT as ROUTER_SLOT_COUNT } from '../../src/front/router.js';
import { assignSlots, rendezvousOwner } from '../../src/cluster/rendezvous.js';
import { SLOT_COUNT } from '../../src/cluster/slots.js';

function countsOf(owners: (string | undefined)[]): Map<string | undefined, number> {
  const counts = new Map<string | undefined, number>();
  for (const owner of owners) counts.set(owner, (counts.get(owner) ?? 0) + 1);
  return counts;
}

describe('assignSlots', () => {
  it('covers the same 4096 slots as the front router', () => {
    expect(SLOT_COUNT).toBe(ROUTER_SLOT_COUNT);
    expect(assignSlots(['a'])).toHaveLength(ROUTER_SLOT_COUNT);
  });

  it.each([
    { nodes: [], expected: [[undefined, 4096]] },
    { nodes: ['only'], expected: [['only', 4096]] },
  ])('gives every slot to the one node there is, or to none ($nodes)', ({ nodes, expected }) => {
    expect([...countsOf(assignSlots(nodes))]).toEqual(expected);
  });

  it.each([
    { nodes: ['n1', 'n2'] },
    { nodes: ['n1', 'n2', 'n3'] },
    { nodes: ['engine-0', 'engine-1', 'engine-2', 'engine-3', 'engine-4'] },
    { nodes: Array.from({ length: 8 }, (_, i) => `10.0.0.${i + 1}`) },
    { nodes: Array.from({ length: 16 }, (_, i) => `node-${String.fromCharCode(97 + i)}`) },
  ])('spreads the slots over $nodes.length nodes within 15% of an even share', ({ nodes }) => {
    const counts = countsOf(assignSlots(nodes));
    const even = SLOT_COUNT / nodes.length;
    for (const node of nodes) {
      expect(counts.get(node) ?? 0).toBeGreaterThan(even * 0.85);
      expect(counts.get(node) ?? 0).toBeLessThan(even * 1.15);
    }
  });

  it('does not depend on the order the members are listed in', () => {
    expect(assignSlots(['c', 'a', 'b'])).toEqual(assignSlots(['a', 'b', 'c']));
  });

  it.each([
    { before: ['n1', 'n2', 'n3'], after: ['n1', 'n2'], what: 'a node leaves: only its slots move' },
    { before: ['n1', 'n2', 'n3'], after: ['n1', 'n2', 'n3', 'n4'], what: 'a node joins: only slots it takes move' },
    { before: ['a', 'b', 'c', 'd', 'e'], after: ['a', 'c', 'd', 'e'], what: 'one of five leaves' },
  ])('$what', ({ before, after }) => {
    const was = assignSlots(before);
    const now = assignSlots(after);
    const gone = before.filter((n) => !after.includes(n));
    const joined = after.filter((n) => !before.includes(n));
    let moved = 0;
    for (let slot = 0; slot < SLOT_COUNT; slot++) {
      if (was[slot] === now[slot]) continue;
      moved++;
      // A slot changes hands only if its old owner left or its new owner joined.
      expect(gone.includes(was[slot] as string) || joined.includes(now[slot] as string)).toBe(true);
    }
    const share = SLOT_COUNT / Math.max(before.length, after.length);
    expect(moved).toBeLessThan(share * 1.15);
  });

  it('agrees with rendezvousOwner slot by slot', () => {
    const nodes = ['x', 'y', 'z'];
    const owners = assignSlots(nodes);
    for (const slot of [0, 1, 2, 1000, 4095]) expect(rendezvousOwner(slot, nodes)).toBe(owners[slot]);
  });

  it.each([1, 4, 16])('groups of %i slots share their winner and still spread within 15% over 3 nodes', (groupSize) => {
    const nodes = ['n1', 'n2', 'n3'];
    const owners = assignSlots(nodes, groupSize);
    for (let slot = 0; slot < SLOT_COUNT; slot++) expect(owners[slot]).toBe(owners[slot - (slot % groupSize)]);
    for (const slot of [0, 17, 4095]) expect(rendezvousOwner(slot, nodes, groupSize)).toBe(owners[slot]);
    const counts = countsOf(owners);
    for (const node of nodes) expect(Math.abs((counts.get(node) ?? 0) - SLOT_COUNT / 3)).toBeLessThan((SLOT_COUNT / 3) * 0.15);
  });
});
