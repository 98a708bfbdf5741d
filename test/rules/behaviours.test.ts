// Behaviour points: refusals, check-in streaks across local days, caps, sign-up, and an invariant
// over random activity sequences (caps never exceeded, once-only never granted twice).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ActivityFacts,
  type ActivityInput,
  type ActivityOutcome,
  calculateActivity,
  calculateSignUp,
} from '../../src/rules/behaviours.js';
import { type CapUsage, capUsageOn, emptyCapUsage, OVERALL_CAP, recordCapUsage } from '../../src/rules/caps.js';
import type { Behaviour, Caps, Program } from '../../src/rules/program/program.js';
import { programFixture } from './program-fixture.js';

const NO_CAPS: Caps = { perDay: 0, perMonth: 0 };

function at(wall: string): number {
  return Date.parse(wall.replace(' ', 'T') + '+08:00');
}

function behaviour(id: string, activity: string, points: number, extra: Partial<Behaviour> = {}): Behaviour {
  return { id, activity, points, once: false, perDay: 0, uniqueTarget: false, streak: undefined, caps: NO_CAPS, ...extra };
}

const BEHAVIOURS: Behaviour[] = [
  behaviour('signup', 'sign_up', 100),
  behaviour('checkin', 'check_in', 5, { streak: { days: 7, bonusPoints: 50 } }),
  behaviour('profile', 'profile_completed', 50, { once: true }),
  behaviour('share', 'share', 2, { perDay: 3 }),
  behaviour('review', 'review', 10, { uniqueTarget: true }),
  behaviour('survey', 'survey', 30, { caps: { perDay: 50, perMonth: 0 } }),
];

function program(overrides: Partial<Program> = {}): Program {
  return programFixture({ behaviours: BEHAVIOURS, ...overrides });
}

function facts(overrides: Partial<ActivityFacts> = {}): ActivityFacts {
  return {
    enrolled: true,
    counts: {},
    dayKey: '',
    today: {},
    targets: {},
    lastCheckInDay: '',
    streak: 0,
    capUsage: emptyCapUsage(),
    ...overrides,
  };
}

function usage(dayKey: string, day: Record<string, number>, month: Record<string, number> = day): CapUsage {
  return { dayKey, monthKey: dayKey.slice(0, 7), day, month };
}

/** The actor's side, as the outcome's doc asks: count the grant, move the streak, add points to cap usage. */
function applyActivity(f: ActivityFacts, input: ActivityInput, outcome: ActivityOutcome): ActivityFacts {
  if (!outcome.ok) return f;
  const id = outcome.behaviourId;
  const rolled = capUsageOn(f.capUsage, outcome.dayKey, outcome.monthKey);
  const capUsage = { ...rolled, day: { ...rolled.day }, month: { ...rolled.month } };
  if (id !== '') {
    recordCapUsage(capUsage, id, outcome.points);
    recordCapUsage(capUsage, OVERALL_CAP, outcome.points);
  }
  const today = f.dayKey === outcome.dayKey ? { ...f.today } : {};
  const checkIn = input.activity === 'check_in';
  return {
    enrolled: f.enrolled || input.activity === 'sign_up',
    counts: id === '' ? f.counts : { ...f.counts, [id]: (f.counts[id] ?? 0) + 1 },
    dayKey: outcome.dayKey,
    today: id === '' ? today : { ...today, [id]: (today[id] ?? 0) + 1 },
    targets: input.targetId === '' ? f.targets : { ...f.targets, [`${id}:${input.targetId}`]: true },
    lastCheckInDay: checkIn ? outcome.dayKey : f.lastCheckInDay,
    streak: outcome.streak,
    capUsage,
  };
}

function record(p: Program, f: ActivityFacts, input: ActivityInput): ActivityOutcome {
  return input.activity === 'sign_up' ? calculateSignUp(p, f, input.occurredAt) : calculateActivity(p, f, input);
}

const MAR_10 = at('2026-03-10 12:00');

describe('refusals', () => {
  it.each([
    {
      case: 'sign_up goes through Enroll, not RecordActivity',
      activity: 'sign_up',
      targetId: '',
      facts: facts(),
      reason: 'unknown_activity',
      message: /Enroll/,
    },
    {
      case: 'an activity the program has no behaviour for',
      activity: 'dance',
      targetId: '',
      facts: facts(),
      reason: 'unknown_activity',
      message: /"dance"/,
    },
    {
      case: 'a once-only behaviour granted before',
      activity: 'profile_completed',
      targetId: '',
      facts: facts({ counts: { profile: 1 } }),
      reason: 'once_only',
      message: /profile_completed is granted once/,
    },
    {
      case: 'a second check-in on the same day',
      activity: 'check_in',
      targetId: '',
      facts: facts({ dayKey: '2026-03-10', today: { checkin: 1 }, counts: { checkin: 1 }, lastCheckInDay: '2026-03-10', streak: 1 }),
      reason: 'daily_limit',
      message: /^check_in already recorded today \(limit 1 per day\)$/,
    },
    {
      case: 'a same-day check-in after another activity rolled the day counters',
      activity: 'check_in',
      targetId: '',
      facts: facts({ dayKey: '2026-03-11', today: { share: 1 }, lastCheckInDay: '2026-03-10', streak: 1 }),
      reason: 'daily_limit',
      message: /limit 1 per day/,
    },
    {
      case: 'a check-in dated before the last check-in',
      activity: 'check_in',
      targetId: '',
      facts: facts({ lastCheckInDay: '2026-03-11', streak: 2 }),
      reason: 'daily_limit',
      message: /before the last check-in on 2026-03-11/,
    },
    {
      case: 'a fourth share on one day (3 per day)',
      activity: 'share',
      targetId: '',
      facts: facts({ dayKey: '2026-03-10', today: { share: 3 } }),
      reason: 'daily_limit',
      message: /^share already recorded 3 times today \(limit 3 per day\)$/,
    },
    {
      case: 'a review without a target',
      activity: 'review',
      targetId: '',
      facts: facts(),
      reason: 'target_required',
      message: /review needs a target_id/,
    },
    {
      case: 'a second review of the same order',
      activity: 'review',
      targetId: 'order-1',
      facts: facts({ targets: { 'review:order-1': true } }),
      reason: 'duplicate_target',
      message: /"order-1"/,
    },
  ])('$case → $reason', ({ activity, targetId, facts, reason, message }) => {
    const outcome = calculateActivity(program(), facts, { activity, targetId, occurredAt: MAR_10 });
    expect(outcome).toMatchObject({ ok: false, reason });
    expect(outcome.ok ? '' : outcome.message).toMatch(message);
  });

  it.each([
    {
      case: 'shares counted on an earlier day do not limit today',
      activity: 'share',
      targetId: '',
      facts: facts({ dayKey: '2026-03-09', today: { share: 3 } }),
      points: 2,
    },
    {
      case: 'a review of another order',
      activity: 'review',
      targetId: 'order-2',
      facts: facts({ targets: { 'review:order-1': true } }),
      points: 10,
    },
    { case: 'a once-only behaviour the first time', activity: 'profile_completed', targetId: '', facts: facts(), points: 50 },
  ])('$case earns $points', ({ activity, targetId, facts, points }) => {
    expect(calculateActivity(program(), facts, { activity, targetId, occurredAt: MAR_10 })).toMatchObject({ ok: true, points });
  });

  it('uses the first behaviour listed for an activity', () => {
    const p = program({ behaviours: [behaviour('share-a', 'share', 3), behaviour('share-b', 'share', 9)] });
    expect(calculateActivity(p, facts(), { activity: 'share', targetId: '', occurredAt: MAR_10 })).toMatchObject({
      ok: true,
      behaviourId: 'share-a',
      points: 3,
    });
  });

  it('does not change the facts it reads', () => {
    const f = facts({ dayKey: '2026-03-09', today: { share: 1 }, capUsage: usage('2026-03-09', { share: 2 }) });
    const before = structuredClone(f);
    calculateActivity(program({ caps: { perDay: 10, perMonth: 0 } }), f, { activity: 'share', targetId: '', occurredAt: MAR_10 });
    expect(f).toEqual(before);
  });
});

describe('check-in streak', () => {
  it.each([
    { case: 'the first check-in starts a streak', last: '', streak: 0, expected: 1, breakdown: [{ ruleId: 'checkin', points: 5 }] },
    {
      case: 'the day after the last check-in continues it',
      last: '2026-03-09',
      streak: 3,
      expected: 4,
      breakdown: [{ ruleId: 'checkin', points: 5 }],
    },
    { case: 'a missed day restarts it', last: '2026-03-08', streak: 3, expected: 1, breakdown: [{ ruleId: 'checkin', points: 5 }] },
    {
      case: 'day 7 adds the streak bonus',
      last: '2026-03-09',
      streak: 6,
      expected: 7,
      breakdown: [
        { ruleId: 'checkin', points: 5 },
        { ruleId: 'checkin:streak', points: 50 },
      ],
    },
    { case: 'day 8 does not', last: '2026-03-09', streak: 7, expected: 8, breakdown: [{ ruleId: 'checkin', points: 5 }] },
    {
      case: 'day 14 adds it again',
      last: '2026-03-09',
      streak: 13,
      expected: 14,
      breakdown: [
        { ruleId: 'checkin', points: 5 },
        { ruleId: 'checkin:streak', points: 50 },
      ],
    },
    {
      case: 'a streak continues across a month end',
      last: '2026-02-28',
      streak: 6,
      expected: 7,
      at: at('2026-03-01 08:00'),
      breakdown: [
        { ruleId: 'checkin', points: 5 },
        { ruleId: 'checkin:streak', points: 50 },
      ],
    },
  ])('$case', ({ last, streak, expected, breakdown, at: occurredAt }) => {
    const f = facts({ lastCheckInDay: last, streak, dayKey: last, today: last ? { checkin: 1 } : {} });
    const outcome = calculateActivity(program(), f, { activity: 'check_in', targetId: '', occurredAt: occurredAt ?? MAR_10 });
    const points = breakdown.reduce((sum, line) => sum + line.points, 0);
    expect(outcome).toEqual({
      ok: true,
      behaviourId: 'checkin',
      points,
      breakdown,
      dayKey: occurredAt ? '2026-03-01' : '2026-03-10',
      monthKey: '2026-03',
      streak: expected,
    });
  });

  it('14 daily check-ins earn the bonus on days 7 and 14 only', () => {
    let f = facts();
    const bonusDays: number[] = [];
    for (let day = 1; day <= 14; day++) {
      const input = { activity: 'check_in', targetId: '', occurredAt: at(`2026-03-${String(day).padStart(2, '0')} 09:00`) };
      const outcome = calculateActivity(program(), f, input);
      if (!outcome.ok) throw new Error(outcome.message);
      expect(outcome.streak).toBe(day);
      if (outcome.points > 5) bonusDays.push(day);
      f = applyActivity(f, input, outcome);
    }
    expect(bonusDays).toEqual([7, 14]);
  });

  it('a check-in at 23:59 and one two minutes later (00:01 the next local day) are two days of one streak', () => {
    const lateNight = { activity: 'check_in', targetId: '', occurredAt: Date.parse('2026-03-09T15:59:00Z') }; // 23:59 local
    const first = calculateActivity(program(), facts(), lateNight);
    expect(first).toMatchObject({ ok: true, dayKey: '2026-03-09', streak: 1 });
    const after = applyActivity(facts(), lateNight, first);

    const sameMinute = { ...lateNight, occurredAt: Date.parse('2026-03-09T15:59:30Z') }; // still 23:59 local
    expect(calculateActivity(program(), after, sameMinute)).toMatchObject({ ok: false, reason: 'daily_limit' });

    const pastMidnight = { ...lateNight, occurredAt: Date.parse('2026-03-09T16:01:00Z') }; // 00:01 local, 9 March in UTC
    expect(calculateActivity(program(), after, pastMidnight)).toMatchObject({ ok: true, dayKey: '2026-03-10', streak: 2, points: 5 });
  });

  it('treats a check_in behaviour with perDay 0 as once a day, and other activities leave the streak alone', () => {
    const f = facts({ lastCheckInDay: '2026-03-10', streak: 4, dayKey: '2026-03-10', today: { checkin: 1 } });
    expect(calculateActivity(program(), f, { activity: 'check_in', targetId: '', occurredAt: MAR_10 })).toMatchObject({
      ok: false,
      reason: 'daily_limit',
    });
    expect(calculateActivity(program(), f, { activity: 'share', targetId: '', occurredAt: MAR_10 })).toMatchObject({ ok: true, streak: 4 });
  });
});

describe('caps', () => {
  const day = '2026-03-10';
  it.each([
    {
      case: 'a behaviour cap trims to what is left today',
      p: program(),
      activity: 'survey',
      capUsage: usage(day, { survey: 30, [OVERALL_CAP]: 30 }),
      breakdown: [{ ruleId: 'survey', points: 20 }],
    },
    {
      case: "yesterday's usage does not count today",
      p: program(),
      activity: 'survey',
      capUsage: usage('2026-03-09', { survey: 50 }),
      breakdown: [{ ruleId: 'survey', points: 30 }],
    },
    {
      case: 'the overall daily cap trims any behaviour',
      p: program({ caps: { perDay: 100, perMonth: 0 } }),
      activity: 'share',
      capUsage: usage(day, { [OVERALL_CAP]: 99 }),
      breakdown: [{ ruleId: 'share', points: 1 }],
    },
    {
      case: 'the streak bonus (the last line) is trimmed first',
      p: program({ caps: { perDay: 30, perMonth: 0 } }),
      activity: 'check_in',
      capUsage: usage(day, { [OVERALL_CAP]: 20 }),
      breakdown: [
        { ruleId: 'checkin', points: 5 },
        { ruleId: 'checkin:streak', points: 5 },
      ],
    },
    {
      case: 'the overall monthly cap counts earlier days of the month',
      p: program({ caps: { perDay: 0, perMonth: 1_000 } }),
      activity: 'survey',
      capUsage: usage('2026-03-09', { [OVERALL_CAP]: 100 }, { [OVERALL_CAP]: 995 }),
      breakdown: [{ ruleId: 'survey', points: 5 }],
    },
    {
      case: 'a fully capped activity is still recorded, with no lines',
      p: program({ caps: { perDay: 100, perMonth: 0 } }),
      activity: 'share',
      capUsage: usage(day, { [OVERALL_CAP]: 100 }),
      breakdown: [],
    },
  ])('$case', ({ p, activity, capUsage, breakdown }) => {
    const f = facts({ capUsage, lastCheckInDay: '2026-03-09', streak: 6 });
    const outcome = calculateActivity(p, f, { activity, targetId: '', occurredAt: MAR_10 });
    const points = breakdown.reduce((sum, line) => sum + line.points, 0);
    expect(outcome).toMatchObject({ ok: true, points, breakdown, dayKey: day, monthKey: '2026-03' });
  });
});

describe('calculateSignUp', () => {
  it.each([
    {
      case: 'a new member earns the sign-up bonus',
      p: program(),
      f: facts({ enrolled: false }),
      outcome: { ok: true, behaviourId: 'signup', points: 100, breakdown: [{ ruleId: 'signup', points: 100 }] },
    },
    { case: 'an enrolled member is refused', p: program(), f: facts({ enrolled: true }), outcome: { ok: false, reason: 'once_only' } },
    {
      case: 'a program without sign_up grants 0 points',
      p: program({ behaviours: [] }),
      f: facts({ enrolled: false }),
      outcome: { ok: true, behaviourId: '', points: 0, breakdown: [] },
    },
    {
      case: 'the overall cap applies to the sign-up bonus too',
      p: program({ caps: { perDay: 60, perMonth: 0 } }),
      f: facts({ enrolled: false }),
      outcome: { ok: true, behaviourId: 'signup', points: 60, breakdown: [{ ruleId: 'signup', points: 60 }] },
    },
  ])('$case', ({ p, f, outcome }) => {
    expect(calculateSignUp(p, f, MAR_10)).toMatchObject(outcome);
  });

  it('grants once across a fold of two enrolments', () => {
    const input = { activity: 'sign_up', targetId: '', occurredAt: MAR_10 };
    const first = calculateSignUp(program(), facts({ enrolled: false }), MAR_10);
    const after = applyActivity(facts({ enrolled: false }), input, first);
    expect(calculateSignUp(program(), after, MAR_10 + 1)).toMatchObject({ ok: false, reason: 'once_only' });
  });
});

describe('random activity sequences', () => {
  const capsArb = fc.record({ perDay: fc.integer({ min: 0, max: 120 }), perMonth: fc.integer({ min: 0, max: 600 }) });
  const stepArb = fc.record({
    activity: fc.constantFrom('sign_up', 'check_in', 'profile_completed', 'share', 'review', 'survey', 'dance'),
    targetId: fc.constantFrom('', 'order-1', 'order-2', 'order-3'),
    // Up to ~2 days between steps, so sequences cross local days, streak gaps and a month end.
    gapMinutes: fc.integer({ min: 0, max: 2_880 }),
  });

  it('never exceed a cap and never grant a once-only behaviour twice', () => {
    fc.assert(
      fc.property(capsArb, capsArb, capsArb, fc.array(stepArb, { maxLength: 80 }), (overall, checkInCaps, shareCaps, steps) => {
        const p = program({
          caps: overall,
          behaviours: BEHAVIOURS.map((b) =>
            b.id === 'checkin' ? { ...b, caps: checkInCaps } : b.id === 'share' ? { ...b, caps: shareCaps } : b,
          ),
        });
        const capsOf = (key: string): Caps => (key === OVERALL_CAP ? p.caps : p.behaviours.find((b) => b.id === key)!.caps);
        const perDay = new Map<string, number>();
        const perMonth = new Map<string, number>();
        const grants = new Map<string, number>();
        let f = facts({ enrolled: false });
        let occurredAt = at('2026-01-25 00:00');
        for (const step of steps) {
          occurredAt += step.gapMinutes * 60_000;
          const input = { activity: step.activity, targetId: step.targetId, occurredAt };
          const outcome = record(p, f, input);
          f = applyActivity(f, input, outcome);
          if (!outcome.ok) continue;
          expect(outcome.points).toBe(outcome.breakdown.reduce((sum, line) => sum + line.points, 0));
          expect(outcome.breakdown.every((line) => line.points > 0)).toBe(true);
          if (outcome.behaviourId === '') continue;
          grants.set(outcome.behaviourId, (grants.get(outcome.behaviourId) ?? 0) + 1);
          for (const key of [outcome.behaviourId, OVERALL_CAP]) {
            const caps = capsOf(key);
            const dayTotal = (perDay.get(`${outcome.dayKey}/${key}`) ?? 0) + outcome.points;
            const monthTotal = (perMonth.get(`${outcome.monthKey}/${key}`) ?? 0) + outcome.points;
            perDay.set(`${outcome.dayKey}/${key}`, dayTotal);
            perMonth.set(`${outcome.monthKey}/${key}`, monthTotal);
            if (caps.perDay > 0) expect(dayTotal).toBeLessThanOrEqual(caps.perDay);
            if (caps.perMonth > 0) expect(monthTotal).toBeLessThanOrEqual(caps.perMonth);
          }
        }
        for (const b of p.behaviours) if (b.once || b.activity === 'sign_up') expect(grants.get(b.id) ?? 0).toBeLessThanOrEqual(1);
      }),
      { numRuns: 500 },
    );
  });
});
