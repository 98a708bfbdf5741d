// Points mall and lottery handlers (PointsService: RedeemReward, DrawLottery, ListRedemptions,
// CancelRedemption; AdminService: PutReward, ListRewards, UpdateRedemption). A redemption is a
// saga: the reward's stock actor sets units aside, the member pays, the stock actor settles
// (engine/redemption-saga.ts); the call answers once the saga has.

import type { RedeemRewardCommand, ReserveStockCommand } from '../actor/commands.js';
import { engineKey } from '../actor/commands.js';
import type { RedemptionOrder } from '../actor/entries.js';
import { reject } from '../actor/rejections.js';
import type { RedemptionList, StockView, WriteResult } from '../actor/results.js';
import type { AdminServiceHandlers } from '../contract/generated/jifen/v1/AdminService.js';
import type { LimitPeriod as LimitPeriodName } from '../contract/generated/jifen/v1/LimitPeriod.js';
import type { PointsServiceHandlers } from '../contract/generated/jifen/v1/PointsService.js';
import type { PrizeKind as PrizeKindName } from '../contract/generated/jifen/v1/PrizeKind.js';
import type { RedeemRewardResponse } from '../contract/generated/jifen/v1/RedeemRewardResponse.js';
import type { Redemption } from '../contract/generated/jifen/v1/Redemption.js';
import type { Reward as RewardMsg } from '../contract/generated/jifen/v1/Reward.js';
import type { RewardKind as RewardKindName } from '../contract/generated/jifen/v1/RewardKind.js';
import type { Engine } from '../front/engine.js';
import type { RewardCatalog } from '../front/reward-catalog.js';
import type { EngineMetrics } from '../metrics/registry.js';
import type { Program } from '../rules/program/program.js';
import { REWARD_UNIT, type Reward, stockActorOf } from '../rules/rewards.js';
import { decodeMemberId, decodeTenant, member } from './decode.js';
import {
  decodeDrawLotteryRequest,
  decodeRedeemRewardRequest,
  decodeReward,
  decodeUpdateRedemption,
  requireShipping,
} from './decode-reward.js';
import { RejectionError, acceptedValue } from './status.js';
import { unary } from './unary-call.js';
import { timestampOf } from './wire.js';

export interface RewardServiceDeps {
  engine: Engine;
  rewards: RewardCatalog;
  metrics: EngineMetrics;
  programFor: (tenantId: string) => Program;
}

/** PointsService methods of the points mall. */
export function rewardPointsHandlers(deps: RewardServiceDeps) {
  const { engine } = deps;
  return {
    RedeemReward: unary(deps, 'RedeemReward', async (req, deadline) => {
      const r = decodeRedeemRewardRequest(req);
      const reward = catalogReward(deps, r.tenantId, r.rewardId);
      if (reward.kind === 'lottery') throw new RejectionError(reject.invalidField('reward_id', 'names a lottery: use DrawLottery'));
      if (r.quantity > reward.maxQuantity)
        throw new RejectionError(reject.invalidField('quantity', `must be at most ${reward.maxQuantity} for this reward`));
      const shipping = reward.kind === 'physical' ? requireShipping(r.shipping) : r.shipping;
      return encodeRedemption(await redeem(deps, reward, { ...r, shipping, drawValue: 0 }, deadline));
    }),
    DrawLottery: unary(deps, 'DrawLottery', async (req, deadline) => {
      const r = decodeDrawLotteryRequest(req);
      const reward = catalogReward(deps, r.tenantId, r.rewardId);
      if (reward.kind !== 'lottery') throw new RejectionError(reject.invalidField('lottery_id', 'is not a lottery'));
      const drawValue = deps.rewards.drawValueOf(r.tenantId, r.memberId, r.rewardId, r.idempotencyKey);
      return encodeRedemption(await redeem(deps, reward, { ...r, quantity: 1, drawValue }, deadline));
    }),
    ListRedemptions: unary(deps, 'ListRedemptions', async (req, deadline) => {
      const list = acceptedValue<RedemptionList>(await engine.submit({ kind: 'redemptions', ...member(req, '') }, deadline));
      return { redemptions: list.orders.map(redemptionMsg) };
    }),
    CancelRedemption: unary(deps, 'CancelRedemption', async (req, deadline) =>
      encodeRedemption(acceptedValue<WriteResult>(await engine.submit(decodeUpdateRedemption(req, true), deadline))),
    ),
  } satisfies Partial<PointsServiceHandlers>;
}

/** AdminService methods of the points mall. */
export function rewardAdminHandlers(deps: RewardServiceDeps) {
  const { engine } = deps;
  return {
    PutReward: unary(deps, 'PutReward', async (req) => {
      const tenantId = decodeTenant(req.tenant_id);
      const reward = decodeReward(req.reward, tenantId, deps.programFor(tenantId));
      const expected = req.expected_version ?? undefined;
      if (expected !== undefined && (!Number.isSafeInteger(expected) || expected < 0)) {
        throw new RejectionError(reject.invalidField('expected_version', 'must be a non-negative integer'));
      }
      const outcome = await deps.rewards.put(reward, expected);
      if (!outcome.ok) throw new RejectionError(outcome.rejection);
      const [stock] = await stockViews(engine, [outcome.reward], Number.POSITIVE_INFINITY);
      return { tenant_id: tenantId, reward: rewardMsg(outcome.reward, stock) };
    }),
    ListRewards: unary(deps, 'ListRewards', async (req, deadline) => {
      const tenantId = decodeTenant(req.tenant_id);
      const rewards = deps.rewards.list(tenantId);
      const stocks = await stockViews(engine, rewards, deadline);
      return { rewards: rewards.map((reward, i) => rewardMsg(reward, stocks[i])) };
    }),
    UpdateRedemption: unary(deps, 'UpdateRedemption', async (req, deadline) => {
      decodeMemberId(req.member_id);
      return encodeRedemption(acceptedValue<WriteResult>(await engine.submit(decodeUpdateRedemption(req, false), deadline)));
    }),
  } satisfies Partial<AdminServiceHandlers>;
}

interface RedeemRequest {
  tenantId: string;
  memberId: string;
  idempotencyKey: string;
  quantity: number;
  shipping: ReserveStockCommand['shipping'];
  drawValue: number;
}

/**
 * Sets units aside on the reward's stock actor (refusals end here: nothing changed anywhere), then
 * waits for the saga. A retry finds its reservation (same key) and the saga's recorded outcome.
 */
async function redeem(deps: RewardServiceDeps, reward: Reward, r: RedeemRequest, deadline: number): Promise<WriteResult> {
  const reserve: ReserveStockCommand = {
    kind: 'reserveStock',
    tenantId: r.tenantId,
    memberId: stockActorOf(reward.rewardId),
    idempotencyKey: engineKey(`redeem:${r.memberId}:${r.idempotencyKey}`),
    reward,
    buyerId: r.memberId,
    quantity: r.quantity,
    clientKey: r.idempotencyKey,
    shipping: r.shipping,
    drawValue: r.drawValue,
  };
  const reserved = await deps.engine.submit(reserve, deadline);
  const step = acceptedValue<WriteResult>(reserved).stock;
  const replayed = reserved.ok && reserved.replayed === true;
  if (!step) throw new Error('reservation without its stock step');
  // a retry answers an old reservation: its units-left figure is history, not the gauge's value
  if (!replayed && (reward.kind !== 'lottery' || step.unit !== reward.fallbackPrizeId)) {
    deps.metrics.stockLeft.set({ tenant: r.tenantId, reward: reward.rewardId, unit: step.unit }, step.left);
  }
  const payment: RedeemRewardCommand = {
    kind: 'redeemReward',
    tenantId: r.tenantId,
    memberId: r.memberId,
    idempotencyKey: r.idempotencyKey,
    redemptionId: step.redemptionId,
    reward,
    quantity: step.quantity,
    unit: step.unit,
    drawValue: step.drawValue,
    shipping: r.shipping,
    periodKey: step.periodKey,
  };
  const outcome = await deps.engine.sagas.outcome(payment, replayed);
  if (!outcome.ok) throw new RejectionError(outcome.rejection);
  return outcome.result;
}

function catalogReward(deps: RewardServiceDeps, tenantId: string, rewardId: string): Reward {
  const reward = deps.rewards.get(tenantId, rewardId);
  if (!reward) throw new RejectionError(reject.rewardNotFound(tenantId, rewardId));
  return reward;
}

/** A catalog entry with the units sold and left, as its stock actor knows them now. */
/** What each reward's stock actor holds now, asked of all of them at once. */
async function stockViews(engine: Engine, rewards: Reward[], deadline: number): Promise<StockView[]> {
  const views = await engine.submitAll(
    rewards.map((r) => ({ kind: 'stock' as const, tenantId: r.tenantId, memberId: stockActorOf(r.rewardId), redemptionId: '' })),
    deadline,
  );
  return views.map((v) => acceptedValue<StockView>(v));
}

function rewardMsg(reward: Reward, stock: StockView): RewardMsg {
  const left = (unit: string, supplied: number) => supplied - (stock.sold[unit] ?? 0) - (stock.reserved[unit] ?? 0);
  return {
    reward_id: reward.rewardId,
    name: reward.name,
    kind: `REWARD_KIND_${reward.kind.toUpperCase()}` as RewardKindName,
    points: reward.points,
    tier_points: reward.tierPoints,
    stock: reward.stock,
    per_member_limit: reward.perMemberLimit,
    limit_period: `LIMIT_PERIOD_${reward.limitPeriod.toUpperCase()}` as LimitPeriodName,
    min_tier: reward.minTier,
    min_balance: reward.minBalance,
    available_from: reward.availableFrom > 0 ? timestampOf(reward.availableFrom) : null,
    available_until: reward.availableUntil > 0 ? timestampOf(reward.availableUntil) : null,
    requires_review: reward.requiresReview,
    max_quantity: reward.maxQuantity,
    prizes: reward.prizes.map((p) => ({
      prize_id: p.prizeId,
      name: p.name,
      kind: `PRIZE_KIND_${p.kind.toUpperCase()}` as PrizeKindName,
      weight: p.weight,
      stock: p.stock,
      points: p.points,
      units_left: p.prizeId === reward.fallbackPrizeId ? 0 : left(p.prizeId, p.stock),
    })),
    fallback_prize_id: reward.fallbackPrizeId,
    version: reward.version,
    units_left: reward.kind === 'lottery' ? 0 : left(REWARD_UNIT, reward.stock),
    units_sold: Object.values(stock.sold).reduce((a, b) => a + b, 0),
  };
}

/** RedeemReward, DrawLottery, CancelRedemption and UpdateRedemption answer the same message shape. */
function encodeRedemption(result: WriteResult): RedeemRewardResponse {
  return {
    entry_id: result.entryId,
    points: result.points,
    balance: result.balance,
    redemption: result.redemption ? redemptionMsg(result.redemption) : null,
  };
}

function redemptionMsg(o: RedemptionOrder): Redemption {
  return {
    redemption_id: o.redemptionId,
    reward_id: o.rewardId,
    reward_name: o.rewardName,
    kind: o.kind,
    prize_id: o.unit,
    prize_name: o.unitName,
    quantity: o.quantity,
    points: o.points,
    prize_points: o.prizePoints,
    state: `REDEMPTION_STATE_${o.state}`,
    coupon_code: o.couponCode,
    shipping: o.shipping ?? null,
    tracking_number: o.trackingNumber,
    operator: o.operator,
    reason: o.reason,
    created_at: timestampOf(o.createdAt),
    updated_at: timestampOf(o.updatedAt),
    draw_value: o.drawValue,
  };
}
