// Turns a committed batch's entries into outbox records: one envelope per (tenant, event kind), so a
// batch of thousands of earns is a handful of JetStream messages instead of thousands.

import type { EntryType, LedgerEntry } from '../actor/entries.js';
import { entryIdOf } from '../actor/entries.js';
import type { OutboxRecord } from '../ledger/store.js';
import type { EventEnvelope } from './event-publisher.js';

export const EVENT_OF_ENTRY: Record<EntryType, string> = {
  earn: 'earned',
  redeem: 'redeemed',
  reverse: 'reversed',
  adjust: 'adjusted',
  expire: 'expired',
};

/** Envelope limits, keeping a JetStream message well under NATS's default 1 MiB payload limit. */
export const MAX_EVENTS_PER_ENVELOPE = 2_000;
export const MAX_ENVELOPE_BYTES = 512 * 1024;

/**
 * Records numbered from firstId upwards. batchId `<ledger id>-<shard>-<id>` is stable, so a
 * re-publish is deduplicated, and unique across ledgers, so a fresh data directory publishing into
 * an old stream is not mistaken for duplicates.
 */
export function outboxRecordsOf(entries: LedgerEntry[], ledgerId: string, shard: number, firstId: number): OutboxRecord[] {
  const envelopes = new Map<string, EventEnvelope>();
  const sizes = new Map<EventEnvelope, number>();
  const full: EventEnvelope[] = [];
  for (const e of entries) {
    const event = EVENT_OF_ENTRY[e.type];
    const group = `${e.tenantId}\u0000${event}`;
    const bytes = encodedBytesAtMost(e);
    let envelope = envelopes.get(group);
    if (
      !envelope ||
      envelope.events.length === MAX_EVENTS_PER_ENVELOPE ||
      (sizes.get(envelope) as number) + bytes > MAX_ENVELOPE_BYTES
    ) {
      if (envelope) full.push(envelope);
      envelope = { batchId: '', tenantId: e.tenantId, event, events: [] };
      envelopes.set(group, envelope);
      sizes.set(envelope, 0);
    }
    sizes.set(envelope, (sizes.get(envelope) as number) + bytes);
    envelope.events.push({
      entryId: entryIdOf(e.tenantId, e.memberId, e.seq),
      tenantId: e.tenantId,
      memberId: e.memberId,
      seq: e.seq,
      event,
      points: e.points,
      balanceAfter: e.balanceAfter,
      orderId: e.orderId,
      idempotencyKey: e.idempotencyKey,
      reason: e.reason,
      createdAt: e.createdAt,
    });
  }
  const records: OutboxRecord[] = [];
  let id = firstId;
  for (const envelope of [...full, ...envelopes.values()]) {
    envelope.batchId = `${ledgerId}-${shard}-${id}`;
    records.push({ id, envelope });
    id++;
  }
  return records;
}

/**
 * An upper bound of one event's protobuf size: its strings at 3 bytes a character (UTF-8 worst case
 * for the BMP), the entry id (tenant:member:seq), and ~64 bytes of numbers, tags and lengths.
 */
function encodedBytesAtMost(e: LedgerEntry): number {
  const text = e.tenantId.length * 2 + e.memberId.length * 2 + e.orderId.length + e.idempotencyKey.length + e.reason.length;
  return 64 + 3 * text + 16;
}
