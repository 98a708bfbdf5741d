// The sliding window every velocity limit counts in: a window of W split into 12 buckets of W/12.
// A bucket is [index, count, points] with index = floor(t / bucket); at `now` the window holds the
// buckets from floor(now / bucket) − 12 on, so it reaches back between W and W + W/12: it never
// forgets an event younger than W (a limit is never looser than stated) and its memory is bounded.
// The member's actor, the in-process shared store and the Redis script (redis-windows.ts) all count
// this way, so a limit means the same wherever it is checked.

import type { WindowKind } from './velocity-policy.js';

export const BUCKETS = 12;

export const WINDOW_MS: Readonly<Record<WindowKind, number>> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** The three window kinds in a fixed order: a member's buckets are kept per kind in this order. */
export const WINDOW_KINDS: readonly WindowKind[] = ['minute', 'hour', 'day'];

/** Flat buckets, `[index, count, points, index, count, points, …]` in ascending index. */
export type Buckets = number[];

export function bucketMsOf(windowMs: number): number {
  return windowMs / BUCKETS;
}

/** The oldest bucket index still inside the window at `now`. */
export function oldestIndex(windowMs: number, now: number): number {
  return Math.floor(now / bucketMsOf(windowMs)) - BUCKETS;
}

/**
 * Counts `count` commands and `points` points at instant `at`, and drops the buckets no window at
 * `at` or later can reach. Mutates `buckets` (the owner is its only writer).
 */
export function addToBuckets(buckets: Buckets, windowMs: number, at: number, count: number, points: number): void {
  const index = Math.floor(at / bucketMsOf(windowMs));
  let i = buckets.length - 3;
  while (i >= 0 && buckets[i] > index) i -= 3;
  if (i >= 0 && buckets[i] === index) {
    buckets[i + 1] += count;
    buckets[i + 2] += points;
  } else {
    // After i: the newest bucket normally, in place when the clock stepped back.
    buckets.splice(i + 3, 0, index, count, points);
  }
  const oldest = index - BUCKETS;
  let drop = 0;
  while (drop < buckets.length && buckets[drop] < oldest) drop += 3;
  if (drop > 0) buckets.splice(0, drop);
}

/** Commands counted in the window at `now`. */
export function countIn(buckets: Buckets, windowMs: number, now: number): number {
  return sumIn(buckets, oldestIndex(windowMs, now), 1);
}

/** Points counted in the window at `now`. */
export function pointsIn(buckets: Buckets, windowMs: number, now: number): number {
  return sumIn(buckets, oldestIndex(windowMs, now), 2);
}

/**
 * How long from `now` until one more command costing `cost` points fits both limits (0 = no
 * limit), as the oldest buckets leave the window; at least 1 ms. A command that can never fit
 * (cost alone above maxPoints) gets the whole window.
 */
export function retryAfterMs(buckets: Buckets, windowMs: number, now: number, maxCount: number, maxPoints: number, cost: number): number {
  const g = bucketMsOf(windowMs);
  const oldest = oldestIndex(windowMs, now);
  let count = sumIn(buckets, oldest, 1);
  let points = sumIn(buckets, oldest, 2);
  const fits = () => (maxCount === 0 || count + 1 <= maxCount) && (maxPoints === 0 || points + cost <= maxPoints);
  if (fits()) return 1;
  for (let i = 0; i < buckets.length; i += 3) {
    if (buckets[i] < oldest) continue;
    count -= buckets[i + 1];
    points -= buckets[i + 2];
    // Bucket i leaves the window once floor(t / g) − BUCKETS passes it.
    if (fits()) return Math.max(1, (buckets[i] + BUCKETS + 1) * g - now);
  }
  return windowMs;
}

function sumIn(buckets: Buckets, oldest: number, field: 1 | 2): number {
  let sum = 0;
  for (let i = buckets.length - 3; i >= 0 && buckets[i] >= oldest; i -= 3) sum += buckets[i + field];
  return sum;
}
