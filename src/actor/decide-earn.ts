// Points for orders: an earn under the program's rules (and the referrer's reward it may qualify),
// and the clawback a refund takes back in proportion. Pure, like decide.ts.

import { floorScaled } from '../rules/base-rate.js';
import { localDayOf, monthKeyOf } from '../rules/calendar.js';
import { calculateEarn } from '../rules/earning.js';
import { lotExpiresAt } from '../rules/expiry.js';
import type { Program } from '../rules/program/program.js';
import { metricMonthKey, upgradeAfter } from '../rules/tiers.js';
import { type EarnCommand, type ReferralRewardCommand, type ReverseCommand, engineKey } from './commands.js';
import type { Decision, DecisionInputs } from './decision.js';
import { type EntryDetail, NEVER_EXPIRES, type OrderRecord, emptyDetail } from './entries.js';
import { type MemberState, capUsageOf, tierFactsOf } from './member-state.js';
import { newEntry } from './new-entry.js';
import { lateness, occurredOf } from './occurred-at.js';
import { reject } from './rejections.js';

export function decideEarn(state: MemberState, cmd: EarnCommand, inputs: DecisionInputs): Decision {
  if (inputs.order) return { ok: false, rejection: reject.orderAlreadyEarned(cmd.orderId) };
  const { program } = inputs;
  const late = lateness(cmd.occurredAt, inputs);
  if (late) return { ok: false, rejection: late };
  const occurredAt = occurredOf(cmd.occurredAt, inputs);
  const day = localDayOf(occurredAt, program.timeZone);
  const earned = calculateEarn(
    program,
    {
      tier: state.tier,
      birthday: state.birthday,
      earningOrders: state.earningOrders,
      capUsage: capUsageOf(state, day.key, monthKeyOf(day)),
    },
    { amountMinor: cmd.amountMinor, items: cmd.items, channel: cmd.channel, storeId: cmd.storeId, occurredAt },
  );
  const detail = emptyDetail(program.version);
  detail.breakdown = earned.breakdown;
  detail.pendingPoints = earned.pendingPoints;
  detail.availableAt = earned.availableAt;
  detail.dayKey = earned.dayKey;
  detail.monthKey = earned.monthKey;
  // Only an order that earns points qualifies towards the tier (an order of excluded goods, or below
  // the minimum, does not), so every qualifying order can be refunded and take its share back.
  const metricDelta = earned.points === 0 ? 0 : program.tiers.metric === 'spend' ? cmd.amountMinor : earned.points;
  setMetric(detail, program, occurredAt, metricDelta);
  detail.tierChange = upgradeAfter(program, tierFactsOf(state), occurredAt, metricDelta);
  const referralDue = referralQualifies(state, program, cmd.amountMinor, earned.points);
  if (referralDue) detail.referral = { referrerMemberId: state.referrer, referredMemberId: cmd.memberId };
  const entry = newEntry(state, cmd, inputs, earned.points, {
    orderId: cmd.orderId,
    amountMinor: cmd.amountMinor,
    expiresAt: earned.points > 0 ? lotExpiresAt(program.expiry, occurredAt, program.timeZone) : NEVER_EXPIRES,
    detail,
  });
  const order: OrderRecord = {
    tenantId: cmd.tenantId,
    memberId: cmd.memberId,
    orderId: cmd.orderId,
    amountMinor: cmd.amountMinor,
    points: earned.points,
    refundedMinor: 0,
    reversedPoints: 0,
    metricMonth: detail.metricMonth,
    lotExpiresAt: entry.expiresAt,
    lotAvailableAt: earned.availableAt,
  };
  if (!referralDue) return { ok: true, entry, order };
  const followUp: ReferralRewardCommand = {
    kind: 'referral',
    tenantId: cmd.tenantId,
    memberId: state.referrer,
    idempotencyKey: engineKey(`referral:${cmd.memberId}`),
    referredMemberId: cmd.memberId,
  };
  return { ok: true, entry, order, followUp };
}

/**
 * Claws back points in proportion to the cumulative refund, so partial refunds of one order add up
 * to exactly the points it earned: clawed(total refunded R) = floor(points × R / amount).
 * Pending points go first; spent points may be clawed back too, leaving a negative balance (debt)
 * that later earns repay. The refund also lowers the tier's qualifying metric.
 */
export function decideReverse(state: MemberState, cmd: ReverseCommand, inputs: DecisionInputs): Decision {
  const order = inputs.order;
  if (!order) return { ok: false, rejection: reject.orderNotEarned(cmd.orderId, 'has no earn to reverse') };
  // API contract: an order that earned nothing cannot be reversed. It did not count towards the tier
  // either (see decideEarn), so there is nothing to undo.
  if (order.points === 0) return { ok: false, rejection: reject.orderNotEarned(cmd.orderId, 'earned no points') };
  const { program } = inputs;
  const remaining = order.amountMinor - order.refundedMinor;
  const refund = cmd.amountMinor === 0 ? remaining : cmd.amountMinor;
  if (refund > remaining || remaining === 0) {
    return { ok: false, rejection: reject.refundExceedsOrder(cmd.orderId, remaining, refund) };
  }
  const refundedMinor = order.refundedMinor + refund;
  const reversedPoints = floorScaled(order.points, refundedMinor, order.amountMinor);
  // Points of a lot that has already expired are gone: clawing them back again would take them twice.
  const lapsed = order.lotExpiresAt !== undefined && order.lotExpiresAt !== NEVER_EXPIRES && inputs.now > order.lotExpiresAt;
  const clawed = lapsed ? 0 : reversedPoints - order.reversedPoints;
  const detail = emptyDetail(program.version);
  if (order.lotExpiresAt !== undefined) detail.reverseLot = { expiresAt: order.lotExpiresAt, availableAt: order.lotAvailableAt ?? 0 };
  detail.metricMonth = order.metricMonth ?? metricMonthKey(inputs.now, program.timeZone);
  detail.metricDelta = program.tiers.metric === 'spend' ? -refund : -clawed;
  const entry = newEntry(state, cmd, inputs, 0 - clawed, { orderId: cmd.orderId, amountMinor: refund, reason: cmd.reason, detail });
  return { ok: true, entry, order: { ...order, refundedMinor, reversedPoints } };
}

/** The referrer's side: it must have an account of its own; the points follow the program of the day. */
export function decideReferralReward(state: MemberState, cmd: ReferralRewardCommand, inputs: DecisionInputs): Decision {
  if (state.seq === 0) return { ok: false, rejection: reject.memberNotFound(cmd.tenantId, cmd.memberId) };
  const { program } = inputs;
  const points = program.referral?.referrerPoints ?? 0;
  const detail = emptyDetail(program.version);
  detail.breakdown = points > 0 ? [{ ruleId: 'referral', points }] : [];
  detail.referral = { referrerMemberId: cmd.memberId, referredMemberId: cmd.referredMemberId };
  const entry = newEntry(state, cmd, inputs, points, {
    reason: `referral of ${cmd.referredMemberId}`,
    expiresAt: points > 0 ? lotExpiresAt(program.expiry, inputs.now, program.timeZone) : NEVER_EXPIRES,
    detail,
  });
  return { ok: true, entry, order: undefined };
}

/** The referrer is rewarded once, for the referred member's first order that earns and reaches the minimum. */
function referralQualifies(state: MemberState, program: Program, amountMinor: number, points: number): boolean {
  const policy = program.referral;
  return (
    policy !== undefined &&
    state.referrer !== '' &&
    !state.referralQualified &&
    points > 0 &&
    amountMinor >= policy.minOrderMinor &&
    policy.referrerPoints > 0
  );
}

function setMetric(detail: EntryDetail, program: Program, at: number, delta: number): void {
  detail.metricMonth = metricMonthKey(at, program.timeZone);
  detail.metricDelta = delta;
}
