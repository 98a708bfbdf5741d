// The bucketed sliding window every velocity limit counts in: what it holds at an instant, how it
// forgets, and when a refused command may try again.

import { describe, expect, it } from 'vitest';
import { type Buckets, addToBuckets, countIn, pointsIn, retryAfterMs } from '../../src/rules/sliding-window.js';

const MINUTE = 60_000;
/** A minute bucket is 5 s; T0 is the start of one. */
const T0 = 1_750_000_000_000 - (1_750_000_000_000 % 5_000);

function windowOf(events: [at: number, points: number][]): Buckets {
  const b: Buckets = [];
  for (const [at, points] of events) addToBuckets(b, MINUTE, at, 1, points);
  return b;
}

describe('a minute window', () => {
  it.each([
    {
      case: 'counts events of the last minute',
      events: [
        [T0, 10],
        [T0 + 30_000, 20],
      ],
      at: T0 + 59_000,
      count: 2,
      points: 30,
    },
    {
      case: 'still counts an event 60-65 s old (it never forgets early)',
      events: [
        [T0, 10],
        [T0 + 30_000, 20],
      ],
      at: T0 + 64_999,
      count: 2,
      points: 30,
    },
    {
      case: 'forgets an event once its bucket is 13 buckets back',
      events: [
        [T0, 10],
        [T0 + 30_000, 20],
      ],
      at: T0 + 65_000,
      count: 1,
      points: 20,
    },
    { case: 'is empty a minute and a bucket after the last event', events: [[T0, 10]], at: T0 + 70_000, count: 0, points: 0 },
    {
      case: 'counts events in one bucket together',
      events: [
        [T0, 1],
        [T0 + 1, 2],
        [T0 + 4_999, 3],
      ],
      at: T0 + 5_000,
      count: 3,
      points: 6,
    },
    {
      case: 'counts an event that arrives with an earlier clock',
      events: [
        [T0 + 20_000, 1],
        [T0 + 10_000, 2],
      ],
      at: T0 + 20_000,
      count: 2,
      points: 3,
    },
  ] as { case: string; events: [number, number][]; at: number; count: number; points: number }[])(
    '$case',
    ({ events, at, count, points }) => {
      const b = windowOf(events);
      expect([countIn(b, MINUTE, at), pointsIn(b, MINUTE, at)]).toEqual([count, points]);
    },
  );

  it('keeps at most 13 buckets however long it runs', () => {
    const b: Buckets = [];
    for (let t = 0; t < 3_600_000; t += 1_000) addToBuckets(b, MINUTE, T0 + t, 1, 1);
    expect(b.length / 3).toBeLessThanOrEqual(13);
    expect(countIn(b, MINUTE, T0 + 3_599_000)).toBe(65);
  });
});

describe('retryAfterMs', () => {
  it.each([
    {
      case: 'waits until the oldest counted event leaves (count limit)',
      events: [
        [T0, 0],
        [T0 + 30_000, 0],
      ],
      now: T0 + 40_000,
      maxCount: 2,
      maxPoints: 0,
      cost: 0,
      retry: 25_000,
    },
    {
      case: 'waits for enough points to leave (points limit)',
      events: [
        [T0, 60],
        [T0 + 30_000, 30],
      ],
      now: T0 + 40_000,
      maxCount: 0,
      maxPoints: 100,
      cost: 50,
      retry: 25_000,
    },
    {
      case: 'waits for both buckets when the first is not enough',
      events: [
        [T0, 30],
        [T0 + 30_000, 60],
      ],
      now: T0 + 40_000,
      maxCount: 0,
      maxPoints: 100,
      cost: 50,
      retry: 55_000,
    },
    {
      case: 'gets the whole window when the command alone is above the limit',
      events: [],
      now: T0,
      maxCount: 0,
      maxPoints: 100,
      cost: 150,
      retry: MINUTE,
    },
    { case: 'is 1 ms when the command already fits', events: [[T0, 1]], now: T0, maxCount: 5, maxPoints: 0, cost: 0, retry: 1 },
  ] as { case: string; events: [number, number][]; now: number; maxCount: number; maxPoints: number; cost: number; retry: number }[])(
    '$case',
    ({ events, now, maxCount, maxPoints, cost, retry }) => {
      expect(retryAfterMs(windowOf(events), MINUTE, now, maxCount, maxPoints, cost)).toBe(retry);
    },
  );

  it('is right: after the hint the command fits, a millisecond before it does not', () => {
    const b = windowOf([
      [T0, 0],
      [T0 + 12_000, 0],
      [T0 + 31_000, 0],
    ]);
    const now = T0 + 50_000;
    const wait = retryAfterMs(b, MINUTE, now, 3, 0, 0);
    expect(countIn(b, MINUTE, now + wait) + 1).toBeLessThanOrEqual(3);
    expect(countIn(b, MINUTE, now + wait - 1) + 1).toBeGreaterThan(3);
  });
});
