// How many member actors a shard thread may keep when its heap is bounded (JIFEN_SHARD_HEAP_MB): the
// live actors must fit whatever a program makes a member's state weigh, or the thread runs out of
// memory. A pure decision: after each batch it sees how much of the heap is in use; above LOOK of the
// limit it asks for the live size (what a full collection leaves), at most once per MEASURE_EVERY_MS
// unless the heap is above URGENT; live above PRESSURE keeps as many fewer actors as bring it back to
// TARGET (the oldest are passivated, CLOCK in actor-cache.ts; the ledger re-activates them exactly when next
// needed); in use below RELIEF lets the number grow back toward the configured one
// (JIFEN_ACTORS_PER_SHARD). Unbounded heaps never get near LOOK and keep the configured number.

export const LOOK = 0.7;
export const URGENT = 0.85;
export const PRESSURE = 0.6;
export const TARGET = 0.45;
export const RELIEF = 0.35;
export const MEASURE_EVERY_MS = 2_000;
/** Never fewer than this many actors per shard: a batch's own members must fit. */
export const MIN_ACTORS = 5_000;

export interface HeapUse {
  usedBytes: number;
  limitBytes: number;
}

export class ActorBudget {
  private actors: number;
  private lastMeasure = Number.NEGATIVE_INFINITY;

  constructor(readonly configured: number) {
    this.actors = configured;
  }

  /** Actors each shard of the thread may keep now. */
  get limit(): number {
    return this.actors;
  }

  /**
   * After a batch: the heap in use, the most actors any shard of the thread holds (`active`), and a way
   * to measure the live heap (a full collection, called only when needed). Answers the new limit.
   */
  next(use: HeapUse, active: number, nowMs: number, measureLive: () => number): number {
    if (use.usedBytes < RELIEF * use.limitBytes) {
      // Whatever is live is below what is in use: there is room.
      if (this.actors < this.configured) this.actors = Math.min(this.configured, Math.ceil(this.actors * 1.25));
      return this.actors;
    }
    if (use.usedBytes < LOOK * use.limitBytes) return this.actors;
    if (use.usedBytes < URGENT * use.limitBytes && nowMs - this.lastMeasure < MEASURE_EVERY_MS) return this.actors;
    this.lastMeasure = nowMs;
    const live = measureLive();
    if (live > PRESSURE * use.limitBytes) {
      const held = Math.min(this.actors, active);
      this.actors = Math.max(MIN_ACTORS, Math.floor((held * TARGET * use.limitBytes) / live));
    }
    return this.actors;
  }
}
