// The pure decision core: state × command → one ledger entry (and the order record it updates),
// or a typed rejection. No clock, randomness or I/O: `now` and the order record come in as inputs.

import { basePoints, floorScaled } from '../rules/base-rate.js';
import type { AdjustCommand, EarnCommand, RedeemCommand, ReverseCommand, WriteCommand } from './commands.js';
import { type LedgerEntry, NEVER_EXPIRES, type OrderRecord } from './entries.js';
import { type Rejection, reject } from './rejections.js';
import type { MemberState } from './state.js';

export interface DecisionInputs {
  now: number;
  payloadHash: string;
  /** The member's record of cmd.orderId, if it has one (earn and reverse only). */
  order: OrderRecord | undefined;
}

export type Decision =
  | { ok: true; entry: LedgerEntry; order: OrderRecord | undefined }
  | { ok: false; rejection: Rejection };

export function decide(state: MemberState, cmd: WriteCommand, inputs: DecisionInputs): Decision {
  switch (cmd.kind) {
    case 'earn':
      return decideEarn(state, cmd, inputs);
    case 'redeem':
      return decideRedeem(state, cmd, inputs);
    case 'reverse':
      return decideReverse(state, cmd, inputs);
    case 'adjust':
      return decideAdjust(state, cmd, inputs);
  }
}

function decideEarn(state: MemberState, cmd: EarnCommand, inputs: DecisionInputs): Decision {
  if (inputs.order) return { ok: false, rejection: reject.orderAlreadyEarned(cmd.orderId) };
  const points = basePoints(cmd.amountMinor);
  const entry = newEntry(state, cmd, inputs, points, { orderId: cmd.orderId, amountMinor: cmd.amountMinor });
  const order: OrderRecord = {
    tenantId: cmd.tenantId,
    memberId: cmd.memberId,
    orderId: cmd.orderId,
    amountMinor: cmd.amountMinor,
    points,
    refundedMinor: 0,
    reversedPoints: 0,
  };
  return { ok: true, entry, order };
}

function decideRedeem(state: MemberState, cmd: RedeemCommand, inputs: DecisionInputs): Decision {
  if (state.balance < cmd.points) return { ok: false, rejection: reject.insufficientPoints(state.balance, cmd.points) };
  const entry = newEntry(state, cmd, inputs, -cmd.points, { orderId: cmd.orderId, reason: cmd.reason });
  return { ok: true, entry, order: undefined };
}

/**
 * Claws back points in proportion to the cumulative refund, so partial refunds of one order add up
 * to exactly the points it earned: clawed(total refunded R) = floor(points × R / amount).
 * Spent points may be clawed back too, leaving a negative balance (debt) that later earns repay.
 */
function decideReverse(state: MemberState, cmd: ReverseCommand, inputs: DecisionInputs): Decision {
  const order = inputs.order;
  if (!order) return { ok: false, rejection: reject.orderNotEarned(cmd.orderId, 'has no earn to reverse') };
  if (order.points === 0) return { ok: false, rejection: reject.orderNotEarned(cmd.orderId, 'earned no points') };
  const remaining = order.amountMinor - order.refundedMinor;
  const refund = cmd.amountMinor === 0 ? remaining : cmd.amountMinor;
  if (refund > remaining || remaining === 0) {
    return { ok: false, rejection: reject.refundExceedsOrder(cmd.orderId, remaining, refund) };
  }
  const refundedMinor = order.refundedMinor + refund;
  const reversedPoints = floorScaled(order.points, refundedMinor, order.amountMinor);
  const clawed = reversedPoints - order.reversedPoints;
  const entry = newEntry(state, cmd, inputs, 0 - clawed, { orderId: cmd.orderId, amountMinor: refund, reason: cmd.reason });
  return { ok: true, entry, order: { ...order, refundedMinor, reversedPoints } };
}

function decideAdjust(state: MemberState, cmd: AdjustCommand, inputs: DecisionInputs): Decision {
  if (cmd.points < 0 && state.balance + cmd.points < 0) {
    return { ok: false, rejection: reject.insufficientPoints(state.balance, -cmd.points) };
  }
  const entry = newEntry(state, cmd, inputs, cmd.points, { reason: cmd.reason, operator: cmd.operator });
  return { ok: true, entry, order: undefined };
}

function newEntry(
  state: MemberState,
  cmd: WriteCommand,
  inputs: DecisionInputs,
  points: number,
  detail: Partial<Pick<LedgerEntry, 'orderId' | 'amountMinor' | 'reason' | 'operator'>>,
): LedgerEntry {
  return {
    tenantId: cmd.tenantId,
    memberId: cmd.memberId,
    seq: state.seq + 1,
    type: cmd.kind,
    points,
    balanceAfter: state.balance + points,
    idempotencyKey: cmd.idempotencyKey,
    orderId: detail.orderId ?? '',
    reason: detail.reason ?? '',
    operator: detail.operator ?? '',
    amountMinor: detail.amountMinor ?? 0,
    createdAt: inputs.now,
    expiresAt: NEVER_EXPIRES,
    payloadHash: inputs.payloadHash,
  };
}
