// Moves a shard's committed outbox to the event bus: read after the published cursor, publish, and
// only then advance the cursor. A publish that fails (bus down, timeout) is retried with backoff, so
// every entry is published at least once, across outages and restarts (invariant 5).
//
// Rounds can be spaced (`roundIntervalMs`): a commit that comes less than that after the previous
// round started waits for the next one, so under load one round carries many commits' envelopes.
// Each round costs a bus round trip (a JetStream publish ack), whose CPU on the shard's thread
// matters more than the few records in it; the spacing bounds rounds per second, not their size.

import type { LedgerStore, OutboxRecord } from '../ledger/store.js';
import type { EventPublisher } from './event-publisher.js';

export interface OutboxRelayOptions {
  /** Outbox records (envelopes) per publish round. */
  recordsPerRound: number;
  /** A round starts at least this long after the previous (non-empty) one started (0: at once). */
  roundIntervalMs: number;
  retryMinMs: number;
  retryMaxMs: number;
  onError?: (err: unknown) => void;
}

const DEFAULTS: OutboxRelayOptions = { recordsPerRound: 256, roundIntervalMs: 0, retryMinMs: 100, retryMaxMs: 5_000 };

export class OutboxRelay {
  private running = false;
  private again = false;
  private closed = false;
  private retryMs: number;
  private retryTimer: NodeJS.Timeout | undefined;
  /** Set while a kick waits for the round interval to pass. */
  private spacingTimer: NodeJS.Timeout | undefined;
  private lastRoundAt = Number.NEGATIVE_INFINITY;
  private idle: Promise<void> = Promise.resolve();
  /** Records just committed, handed over in memory so the steady state never reads the outbox back. */
  private fresh: OutboxRecord[] = [];

  private constructor(
    private readonly store: LedgerStore,
    private readonly publishers: EventPublisher[],
    private published: number,
    private readonly options: OutboxRelayOptions,
  ) {
    this.retryMs = options.retryMinMs;
  }

  /** Publishers run in order for each round (e.g. NATS, then the in-process hub). */
  static async open(store: LedgerStore, publishers: EventPublisher[], options: Partial<OutboxRelayOptions> = {}): Promise<OutboxRelay> {
    const { publishedId } = await store.outboxPosition();
    const relay = new OutboxRelay(store, publishers, publishedId, { ...DEFAULTS, ...options });
    relay.kick(); // whatever a previous run committed but did not publish goes out first
    return relay;
  }

  get publishedId(): number {
    return this.published;
  }

  /** Called after each commit with its outbox records: starts a drain, or asks the running one to look again. */
  kick(committed: OutboxRecord[] = []): void {
    for (const record of committed) this.fresh.push(record);
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.retryTimer || this.spacingTimer) return; // a round is already scheduled
    const wait = this.lastRoundAt + this.options.roundIntervalMs - Date.now();
    if (wait > 0) {
      this.spacingTimer = setTimeout(() => {
        this.spacingTimer = undefined;
        this.kick();
      }, wait);
      return;
    }
    this.running = true;
    this.idle = this.drain().finally(() => {
      this.running = false;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  /**
   * Stops retrying and waits for the round in progress, then publishes once more what waited for the
   * round interval; what is still unpublished after that stays in the outbox for the next start.
   */
  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    clearTimeout(this.spacingTimer);
    this.spacingTimer = undefined;
    await this.idle;
    if (this.fresh.length > 0) {
      this.idle = this.drain();
      await this.idle;
    }
  }

  /** The in-memory records, if they continue exactly where the cursor stands. */
  private takeFresh(): OutboxRecord[] | undefined {
    while (this.fresh.length > 0 && this.fresh[0].id <= this.published) this.fresh.shift();
    if (this.fresh.length === 0 || this.fresh[0].id !== this.published + 1) {
      this.fresh = [];
      return undefined;
    }
    return this.fresh.splice(0, this.options.recordsPerRound);
  }

  private async drain(): Promise<void> {
    try {
      for (;;) {
        const records = this.takeFresh() ?? (await this.store.readOutbox(this.published, this.options.recordsPerRound));
        if (records.length === 0) break;
        this.lastRoundAt = Date.now(); // only a round that publishes something spaces the next
        const envelopes = records.map((r) => r.envelope);
        for (const publisher of this.publishers) await publisher.publish(envelopes);
        const last = records[records.length - 1].id;
        await this.store.markPublished(last);
        this.published = last;
        this.retryMs = this.options.retryMinMs;
        // A full round means a backlog (after an outage or a restart): go on at once. Otherwise what
        // was committed meanwhile kicked again and waits for the round interval.
        if (this.closed || records.length < this.options.recordsPerRound) break;
      }
    } catch (err) {
      this.fresh = []; // after a failure the store is the source again
      this.options.onError?.(err);
      if (this.closed) return;
      const wait = this.retryMs;
      this.retryMs = Math.min(this.retryMs * 2, this.options.retryMaxMs);
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        this.kick();
      }, wait);
    }
  }
}
