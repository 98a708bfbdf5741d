// Points mall and lottery requests → validated definitions and commands. Every refusal names its
// field (INVALID_ARGUMENT through api/status.ts).

import type { RedemptionAction, Shipping, UpdateRedemptionCommand } from '../actor/commands.js';
import type { CancelRedemptionRequest__Output } from '../contract/generated/jifen/v1/CancelRedemptionRequest.js';
import type { DrawLotteryRequest__Output } from '../contract/generated/jifen/v1/DrawLotteryRequest.js';
import type { RedeemRewardRequest__Output } from '../contract/generated/jifen/v1/RedeemRewardRequest.js';
import type { Reward__Output } from '../contract/generated/jifen/v1/Reward.js';
import type { Shipping__Output } from '../contract/generated/jifen/v1/Shipping.js';
import type { UpdateRedemptionRequest__Output } from '../contract/generated/jifen/v1/UpdateRedemptionRequest.js';
import type { Program } from '../rules/program/program.js';
import type { LimitPeriod, Prize, PrizeKind, Reward, RewardKind } from '../rules/rewards.js';
import { id, invalid, keyed, nonNegativeInt, optionalText, positiveInt, requiredText, timestampMs } from './decode.js';
import type { Timestamp } from './wire.js';

/** UpdateRedemption, or CancelRedemption by the member, which has no action, operator or tracking number. */
export type RedemptionChangeMsg = CancelRedemptionRequest__Output &
  Partial<Pick<UpdateRedemptionRequest__Output, 'action' | 'operator' | 'tracking_number'>>;

/** Units one redemption takes when the reward does not say; and the most it may say. */
const DEFAULT_MAX_QUANTITY = 10;
const MAX_QUANTITY = 1_000;
/** prizeFor multiplies a draw value (< 1e9) by the total weight: the total stays far below 2^53. */
const MAX_TOTAL_WEIGHT = 1_000_000;
const MAX_PRIZES = 100;

const REWARD_KINDS: Record<string, RewardKind> = {
  REWARD_KIND_PHYSICAL: 'physical',
  REWARD_KIND_COUPON: 'coupon',
  REWARD_KIND_VIRTUAL: 'virtual',
  REWARD_KIND_SERVICE: 'service',
  REWARD_KIND_LOTTERY: 'lottery',
};
const PRIZE_KINDS: Record<string, PrizeKind> = {
  PRIZE_KIND_PHYSICAL: 'physical',
  PRIZE_KIND_COUPON: 'coupon',
  PRIZE_KIND_VIRTUAL: 'virtual',
  PRIZE_KIND_SERVICE: 'service',
  PRIZE_KIND_POINTS: 'points',
  PRIZE_KIND_NONE: 'none',
};
const PERIODS: Record<string, LimitPeriod> = {
  LIMIT_PERIOD_UNSPECIFIED: 'ever',
  LIMIT_PERIOD_DAY: 'day',
  LIMIT_PERIOD_WEEK: 'week',
  LIMIT_PERIOD_MONTH: 'month',
  LIMIT_PERIOD_YEAR: 'year',
  LIMIT_PERIOD_EVER: 'ever',
};
const ACTIONS: Record<string, RedemptionAction> = {
  REDEMPTION_ACTION_APPROVE: 'approve',
  REDEMPTION_ACTION_FULFIL: 'fulfil',
  REDEMPTION_ACTION_REJECT: 'reject',
};

/** A catalog entry as PutReward gives it, checked against the tenant's program (tier ids). */
export function decodeReward(m: Reward__Output | null, tenantId: string, program: Program): Omit<Reward, 'version'> {
  if (!m) throw invalid('reward', 'is required');
  const kind = REWARD_KINDS[m.kind];
  if (!kind) throw invalid('reward.kind', 'is required (PHYSICAL, COUPON, VIRTUAL, SERVICE or LOTTERY)');
  const tiers = new Set(program.tiers.levels.map((l) => l.id));
  const tierId = (value: string, field: string) => {
    if (!tiers.has(value)) throw invalid(field, `is not a tier of the program (${[...tiers].join(', ')})`);
    return value;
  };
  const tierPoints: Record<string, number> = {};
  for (const [tier, points] of Object.entries(m.tier_points ?? {})) {
    tierPoints[tierId(tier, `reward.tier_points[${tier}]`)] = positiveInt(points, `reward.tier_points[${tier}]`);
  }
  const availableFrom = instant(m.available_from, 'reward.available_from');
  const availableUntil = instant(m.available_until, 'reward.available_until');
  if (availableFrom > 0 && availableUntil > 0 && availableUntil <= availableFrom) {
    throw invalid('reward.available_until', 'must be after available_from');
  }
  const lottery = kind === 'lottery';
  const maxQuantity = lottery ? 1 : m.max_quantity ? positiveInt(m.max_quantity, 'reward.max_quantity') : DEFAULT_MAX_QUANTITY;
  if (maxQuantity > MAX_QUANTITY) throw invalid('reward.max_quantity', `must be at most ${MAX_QUANTITY}`);
  const period = PERIODS[m.limit_period || 'LIMIT_PERIOD_UNSPECIFIED'];
  if (!period) throw invalid('reward.limit_period', 'is not a known period');
  const prizes = lottery ? decodePrizes(m) : [];
  if (!lottery && (m.prizes ?? []).length > 0) throw invalid('reward.prizes', 'are only for LOTTERY rewards');
  return {
    tenantId,
    rewardId: id(m.reward_id, 'reward.reward_id'),
    name: requiredText(m.name, 'reward.name', 128),
    kind,
    points: positiveInt(m.points, 'reward.points'),
    tierPoints,
    stock: lottery ? 0 : nonNegativeInt(m.stock, 'reward.stock'),
    perMemberLimit: nonNegativeInt(m.per_member_limit, 'reward.per_member_limit'),
    limitPeriod: period,
    minTier: m.min_tier ? tierId(m.min_tier, 'reward.min_tier') : '',
    minBalance: nonNegativeInt(m.min_balance, 'reward.min_balance'),
    availableFrom,
    availableUntil,
    requiresReview: m.requires_review ?? kind === 'physical',
    maxQuantity,
    prizes,
    fallbackPrizeId: lottery ? m.fallback_prize_id : '',
  };
}

function decodePrizes(m: Reward__Output): Prize[] {
  const list = m.prizes ?? [];
  if (list.length === 0) throw invalid('reward.prizes', 'are required for a LOTTERY');
  if (list.length > MAX_PRIZES) throw invalid('reward.prizes', `must be at most ${MAX_PRIZES}`);
  const seen = new Set<string>();
  const prizes = list.map((p, i): Prize => {
    const at = `reward.prizes[${i}]`;
    const prizeId = id(p.prize_id, `${at}.prize_id`);
    if (seen.has(prizeId)) throw invalid(`${at}.prize_id`, `repeats ${prizeId}`);
    seen.add(prizeId);
    const kind = PRIZE_KINDS[p.kind];
    if (!kind) throw invalid(`${at}.kind`, 'is required (PHYSICAL, COUPON, VIRTUAL, SERVICE, POINTS or NONE)');
    const points = kind === 'points' ? positiveInt(p.points, `${at}.points`) : 0;
    if (kind !== 'points' && p.points) throw invalid(`${at}.points`, 'is only for POINTS prizes');
    return {
      prizeId,
      name: requiredText(p.name, `${at}.name`, 128),
      kind,
      weight: nonNegativeInt(p.weight, `${at}.weight`),
      stock: nonNegativeInt(p.stock, `${at}.stock`),
      points,
    };
  });
  const total = prizes.reduce((sum, p) => sum + p.weight, 0);
  if (total === 0 || total > MAX_TOTAL_WEIGHT)
    throw invalid('reward.prizes', `weights must add up to 1..${MAX_TOTAL_WEIGHT} (got ${total})`);
  const fallback = prizes.find((p) => p.prizeId === m.fallback_prize_id);
  if (!fallback) throw invalid('reward.fallback_prize_id', 'must name one of the prizes');
  if (fallback.stock !== 0) throw invalid(`reward.prizes[${prizes.indexOf(fallback)}].stock`, 'must be 0: the fallback prize is unlimited');
  return prizes;
}

export function decodeRedeemRewardRequest(m: RedeemRewardRequest__Output) {
  return {
    ...keyed(m, ''),
    rewardId: id(m.reward_id, 'reward_id'),
    quantity: m.quantity ? positiveInt(m.quantity, 'quantity') : 1,
    shipping: m.shipping ? decodeShipping(m.shipping) : undefined,
  };
}

export function decodeDrawLotteryRequest(m: DrawLotteryRequest__Output) {
  return { ...keyed(m, ''), rewardId: id(m.lottery_id, 'lottery_id'), shipping: m.shipping ? decodeShipping(m.shipping) : undefined };
}

export function decodeUpdateRedemption(m: RedemptionChangeMsg, memberCancels: boolean): UpdateRedemptionCommand {
  const action = memberCancels ? 'cancel' : ACTIONS[m.action ?? ''];
  if (!action) throw invalid('action', 'is required (APPROVE, FULFIL or REJECT)');
  return {
    kind: 'updateRedemption',
    ...keyed(m, ''),
    redemptionId: requiredText(m.redemption_id, 'redemption_id', 200),
    action,
    operator: memberCancels ? '' : requiredText(m.operator ?? '', 'operator', 128),
    reason: optionalText(m.reason ?? '', 'reason', 256),
    trackingNumber: optionalText(m.tracking_number ?? '', 'tracking_number', 128),
  };
}

/** Physical rewards ship somewhere: the address and a contact are required. */
export function requireShipping(shipping: Shipping | undefined): Shipping {
  if (!shipping) throw invalid('shipping', 'is required for a physical reward');
  requiredText(shipping.name, 'shipping.name', 128);
  requiredText(shipping.phone, 'shipping.phone', 32);
  requiredText(shipping.address, 'shipping.address', 512);
  return shipping;
}

function decodeShipping(s: Shipping__Output): Shipping {
  return {
    name: optionalText(s.name ?? '', 'shipping.name', 128),
    phone: optionalText(s.phone ?? '', 'shipping.phone', 32),
    address: optionalText(s.address ?? '', 'shipping.address', 512),
  };
}

/** Sale windows are instants after 1970: a negative one is a mistake, not "open". */
function instant(ts: Timestamp | null, field: string): number {
  const ms = timestampMs(ts, field);
  if (ms < 0) throw invalid(field, 'is not a valid timestamp');
  return ms;
}
