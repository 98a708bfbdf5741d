// Behaviour points (行为积分): sign-up, daily check-in with streak bonus, share, review and the like.
// Decides whether one activity earns and how much, from the facts the member's actor keeps; the actor
// applies the outcome (counters, streak, cap usage). Pure: no clock, the local day comes from occurredAt.

import { type CapUsage, capUsageOn, OVERALL_CAP, pointsWithinCaps } from './caps.js';
import { type LocalDay, localDayOf, monthKeyOf } from './calendar.js';
import type { Behaviour, Program } from './program/program.js';

/** What the actor keeps about a member's activities. */
export interface ActivityFacts {
  enrolled: boolean;
  /** Behaviour id → times granted ever. */
  counts: Record<string, number>;
  /** Local day of `today`. */
  dayKey: string;
  /** Behaviour id → times granted on dayKey. */
  today: Record<string, number>;
  /** `${behaviourId}:${targetId}` already granted (uniqueTarget behaviours). */
  targets: Record<string, true>;
  /** 'YYYY-MM-DD' of the last check-in, or ''. */
  lastCheckInDay: string;
  /** Consecutive check-in days ending lastCheckInDay. */
  streak: number;
  capUsage: CapUsage;
}

export type ActivityRefusal = 'unknown_activity' | 'once_only' | 'daily_limit' | 'duplicate_target' | 'target_required';

/**
 * ok: the activity is recorded, even when caps leave it 0 points. The actor then counts it (counts,
 * today on dayKey, the target), takes `streak` (and dayKey as lastCheckInDay) for a check_in, and adds
 * `points` to cap usage under both `behaviourId` and OVERALL_CAP: the behaviour's cap covers its streak line too.
 */
export type ActivityOutcome =
  | {
      ok: true;
      /** '' for a sign-up in a program without a sign_up behaviour. */
      behaviourId: string;
      points: number;
      /** Lines with points only: `${id}` and, on a streak day, `${id}:streak`. */
      breakdown: { ruleId: string; points: number }[];
      dayKey: string;
      monthKey: string;
      /** The member's check-in streak after this activity (unchanged by other activities). */
      streak: number;
    }
  | { ok: false; reason: ActivityRefusal; message: string };

export interface ActivityInput {
  activity: string;
  targetId: string;
  occurredAt: number;
}

const SIGN_UP = 'sign_up';
const CHECK_IN = 'check_in';

/** RecordActivity: the program's first behaviour for the activity, its limits, streak and caps. */
export function calculateActivity(program: Program, facts: ActivityFacts, input: ActivityInput): ActivityOutcome {
  if (input.activity === SIGN_UP) {
    return refuse('unknown_activity', 'sign_up is granted by Enroll and cannot be recorded as an activity');
  }
  const behaviour = program.behaviours.find((b) => b.activity === input.activity);
  if (!behaviour) return refuse('unknown_activity', `no behaviour in this program earns for activity "${input.activity}"`);
  const day = localDayOf(input.occurredAt, program.timeZone);
  const refusal = limitRefusal(behaviour, facts, input.targetId, day.key);
  if (refusal) return refusal;
  const streak = behaviour.activity === CHECK_IN ? nextStreak(facts, day) : { value: facts.streak, advanced: false };
  const lines = [{ ruleId: behaviour.id, points: behaviour.points }];
  const bonus = behaviour.activity === CHECK_IN ? behaviour.streak : undefined;
  if (bonus && bonus.days > 0 && streak.advanced && streak.value % bonus.days === 0) {
    lines.push({ ruleId: `${behaviour.id}:streak`, points: bonus.bonusPoints });
  }
  return granted(program, facts, behaviour, lines, day, streak.value);
}

/** Enroll's bonus: the 'sign_up' behaviour, once per member. A program without one grants 0 points. */
export function calculateSignUp(program: Program, facts: ActivityFacts, occurredAt: number): ActivityOutcome {
  const behaviour = program.behaviours.find((b) => b.activity === SIGN_UP);
  if (facts.enrolled || (behaviour && (facts.counts[behaviour.id] ?? 0) >= 1)) {
    return refuse('once_only', 'sign_up is granted once per member and this member is already enrolled');
  }
  const day = localDayOf(occurredAt, program.timeZone);
  if (!behaviour) {
    return { ok: true, behaviourId: '', points: 0, breakdown: [], dayKey: day.key, monthKey: monthKeyOf(day), streak: facts.streak };
  }
  // Sign-up is once by nature; per-day and target limits have nothing to say about it.
  return granted(program, facts, behaviour, [{ ruleId: behaviour.id, points: behaviour.points }], day, facts.streak);
}

function limitRefusal(behaviour: Behaviour, facts: ActivityFacts, targetId: string, dayKey: string): ActivityOutcome | undefined {
  const name = behaviour.activity;
  // A malformed request is told so whatever the member's history.
  if (behaviour.uniqueTarget && targetId === '') {
    return refuse('target_required', `${name} needs a target_id: each target earns once`);
  }
  if (behaviour.once && (facts.counts[behaviour.id] ?? 0) >= 1) {
    return refuse('once_only', `${name} is granted once per member and was already recorded`);
  }
  const isCheckIn = name === CHECK_IN;
  // A check-in the member's streak has moved past (an old occurredAt) would restart the streak.
  if (isCheckIn && facts.lastCheckInDay > dayKey) {
    return refuse('daily_limit', `${name} on ${dayKey} comes before the last check-in on ${facts.lastCheckInDay}`);
  }
  const perDay = isCheckIn ? Math.max(1, behaviour.perDay) : behaviour.perDay;
  let todayCount = facts.dayKey === dayKey ? (facts.today[behaviour.id] ?? 0) : 0;
  // facts.today may have rolled to a later day; lastCheckInDay still proves today's check-in.
  if (isCheckIn && facts.lastCheckInDay === dayKey) todayCount = Math.max(todayCount, 1);
  if (perDay > 0 && todayCount >= perDay) {
    const times = perDay === 1 ? '' : ` ${todayCount} times`;
    return refuse('daily_limit', `${name} already recorded${times} today (limit ${perDay} per day)`);
  }
  if (behaviour.uniqueTarget && facts.targets[`${behaviour.id}:${targetId}`]) {
    return refuse('duplicate_target', `${name} already recorded for target "${targetId}"`);
  }
  return undefined;
}

/** Streak after a check-in on `day`: one more after yesterday's, restarted after a gap, unchanged on the same day. */
function nextStreak(facts: ActivityFacts, day: LocalDay): { value: number; advanced: boolean } {
  if (facts.lastCheckInDay === day.key) return { value: facts.streak, advanced: false };
  if (facts.lastCheckInDay === previousDayKey(day)) return { value: facts.streak + 1, advanced: true };
  return { value: 1, advanced: true };
}

/** Trims the lines to the behaviour's and the program's caps, the last line (the bonus) first. */
function granted(
  program: Program,
  facts: ActivityFacts,
  behaviour: Behaviour,
  lines: { ruleId: string; points: number }[],
  day: LocalDay,
  streak: number,
): ActivityOutcome {
  const monthKey = monthKeyOf(day);
  const usage = capUsageOn(facts.capUsage, day.key, monthKey);
  const wanted = lines.reduce((sum, line) => sum + line.points, 0);
  const allowed = Math.min(
    pointsWithinCaps(usage, behaviour.id, behaviour.caps, wanted),
    pointsWithinCaps(usage, OVERALL_CAP, program.caps, wanted),
  );
  let excess = wanted - allowed;
  const trimmed = lines.map((line) => ({ ...line }));
  for (let i = trimmed.length - 1; i >= 0 && excess > 0; i--) {
    const cut = Math.min(excess, trimmed[i].points);
    trimmed[i].points -= cut;
    excess -= cut;
  }
  const breakdown = trimmed.filter((line) => line.points > 0);
  return { ok: true, behaviourId: behaviour.id, points: allowed, breakdown, dayKey: day.key, monthKey, streak };
}

function previousDayKey(day: LocalDay): string {
  // Calendar arithmetic on the local date itself: no time zone or DST can shift it.
  return new Date(Date.UTC(day.year, day.month - 1, day.day - 1)).toISOString().slice(0, 10);
}

function refuse(reason: ActivityRefusal, message: string): ActivityOutcome {
  return { ok: false, reason, message };
}
