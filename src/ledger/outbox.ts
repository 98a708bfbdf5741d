// What a committed batch leaves in its shard's outbox: the events of its entries, grouped into
// envelopes (the unit of publishing). The ledger stores them; src/events builds and publishes them.

/** One ledger entry as an event. Carries (tenant, member, seq) so consumers can drop duplicates. */
export interface PointsEvent {
  entryId: string;
  tenantId: string;
  memberId: string;
  seq: number;
  /** earned | redeemed | reversed | adjusted | expired | enrolled | activity_rewarded | tier_changed. */
  event: string;
  points: number;
  balanceAfter: number;
  orderId: string;
  idempotencyKey: string;
  reason: string;
  createdAt: number;
  /** tier_changed only: levels before and after, and why (upgrade, retain, downgrade). */
  tierFrom?: string;
  tierTo?: string;
  tierReason?: string;
  /** expiring_soon only: when `points` expire (epoch ms). */
  expiresAt?: number;
  /** The transfer, hold or redemption the entry belongs to (both sides of a transfer share it). */
  reference?: string;
  /** Transfers: the other member, the charity account or the partner; redemptions: the reward. */
  counterparty?: string;
}

/**
 * The unit of publishing: the events of one committed batch for one (tenant, event) pair.
 * One JetStream message each, message id = batchId, so a re-publish after a crash is deduplicated.
 */
export interface EventEnvelope {
  /** `<ledger id>-<shard>-<outbox id>`: unique and stable across re-publishing. */
  batchId: string;
  tenantId: string;
  event: string;
  events: PointsEvent[];
}

/** An event envelope waiting in the shard's outbox; ids increase by one per record, per shard. */
export interface OutboxRecord {
  id: number;
  envelope: EventEnvelope;
}
