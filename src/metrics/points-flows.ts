// Points flows by tenant, counted from the published event stream: every committed entry reaches the
// front as an event on the in-process channel (after the durable bus acknowledged it), housekeeping's
// expiries included, so counting there sees every flow without touching the shards or the pure core.
// Envelopes are typed structurally: the metrics folder imports nothing from the rest of src.

import type { EngineMetrics } from './registry.js';

/** The parts of an outbox envelope (src/ledger/outbox.ts) that the flows and the outbox lag read. */
export interface PublishedEnvelope {
  /** `<ledger id>-<shard>-<outbox id>`. */
  batchId: string;
  tenantId: string;
  event: string;
  /** `reference`: the hold id on hold events (and other entries' references). */
  events: readonly { points: number; reference?: string }[];
}

/** Events whose negative points are spent by the member; other negative points are taken back. */
const SPENT = new Set(['redeemed', 'reward_redeemed', 'lottery_drawn', 'hold_captured']);

/**
 * Events that move no points of their own, or move them between members: their `points` repeat the
 * entry's (tier_changed, risk_flagged), name points without moving them (expiring_soon), or are counted
 * already (review_approved makes held points available that the earn counted as issued).
 */
const NOT_FLOWS = new Set([
  'tier_changed',
  'risk_flagged',
  'expiring_soon',
  'review_approved',
  'transferred_in',
  'transferred_out',
  'points_held',
  'hold_released',
  'stock_changed',
]);

/** Hold lifecycle events and the step each counts as. */
const HOLD_STEPS: Record<string, 'opened' | 'captured' | 'released'> = {
  points_held: 'opened',
  hold_captured: 'captured',
  hold_released: 'released',
};

/** Counts the points flows, hold steps and open holds, and the outbox publication, of envelopes the front received. */
export function recordPublished(metrics: EngineMetrics, envelopes: readonly PublishedEnvelope[]): void {
  for (const envelope of envelopes) {
    const { tenantId: tenant, event } = envelope;
    const step = HOLD_STEPS[event];
    if (step) recordHolds(metrics, tenant, step, envelope.events);
    if (!NOT_FLOWS.has(event)) recordFlows(metrics, tenant, event, envelope.events);
    const source = outboxSourceOf(envelope.batchId);
    if (source) metrics.outboxLag.published(source.shard, source.outboxId);
  }
}

function recordHolds(
  metrics: EngineMetrics,
  tenant: string,
  step: 'opened' | 'captured' | 'released',
  events: PublishedEnvelope['events'],
): void {
  metrics.holds.inc({ tenant, step }, events.length);
  for (const e of events) {
    if (e.reference === undefined || e.reference === '') continue;
    if (step === 'opened') metrics.openHolds.opened(tenant, e.reference);
    else metrics.openHolds.settled(tenant, e.reference);
  }
}

function recordFlows(metrics: EngineMetrics, tenant: string, event: string, events: readonly { points: number }[]): void {
  let credited = 0;
  let debited = 0;
  for (const e of events) {
    if (e.points > 0) credited += e.points;
    else debited -= e.points;
  }
  if (event === 'expired') {
    if (debited > 0) metrics.pointsExpired.inc({ tenant }, debited);
    return;
  }
  if (credited > 0) metrics.pointsIssued.inc({ tenant, event }, credited);
  if (debited > 0) (SPENT.has(event) ? metrics.pointsRedeemed : metrics.pointsReversed).inc({ tenant, event }, debited);
}

/** Shard and outbox id from `<ledger id>-<shard>-<outbox id>` (the ledger id may itself hold dashes). */
export function outboxSourceOf(batchId: string): { shard: number; outboxId: number } | undefined {
  const parts = batchId.split('-');
  if (parts.length < 3) return undefined;
  const shard = Number(parts[parts.length - 2]);
  const outboxId = Number(parts[parts.length - 1]);
  return Number.isInteger(shard) && Number.isInteger(outboxId) ? { shard, outboxId } : undefined;
}
