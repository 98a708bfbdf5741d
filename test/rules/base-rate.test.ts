// The one rounding function: floor(value × multiplier / divisor), exact even past 2^53.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { basePoints, floorScaled } from '../../src/rules/base-rate.js';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

describe('basePoints', () => {
  it.each([
    { amountMinor: 0, points: 0 },
    { amountMinor: 99, points: 0 },
    { amountMinor: 100, points: 1 },
    { amountMinor: 12_345, points: 123 },
    { amountMinor: MAX_SAFE, points: 90_071_992_547_409 },
  ])('$amountMinor fen earn $points points', ({ amountMinor, points }) => {
    expect(basePoints(amountMinor)).toBe(points);
  });
});

describe('floorScaled', () => {
  it('equals the exact BigInt floor for any safe non-negative inputs', () => {
    const safe = fc.integer({ min: 0, max: MAX_SAFE });
    fc.assert(
      fc.property(safe, safe, fc.integer({ min: 1, max: MAX_SAFE }), (value, multiplier, divisor) => {
        const exact = (BigInt(value) * BigInt(multiplier)) / BigInt(divisor);
        fc.pre(exact <= BigInt(MAX_SAFE));
        expect(floorScaled(value, multiplier, divisor)).toBe(Number(exact));
      }),
      { numRuns: 1_000 },
    );
  });

  it('is exact where the product passes 2^53 but the result does not', () => {
    expect(floorScaled(90_071_992_547_409, 2 ** 52, MAX_SAFE)).toBe(45_035_996_273_704);
    expect(floorScaled(MAX_SAFE, MAX_SAFE - 1, MAX_SAFE)).toBe(MAX_SAFE - 1);
  });
});
