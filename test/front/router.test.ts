// Slot routing: slot = hash(tenant, member) mod 4096, slots owned by shards in contiguous ranges.

import { describe, expect, it } from 'vitest';
import { SLOT_COUNT, shardOf, shardOfSlot, slotOf } from '../../src/front/router.js';

const MEMBERS = 100_000;

describe('slotOf', () => {
  it('is within [0, 4096) for ordinary, empty and non-ASCII ids', () => {
    for (const [tenant, member] of [
      ['acme', 'm-1'],
      ['', ''],
      ['租户', '会员-一'],
      ['t', 'x'.repeat(128)],
    ]) {
      const slot = slotOf(tenant, member);
      expect(Number.isInteger(slot)).toBe(true);
      expect(slot).toBeGreaterThanOrEqual(0);
      expect(slot).toBeLessThan(SLOT_COUNT);
    }
  });

  it('gives the same slot for the same tenant and member every time', () => {
    for (let i = 0; i < 1_000; i++) expect(slotOf('acme', `m-${i}`)).toBe(slotOf('acme', `m-${i}`));
  });

  it('keeps the tenant/member boundary: (ab, c) and (a, bc) are hashed apart', () => {
    const pairs = Array.from({ length: 200 }, (_, i) => [slotOf(`t${i}a`, 'b'), slotOf(`t${i}`, 'ab')]);
    expect(pairs.filter(([x, y]) => x !== y).length).toBeGreaterThan(190);
  });

  it.each([
    { tenant: 'acme', member: (i: number) => `member-${i}` },
    { tenant: 'shop', member: (i: number) => String(i) },
    { tenant: 't-9', member: (i: number) => `u${i}@example.com` },
  ])('spreads 100k members of $tenant roughly uniformly over the slots', ({ tenant, member }) => {
    const counts = new Array<number>(SLOT_COUNT).fill(0);
    for (let i = 0; i < MEMBERS; i++) counts[slotOf(tenant, member(i))]++;
    const expected = MEMBERS / SLOT_COUNT; // ≈ 24.4
    const chiSquare = counts.reduce((acc, c) => acc + (c - expected) ** 2 / expected, 0);
    // 4095 degrees of freedom: a fair hash lands near 4095 (sd ≈ 90); the bound is deliberately loose.
    expect(chiSquare).toBeLessThan(1.5 * (SLOT_COUNT - 1));
    expect(Math.min(...counts)).toBeGreaterThan(0);
    expect(Math.max(...counts)).toBeLessThan(3 * expected);
  });
});

describe('shardOf', () => {
  it.each([1, 2, 3, 7, 16, 64, 4096])('splits the 4096 slots over %i shards in contiguous, covering ranges', (shards) => {
    const owners = Array.from({ length: SLOT_COUNT }, (_, slot) => shardOfSlot(slot, shards));
    expect(owners[0]).toBe(0);
    expect(owners[SLOT_COUNT - 1]).toBe(shards - 1);
    for (let s = 1; s < SLOT_COUNT; s++) expect(owners[s] - owners[s - 1]).toBeGreaterThanOrEqual(0);
    for (let s = 1; s < SLOT_COUNT; s++) expect(owners[s] - owners[s - 1]).toBeLessThanOrEqual(1);
    const sizes = new Array<number>(shards).fill(0);
    for (const o of owners) sizes[o]++;
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(Math.floor(SLOT_COUNT / shards));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(Math.ceil(SLOT_COUNT / shards));
  });

  it('routes a member to the shard that owns its slot', () => {
    for (let i = 0; i < 1_000; i++) {
      expect(shardOf('acme', `m-${i}`, 8)).toBe(shardOfSlot(slotOf('acme', `m-${i}`), 8));
    }
  });
});
