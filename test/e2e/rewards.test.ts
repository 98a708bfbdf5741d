// 积分商城 and 积分抽奖 end to end over a real gRPC socket against a real engine process (2 shards):
// the catalog (PutReward / ListRewards), redemptions with tier prices, limits and review, coupons,
// refusals that change nothing, lotteries with recorded draw values, and restart persistence.

import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EngineProcess, cleanupEngines, makeDataDir, startEngine } from '../support/engine-process.js';
import { failureOf } from '../support/expect-grpc.js';
import { uniq } from '../support/ids.js';
import { pointsClient } from '../support/points-client.js';
import {
  type Msg,
  type RewardsAdminClient,
  type RewardsClient,
  rewardsAdminClient,
  rewardsClient,
  timestamp,
} from '../support/rewards-client.js';
import { eventually } from '../support/waiting.js';

const TENANT = 'mall-e2e';
const PROGRAM = `name: mall e2e
tiers:
  metric: spend
  window: rolling_12_months
  validity_months: 12
  levels:
    - { id: normal, name: 普通, threshold: 0 }
    - { id: gold, name: 金卡, threshold: 100000, retain: 50000 }
`;
const ENGINE_ENV = { JIFEN_SHARDS: '2' };

afterAll(cleanupEngines);

function reward(o: Msg): Msg {
  return { reward_id: uniq('r'), name: 'Thermos cup 保温杯', kind: 'REWARD_KIND_COUPON', points: 500, stock: 10, ...o };
}

describe('points mall and lotteries over gRPC', () => {
  const dataDir = makeDataDir();
  let engine: EngineProcess;
  let client: RewardsClient;
  let admin: RewardsAdminClient;

  beforeAll(async () => {
    engine = await startEngine({ isolateEnv: true, env: ENGINE_ENV, dataDir });
    client = rewardsClient(engine.grpcAddr);
    admin = rewardsAdminClient(engine.grpcAddr);
    await admin.PutProgram({ tenant_id: TENANT, document: PROGRAM });
  });
  afterAll(async () => {
    client?.close();
    admin?.close();
    if (engine) expect(await engine.stop(), engine.output()).toBe(0);
  });

  async function memberWith(points: number): Promise<string> {
    const memberId = uniq('m');
    await client.Adjust({ tenant_id: TENANT, member_id: memberId, idempotency_key: uniq('seed'), points, reason: 'seed', operator: 'e2e' });
    return memberId;
  }
  const balanceOf = async (memberId: string) =>
    (await client.GetAccount({ tenant_id: TENANT, member_id: memberId })).account.balance as number;
  const put = async (o: Msg) => (await admin.PutReward({ tenant_id: TENANT, reward: reward(o) })).reward as Msg;
  const redeem = (memberId: string, rewardId: string, o: Msg = {}) =>
    client.RedeemReward({ tenant_id: TENANT, member_id: memberId, idempotency_key: uniq('redeem'), reward_id: rewardId, ...o });
  const listed = async (rewardId: string) =>
    ((await admin.ListRewards({ tenant_id: TENANT })).rewards as Msg[]).find((r) => r.reward_id === rewardId) as Msg;

  it('PutReward validates with the field named and versions each change', async () => {
    const cases: [Msg, string][] = [
      [{ kind: 'REWARD_KIND_UNSPECIFIED' }, 'reward.kind is required'],
      [{ points: 0 }, 'reward.points must be greater than 0'],
      [{ stock: -1 }, 'reward.stock must not be negative'],
      [{ min_tier: 'platinum' }, 'reward.min_tier is not a tier of the program'],
      [{ tier_points: { silver: 10 } }, 'reward.tier_points[silver] is not a tier'],
      [
        { available_from: timestamp(2_000_000_000_000), available_until: timestamp(1_900_000_000_000) },
        'reward.available_until must be after available_from',
      ],
      [{ kind: 'REWARD_KIND_LOTTERY', prizes: [] }, 'reward.prizes are required for a LOTTERY'],
      [
        {
          kind: 'REWARD_KIND_LOTTERY',
          prizes: [{ prize_id: 'a', name: 'A', kind: 'PRIZE_KIND_NONE', weight: 1 }],
          fallback_prize_id: 'zz',
        },
        'reward.fallback_prize_id must name one of the prizes',
      ],
      [{ prizes: [{ prize_id: 'a', name: 'A', kind: 'PRIZE_KIND_NONE', weight: 1 }] }, 'reward.prizes are only for LOTTERY rewards'],
    ];
    for (const [o, message] of cases) {
      const err = await failureOf(admin.PutReward({ tenant_id: TENANT, reward: reward(o) }));
      expect([err.code, err.details], JSON.stringify(o)).toEqual([status.INVALID_ARGUMENT, expect.stringContaining(message)]);
    }
    const first = await put({ reward_id: uniq('cup') });
    expect(first).toMatchObject({ version: 1, units_left: 10, units_sold: 0, requires_review: false, max_quantity: 10 });
    const conflict = await failureOf(
      admin.PutReward({ tenant_id: TENANT, reward: reward({ reward_id: first.reward_id }), expected_version: 5 }),
    );
    expect(conflict.code).toBe(status.FAILED_PRECONDITION);
    const second = await admin.PutReward({
      tenant_id: TENANT,
      reward: reward({ reward_id: first.reward_id, stock: 20 }),
      expected_version: 1,
    });
    expect(second.reward).toMatchObject({ version: 2, stock: 20, units_left: 20 });
  });

  it('a coupon redemption pays the tier price, issues a code, and is fulfilled at once; a retry answers the same', async () => {
    const cup = await put({ points: 500, tier_points: { gold: 400 }, stock: 5 });
    const memberId = await memberWith(2_000);
    const req = { tenant_id: TENANT, member_id: memberId, idempotency_key: uniq('redeem'), reward_id: cup.reward_id, quantity: 2 };
    const done = await client.RedeemReward(req);
    expect(done).toMatchObject({ points: -1_000, balance: 1_000 });
    expect(done.redemption).toMatchObject({
      reward_id: cup.reward_id,
      quantity: 2,
      points: 1_000,
      state: 'REDEMPTION_STATE_FULFILLED',
      kind: 'coupon',
    });
    expect(done.redemption.coupon_code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    const again = await client.RedeemReward(req);
    expect(again).toEqual(done);
    expect(await balanceOf(memberId)).toBe(1_000);
    expect(await listed(cup.reward_id)).toMatchObject({ units_left: 3, units_sold: 2 });
    const list = await client.ListRedemptions({ tenant_id: TENANT, member_id: memberId });
    expect(list.redemptions.map((r: Msg) => r.redemption_id)).toEqual([done.redemption.redemption_id]);
    const reused = await failureOf(client.RedeemReward({ ...req, quantity: 1 }));
    expect(reused.code).toBe(status.ALREADY_EXISTS);
  });

  it('refusals change nothing: sold out, not on sale yet, per-member limit, tier, minimum balance, not enough points', async () => {
    const memberId = await memberWith(5_000);
    const soldOut = await put({ stock: 1, points: 100 });
    await redeem(memberId, soldOut.reward_id);
    const future = await put({ available_from: timestamp(Date.now() + 3_600_000) });
    const limited = await put({ per_member_limit: 2, limit_period: 'LIMIT_PERIOD_DAY', points: 10 });
    await redeem(memberId, limited.reward_id, { quantity: 2 });
    const goldOnly = await put({ min_tier: 'gold' });
    const rich = await put({ min_balance: 100_000 });
    const dear = await put({ points: 1_000_000 });
    const before = await balanceOf(memberId);
    const cases: [string, Msg, number, string][] = [
      [soldOut.reward_id, {}, status.FAILED_PRECONDITION, 'sold out'],
      [future.reward_id, {}, status.FAILED_PRECONDITION, 'is on sale from'],
      [limited.reward_id, {}, status.RESOURCE_EXHAUSTED, 'allows 2 per member per day; 2 already taken'],
      [goldOnly.reward_id, {}, status.FAILED_PRECONDITION, 'needs tier gold'],
      [rich.reward_id, {}, status.FAILED_PRECONDITION, 'needs an available balance of 100000'],
      [dear.reward_id, {}, status.FAILED_PRECONDITION, 'insufficient points'],
      ['no-such-reward', {}, status.NOT_FOUND, 'has no reward no-such-reward'],
      [soldOut.reward_id, { quantity: 11 }, status.INVALID_ARGUMENT, 'quantity must be at most 10'],
    ];
    for (const [rewardId, o, code, message] of cases) {
      const err = await failureOf(redeem(memberId, rewardId, o));
      expect([err.code, err.details], rewardId).toEqual([code, expect.stringContaining(message)]);
    }
    expect(await balanceOf(memberId)).toBe(before);
    // units a refused payment had set aside are back on sale
    for (const r of [goldOnly, rich, dear]) expect(await listed(r.reward_id)).toMatchObject({ units_left: 10, units_sold: 0 });
  });

  it('a physical reward needs shipping, waits for review, and a rejection returns the points and the unit', async () => {
    const kettle = await put({ kind: 'REWARD_KIND_PHYSICAL', points: 800, stock: 3 });
    const memberId = await memberWith(1_000);
    const noAddress = await failureOf(redeem(memberId, kettle.reward_id));
    expect([noAddress.code, noAddress.details]).toEqual([status.INVALID_ARGUMENT, 'shipping is required for a physical reward']);
    const shipping = { name: '王小明', phone: '13800000000', address: '上海市浦东新区 1 号' };
    const first = await redeem(memberId, kettle.reward_id, { shipping });
    expect(first.redemption).toMatchObject({ state: 'REDEMPTION_STATE_PENDING_REVIEW', shipping });
    const id = first.redemption.redemption_id;
    const update = (action: string, o: Msg = {}) =>
      admin.UpdateRedemption({
        tenant_id: TENANT,
        member_id: memberId,
        idempotency_key: uniq('op'),
        redemption_id: id,
        action,
        operator: 'ops-li',
        reason: 'checked',
        ...o,
      });
    const badFulfil = await failureOf(update('REDEMPTION_ACTION_FULFIL'));
    expect([badFulfil.code, badFulfil.details]).toEqual([
      status.FAILED_PRECONDITION,
      `redemption ${id} is PENDING_REVIEW: cannot fulfil it`,
    ]);
    expect((await update('REDEMPTION_ACTION_APPROVE')).redemption.state).toBe('REDEMPTION_STATE_APPROVED');
    const cancelLate = await failureOf(
      client.CancelRedemption({ tenant_id: TENANT, member_id: memberId, idempotency_key: uniq('c'), redemption_id: id }),
    );
    expect(cancelLate.code).toBe(status.FAILED_PRECONDITION);
    const rejected = await update('REDEMPTION_ACTION_REJECT', { reason: 'out of stock at the warehouse' });
    expect(rejected).toMatchObject({ points: 800, balance: 1_000 });
    expect(rejected.redemption).toMatchObject({
      state: 'REDEMPTION_STATE_REJECTED',
      operator: 'ops-li',
      reason: 'out of stock at the warehouse',
    });
    await eventually('the unit back on sale', async () => ((await listed(kettle.reward_id)).units_left === 3 ? true : undefined));
    const entries = (await client.ListEntries({ tenant_id: TENANT, member_id: memberId, page_size: 100 })).entries as Msg[];
    expect(entries.map((e) => [e.type, e.points, e.operator])).toEqual([
      ['ENTRY_TYPE_ADJUST', 1_000, 'e2e'],
      ['ENTRY_TYPE_REDEEM_REWARD', -800, ''],
      ['ENTRY_TYPE_REDEMPTION_UPDATE', 0, 'ops-li'],
      ['ENTRY_TYPE_REDEMPTION_UPDATE', 800, 'ops-li'],
    ]);
    const unknown = await failureOf(update('REDEMPTION_ACTION_APPROVE', { redemption_id: 'nope-1' }));
    expect(unknown.code).toBe(status.NOT_FOUND);
  });

  it('the member cancels an order under review: points back, unit back', async () => {
    const bag = await put({ kind: 'REWARD_KIND_PHYSICAL', points: 300, stock: 1 });
    const memberId = await memberWith(300);
    const shipping = { name: 'Li', phone: '1', address: 'Beijing' };
    const order = await redeem(memberId, bag.reward_id, { shipping });
    expect(await balanceOf(memberId)).toBe(0);
    const cancelled = await client.CancelRedemption({
      tenant_id: TENANT,
      member_id: memberId,
      idempotency_key: uniq('cancel'),
      redemption_id: order.redemption.redemption_id,
      reason: 'changed my mind',
    });
    expect(cancelled).toMatchObject({ points: 300, balance: 300, redemption: { state: 'REDEMPTION_STATE_CANCELLED' } });
    await eventually('the unit back on sale', async () => ((await listed(bag.reward_id)).units_left === 1 ? true : undefined));
    const other = await memberWith(300);
    expect((await redeem(other, bag.reward_id, { shipping })).redemption.state).toBe('REDEMPTION_STATE_PENDING_REVIEW');
  });

  it('a lottery draws with a recorded value, pays points prizes, gives the fallback once a prize runs out', async () => {
    const lottery = await put({
      kind: 'REWARD_KIND_LOTTERY',
      name: '幸运大转盘',
      points: 50,
      prizes: [
        { prize_id: 'phone', name: 'Phone', kind: 'PRIZE_KIND_PHYSICAL', weight: 1, stock: 1 },
        { prize_id: 'p100', name: '100 points', kind: 'PRIZE_KIND_POINTS', weight: 49, stock: 1000, points: 100 },
        { prize_id: 'thanks', name: '谢谢参与', kind: 'PRIZE_KIND_NONE', weight: 50 },
      ],
      fallback_prize_id: 'thanks',
    });
    const memberId = await memberWith(100_000);
    const draws: Msg[] = [];
    for (let i = 0; i < 60; i++) {
      draws.push(
        await client.DrawLottery({ tenant_id: TENANT, member_id: memberId, idempotency_key: uniq('draw'), lottery_id: lottery.reward_id }),
      );
    }
    const byPrize = new Map<string, number>();
    for (const d of draws) {
      const r = d.redemption;
      byPrize.set(r.prize_id, (byPrize.get(r.prize_id) ?? 0) + 1);
      // the outcome follows from the recorded value: slot = floor(value × 100 / 1e9) in table order
      const slot = Math.floor((r.draw_value * 100) / 1e9);
      const drawn = slot < 1 ? 'phone' : slot < 50 ? 'p100' : 'thanks';
      expect(r.prize_id === drawn || (drawn === 'phone' && r.prize_id === 'thanks')).toBe(true);
      expect(d.points).toBe(r.prize_id === 'p100' ? 50 : -50);
    }
    expect(byPrize.get('phone') ?? 0).toBeLessThanOrEqual(1);
    expect((byPrize.get('p100') ?? 0) + (byPrize.get('thanks') ?? 0)).toBeGreaterThan(55);
    const net = draws.reduce((sum, d) => sum + d.points, 0);
    expect(await balanceOf(memberId)).toBe(100_000 + net);
    const retry = await client.DrawLottery({
      tenant_id: TENANT,
      member_id: memberId,
      idempotency_key: 'fixed-key',
      lottery_id: lottery.reward_id,
    });
    expect(
      await client.DrawLottery({ tenant_id: TENANT, member_id: memberId, idempotency_key: 'fixed-key', lottery_id: lottery.reward_id }),
    ).toEqual(retry);
    const notLottery = await failureOf(
      client.DrawLottery({ tenant_id: TENANT, member_id: memberId, idempotency_key: uniq('d'), lottery_id: (await put({})).reward_id }),
    );
    expect(notLottery.code).toBe(status.INVALID_ARGUMENT);
  });

  it('events: the payment and the review go out with the redemption id as reference and the reward as counterparty', async () => {
    const tenant = uniq('mall-events');
    const watcher = pointsClient(engine.grpcAddr);
    const watch = watcher.watchEvents({ tenant_id: tenant });
    try {
      await admin.PutReward({ tenant_id: tenant, reward: reward({ reward_id: 'mug', kind: 'REWARD_KIND_PHYSICAL', stock: 2 }) });
      await client.Adjust({ tenant_id: tenant, member_id: 'ann', idempotency_key: 'seed', points: 600, reason: 'seed', operator: 'e2e' });
      const order = await client.RedeemReward({
        tenant_id: tenant,
        member_id: 'ann',
        idempotency_key: 'buy',
        reward_id: 'mug',
        shipping: { name: 'Ann', phone: '1', address: 'Shanghai' },
      });
      const id = order.redemption.redemption_id;
      await admin.UpdateRedemption({
        tenant_id: tenant,
        member_id: 'ann',
        idempotency_key: 'ok',
        redemption_id: id,
        action: 'REDEMPTION_ACTION_APPROVE',
        operator: 'ops',
      });
      const got = (await watch.waitFor(5)).map((m) => m.event);
      const mine = got.filter((e) => e.member_id === 'ann').map((e) => [e.event, e.points, e.reference, e.counterparty]);
      expect(mine).toEqual([
        ['adjusted', 600, '', ''],
        ['reward_redeemed', -500, id, 'mug'],
        ['redemption_updated', 0, id, 'mug'],
      ]);
      // the stock actor's steps: units set aside for ann, then sold
      const stock = got.filter((e) => e.event === 'stock_changed').map((e) => [e.reason, e.reference, e.counterparty]);
      expect(stock).toEqual([
        ['reserve', id, 'ann'],
        ['confirm', id, 'ann'],
      ]);
    } finally {
      watch.cancel();
      watcher.close();
    }
  });

  it('the catalog, units sold and orders survive a restart', async () => {
    const tee = await put({ points: 10, stock: 4 });
    const memberId = await memberWith(100);
    const order = await redeem(memberId, tee.reward_id, { quantity: 3 });
    expect(await engine.stop()).toBe(0);
    engine = await startEngine({ isolateEnv: true, env: ENGINE_ENV, dataDir });
    client.close();
    admin.close();
    client = rewardsClient(engine.grpcAddr);
    admin = rewardsAdminClient(engine.grpcAddr);
    expect(await listed(tee.reward_id)).toMatchObject({ version: 1, units_left: 1, units_sold: 3 });
    const list = await client.ListRedemptions({ tenant_id: TENANT, member_id: memberId });
    expect(list.redemptions[0]).toMatchObject({ redemption_id: order.redemption.redemption_id, quantity: 3, points: 30 });
    const err = await failureOf(redeem(memberId, tee.reward_id, { quantity: 2 }));
    expect(err.details).toContain('has 1 units left, 2 requested');
  });
});
