// What every decider takes and gives back: the inputs beside state and command (clock, program,
// order record, cross-member windows) and the decision. A leaf, so deciders and actor/risk share it.

import type { Program } from '../rules/program/program.js';
import type { WriteCommand } from './commands.js';
import type { LedgerEntry, OrderRecord } from './entries.js';
import type { MemberState } from './member-state.js';
import type { Rejection } from './rejections.js';
import type { SharedView } from './risk/shared-checks.js';

export interface DecisionInputs {
  now: number;
  payloadHash: string;
  /** The member's record of cmd.orderId, if it has one (earn and reverse only). */
  order: OrderRecord | undefined;
  /** The tenant's current program. */
  program: Program;
  /** This command's cross-member velocity windows, reserved for the batch before deciding (src/risk). */
  risk?: SharedView;
}

export type Decision =
  | {
      ok: true;
      entry: LedgerEntry;
      order: OrderRecord | undefined;
      /** A command the entry owes another member (the referrer's reward), delivered after the commit. */
      followUp?: WriteCommand;
    }
  | { ok: false; rejection: Rejection };

/** The decider of one command kind: pure, like decide. */
export type Decider<C extends WriteCommand> = (state: MemberState, cmd: C, inputs: DecisionInputs) => Decision;
