// The pure decision core: state × command × program → one ledger entry (and the order record it
// updates), or a typed rejection. No clock, randomness or I/O: `now`, the program and the order
// record come in as inputs. Each command family is decided in its own module; this one dispatches.

import type { WriteCommand } from './commands.js';
import { decideAdjust, decideRedeem } from './decide-balance.js';
import { decideActivity, decideEnroll } from './decide-behaviours.js';
import { decideEarn, decideReferralReward, decideReverse } from './decide-earn.js';
import { decideCapture, decideHold, decideRelease } from './decide-holds.js';
import { decideHousekeeping } from './decide-housekeeping.js';
import { decideImportLot } from './decide-import.js';
import { decideRedeemReward, decideReserve, decideRestock, decideSettle, decideUpdateRedemption } from './decide-mall.js';
import { decideTransfer, decideTransferIn } from './decide-transfers.js';
import type { Decider, Decision, DecisionInputs } from './decision.js';
import type { MemberState } from './member-state.js';
import { decideReview, decideReviewQueue } from './risk/review.js';
import { screenDecision } from './risk/screen.js';

export type { Decision, DecisionInputs } from './decision.js';

export function decide(state: MemberState, cmd: WriteCommand, inputs: DecisionInputs): Decision {
  // The table's type ties each kind to its decider; a lookup by cmd.kind cannot show it to the compiler.
  const decision = (DECIDERS[cmd.kind] as Decider<WriteCommand>)(state, cmd, inputs);
  // 防刷: velocity limits and review rules, only for programs that have them.
  return inputs.program.risk === undefined ? decision : screenDecision(state, cmd, inputs, decision);
}

/** The decider of every command kind, by family; a new kind does not build until it has one here. */
const DECIDERS: { [K in WriteCommand['kind']]: Decider<Extract<WriteCommand, { kind: K }>> } = {
  // points for orders (decide-earn.ts) and moves by stated points (decide-balance.ts)
  earn: decideEarn,
  reverse: decideReverse,
  referral: decideReferralReward,
  redeem: decideRedeem,
  adjust: decideAdjust,
  // behaviours (decide-behaviours.ts)
  enroll: decideEnroll,
  activity: decideActivity,
  // checkout holds (decide-holds.ts)
  hold: decideHold,
  capture: decideCapture,
  release: decideRelease,
  // transfers, donations, partner conversions (decide-transfers.ts)
  transfer: decideTransfer,
  transferIn: decideTransferIn,
  // what falls due with time (decide-housekeeping.ts)
  housekeep: decideHousekeeping,
  // points mall and lotteries (decide-mall.ts)
  reserveStock: decideReserve,
  settleReservation: decideSettle,
  restock: decideRestock,
  redeemReward: decideRedeemReward,
  updateRedemption: decideUpdateRedemption,
  // legacy import (decide-import.ts)
  importLot: decideImportLot,
  // anti-abuse review (risk/review.ts)
  review: decideReview,
  reviewQueue: decideReviewQueue,
};
