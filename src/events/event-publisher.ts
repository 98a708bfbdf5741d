// Where committed ledger entries go as events (NATS JetStream in production). The shard's outbox
// calls publish() and moves its cursor only after publish() resolves, so nothing is lost.

import type { EventEnvelope } from '../ledger/outbox.js';

export type { EventEnvelope, PointsEvent } from '../ledger/outbox.js';

export interface EventPublisher {
  /** Resolves once every envelope is durably accepted (JetStream publish ack). */
  publish(envelopes: EventEnvelope[]): Promise<void>;
  close(): Promise<void>;
}
