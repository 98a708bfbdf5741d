// Turns a committed batch's entries into outbox records: one envelope per (tenant, event kind), so a
// batch of thousands of earns is a handful of JetStream messages instead of thousands.

import type { EntryType, LedgerEntry } from '../actor/entries.js';
import { entryIdOf } from '../actor/entries.js';
import type { EventEnvelope, OutboxRecord, PointsEvent } from '../ledger/outbox.js';
import { RISK_FLAGGED, flaggedRuleOf, isReviewQueueEntry, reviewEventOf } from '../actor/risk/risk-events.js';

export const EVENT_OF_ENTRY: Record<EntryType, string> = {
  earn: 'earned',
  redeem: 'redeemed',
  reverse: 'reversed',
  adjust: 'adjusted',
  expire: 'expired',
  enroll: 'enrolled',
  activity: 'activity_rewarded',
  tier: 'tier_changed',
  referral: 'referral_rewarded',
  notice: 'expiring_soon',
  hold: 'points_held',
  capture: 'hold_captured',
  release: 'hold_released',
  transfer_out: 'transferred_out',
  transfer_in: 'transferred_in',
  stock: 'stock_changed',
  redeem_reward: 'reward_redeemed',
  lottery_draw: 'lottery_drawn',
  redemption_update: 'redemption_updated',
  import: 'imported',
  review: 'reviewed',
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
  const add = (e: LedgerEntry, event: string, extra: Partial<PointsEvent>) => {
    const group = `${e.tenantId}\u0000${event}`;
    const bytes = encodedBytesAtMost(e);
    let envelope = envelopes.get(group);
    if (!envelope || envelope.events.length === MAX_EVENTS_PER_ENVELOPE || (sizes.get(envelope) as number) + bytes > MAX_ENVELOPE_BYTES) {
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
      ...extra,
    });
  };
  for (const e of entries) {
    if (isReviewQueueEntry(e)) continue; // the review queue's own bookkeeping is no points event
    const change = e.detail?.tierChange;
    // An earn that crosses a threshold is two facts for consumers: points earned, tier changed.
    const soon = e.detail?.expiringSoon;
    if (soon) add(e, EVENT_OF_ENTRY.notice, { points: soon.points, expiresAt: soon.expiresAt });
    else if (e.type !== 'tier') add(e, reviewEventOf(e) ?? EVENT_OF_ENTRY[e.type], referenceOf(e));
    if (change) add(e, EVENT_OF_ENTRY.tier, { tierFrom: change.from, tierTo: change.to, tierReason: change.reason });
    const flagged = flaggedRuleOf(e);
    if (flagged) add(e, RISK_FLAGGED, { reason: flagged });
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

/** What ties the entry to other entries: a transfer's id and counterparty, a hold, a redemption and its reward. */
function referenceOf(e: LedgerEntry): Partial<PointsEvent> {
  const d = e.detail;
  if (!d) return {};
  if (d.transfer) return { reference: d.transfer.transferId, counterparty: d.transfer.counterparty };
  if (d.hold) return { reference: d.hold.holdId };
  if (d.redemption) return { reference: d.redemption.redemptionId, counterparty: d.redemption.rewardId };
  if (d.stock) return { reference: d.stock.redemptionId, counterparty: d.stock.buyerId };
  return {};
}

/**
 * An upper bound of one event's protobuf size: its strings at 3 bytes a character (UTF-8 worst case
 * for the BMP), the entry id (tenant:member:seq), ~64 bytes of numbers, tags and lengths, and room
 * for the tier fields (level ids are short).
 */
function encodedBytesAtMost(e: LedgerEntry): number {
  const text = e.tenantId.length * 2 + e.memberId.length * 2 + e.orderId.length + e.idempotencyKey.length + e.reason.length;
  // reference and counterparty: ids of at most ~400 characters together (entry ids, member ids)
  const reference = e.detail && (e.detail.transfer || e.detail.hold || e.detail.redemption || e.detail.stock) ? 3 * 400 + 8 : 0;
  return 64 + 3 * text + 16 + 96 + reference;
}
