// When a node stops serving by itself: before etcd can have expired its lease, on the monotonic clock.

import { describe, expect, it } from 'vitest';
import { keepAliveIntervalMs, mayServe, safetyMarginMs, servingDeadline } from '../../src/cluster/lease-safety.js';

describe('servingDeadline', () => {
  it.each([
    { what: 'TTL 10 s, margin 2 s, sent at 1000', sentAt: 1_000, ttlS: 10, marginMs: 2_000, deadline: 9_000 },
    { what: 'etcd raised a TTL of 1 s to its minimum 2 s', sentAt: 0, ttlS: 2, marginMs: 500, deadline: 1_500 },
    { what: 'counted from the send, not the answer', sentAt: 5_000, ttlS: 5, marginMs: 1_000, deadline: 9_000 },
  ])('$what → $deadline', ({ sentAt, ttlS, marginMs, deadline }) => {
    expect(servingDeadline({ sentAt, ttlS }, marginMs)).toBe(deadline);
  });
});

describe('mayServe', () => {
  it.each([
    { now: 8_999, deadline: 9_000, serve: true },
    { now: 9_000, deadline: 9_000, serve: false },
    { now: 12_000, deadline: 9_000, serve: false },
    { now: 0, deadline: Number.NEGATIVE_INFINITY, serve: false },
  ])('at $now with deadline $deadline: $serve', ({ now, deadline, serve }) => {
    expect(mayServe(now, deadline)).toBe(serve);
  });
});

describe('margin and keepalive period', () => {
  it.each([
    { ttlS: 2, marginMs: 500, intervalMs: 500 },
    { ttlS: 5, marginMs: 1_000, intervalMs: 1_250 },
    { ttlS: 10, marginMs: 2_000, intervalMs: 2_500 },
    { ttlS: 60, marginMs: 12_000, intervalMs: 15_000 },
  ])('TTL $ttlS s: margin $marginMs ms, a keepalive every $intervalMs ms', ({ ttlS, marginMs, intervalMs }) => {
    expect(safetyMarginMs(ttlS)).toBe(marginMs);
    expect(keepAliveIntervalMs(ttlS)).toBe(intervalMs);
  });

  it.each([2, 3, 5, 10, 30, 300])('TTL %i s: two keepalives may be lost in a row before the deadline', (ttlS) => {
    // Sent at 0 and acknowledged; the next two fail; the third, sent at 3 intervals, must still be in time.
    expect(3 * keepAliveIntervalMs(ttlS)).toBeLessThanOrEqual(servingDeadline({ sentAt: 0, ttlS }, safetyMarginMs(ttlS)));
  });
});
