// The arithmetic of a paired A/B run (bench/ab.ts): each pair ran A and B back to back on the same
// machine, so the ratio within a pair cancels what the machine was doing then; the verdict comes from
// the pairs' ratios, never from two absolute figures.

import { median } from './report.js';

/** One pair's figures, A and B: a rate (higher is better) or a cost (lower is better). */
export interface Pair {
  a: number;
  b: number;
}

export interface PairedSummary {
  pairs: number;
  medianA: number;
  medianB: number;
  /** Median of the per-pair ratios B/A (not the ratio of the medians). */
  medianRatio: number;
  minRatio: number;
  maxRatio: number;
  /** Pairs where B did better (rate: B > A; cost: B < A), where A did, and ties. */
  bBetter: number;
  aBetter: number;
  /**
   * Two-sided sign-test p-value of "A and B are alike" over the pairs that were not ties: below 0.05
   * only when B won (or lost) nearly every pair. With 5 pairs the smallest possible is 0.0625.
   */
  signTestP: number;
  verdict: 'B better' | 'A better' | 'within the noise';
}

/**
 * Summarizes the pairs of one figure. `better` says which way is good: 'higher' for rates (items/s),
 * 'lower' for costs (CPU µs per item, p99). A verdict other than "within the noise" needs at least 5
 * pairs and a sign test below 0.1: 5 of 5 on one side, 6 of 6, 7 of 8, 8 of 9, 9 of 10.
 */
export function summarizePairs(pairs: Pair[], better: 'higher' | 'lower'): PairedSummary {
  if (pairs.length === 0) throw new Error('summarizePairs: no pairs');
  for (const { a, b } of pairs)
    if (!(a > 0 && b > 0 && Number.isFinite(a) && Number.isFinite(b)))
      throw new Error(`summarizePairs: figures must be positive and finite, got A ${a}, B ${b}`);
  const ratios = pairs.map(({ a, b }) => b / a);
  const bBetter = pairs.filter(({ a, b }) => (better === 'higher' ? b > a : b < a)).length;
  const aBetter = pairs.filter(({ a, b }) => (better === 'higher' ? a > b : a < b)).length;
  const signTestP = signTest(bBetter, aBetter);
  const decided = pairs.length >= 5 && signTestP < 0.1;
  return {
    pairs: pairs.length,
    medianA: median(pairs.map((p) => p.a)),
    medianB: median(pairs.map((p) => p.b)),
    medianRatio: median(ratios),
    minRatio: Math.min(...ratios),
    maxRatio: Math.max(...ratios),
    bBetter,
    aBetter,
    signTestP,
    verdict: !decided ? 'within the noise' : bBetter > aBetter ? 'B better' : 'A better',
  };
}

/** Two-sided exact sign test: the chance of a split at least this lopsided between two alike sides. */
export function signTest(wins: number, losses: number): number {
  const n = wins + losses;
  if (n === 0) return 1;
  const k = Math.min(wins, losses);
  let tail = 0;
  for (let i = 0; i <= k; i++) tail += binomial(n, i);
  return Math.min(1, (2 * tail) / 2 ** n);
}

function binomial(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return c;
}

/** The order of a pair's two runs: A first in even pairs, B first in odd ones (drift cancels out). */
export function pairOrder(pair: number): ['a', 'b'] | ['b', 'a'] {
  return pair % 2 === 0 ? ['a', 'b'] : ['b', 'a'];
}
