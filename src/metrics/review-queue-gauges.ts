// The review queue per tenant: open flags and how long the oldest has waited. A scrape asks the
// front's review-queue watch to count again when the last count is older than COUNT_EVERY_MS, and
// waits for it at most COUNT_WAIT_MS (an overloaded engine is scraped with the last count). The age
// is computed when scraped, so it grows between counts.

import { Gauge, type Registry } from 'prom-client';

const COUNT_EVERY_MS = 10_000;
const COUNT_WAIT_MS = 2_000;

interface QueueCount {
  depth: number;
  /** flaggedAt of the oldest open flag (engine clock, epoch ms); undefined when none is open. */
  oldestAt: number | undefined;
}

export class ReviewQueueGauges {
  private readonly counts = new Map<string, QueueCount>();
  private clock: () => number = Date.now;
  private countAll: (() => Promise<void>) | undefined;
  private counting: Promise<void> | undefined;
  private lastCountAt = Number.NEGATIVE_INFINITY;

  constructor(registry: Registry) {
    const gauges = this;
    new Gauge({
      name: 'jifen_review_queue_depth',
      help: 'Flags waiting in the tenant review queue (anti-abuse holds), as last counted',
      labelNames: ['tenant'] as const,
      registers: [registry],
      async collect() {
        await gauges.recount();
        for (const [tenant, count] of gauges.counts) this.set({ tenant }, count.depth);
      },
    });
    new Gauge({
      name: 'jifen_review_queue_oldest_age_seconds',
      help: 'How long the oldest flag in the tenant review queue has waited (0: none waits)',
      labelNames: ['tenant'] as const,
      registers: [registry],
      async collect() {
        await gauges.recount();
        for (const tenant of gauges.counts.keys()) this.set({ tenant }, gauges.oldestAgeSeconds(tenant));
      },
    });
  }

  /**
   * `countAll` records every tenant's queue; `clock` is the engine's (flaggedAt is in its time, which
   * JIFEN_CLOCK_OFFSET_MS may move).
   */
  countWith(countAll: () => Promise<void>, clock: () => number): void {
    this.countAll = countAll;
    this.clock = clock;
  }

  record(tenant: string, depth: number, oldestAt: number | undefined): void {
    this.counts.set(tenant, { depth, oldestAt });
  }

  /** Starts a count when the last one is stale; waits for the running one, at most COUNT_WAIT_MS. */
  private async recount(): Promise<void> {
    if (!this.countAll) return;
    if (!this.counting && Date.now() - this.lastCountAt >= COUNT_EVERY_MS) {
      this.lastCountAt = Date.now();
      this.counting = this.countAll()
        .catch((err: unknown) => console.error('jifen: counting the review queues failed:', err instanceof Error ? err.message : err))
        .finally(() => {
          this.counting = undefined;
        });
    }
    if (!this.counting) return;
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, COUNT_WAIT_MS);
    });
    await Promise.race([this.counting, waited]);
    clearTimeout(timer);
  }

  oldestAgeSeconds(tenant: string): number {
    const oldestAt = this.counts.get(tenant)?.oldestAt;
    return oldestAt === undefined ? 0 : Math.max(0, this.clock() - oldestAt) / 1000;
  }
}
