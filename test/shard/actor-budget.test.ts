// The actor budget of a shard thread with a bounded heap (src/shard/actor-budget.ts), decision by decision.

import { describe, expect, it } from 'vitest';
import { ActorBudget, MEASURE_EVERY_MS, MIN_ACTORS } from '../../src/shard/actor-budget.js';

const MIB = 2 ** 20;
const LIMIT = 100 * MIB;

interface Step {
  /** Heap in use after the batch, MiB of 100. */
  used: number;
  /** What a full collection would leave, MiB; undefined: the step must not ask. */
  live?: number;
  active: number;
  /** ms since the first step. */
  at: number;
  expected: number;
}

const CASES: [string, number, Step[]][] = [
  [
    'an unbounded or roomy heap keeps the configured number and never collects',
    250_000,
    [
      { used: 20, active: 100_000, at: 0, expected: 250_000 },
      { used: 69, active: 200_000, at: 10, expected: 250_000 },
    ],
  ],
  ['above 70 % it measures; live under 60 % changes nothing', 250_000, [{ used: 75, live: 50, active: 200_000, at: 0, expected: 250_000 }]],
  ['live above 60 % keeps as many as bring it to 45 %', 250_000, [{ used: 80, live: 90, active: 200_000, at: 0, expected: 100_000 }]],
  [
    'a small overshoot too: what is held scaled to 45 % of the limit',
    250_000,
    [{ used: 80, live: 61, active: 200_000, at: 0, expected: 147_540 }],
  ],
  [
    'measures at most every 2 s between 70 and 85 %, at once above 85 %',
    250_000,
    [
      { used: 80, live: 90, active: 200_000, at: 0, expected: 100_000 },
      { used: 80, active: 100_000, at: MEASURE_EVERY_MS - 1, expected: 100_000 },
      { used: 90, live: 90, active: 100_000, at: MEASURE_EVERY_MS - 1, expected: 50_000 },
      { used: 80, live: 70, active: 50_000, at: 2 * MEASURE_EVERY_MS, expected: 32_142 },
    ],
  ],
  ['never below the minimum', 250_000, [{ used: 99, live: 99, active: 6_000, at: 0, expected: MIN_ACTORS }]],
  [
    'grows back by a quarter per batch below 35 % in use, up to the configured number',
    250_000,
    [
      { used: 80, live: 90, active: 200_000, at: 0, expected: 100_000 },
      { used: 30, active: 100_000, at: 10, expected: 125_000 },
      { used: 30, active: 125_000, at: 20, expected: 156_250 },
      { used: 50, active: 150_000, at: 30, expected: 156_250 },
      { used: 10, active: 150_000, at: 40, expected: 195_313 },
      { used: 10, active: 190_000, at: 50, expected: 244_142 },
      { used: 10, active: 240_000, at: 60, expected: 250_000 },
    ],
  ],
];

describe('ActorBudget', () => {
  it.each(CASES)('%s', (_what, configured, steps) => {
    const budget = new ActorBudget(configured);
    for (const [i, step] of steps.entries()) {
      let measured = false;
      const limit = budget.next({ usedBytes: step.used * MIB, limitBytes: LIMIT }, step.active, step.at, () => {
        measured = true;
        if (step.live === undefined) throw new Error(`step ${i} must not measure`);
        return step.live * MIB;
      });
      expect(measured, `step ${i} measured`).toBe(step.live !== undefined);
      expect(limit, `step ${i}`).toBe(step.expected);
    }
  });
});
