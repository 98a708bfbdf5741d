// In-process event delivery between threads: shard workers publish envelopes on a BroadcastChannel,
// the front's EventHub receives them (for WatchEvents). No server needed: the embedded default.

import { BroadcastChannel } from 'node:worker_threads';
import type { EventEnvelope, EventPublisher } from './event-publisher.js';

export const EVENTS_CHANNEL = 'jifen-events';

export class InProcessPublisher implements EventPublisher {
  private readonly channel = new BroadcastChannel(EVENTS_CHANNEL);

  constructor() {
    // The channel must not keep a shard thread alive on its own.
    this.channel.unref();
  }

  async publish(envelopes: EventEnvelope[]): Promise<void> {
    this.channel.postMessage(envelopes);
  }

  async close(): Promise<void> {
    this.channel.close();
  }
}

/** Receives what every shard's InProcessPublisher sends. */
export function subscribeInProcess(onEnvelopes: (envelopes: EventEnvelope[]) => void): () => void {
  const channel = new BroadcastChannel(EVENTS_CHANNEL);
  channel.unref();
  channel.onmessage = (message) => onEnvelopes((message as MessageEvent).data as EventEnvelope[]);
  return () => channel.close();
}
