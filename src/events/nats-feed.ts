// Cluster mode: the events of every node, for this node's WatchEvents. Each node's outbox relays
// publish the events of the ledger shards it owns to NATS; a node's EventHub takes them all from there
// (a plain subscription to `jifen.>`, live only: the hub is a ring of recent events, and consumers that
// need history read the JetStream stream). An envelope may arrive twice (a relay's retry, or its own
// shards' in-process copy first): the batch id, stable per outbox record, drops the second.

import { connect, type NatsConnection, type Subscription } from 'nats';
import { decodeEnvelope } from './event-codec.js';
import type { EventEnvelope } from './event-publisher.js';

/** Batch ids remembered to drop repeats; a repeat older than this many envelopes is let through. */
const SEEN = 100_000;

export class NatsEventFeed {
  private readonly seen = new Set<string>();

  private constructor(
    private readonly connection: NatsConnection,
    private readonly subscription: Subscription,
  ) {}

  /** Subscribes; `onEnvelopes` gets each envelope once (by batch id) from then on. */
  static async subscribe(url: string, onEnvelopes: (envelopes: EventEnvelope[]) => void): Promise<NatsEventFeed> {
    const connection = await connect({ servers: url, maxReconnectAttempts: -1, reconnectTimeWait: 1_000, name: 'jifen-event-feed' });
    const subscription = connection.subscribe('jifen.>');
    const feed = new NatsEventFeed(connection, subscription);
    void (async () => {
      for await (const message of subscription) {
        let envelope: EventEnvelope;
        try {
          envelope = decodeEnvelope(message.data);
        } catch {
          continue; // not an envelope of ours
        }
        if (feed.firstTime(envelope.batchId)) onEnvelopes([envelope]);
      }
    })();
    return feed;
  }

  /** Also marks envelopes that reached the hub another way (this node's own shards), so their NATS copy is dropped. */
  firstTime(batchId: string): boolean {
    if (this.seen.has(batchId)) return false;
    this.seen.add(batchId);
    if (this.seen.size > SEEN) this.seen.delete(this.seen.values().next().value as string);
    return true;
  }

  async close(): Promise<void> {
    this.subscription.unsubscribe();
    if (!this.connection.isClosed()) await this.connection.drain();
  }
}
