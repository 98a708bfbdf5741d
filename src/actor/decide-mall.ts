// 积分商城 and lotteries: both sides of a redemption saga. The reward's stock actor sets units aside
// (reserve), then sells them or puts them back (settle, restock); the buyer pays for the units set
// aside (its order is born with the payment) and moves the order through review, where rejecting or
// cancelling returns its points and owes the stock actor a restock.

import { lotExpiresAt } from '../rules/expiry.js';
import { REWARD_UNIT, type Reward, couponCodeOf, limitPeriodKey, priceFor, prizeFor, stockActorOf } from '../rules/rewards.js';
import { tierRank } from '../rules/tiers.js';
import {
  type RedeemRewardCommand,
  type ReserveStockCommand,
  type RestockCommand,
  type SettleReservationCommand,
  type UpdateRedemptionCommand,
  type WriteCommand,
  engineKey,
} from './commands.js';
import type { Decision, DecisionInputs } from './decision.js';
import { type LedgerEntry, type RedemptionOrder, type RedemptionState, type StockStep, emptyDetail } from './entries.js';
import { type MemberState, availablePoints } from './member-state.js';
import { newEntry } from './new-entry.js';
import { reject } from './rejections.js';
import { emptyStock } from './stock-state.js';
import { unitsLeft } from './stock.js';

/** Units are never sold twice: left = stock − sold − reserved is checked and moved in this one decision. */
export function decideReserve(state: MemberState, cmd: ReserveStockCommand, inputs: DecisionInputs): Decision {
  const { reward } = cmd;
  const { now, program } = inputs;
  if (reward.availableFrom > 0 && now < reward.availableFrom) {
    return {
      ok: false,
      rejection: reject.rewardNotOnSale(reward.rewardId, `is on sale from ${new Date(reward.availableFrom).toISOString()}`),
    };
  }
  if (reward.availableUntil > 0 && now > reward.availableUntil) {
    return {
      ok: false,
      rejection: reject.rewardNotOnSale(reward.rewardId, `was on sale until ${new Date(reward.availableUntil).toISOString()}`),
    };
  }
  const stock = state.stock ?? emptyStock();
  // '' = no per-member limit: the actor then keeps no per-buyer counts at all
  const periodKey = reward.perMemberLimit > 0 ? limitPeriodKey(reward.limitPeriod, now, program.timeZone) : '';
  if (reward.perMemberLimit > 0) {
    const bought = stock.buyers[cmd.buyerId];
    const units = bought && bought.periodKey === periodKey ? bought.units : 0;
    if (units + cmd.quantity > reward.perMemberLimit) {
      return { ok: false, rejection: reject.redemptionLimit(reward.rewardId, reward.perMemberLimit, reward.limitPeriod, units) };
    }
  }
  let unit = REWARD_UNIT;
  if (reward.kind === 'lottery') {
    const prize = prizeFor(reward, cmd.drawValue, (p) => unitsLeft(state, reward, p.prizeId));
    unit = prize.prizeId;
  } else if (unitsLeft(state, reward, REWARD_UNIT) < cmd.quantity) {
    return { ok: false, rejection: reject.soldOut(reward.rewardId, unitsLeft(state, reward, REWARD_UNIT), cmd.quantity) };
  }
  const seq = state.seq + 1;
  const redemptionId = `${reward.rewardId}-${seq}`;
  const unlimited = reward.kind === 'lottery' && unit === reward.fallbackPrizeId;
  const step: StockStep = {
    op: 'reserve',
    redemptionId,
    buyerId: cmd.buyerId,
    unit,
    quantity: cmd.quantity,
    periodKey,
    drawValue: cmd.drawValue,
    clientKey: cmd.clientKey,
    memberEntryId: '',
    refusal: undefined,
    left: unlimited ? 0 : unitsLeft(state, reward, unit) - cmd.quantity,
  };
  const entry = stockEntry(state, cmd, inputs, step);
  const followUp: RedeemRewardCommand = {
    kind: 'redeemReward',
    tenantId: cmd.tenantId,
    memberId: cmd.buyerId,
    idempotencyKey: cmd.clientKey,
    redemptionId,
    reward,
    quantity: cmd.quantity,
    unit,
    drawValue: cmd.drawValue,
    shipping: cmd.shipping,
    periodKey,
  };
  return { ok: true, entry, order: undefined, followUp };
}

export function decideSettle(state: MemberState, cmd: SettleReservationCommand, inputs: DecisionInputs): Decision {
  const open = state.stock?.open[cmd.redemptionId];
  if (!open) return { ok: false, rejection: reject.reservationNotOpen(cmd.redemptionId) };
  const step: StockStep = {
    op: cmd.refusal ? 'cancel' : 'confirm',
    redemptionId: cmd.redemptionId,
    buyerId: open.buyerId,
    unit: open.unit,
    quantity: open.quantity,
    periodKey: open.periodKey,
    drawValue: 0,
    clientKey: '',
    memberEntryId: cmd.memberEntryId,
    refusal: cmd.refusal,
    left: 0,
  };
  return { ok: true, entry: stockEntry(state, cmd, inputs, step), order: undefined };
}

export function decideRestock(state: MemberState, cmd: RestockCommand, inputs: DecisionInputs): Decision {
  const step: StockStep = {
    op: 'restock',
    redemptionId: cmd.redemptionId,
    buyerId: cmd.buyerId,
    unit: cmd.unit,
    quantity: cmd.quantity,
    periodKey: cmd.periodKey,
    drawValue: 0,
    clientKey: '',
    memberEntryId: '',
    refusal: undefined,
    left: 0,
  };
  return { ok: true, entry: stockEntry(state, cmd, inputs, step), order: undefined };
}

/**
 * Pays for a reservation: the tier may redeem, the balance is above the reward's minimum, and the
 * price (the tier's, times the quantity; a draw's cost) is available. A lottery's points prize is
 * paid in the same entry; other prizes and rewards become an order awaiting review or fulfilled.
 */
export function decideRedeemReward(state: MemberState, cmd: RedeemRewardCommand, inputs: DecisionInputs): Decision {
  const { reward } = cmd;
  const { program, now } = inputs;
  if (reward.minTier !== '' && tierRank(program, state.tier) < tierRank(program, reward.minTier)) {
    return { ok: false, rejection: reject.rewardRefused(`${reward.rewardId} needs tier ${reward.minTier} or above`) };
  }
  const available = availablePoints(state, now);
  if (available < reward.minBalance) {
    return {
      ok: false,
      rejection: reject.rewardRefused(`${reward.rewardId} needs an available balance of ${reward.minBalance} (have ${available})`),
    };
  }
  const price = priceFor(reward, state.tier, cmd.quantity);
  if (available < price) return { ok: false, rejection: reject.insufficientPoints(available, price) };
  const lottery = reward.kind === 'lottery';
  const prize = lottery ? reward.prizes.find((p) => p.prizeId === cmd.unit) : undefined;
  const kind = prize ? prize.kind : reward.kind;
  const prizePoints = prize?.kind === 'points' ? prize.points * cmd.quantity : 0;
  const order: RedemptionOrder = {
    redemptionId: cmd.redemptionId,
    rewardId: reward.rewardId,
    rewardName: reward.name,
    kind,
    unit: cmd.unit,
    unitName: prize?.name ?? '',
    quantity: cmd.quantity,
    points: price,
    prizePoints,
    drawValue: cmd.drawValue,
    state: initialState(reward, kind),
    couponCode: kind === 'coupon' ? couponCodeOf(cmd.tenantId, cmd.redemptionId) : '',
    shipping: cmd.shipping,
    trackingNumber: '',
    operator: '',
    reason: '',
    stockActorId: stockActorOf(reward.rewardId),
    periodKey: cmd.periodKey,
    createdAt: now,
    updatedAt: now,
  };
  const detail = emptyDetail(program.version);
  detail.redemption = order;
  const points = prizePoints - price;
  const entry = newEntry(state, cmd, inputs, points, {
    type: lottery ? 'lottery_draw' : 'redeem_reward',
    orderId: cmd.redemptionId,
    reason: lottery ? `lottery ${reward.rewardId}: ${prize?.name ?? cmd.unit}` : `reward ${reward.rewardId} × ${cmd.quantity}`,
    // a prize worth more than the draw leaves a lot under the program's expiry
    expiresAt: points > 0 ? lotExpiresAt(program.expiry, now, program.timeZone) : 0,
    detail,
  });
  return { ok: true, entry, order: undefined };
}

/** Which actions move an order from each state, and where to. */
const TRANSITIONS: Record<RedemptionState, Partial<Record<UpdateRedemptionCommand['action'], RedemptionState>>> = {
  PENDING_REVIEW: { approve: 'APPROVED', reject: 'REJECTED', cancel: 'CANCELLED' },
  APPROVED: { fulfil: 'FULFILLED', reject: 'REJECTED' },
  FULFILLED: {},
  REJECTED: {},
  CANCELLED: {},
};

export function decideUpdateRedemption(state: MemberState, cmd: UpdateRedemptionCommand, inputs: DecisionInputs): Decision {
  const current = state.redemptions.find((o) => o.redemptionId === cmd.redemptionId);
  if (!current) return { ok: false, rejection: reject.redemptionNotFound(cmd.memberId, cmd.redemptionId) };
  const to = TRANSITIONS[current.state][cmd.action];
  if (!to) return { ok: false, rejection: reject.redemptionState(cmd.redemptionId, current.state, cmd.action) };
  const { program, now } = inputs;
  const order: RedemptionOrder = {
    ...current,
    state: to,
    operator: cmd.operator,
    reason: cmd.reason,
    trackingNumber: cmd.trackingNumber !== '' ? cmd.trackingNumber : current.trackingNumber,
    updatedAt: now,
  };
  const detail = emptyDetail(program.version);
  detail.redemption = order;
  const returned = to === 'REJECTED' || to === 'CANCELLED';
  // Returned points are a new lot under the program's expiry from today: the ones paid may have lapsed since.
  const points = returned ? current.points - current.prizePoints : 0;
  const entry = newEntry(state, cmd, inputs, points, {
    type: 'redemption_update',
    orderId: cmd.redemptionId,
    reason: cmd.reason !== '' ? cmd.reason : `${cmd.action} redemption`,
    operator: cmd.operator,
    expiresAt: points > 0 ? lotExpiresAt(program.expiry, now, program.timeZone) : 0,
    detail,
  });
  if (!returned) return { ok: true, entry, order: undefined };
  const followUp: RestockCommand = {
    kind: 'restock',
    tenantId: cmd.tenantId,
    memberId: current.stockActorId,
    idempotencyKey: engineKey(`restock:${cmd.redemptionId}`),
    redemptionId: cmd.redemptionId,
    buyerId: cmd.memberId,
    unit: current.unit,
    quantity: current.quantity,
    periodKey: current.periodKey,
  };
  return { ok: true, entry, order: undefined, followUp };
}

function initialState(reward: Reward, kind: string): RedemptionState {
  if (reward.requiresReview) return 'PENDING_REVIEW';
  return kind === 'physical' ? 'APPROVED' : 'FULFILLED';
}

function stockEntry(state: MemberState, cmd: WriteCommand, inputs: DecisionInputs, step: StockStep): LedgerEntry {
  const detail = emptyDetail(inputs.program.version);
  detail.stock = step;
  return newEntry(state, cmd, inputs, 0, { type: 'stock', orderId: step.redemptionId, reason: step.op, detail });
}
