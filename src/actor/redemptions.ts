// The buyer's side of the points mall and lotteries: paying for units its stock actor set aside
// (the redemption order is born with the payment), and moving an order through review. Rejecting or
// cancelling an order returns its points and owes the stock actor a restock.

import { lotExpiresAt } from '../rules/expiry.js';
import type { Program } from '../rules/program/program.js';
import { type Reward, couponCodeOf, priceFor, stockActorOf } from '../rules/rewards.js';
import { tierRank } from '../rules/tiers.js';
import { type RedeemRewardCommand, type RestockCommand, type UpdateRedemptionCommand, engineKey } from './commands.js';
import { type LedgerEntry, type RedemptionOrder, type RedemptionState, emptyDetail } from './entries.js';
import { newEntry } from './new-entry.js';
import { type Rejection, reject } from './rejections.js';
import { type MemberState, availablePoints } from './state.js';

/** Orders kept in the member's state (newest); older ones stay on the ledger. */
export const REDEMPTIONS_KEPT = 100;

type Result = { ok: true; entry: LedgerEntry; followUp?: RestockCommand } | { ok: false; rejection: Rejection };

interface Inputs {
  now: number;
  payloadHash: string;
  program: Program;
}

/**
 * Pays for a reservation: the tier may redeem, the balance is above the reward's minimum, and the
 * price (the tier's, times the quantity; a draw's cost) is available. A lottery's points prize is
 * paid in the same entry; other prizes and rewards become an order awaiting review or fulfilled.
 */
export function decideRedeemReward(state: MemberState, cmd: RedeemRewardCommand, inputs: Inputs): Result {
  const { reward } = cmd;
  const { program, now } = inputs;
  if (reward.minTier !== '' && tierRank(program, state.tier) < tierRank(program, reward.minTier)) {
    return { ok: false, rejection: reject.rewardRefused(`${reward.rewardId} needs tier ${reward.minTier} or above`) };
  }
  const available = availablePoints(state, now);
  if (available < reward.minBalance) {
    return { ok: false, rejection: reject.rewardRefused(`${reward.rewardId} needs an available balance of ${reward.minBalance} (have ${available})`) };
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
  return { ok: true, entry };
}

/** Which actions move an order from each state, and where to. */
const TRANSITIONS: Record<RedemptionState, Partial<Record<UpdateRedemptionCommand['action'], RedemptionState>>> = {
  PENDING_REVIEW: { approve: 'APPROVED', reject: 'REJECTED', cancel: 'CANCELLED' },
  APPROVED: { fulfil: 'FULFILLED', reject: 'REJECTED' },
  FULFILLED: {},
  REJECTED: {},
  CANCELLED: {},
};

export function decideUpdateRedemption(state: MemberState, cmd: UpdateRedemptionCommand, inputs: Inputs): Result {
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
  if (!returned) return { ok: true, entry };
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
  return { ok: true, entry, followUp };
}

/** The fold: the order as of the entry replaces the one kept (newest last, bounded). */
export function applyRedemption(state: MemberState, entry: LedgerEntry, order: RedemptionOrder): void {
  const at = state.redemptions.findIndex((o) => o.redemptionId === order.redemptionId);
  if (at >= 0) state.redemptions[at] = order;
  else {
    state.redemptions.push(order);
    if (state.redemptions.length > REDEMPTIONS_KEPT) state.redemptions.splice(0, state.redemptions.length - REDEMPTIONS_KEPT);
  }
  if (entry.type === 'redeem_reward' || entry.type === 'lottery_draw') {
    state.lifetimeRedeemed += order.points;
    state.lifetimeEarned += order.prizePoints;
  } else if (order.state === 'REJECTED' || order.state === 'CANCELLED') {
    state.lifetimeRedeemed -= order.points;
    state.lifetimeEarned -= order.prizePoints;
  }
}

function initialState(reward: Reward, kind: string): RedemptionState {
  if (reward.requiresReview) return 'PENDING_REVIEW';
  return kind === 'physical' ? 'APPROVED' : 'FULFILLED';
}
