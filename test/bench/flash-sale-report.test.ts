// The flash-sale bench's arithmetic and verdict: metric deltas over the sale, and a summary that
// shouts when the verification failed.

import { describe, expect, it } from 'vitest';
import { type FlashSaleEngine, type FlashSaleResult, formatFlashSale, parseMetrics, saleMetrics } from '../../bench/flash-sale-report.js';

const ARMED = `# HELP jifen_commands_total Commands
# TYPE jifen_commands_total counter
jifen_commands_total{kind="adjust",outcome="ok"} 1000
jifen_rpc_total{method="SubmitBatch",code="OK"} 1
jifen_ledger_commit_duration_seconds_sum 0.5
jifen_ledger_commit_duration_seconds_count 10
jifen_shard_batch_ops_sum 1000
jifen_shard_batch_ops_count 10
`;
const ENDED = `jifen_commands_total{kind="adjust",outcome="ok"} 1000
jifen_commands_total{kind="reserveStock",outcome="ok"} 10
jifen_commands_total{kind="reserveStock",outcome="SoldOut"} 90
jifen_rpc_total{method="SubmitBatch",code="OK"} 1
jifen_rpc_total{method="RedeemReward",code="OK"} 10
jifen_rpc_total{method="RedeemReward",code="FAILED_PRECONDITION"} 90
jifen_ledger_commit_duration_seconds_sum 0.9
jifen_ledger_commit_duration_seconds_count 14
jifen_shard_batch_ops_sum 1120
jifen_shard_batch_ops_count 14
`;

describe('saleMetrics', () => {
  it('counts only what happened between the two scrapes', () => {
    expect(saleMetrics(parseMetrics(ARMED), parseMetrics(ENDED))).toEqual({
      commits: 4,
      commitMeanMs: 100,
      batches: 4,
      opsPerBatch: 30,
      commands: { 'reserveStock ok': 10, 'reserveStock SoldOut': 90 },
      redeemRewardRpcs: { OK: 10, FAILED_PRECONDITION: 90 },
    });
  });

  it('has no means without commits or batches', () => {
    const m = saleMetrics(parseMetrics(ARMED), parseMetrics(ARMED));
    expect([m.commits, m.commitMeanMs, m.batches, m.opsPerBatch]).toEqual([0, null, 0, null]);
  });
});

const latency = { count: 1, p50Ms: 1, p99Ms: 2, p999Ms: 2, maxMs: 2 };
const result = (pass: boolean, problems: string[] = []): FlashSaleResult => ({
  target: '127.0.0.1:1',
  tenant: 't1',
  rewardId: 'flash-coupon',
  contenders: 100,
  units: 10,
  price: 1000,
  concurrency: 20,
  channels: 2,
  seeding: { contenders: 100, pointsEach: 2000, batchSize: 1000, inFlight: 4, seconds: 0.1, membersPerSec: 1000 },
  sale: {
    availableFrom: '2026-11-23T00:00:00.000Z',
    fireLagMs: 10,
    sellOutSeconds: 0.5,
    redemptionsPerSec: 20,
    firstRefusalSeconds: 0.4,
    allAnsweredSeconds: 1,
    lastAnswerSeconds: 1,
    requestsPerSec: 100,
    successes: 10,
    soldOut: 90,
    otherRefusals: {},
    latency: { success: latency, refusal: latency },
    generatorCpuSeconds: 0.5,
    timelineBucketMs: 250,
    timeline: { won: [10], refused: [90] },
  },
  verification: {
    pass,
    problems,
    earlyProbe: 'FAILED_PRECONDITION: reward flash-coupon is on sale from 2026-11-23T00:00:00.000Z',
    catalog: { unitsLeft: 0, unitsSold: 10 },
    winnersChargedCorrectly: 10,
    balancesSampled: 20,
    balancesWrong: 0,
  },
});
const engine: FlashSaleEngine = {
  shards: '2',
  cpuSecondsSeeding: 1,
  cpuSecondsSale: 0.5,
  peakRssBytes: 2 ** 29,
  rssAfterSaleBytes: 2 ** 28,
  saleMetrics: null,
};

describe('formatFlashSale', () => {
  it.each([
    { pass: true, problems: [], says: 'verified         exactly 10 sold', shouts: false },
    {
      pass: false,
      problems: ['9 successful redemptions, expected exactly 10'],
      says: '!!   9 successful redemptions, expected exactly 10',
      shouts: true,
    },
  ])('pass $pass', ({ pass, problems, says, shouts }) => {
    const text = formatFlashSale(result(pass, problems), engine);
    expect(text).toContain('sell-out time    0.5 s');
    expect(text).toContain('redemptions/s    20');
    expect(text).toContain(says);
    expect(text.includes('FLASH SALE VERIFICATION FAILED')).toBe(shouts);
  });
});
