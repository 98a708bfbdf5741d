// Cross-member velocity windows (per device, IP, payment fingerprint, store): the interface a shard
// uses once per batch, its flat wire format, and the in-process implementation (the reference the
// Redis script in redis-windows.ts mirrors). A reservation is atomic per command: either every
// counter of the command is within its blocking limits and all of them count it, or none does.

import { type Buckets, addToBuckets, bucketMsOf, countIn, oldestIndex, pointsIn, retryAfterMs } from '../rules/sliding-window.js';

/** A counter check: [CHECK_COUNTER, key, windowMs, maxCount, maxPoints, cost] (0 = no limit). */
export const CHECK_COUNTER = 0;
/** A distinct-members check: [CHECK_DISTINCT, key, windowMs, member index, 0, 0]; never blocks. */
export const CHECK_DISTINCT = 1;
export const CHECK_WIDTH = 6;
/** A correction: [key, windowMs, bucket index, count delta, points delta]. */
export const CORRECTION_WIDTH = 5;

/**
 * One batch's reservations. `ops` holds, per command, its number of checks and then the checks
 * (CHECK_WIDTH numbers each); keys and members are referenced by index.
 */
export interface ReserveRequest {
  now: number;
  keys: string[];
  members: string[];
  ops: number[];
  opCount: number;
}

/**
 * Per command: status (0 = admitted and counted; k > 0 = refused by check k − 1, nothing counted),
 * retry-after in ms when refused, then per check the window's count and points before the command
 * (a distinct check: members seen in the window, this one included; 0 when refused).
 */
export type ReserveReply = number[];

/** Changes to counters after the fact: refunds of commands refused later, points known only after deciding. */
export interface Corrections {
  keys: string[];
  values: number[];
}

export interface SharedWindows {
  reserve(request: ReserveRequest): Promise<ReserveReply>;
  /** Applied before this caller's next reserve (same connection, same order), or dropped if the store is gone. */
  settle(corrections: Corrections): void;
  close(): Promise<void>;
}

/** The store could not be asked; the shard applies the configured failure policy. */
export class SharedWindowsUnavailable extends Error {
  override name = 'SharedWindowsUnavailable';
}

/** Keys not touched for this long past their window are forgotten by the periodic sweep. */
const SWEEP_EVERY_MS = 60_000;
/** Hard bounds on memory, far above what the windows of one engine need. */
const MAX_COUNTERS = 1_000_000;
const MAX_DISTINCT_PER_KEY = 10_000;

interface Counter {
  windowMs: number;
  buckets: Buckets;
}

interface Distinct {
  windowMs: number;
  /** member → last seen; insertion order = recency (re-seen members move to the end). */
  seen: Map<string, number>;
}

/** Everything in this process's memory: one JavaScript thread owns it (the front, or a test). */
export class InProcessWindows implements SharedWindows {
  private readonly counters = new Map<string, Counter>();
  private readonly distinct = new Map<string, Distinct>();
  private lastSweep = 0;

  async reserve(request: ReserveRequest): Promise<ReserveReply> {
    return this.reserveNow(request);
  }

  settle(corrections: Corrections): void {
    this.correct(corrections);
  }

  async close(): Promise<void> {}

  get size(): number {
    return this.counters.size + this.distinct.size;
  }

  reserveNow(request: ReserveRequest): ReserveReply {
    const { now, keys, members, ops } = request;
    this.sweep(now);
    const reply: number[] = [];
    let at = 0;
    for (let op = 0; op < request.opCount; op++) {
      const checks = ops[at++];
      const first = at;
      const head = reply.length;
      reply.push(0, 0);
      let status = 0;
      let retry = 0;
      for (let k = 0; k < checks; k++, at += CHECK_WIDTH) {
        if (ops[at] !== CHECK_COUNTER) {
          reply.push(0, 0);
          continue;
        }
        const windowMs = ops[at + 2];
        const maxCount = ops[at + 3];
        const maxPoints = ops[at + 4];
        const cost = ops[at + 5];
        const buckets = this.counters.get(keys[ops[at + 1]])?.buckets ?? [];
        const count = countIn(buckets, windowMs, now);
        const points = pointsIn(buckets, windowMs, now);
        reply.push(count, points);
        if (status === 0 && ((maxCount > 0 && count + 1 > maxCount) || (maxPoints > 0 && points + cost > maxPoints))) {
          status = k + 1;
          retry = retryAfterMs(buckets, windowMs, now, maxCount, maxPoints, cost);
        }
      }
      reply[head] = status;
      reply[head + 1] = retry;
      if (status !== 0) continue;
      for (let k = 0, c = first; k < checks; k++, c += CHECK_WIDTH) {
        const key = keys[ops[c + 1]];
        const windowMs = ops[c + 2];
        if (ops[c] === CHECK_COUNTER) addToBuckets(this.counterOf(key, windowMs).buckets, windowMs, now, 1, ops[c + 5]);
        else reply[head + 2 + 2 * k] = this.see(key, windowMs, members[ops[c + 3]], now);
      }
    }
    return reply;
  }

  private correct({ keys, values }: Corrections): void {
    for (let i = 0; i < values.length; i += CORRECTION_WIDTH) {
      const counter = this.counters.get(keys[values[i]]);
      if (!counter) continue; // forgotten: its window has passed, nothing to correct
      const buckets = counter.buckets;
      for (let b = 0; b < buckets.length; b += 3) {
        if (buckets[b] !== values[i + 2]) continue;
        buckets[b + 1] = Math.max(0, buckets[b + 1] + values[i + 3]);
        buckets[b + 2] = Math.max(0, buckets[b + 2] + values[i + 4]);
      }
    }
  }

  private counterOf(key: string, windowMs: number): Counter {
    let counter = this.counters.get(key);
    if (!counter) {
      if (this.counters.size >= MAX_COUNTERS) this.dropOldest(this.counters, MAX_COUNTERS / 10);
      counter = { windowMs, buckets: [] };
      this.counters.set(key, counter);
    }
    return counter;
  }

  /** Marks `member` seen on `key` at now; returns the distinct members seen within the window. */
  private see(key: string, windowMs: number, member: string, now: number): number {
    let set = this.distinct.get(key);
    if (!set) {
      if (this.distinct.size >= MAX_COUNTERS) this.dropOldest(this.distinct, MAX_COUNTERS / 10);
      set = { windowMs, seen: new Map() };
      this.distinct.set(key, set);
    }
    const seen = set.seen;
    seen.delete(member);
    seen.set(member, now);
    for (const [m, at] of seen) {
      if (at > now - windowMs && seen.size <= MAX_DISTINCT_PER_KEY) break;
      seen.delete(m);
    }
    return seen.size;
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    for (const [key, { windowMs, buckets }] of this.counters) {
      if (buckets.length === 0 || buckets[buckets.length - 3] < oldestIndex(windowMs, now)) this.counters.delete(key);
    }
    for (const [key, { windowMs, seen }] of this.distinct) {
      let newest = 0;
      for (const at of seen.values()) newest = at;
      if (newest <= now - windowMs - bucketMsOf(windowMs)) this.distinct.delete(key);
    }
  }

  private dropOldest(map: Map<string, unknown>, count: number): void {
    let left = count;
    for (const key of map.keys()) {
      map.delete(key);
      if (--left <= 0) break;
    }
  }
}
