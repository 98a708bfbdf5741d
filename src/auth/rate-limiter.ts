// Token buckets per caller (API key or client certificate), sized by the caller's role: a key spends
// one token per call, a SubmitBatch one per command; an empty bucket refuses with the time until the
// tokens it needs are back. Per engine: behind a load balancer over N engines a key may make up to N
// times its rate in all. Pure apart from the clock it is given.

import type { Role } from './api-key.js';

export interface RoleLimit {
  perSecond: number;
  burst: number;
}

export type RateDecision = { ok: true } | { ok: false; retryAfterMs: number; limit: RoleLimit; cost: number };

interface Bucket {
  tokens: number;
  at: number;
}

const ALLOWED: RateDecision = Object.freeze({ ok: true });

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limits: Partial<Record<Role, RoleLimit>>,
    /** Milliseconds, monotonic. */
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** Takes cost tokens from caller's bucket, or says how long until it could. */
  take(callerId: string, role: Role | null, cost: number): RateDecision {
    const limit = role === null ? undefined : this.limits[role];
    if (!limit) return ALLOWED;
    const now = this.clock();
    let bucket = this.buckets.get(callerId);
    if (!bucket) {
      bucket = { tokens: limit.burst, at: now };
      this.buckets.set(callerId, bucket);
    } else {
      bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.at) * limit.perSecond) / 1000);
      bucket.at = now;
    }
    if (cost <= bucket.tokens) {
      bucket.tokens -= cost;
      return ALLOWED;
    }
    // More than the burst can never pass at once: the hint is the time to a full bucket.
    const missing = Math.min(cost, limit.burst) - bucket.tokens;
    return { ok: false, retryAfterMs: Math.max(1, Math.ceil((missing * 1000) / limit.perSecond)), limit, cost };
  }
}
