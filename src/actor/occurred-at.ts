// When a command says it happened (earn, enroll, activity): the program's window around the server
// clock that occurred_at must fall in, and the decision's `now` for a command that does not say.

import type { DecisionInputs } from './decision.js';
import { type Rejection, reject } from './rejections.js';

/** A command without occurred_at (0) happened when the engine decides it. */
export function occurredOf(occurredAt: number, inputs: DecisionInputs): number {
  return occurredAt === 0 ? inputs.now : occurredAt;
}

/** occurred_at outside the program's window around the server clock (0 = not given: always inside). */
export function lateness(occurredAt: number, inputs: DecisionInputs): Rejection | undefined {
  if (occurredAt === 0) return undefined;
  const { maxFutureMs, maxLatenessMs } = inputs.program.time;
  if (occurredAt > inputs.now + maxFutureMs) {
    return reject.invalidField('occurred_at', `is more than ${maxFutureMs / 1000} s in the future`);
  }
  if (occurredAt < inputs.now - maxLatenessMs) {
    return reject.invalidField('occurred_at', `is more than ${maxLatenessMs / 1000} s in the past (program lateness window)`);
  }
  return undefined;
}
