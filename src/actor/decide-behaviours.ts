// Points for behaviours: signing up (enrolment) and activities such as a check-in, a review or a
// share, under the program's behaviour rules and caps. Pure, like decide.ts.

import { type ActivityOutcome, calculateActivity, calculateSignUp } from '../rules/behaviours.js';
import { localDayOf, monthKeyOf } from '../rules/calendar.js';
import { lotExpiresAt } from '../rules/expiry.js';
import type { Program } from '../rules/program/program.js';
import type { ActivityCommand, EnrollCommand } from './commands.js';
import type { Decision, DecisionInputs } from './decision.js';
import { type EntryDetail, NEVER_EXPIRES, emptyDetail } from './entries.js';
import { type MemberState, capUsageOf } from './member-state.js';
import { newEntry } from './new-entry.js';
import { lateness, occurredOf } from './occurred-at.js';
import { reject } from './rejections.js';

export function decideEnroll(state: MemberState, cmd: EnrollCommand, inputs: DecisionInputs): Decision {
  if (state.enrolledAt > 0) return { ok: false, rejection: reject.alreadyEnrolled(cmd.tenantId, cmd.memberId) };
  if (cmd.referrerMemberId === cmd.memberId) {
    return { ok: false, rejection: reject.invalidField('referrer_member_id', 'must not be the member itself') };
  }
  const late = lateness(cmd.occurredAt, inputs);
  if (late) return { ok: false, rejection: late };
  const occurredAt = occurredOf(cmd.occurredAt, inputs);
  const outcome = calculateSignUp(inputs.program, activityFacts(state, inputs.program, occurredAt), occurredAt);
  return behaviourEntry(state, cmd, inputs, outcome, occurredAt, (detail) => {
    detail.enrolment = { birthday: cmd.birthday, referrer: cmd.referrerMemberId, channel: cmd.channel };
  });
}

export function decideActivity(state: MemberState, cmd: ActivityCommand, inputs: DecisionInputs): Decision {
  const late = lateness(cmd.occurredAt, inputs);
  if (late) return { ok: false, rejection: late };
  const occurredAt = occurredOf(cmd.occurredAt, inputs);
  const outcome = calculateActivity(inputs.program, activityFacts(state, inputs.program, occurredAt), {
    activity: cmd.activity,
    targetId: cmd.targetId,
    occurredAt,
  });
  return behaviourEntry(state, cmd, inputs, outcome, occurredAt, (detail) => {
    if (!outcome.ok) return;
    detail.activity = { behaviourId: outcome.behaviourId, activity: cmd.activity, targetId: cmd.targetId, streak: outcome.streak };
  });
}

function behaviourEntry(
  state: MemberState,
  cmd: EnrollCommand | ActivityCommand,
  inputs: DecisionInputs,
  outcome: ActivityOutcome,
  occurredAt: number,
  describe: (detail: EntryDetail) => void,
): Decision {
  if (!outcome.ok) {
    const rejection =
      outcome.reason === 'unknown_activity' || outcome.reason === 'target_required'
        ? reject.invalidField(outcome.reason === 'unknown_activity' ? 'activity' : 'target_id', outcome.message)
        : reject.activityRefused(outcome.message);
    return { ok: false, rejection };
  }
  const { program } = inputs;
  const detail = emptyDetail(program.version);
  detail.breakdown = outcome.breakdown;
  detail.dayKey = outcome.dayKey;
  detail.monthKey = outcome.monthKey;
  describe(detail);
  const entry = newEntry(state, cmd, inputs, outcome.points, {
    expiresAt: outcome.points > 0 ? lotExpiresAt(program.expiry, occurredAt, program.timeZone) : NEVER_EXPIRES,
    reason: cmd.kind === 'activity' ? cmd.activity : 'sign_up',
    detail,
  });
  return { ok: true, entry, order: undefined };
}

/** The member's behaviour counters as seen from the local day the activity happened on. */
function activityFacts(state: MemberState, program: Program, occurredAt: number) {
  const a = state.activity;
  const day = localDayOf(occurredAt, program.timeZone);
  const dayKey = day.key;
  return {
    enrolled: state.enrolledAt > 0,
    counts: a.counts,
    dayKey,
    today: a.perDay[dayKey] ?? {},
    targets: a.targets,
    lastCheckInDay: a.lastCheckInDay,
    streak: a.streak,
    capUsage: capUsageOf(state, dayKey, monthKeyOf(day)),
  };
}
