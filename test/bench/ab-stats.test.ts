// The paired A/B bench's verdict: ratios per pair, which side did better for rates and for costs, the
// sign test, and "within the noise" unless the pairs agree.

import { describe, expect, it } from 'vitest';
import { pairOrder, signTest, summarizePairs } from '../../bench/ab-stats.js';

describe('signTest (two-sided, exact)', () => {
  it.each([
    [5, 0, 0.0625],
    [0, 5, 0.0625],
    [4, 1, 0.375],
    [3, 2, 1],
    [6, 0, 0.03125],
    [7, 1, 0.0703125],
    [8, 2, 0.109375],
    [0, 0, 1],
  ])('%i wins, %i losses: p = %f', (wins, losses, p) => {
    expect(signTest(wins, losses)).toBeCloseTo(p, 10);
  });
});

describe('summarizePairs', () => {
  const rates = (...pairs: [number, number][]) => pairs.map(([a, b]) => ({ a, b }));

  it.each([
    {
      name: 'a rate higher in B in all 5 pairs',
      pairs: rates([100, 110], [90, 99], [120, 126], [100, 104], [80, 90]),
      better: 'higher' as const,
      verdict: 'B better',
      bBetter: 5,
    },
    {
      name: 'a cost lower in B in all 5 pairs (lower is better)',
      pairs: rates([80, 70], [82, 75], [79, 78], [90, 81], [85, 80]),
      better: 'lower' as const,
      verdict: 'B better',
      bBetter: 5,
    },
    {
      name: 'the same cost pairs read as a rate: A better',
      pairs: rates([80, 70], [82, 75], [79, 78], [90, 81], [85, 80]),
      better: 'higher' as const,
      verdict: 'A better',
      bBetter: 0,
    },
    {
      name: 'B ahead by a median 5 % but behind in one pair of 5: within the noise',
      pairs: rates([100, 105], [100, 106], [100, 97], [100, 105], [100, 110]),
      better: 'higher' as const,
      verdict: 'within the noise',
      bBetter: 4,
    },
    {
      name: 'B ahead in all 4 pairs: too few pairs to say',
      pairs: rates([100, 120], [100, 120], [100, 120], [100, 120]),
      better: 'higher' as const,
      verdict: 'within the noise',
      bBetter: 4,
    },
    {
      name: 'ties count for neither side',
      pairs: rates([100, 100], [100, 100], [100, 100], [100, 100], [100, 100]),
      better: 'higher' as const,
      verdict: 'within the noise',
      bBetter: 0,
    },
  ])('$name', ({ pairs, better, verdict, bBetter }) => {
    const s = summarizePairs(pairs, better);
    expect(s.verdict).toBe(verdict);
    expect(s.bBetter).toBe(bBetter);
    expect(s.pairs).toBe(pairs.length);
  });

  it('the median ratio is of the per-pair ratios, not the ratio of the medians', () => {
    // Medians A 100, B 150 (ratio 1.5), but per pair 2.0, 0.5, 1.2 -> median 1.2.
    const s = summarizePairs(rates([50, 100], [300, 150], [100, 120]), 'higher');
    expect(s.medianA).toBe(100);
    expect(s.medianB).toBe(120);
    expect(s.medianRatio).toBeCloseTo(1.2, 10);
    expect(s.minRatio).toBeCloseTo(0.5, 10);
    expect(s.maxRatio).toBeCloseTo(2, 10);
  });

  it.each([[rates()], [rates([0, 10])], [rates([10, Number.NaN])], [rates([10, Number.POSITIVE_INFINITY])]])(
    'refuses no pairs or a figure that is not positive and finite: %j',
    (pairs) => {
      expect(() => summarizePairs(pairs, 'higher')).toThrow(/summarizePairs/);
    },
  );
});

describe('pairOrder', () => {
  it('alternates which side runs first, so a drift of the machine falls on both sides alike', () => {
    expect([0, 1, 2, 3].map(pairOrder)).toEqual([
      ['a', 'b'],
      ['b', 'a'],
      ['a', 'b'],
      ['b', 'a'],
    ]);
  });
});
