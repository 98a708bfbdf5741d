// Which published events count as points issued, redeemed, expired or taken back, per tenant: one
// row per event kind, through a real EngineMetrics registry.

import { describe, expect, it } from 'vitest';
import { type PublishedEnvelope, outboxSourceOf, recordPublished } from '../../src/metrics/points-flows.js';
import { EngineMetrics } from '../../src/metrics/registry.js';

type Flow = 'issued' | 'redeemed' | 'expired' | 'reversed' | 'none';

const ROWS: [event: string, points: number[], flow: Flow, total: number][] = [
  ['earned', [100, 50], 'issued', 150],
  ['enrolled', [20], 'issued', 20],
  ['activity_rewarded', [5], 'issued', 5],
  ['referral_rewarded', [500], 'issued', 500],
  ['imported', [1_000], 'issued', 1_000],
  ['adjusted', [7], 'issued', 7],
  ['adjusted', [-5], 'reversed', 5],
  ['redemption_updated', [300], 'issued', 300],
  ['redeemed', [-30, -20], 'redeemed', 50],
  ['reward_redeemed', [-800], 'redeemed', 800],
  ['lottery_drawn', [-100], 'redeemed', 100],
  ['hold_captured', [-12], 'redeemed', 12],
  ['expired', [-40, -2], 'expired', 42],
  ['reversed', [-25], 'reversed', 25],
  ['review_rejected', [-2_500], 'reversed', 2_500],
  // No points of their own, or moved between members, or counted already by the earn.
  ['tier_changed', [100], 'none', 0],
  ['risk_flagged', [2_500], 'none', 0],
  ['expiring_soon', [40], 'none', 0],
  ['review_approved', [2_500], 'none', 0],
  ['transferred_in', [10], 'none', 0],
  ['transferred_out', [-10], 'none', 0],
  ['points_held', [0], 'none', 0],
];

const COUNTERS: Record<Exclude<Flow, 'none'>, string> = {
  issued: 'jifen_points_issued_total',
  redeemed: 'jifen_points_redeemed_total',
  expired: 'jifen_points_expired_total',
  reversed: 'jifen_points_reversed_total',
};

async function totals(metrics: EngineMetrics): Promise<Record<Exclude<Flow, 'none'>, number>> {
  const sum = async (name: string) => {
    const metric = await metrics.registry.getSingleMetric(name)?.get();
    return (metric?.values ?? []).reduce((s, v) => s + v.value, 0);
  };
  return {
    issued: await sum(COUNTERS.issued),
    redeemed: await sum(COUNTERS.redeemed),
    expired: await sum(COUNTERS.expired),
    reversed: await sum(COUNTERS.reversed),
  };
}

describe('recordPublished: points flows', () => {
  it.each(ROWS)('%s %j counts as %s (%d)', async (event, points, flow, total) => {
    const metrics = new EngineMetrics();
    const envelope: PublishedEnvelope = { batchId: 'L1-0-1', tenantId: 'acme', event, events: points.map((p) => ({ points: p })) };
    recordPublished(metrics, [envelope]);
    const expected = { issued: 0, redeemed: 0, expired: 0, reversed: 0 };
    if (flow !== 'none') expected[flow] = total;
    expect(await totals(metrics)).toEqual(expected);
  });

  it('labels flows by tenant and event, and counts hold steps', async () => {
    const metrics = new EngineMetrics();
    recordPublished(metrics, [
      { batchId: 'L1-0-1', tenantId: 'acme', event: 'earned', events: [{ points: 10 }] },
      { batchId: 'L1-1-1', tenantId: 'beta', event: 'earned', events: [{ points: 3 }] },
      { batchId: 'L1-1-2', tenantId: 'beta', event: 'points_held', events: [{ points: 0 }, { points: 0 }] },
      { batchId: 'L1-1-3', tenantId: 'beta', event: 'hold_released', events: [{ points: 0 }] },
    ]);
    const text = await metrics.registry.metrics();
    expect(text).toContain('jifen_points_issued_total{tenant="acme",event="earned"} 10');
    expect(text).toContain('jifen_points_issued_total{tenant="beta",event="earned"} 3');
    expect(text).toContain('jifen_holds_total{tenant="beta",step="opened"} 2');
    expect(text).toContain('jifen_holds_total{tenant="beta",step="released"} 1');
  });

  it('keeps holds open from points_held until hold_captured or hold_released names them', () => {
    const metrics = new EngineMetrics();
    const held = (tenantId: string, ...ids: string[]): PublishedEnvelope => ({
      batchId: 'L1-0-1',
      tenantId,
      event: 'points_held',
      events: ids.map((reference) => ({ points: 0, reference })),
    });
    recordPublished(metrics, [held('acme', 'h1', 'h2', 'h3'), held('beta', 'h9')]);
    recordPublished(metrics, [
      { batchId: 'L1-0-2', tenantId: 'acme', event: 'hold_captured', events: [{ points: -5, reference: 'h1' }] },
      { batchId: 'L1-0-3', tenantId: 'acme', event: 'hold_released', events: [{ points: 0, reference: 'h2' }] },
      // Opened before this process started: not known, not counted below zero.
      { batchId: 'L1-0-4', tenantId: 'acme', event: 'hold_released', events: [{ points: 0, reference: 'h0' }] },
    ]);
    expect(metrics.openHolds.openCount('acme')).toBe(1);
    expect(metrics.openHolds.openCount('beta')).toBe(1);
  });

  it('marks the shard outbox published up to the envelope id', () => {
    const metrics = new EngineMetrics();
    metrics.outboxLag.committed(1, 2);
    recordPublished(metrics, [{ batchId: 'a-b-c-1-2', tenantId: 'acme', event: 'earned', events: [{ points: 1 }] }]);
    expect(metrics.outboxLag.ageSeconds(1)).toBe(0);
  });
});

describe('outboxSourceOf', () => {
  it.each([
    ['0f3a-0-17', { shard: 0, outboxId: 17 }],
    ['ledger-with-dashes-3-9', { shard: 3, outboxId: 9 }],
    ['nonsense', undefined],
    ['a-x-1', undefined],
  ])('%s → %j', (batchId, source) => {
    expect(outboxSourceOf(batchId)).toEqual(source);
  });
});
