// Outbox lag per shard: how long the oldest committed but unpublished outbox record has waited.
// The front learns of commits from batch replies (the highest outbox id committed so far) and of
// publishing from the in-process event channel, which every shard feeds after the durable bus has
// acknowledged (each envelope's batch id names its shard and outbox id). The age is computed when
// scraped, so a relay stuck behind a bus outage shows a lag that grows without any traffic.

import { Gauge, type Registry } from 'prom-client';

/** Commits learned less than this apart share one mark: bounds the marks kept to one a second of backlog. */
const MARK_SPAN_MS = 1_000;

interface Mark {
  /** Highest outbox id committed when `at` was marked (records after the previous mark's id). */
  id: number;
  at: number;
}

interface ShardOutbox {
  published: number;
  /** Unpublished commits, ids increasing. */
  marks: Mark[];
}

export class OutboxLag {
  private readonly shards = new Map<number, ShardOutbox>();

  constructor(
    registry: Registry,
    private readonly now: () => number = Date.now,
  ) {
    const lag = this;
    new Gauge({
      name: 'jifen_outbox_lag_seconds',
      help: 'Age of the oldest committed outbox record not yet published to the event bus, per shard (0: all published)',
      labelNames: ['shard'] as const,
      registers: [registry],
      collect() {
        for (const shard of lag.shards.keys()) this.set({ shard }, lag.ageSeconds(shard));
      },
    });
  }

  /** Shows the shard (at 0) before its first commit. */
  watch(shard: number): void {
    this.outboxOf(shard);
  }

  /** Every outbox record of the shard up to `outboxId` is committed (learned now). */
  committed(shard: number, outboxId: number): void {
    const outbox = this.outboxOf(shard);
    const last = outbox.marks[outbox.marks.length - 1];
    // The channel may deliver a record's publication before the batch reply that committed it.
    if (outboxId <= Math.max(outbox.published, last?.id ?? 0)) return;
    const at = this.now();
    // Extending the last mark reports its earlier time: an over-estimate of at most MARK_SPAN_MS.
    if (last && at - last.at < MARK_SPAN_MS) last.id = outboxId;
    else outbox.marks.push({ id: outboxId, at });
  }

  /** Records of the shard up to `outboxId` are published. */
  published(shard: number, outboxId: number): void {
    const outbox = this.outboxOf(shard);
    if (outboxId <= outbox.published) return;
    outbox.published = outboxId;
    let done = 0;
    while (done < outbox.marks.length && outbox.marks[done].id <= outboxId) done++;
    if (done > 0) outbox.marks.splice(0, done);
  }

  /** Seconds since the oldest unpublished commit of the shard was learned; 0 when none waits. */
  ageSeconds(shard: number): number {
    const oldest = this.shards.get(shard)?.marks[0];
    return oldest ? Math.max(0, this.now() - oldest.at) / 1000 : 0;
  }

  private outboxOf(shard: number): ShardOutbox {
    let outbox = this.shards.get(shard);
    if (!outbox) {
      outbox = { published: 0, marks: [] };
      this.shards.set(shard, outbox);
    }
    return outbox;
  }
}
