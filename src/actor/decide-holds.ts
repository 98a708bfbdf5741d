// 积分抵现 at checkout: points held for an order, then captured (spent) or released; housekeeping
// releases a hold past its expiry with the same entry as a release. Pure, like decide.ts.

import { pointsUsableFor } from '../rules/points-as-cash.js';
import type { CaptureHoldCommand, HoldCommand, ReleaseHoldCommand, WriteCommand } from './commands.js';
import type { Decision, DecisionInputs } from './decision.js';
import { type LedgerEntry, emptyDetail, entryIdOf } from './entries.js';
import { type Hold, type MemberState, availablePoints } from './member-state.js';
import { newEntry } from './new-entry.js';
import { reject } from './rejections.js';

/**
 * Points set aside for an order at checkout: at most what is available, at most the program's
 * share of the order (when its amount is given), for at most the program's longest hold.
 */
export function decideHold(state: MemberState, cmd: HoldCommand, inputs: DecisionInputs): Decision {
  const { program, now } = inputs;
  const policy = program.pointsAsCash;
  if (cmd.ttlMs > policy.maxHoldMs) {
    return {
      ok: false,
      rejection: reject.invalidField('ttl_seconds', `must be at most ${policy.maxHoldMs / 1000} (program max_hold_minutes)`),
    };
  }
  if (cmd.orderAmountMinor > 0) {
    // The share is per order: open holds already made for it count too.
    let alreadyHeld = 0;
    for (const h of state.holds) if (h.orderId === cmd.orderId && now <= h.expiresAt) alreadyHeld += h.points;
    const limit = pointsUsableFor(program, cmd.orderAmountMinor) - alreadyHeld;
    if (cmd.points > limit) return { ok: false, rejection: reject.holdBeyondOrderShare(cmd.points, Math.max(0, limit)) };
  }
  const available = availablePoints(state, now);
  if (available < cmd.points) return { ok: false, rejection: reject.insufficientPoints(available, cmd.points) };
  const detail = emptyDetail(program.version);
  const holdId = entryIdOf(cmd.tenantId, cmd.memberId, state.seq + 1);
  detail.hold = { holdId, points: cmd.points, expiresAt: now + cmd.ttlMs - 1, orderId: cmd.orderId };
  const entry = newEntry(state, cmd, inputs, 0, { orderId: cmd.orderId, reason: 'points held for checkout', detail });
  return { ok: true, entry, order: undefined };
}

/** Spends all or part of an open hold; the rest returns. A hold past its expiry cannot be captured. */
export function decideCapture(state: MemberState, cmd: CaptureHoldCommand, inputs: DecisionInputs): Decision {
  const hold = state.holds.find((h) => h.holdId === cmd.holdId);
  if (!hold) return { ok: false, rejection: reject.holdNotOpen(cmd.holdId, 'is not open (unknown, captured or released)') };
  if (inputs.now > hold.expiresAt) return { ok: false, rejection: reject.holdNotOpen(cmd.holdId, 'has expired') };
  if (cmd.points < 0) return { ok: false, rejection: reject.invalidField('points', 'must not be negative') };
  const points = cmd.points === 0 ? hold.points : cmd.points;
  if (points > hold.points)
    return { ok: false, rejection: reject.holdNotOpen(cmd.holdId, `holds only ${hold.points} points, not ${points}`) };
  const detail = emptyDetail(inputs.program.version);
  detail.hold = { ...hold, points };
  const entry = newEntry(state, cmd, inputs, -points, { orderId: hold.orderId, reason: 'points as cash', detail });
  return { ok: true, entry, order: undefined };
}

export function decideRelease(state: MemberState, cmd: ReleaseHoldCommand, inputs: DecisionInputs): Decision {
  const hold = state.holds.find((h) => h.holdId === cmd.holdId);
  if (!hold) return { ok: false, rejection: reject.holdNotOpen(cmd.holdId, 'is not open (unknown, captured or released)') };
  return { ok: true, entry: releaseEntry(state, cmd, inputs, hold, 'hold released'), order: undefined };
}

export function releaseEntry(state: MemberState, cmd: WriteCommand, inputs: DecisionInputs, hold: Hold, reason: string): LedgerEntry {
  const detail = emptyDetail(inputs.program.version);
  detail.hold = { ...hold };
  return newEntry(state, cmd, inputs, 0, { orderId: hold.orderId, reason, type: 'release', detail });
}
