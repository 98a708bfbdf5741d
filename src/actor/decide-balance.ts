// Commands that move the balance by the points they name: a redemption spends available points, an
// operator's adjustment adds or takes them (never below zero available). Pure, like decide.ts.

import type { AdjustCommand, RedeemCommand } from './commands.js';
import type { Decision, DecisionInputs } from './decision.js';
import { type MemberState, availablePoints } from './member-state.js';
import { newEntry } from './new-entry.js';
import { reject } from './rejections.js';

export function decideRedeem(state: MemberState, cmd: RedeemCommand, inputs: DecisionInputs): Decision {
  const available = availablePoints(state, inputs.now);
  if (available < cmd.points) return { ok: false, rejection: reject.insufficientPoints(available, cmd.points) };
  const entry = newEntry(state, cmd, inputs, -cmd.points, { orderId: cmd.orderId, reason: cmd.reason });
  return { ok: true, entry, order: undefined };
}

export function decideAdjust(state: MemberState, cmd: AdjustCommand, inputs: DecisionInputs): Decision {
  const available = availablePoints(state, inputs.now);
  if (cmd.points < 0 && available + cmd.points < 0) {
    return { ok: false, rejection: reject.insufficientPoints(available, -cmd.points) };
  }
  const entry = newEntry(state, cmd, inputs, cmd.points, { reason: cmd.reason, operator: cmd.operator });
  return { ok: true, entry, order: undefined };
}
