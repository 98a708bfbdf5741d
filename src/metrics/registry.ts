// The engine's Prometheus metrics, one registry, and the few helpers that record into it.

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { OpenHolds } from './open-holds.js';
import { OutboxLag } from './outbox-lag.js';
import { ReviewQueueGauges } from './review-queue-gauges.js';

export class EngineMetrics {
  readonly registry = new Registry();

  readonly rpcs = new Counter({
    name: 'jifen_rpc_total',
    help: 'gRPC calls by method and status code',
    labelNames: ['method', 'code'] as const,
    registers: [this.registry],
  });

  readonly rpcSeconds = new Histogram({
    name: 'jifen_rpc_duration_seconds',
    help: 'gRPC call latency from decode to reply, by method',
    labelNames: ['method'] as const,
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2],
    registers: [this.registry],
  });

  readonly commands = new Counter({
    name: 'jifen_commands_total',
    help: 'Commands applied by shards, by kind and outcome (ok or the rejection kind)',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly batchOps = new Histogram({
    name: 'jifen_shard_batch_ops',
    help: 'Operations per micro-batch message to a shard',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000],
    registers: [this.registry],
  });

  readonly commitSeconds = new Histogram({
    name: 'jifen_ledger_commit_duration_seconds',
    help: 'Durable group-commit latency per batch',
    buckets: [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5],
    registers: [this.registry],
  });

  readonly mailboxDepth = new Gauge({
    name: 'jifen_mailbox_depth',
    help: 'Operations queued or in flight per shard',
    labelNames: ['shard'] as const,
    registers: [this.registry],
  });

  readonly activeActors = new Gauge({
    name: 'jifen_active_actors',
    help: 'Member actors held in memory per shard',
    labelNames: ['shard'] as const,
    registers: [this.registry],
  });

  readonly activations = new Counter({
    name: 'jifen_actor_activations_total',
    help: 'Member actors activated from the ledger',
    labelNames: ['shard'] as const,
    registers: [this.registry],
  });

  readonly rejectedAtMailbox = new Counter({
    name: 'jifen_mailbox_rejections_total',
    help: 'Operations refused before reaching a shard (mailbox full, deadline passed, shutting down)',
    labelNames: ['shard', 'reason'] as const,
    registers: [this.registry],
  });

  readonly followUps = new Counter({
    name: 'jifen_follow_ups_total',
    help: 'Cross-member follow-ups (referral rewards) delivered, refused for good by their target, or retried',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly sagas = new Counter({
    name: 'jifen_redemption_sagas_total',
    help: 'Redemption and lottery sagas: settled as sold or cancelled (the buyer refused; units back on sale); resumed after a restart, and of those found already settled',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly sagasInFlight = new Gauge({
    name: 'jifen_redemption_sagas_in_flight',
    help: 'Redemption and lottery sagas between their reservation and its settlement',
    registers: [this.registry],
  });

  readonly stockLeft = new Gauge({
    name: 'jifen_reward_units_left',
    help: 'Units of a reward (or lottery prize) left for sale after its latest reservation',
    labelNames: ['tenant', 'reward', 'unit'] as const,
    registers: [this.registry],
  });

  readonly housekeepingEntries = new Counter({
    name: 'jifen_housekeeping_entries_total',
    help: 'Entries written by housekeeping: expiries, expiring-soon notices, tier reviews',
    labelNames: ['shard'] as const,
    registers: [this.registry],
  });

  readonly riskDecisions = new Counter({
    name: 'jifen_risk_decisions_total',
    help: 'Anti-abuse decisions by policy or rule that fired (none: allowed) and outcome (allow, reject, review, unavailable)',
    labelNames: ['policy', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly riskStoreFailures = new Counter({
    name: 'jifen_risk_store_failures_total',
    help: 'Batches whose cross-member velocity windows could not be reserved (Redis down), by failure policy (open, closed)',
    labelNames: ['policy'] as const,
    registers: [this.registry],
  });

  readonly pointsIssued = new Counter({
    name: 'jifen_points_issued_total',
    help: 'Points credited to members by tenant and the event that credited them (earned, enrolled, activity_rewarded, referral_rewarded, imported, adjusted, redemption_updated: points returned, lottery_drawn: a points prize above its price), counted as their events are published',
    labelNames: ['tenant', 'event'] as const,
    registers: [this.registry],
  });

  readonly pointsRedeemed = new Counter({
    name: 'jifen_points_redeemed_total',
    help: 'Points spent by tenant and the event that spent them (redeemed, reward_redeemed, lottery_drawn, hold_captured), counted as their events are published',
    labelNames: ['tenant', 'event'] as const,
    registers: [this.registry],
  });

  readonly pointsExpired = new Counter({
    name: 'jifen_points_expired_total',
    help: 'Points expired by tenant, counted as their events are published',
    labelNames: ['tenant'] as const,
    registers: [this.registry],
  });

  readonly pointsReversed = new Counter({
    name: 'jifen_points_reversed_total',
    help: 'Points taken back by tenant and event (reversed: refunds, adjusted: negative adjustments, review_rejected, imported: debt), counted as their events are published',
    labelNames: ['tenant', 'event'] as const,
    registers: [this.registry],
  });

  readonly holds = new Counter({
    name: 'jifen_holds_total',
    help: 'Checkout holds by tenant and step: opened, captured, released (by the caller or on expiry)',
    labelNames: ['tenant', 'step'] as const,
    registers: [this.registry],
  });

  readonly cacheReads = new Counter({
    name: 'jifen_cache_reads_total',
    help: 'GetAccount reads of the balance cache: hit (answered from it), miss (absent or not trusted: the shard answers), error (cache unreachable: the shard answers)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  readonly cacheWriteFailures = new Counter({
    name: 'jifen_cache_write_failures_total',
    help: 'Shard batches whose balance-cache write failed (the cache epoch is renewed: nothing cached before is trusted)',
    labelNames: ['shard'] as const,
    registers: [this.registry],
  });

  readonly reconcileChecked = new Counter({
    name: 'jifen_reconcile_checked_total',
    help: 'Members the online reconciler audited (recently written ones sampled, and a slow sweep of all)',
    registers: [this.registry],
  });

  readonly reconcileMismatches = new Counter({
    name: 'jifen_reconcile_mismatches_total',
    help: 'Mismatches the online reconciler found, by kind (cache_stale, cache_differs, cache_ahead: the copy was rewritten; any other: the ledger or the engine state is wrong)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  /** Checkout holds open per tenant, from the published hold events. */
  readonly openHolds = new OpenHolds(this.registry);

  /** Oldest unpublished outbox entry's age per shard, computed when scraped. */
  readonly outboxLag = new OutboxLag(this.registry);

  /** Open flags and the oldest one's age per tenant, as the review-queue watch last counted them. */
  readonly reviewQueue = new ReviewQueueGauges(this.registry);

  constructor() {
    // No prefix: dashboards and alerts expect the standard names (process_cpu_seconds_total,
    // nodejs_eventloop_lag_seconds …); the job label tells whose process it is.
    collectDefaultMetrics({ register: this.registry });
    // prom-client's gauges named *_total (a counter suffix: `promtool check metrics` refuses them);
    // nodejs_active_handles, nodejs_active_requests and nodejs_active_resources say the same.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
      this.registry.removeSingleMetric(name);
    }
  }
}
