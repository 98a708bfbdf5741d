// The authored program document: every invalid document names the exact path and problem; a valid
// one comes back normalised (defaults filled in, multipliers in basis points, dates in the zone).

import { describe, expect, it } from 'vitest';
import type { Program } from '../../src/rules/program/program.js';
import { formatProgramError, formatProgramErrors, type ParseProgramOptions, parseProgram } from '../../src/rules/program/program-schema.js';

const OPTIONS: ParseProgramOptions = { tenantId: 'acme', version: 1 };

/** The smallest valid document, with `extra` merged in. */
function doc(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'Acme', ...extra };
}

const itemRule = (extra: Record<string, unknown> = {}) => ({
  id: 'r',
  kind: 'item_multiplier',
  match: { categories: ['母婴'] },
  multiplier: 2,
  ...extra,
});
const bonusRule = (id: string) => ({ id, kind: 'first_order', bonus_points: 100 });
const campaign = (extra: Record<string, unknown> = {}) => ({ id: 'c', multiplier: 2, ...extra });
const levels = (...list: Record<string, unknown>[]) => ({ tiers: { levels: list } });

function errorsOf(document: unknown, options: ParseProgramOptions = OPTIONS): string[] {
  const result = parseProgram(document, options);
  return result.ok ? [] : result.errors.map(formatProgramError);
}

function programOf(document: unknown, options: ParseProgramOptions = OPTIONS): Program {
  const result = parseProgram(document, options);
  if (!result.ok) throw new Error(formatProgramErrors(result.errors));
  return result.program;
}

describe('parseProgram rejects', () => {
  it.each([
    // document and top level
    { case: 'a document that is not an object', document: null, errors: ['document must be an object'] },
    { case: 'an empty name', document: { name: '' }, errors: ['name must not be empty'] },
    { case: 'a misspelt top-level key', document: doc({ rule: [] }), errors: ['rule unknown key'] },
    {
      case: 'an unknown time zone',
      document: doc({ time_zone: 'Mars/Olympus' }),
      errors: ['time_zone must be a known IANA time zone (e.g. Asia/Shanghai)'],
    },
    { case: 'a negative minimum order', document: doc({ min_order_minor: -5 }), errors: ['min_order_minor must be >= 0'] },
    { case: 'a base rate per 0 minor units', document: doc({ base_rate: { per_minor: 0 } }), errors: ['base_rate.per_minor must be >= 1'] },
    { case: 'a fractional pending period', document: doc({ pending_days: 1.5 }), errors: ['pending_days must be an integer'] },
    { case: 'an overall cap as a string', document: doc({ caps: { per_day: '100' } }), errors: ['caps.per_day must be a number'] },
    {
      case: 'too many rules',
      document: doc({ rules: Array.from({ length: 1001 }, (_, i) => bonusRule(`r${i}`)) }),
      errors: ['rules must have at most 1000 entries'],
    },

    // tenant
    { case: 'a tenant_id other than the tenant loaded for', document: doc({ tenant_id: 'beta' }), errors: ['tenant_id must equal acme'] },
    { case: 'no tenant at all', document: doc(), options: { version: 1 }, errors: ['tenant_id is required'] },
    {
      case: 'a tenant_id with a space',
      document: doc({ tenant_id: 'a b' }),
      options: { version: 1 },
      errors: ['tenant_id must be 1-128 letters, digits and _ . @ + - (starting with a letter or digit)'],
    },

    // rules
    {
      case: 'a zero multiplier on the fourth rule',
      document: doc({ rules: [bonusRule('a'), bonusRule('b'), bonusRule('c'), itemRule({ multiplier: 0 })] }),
      errors: ['rules[3].multiplier must be >= 1'],
    },
    {
      case: 'a multiplier below 1',
      document: doc({ campaigns: [campaign({ multiplier: 0.5 })] }),
      errors: ['campaigns[0].multiplier must be >= 1'],
    },
    {
      case: 'a multiplier above 100',
      document: doc({ rules: [itemRule({ multiplier: 101 })] }),
      errors: ['rules[0].multiplier must be <= 100'],
    },
    {
      case: 'a multiplier with 5 decimals',
      document: doc({ rules: [itemRule({ multiplier: 1.23456 })] }),
      errors: ['rules[0].multiplier must have at most 4 decimal places'],
    },
    {
      case: 'a multiplier written as a string',
      document: doc({ rules: [itemRule({ multiplier: '2' })] }),
      errors: ['rules[0].multiplier must be a number'],
    },
    {
      case: 'a misspelt rule key',
      document: doc({ rules: [{ id: 'r', kind: 'item_multiplier', match: { skus: ['x'] }, multipler: 2 }] }),
      errors: ['rules[0].multiplier is required', 'rules[0].multipler unknown key'],
    },
    {
      case: 'an unknown rule kind',
      document: doc({ rules: [{ id: 'r', kind: 'cashback' }] }),
      errors: ['rules[0].kind must be one of item_multiplier, item_exclusion, first_order, order_bonus'],
    },
    { case: 'a rule without kind', document: doc({ rules: [{ id: 'r' }] }), errors: ['rules[0].kind is required'] },
    {
      case: 'a match with both lists empty',
      document: doc({ rules: [itemRule({ match: { categories: [], skus: [] } })] }),
      errors: ['rules[0].match must list at least one category or sku'],
    },
    {
      case: 'a key of another rule kind',
      document: doc({ rules: [{ ...bonusRule('r'), multiplier: 2 }] }),
      errors: ['rules[0].multiplier unknown key'],
    },
    {
      case: 'fractional bonus points',
      document: doc({ rules: [{ ...bonusRule('r'), bonus_points: 1.5 }] }),
      errors: ['rules[0].bonus_points must be an integer'],
    },
    {
      case: 'bonus points above 1e9',
      document: doc({ rules: [{ ...bonusRule('r'), bonus_points: 2e9 }] }),
      errors: ['rules[0].bonus_points must be <= 1000000000'],
    },
    {
      case: 'negative bonus points',
      document: doc({ rules: [{ ...bonusRule('r'), bonus_points: -1 }] }),
      errors: ['rules[0].bonus_points must be >= 0'],
    },
    {
      case: 'an empty channel name',
      document: doc({ rules: [itemRule({ when: { channels: [''] } })] }),
      errors: ['rules[0].when.channels[0] must not be empty'],
    },
    {
      case: 'a rule id with a space',
      document: doc({ rules: [bonusRule('first order')] }),
      errors: ['rules[0].id must be 1-128 letters, digits and _ . @ + - (starting with a letter or digit)'],
    },
    {
      case: 'two rules with one id',
      document: doc({ rules: [bonusRule('a'), bonusRule('b'), bonusRule('a')] }),
      errors: ['rules[2].id duplicates rules[0].id'],
    },
    {
      case: 'a campaign with a rule id',
      document: doc({ rules: [bonusRule('x')], campaigns: [campaign({ id: 'x' })] }),
      errors: ['campaigns[0].id duplicates rules[0].id'],
    },
    {
      case: 'a rule named like the base-rate line',
      document: doc({ rules: [bonusRule('base')] }),
      errors: ['rules[0].id is reserved (base, referral, *, and ids with ":" name the engine\'s own lines)'],
    },
    {
      case: 'a campaign named like the referral line',
      document: doc({ campaigns: [campaign({ id: 'referral' })] }),
      errors: ['campaigns[0].id is reserved (base, referral, *, and ids with ":" name the engine\'s own lines)'],
    },
    {
      case: 'a return window as long as the expiry',
      document: doc({ pending_days: 7, expiry: { kind: 'rolling', days: 7 } }),
      errors: ['pending_days must be shorter than the expiry (7 days at the shortest)'],
    },
    {
      case: 'a rule pending past a 1-month expiry',
      document: doc({ expiry: { kind: 'rolling', months: 1 }, rules: [{ ...bonusRule('late'), pending_days: 30 }] }),
      errors: ['rules[0].pending_days must be shorter than the expiry (28 days at the shortest)'],
    },
    {
      case: 'pending points with calendar expiry in the same year',
      document: doc({ pending_days: 1, expiry: { kind: 'calendar', years: 0 } }),
      errors: ['pending_days must be 0 with expiry calendar years 0 (December orders would expire before they are available)'],
    },
    {
      case: 'a condition on an unknown tier',
      document: doc({ rules: [itemRule({ when: { tiers: ['normal', 'vip'] } })] }),
      errors: ['rules[0].when.tiers[1] must be one of normal'],
    },

    // windows
    {
      case: 'a window that ends before it starts',
      document: doc({ rules: [itemRule({ valid_from: '2025-11-11', valid_to: '2025-11-10' })] }),
      errors: ['rules[0].valid_to must be after valid_from'],
    },
    {
      case: 'a window of one instant',
      document: doc({ campaigns: [campaign({ valid_from: '2025-11-11T00:00:00+08:00', valid_to: '2025-11-10T16:00:00Z' })] }),
      errors: ['campaigns[0].valid_to must be after valid_from'],
    },
    {
      case: 'a time without an offset',
      document: doc({ rules: [itemRule({ valid_from: '2025-11-11T00:00:00' })] }),
      errors: ['rules[0].valid_from must be a date YYYY-MM-DD or an ISO-8601 time with an offset (2024-11-11T20:00:00+08:00)'],
    },
    {
      case: 'a date that does not exist',
      document: doc({ rules: [itemRule({ valid_to: '2025-02-29' })] }),
      errors: ['rules[0].valid_to must be an existing date'],
    },
    {
      case: 'a time that does not exist',
      document: doc({ rules: [itemRule({ valid_to: '2025-02-28T24:00:00Z' })] }),
      errors: ['rules[0].valid_to must be an existing time of day'],
    },
    {
      case: 'a date before 1971',
      document: doc({ rules: [itemRule({ valid_from: '1970-01-01' })] }),
      errors: ['rules[0].valid_from must be in 1971 or later'],
    },

    // campaigns and recurrence
    {
      case: 'an unknown stacking',
      document: doc({ campaigns: [campaign({ stacking: 'sum' })] }),
      errors: ['campaigns[0].stacking must be one of multiply, add, best_of'],
    },
    { case: 'a campaign without multiplier', document: doc({ campaigns: [{ id: 'c' }] }), errors: ['campaigns[0].multiplier is required'] },
    {
      case: 'weekdays out of range',
      document: doc({ campaigns: [campaign(), campaign({ id: 'd', recurrence: { weekly: ['wed', 'xyz', 8, 0, true] } })] }),
      errors: [
        'campaigns[1].recurrence.weekly[1] must be 1..7 or mon..sun',
        'campaigns[1].recurrence.weekly[2] must be 1..7 or mon..sun',
        'campaigns[1].recurrence.weekly[3] must be 1..7 or mon..sun',
        'campaigns[1].recurrence.weekly[4] must be 1..7 or mon..sun',
      ],
    },
    {
      case: 'a weekday given twice',
      document: doc({ campaigns: [campaign({ recurrence: { weekly: ['wed', 3] } })] }),
      errors: ['campaigns[0].recurrence.weekly[1] is a duplicate'],
    },
    {
      case: 'no weekday at all',
      document: doc({ campaigns: [campaign({ recurrence: { weekly: [] } })] }),
      errors: ['campaigns[0].recurrence.weekly must not be empty'],
    },
    {
      case: 'days of the month out of range',
      document: doc({ campaigns: [campaign({ recurrence: { monthly: [0, 15, 32] } })] }),
      errors: ['campaigns[0].recurrence.monthly[0] must be >= 1', 'campaigns[0].recurrence.monthly[2] must be <= 31'],
    },
    {
      case: 'yearly dates that do not exist',
      document: doc({ campaigns: [campaign({ recurrence: { yearly: ['02-29', '02-30', '13-01', '1-1'] } })] }),
      errors: [
        'campaigns[0].recurrence.yearly[1] must be an existing date MM-DD',
        'campaigns[0].recurrence.yearly[2] must be an existing date MM-DD',
        'campaigns[0].recurrence.yearly[3] must be an existing date MM-DD',
      ],
    },
    {
      case: 'a yearly date as a number',
      document: doc({ campaigns: [campaign({ recurrence: { yearly: [1111] } })] }),
      errors: ['campaigns[0].recurrence.yearly[0] must be a string'],
    },
    {
      case: 'an empty recurrence',
      document: doc({ campaigns: [campaign({ recurrence: {} })] }),
      errors: ['campaigns[0].recurrence must have exactly one of weekly, monthly, yearly, birthday'],
    },
    {
      case: 'two recurrences in one',
      document: doc({ campaigns: [campaign({ recurrence: { weekly: [1], monthly: [1] } })] }),
      errors: ['campaigns[0].recurrence must have exactly one of weekly, monthly, yearly, birthday'],
    },
    {
      case: 'a birthday year',
      document: doc({ campaigns: [campaign({ recurrence: { birthday: 'year' } })] }),
      errors: ['campaigns[0].recurrence.birthday must be one of day, month'],
    },

    // behaviours
    {
      case: 'once written as yes',
      document: doc({ behaviours: [{ activity: 'sign_up', points: 200, once: 'yes' }] }),
      errors: ['behaviours[0].once must be true or false'],
    },
    {
      case: 'a streak on share',
      document: doc({ behaviours: [{ activity: 'share', points: 2, streak: { days: 7, bonus_points: 50 } }] }),
      errors: ['behaviours[0].streak is only allowed for activity check_in'],
    },
    {
      case: 'one activity twice',
      document: doc({
        behaviours: [
          { activity: 'share', points: 2 },
          { activity: 'share', points: 3 },
        ],
      }),
      errors: ['behaviours[1].activity duplicates behaviours[0].activity'],
    },
    {
      case: 'an upper-case activity',
      document: doc({ behaviours: [{ activity: 'CheckIn', points: 5 }] }),
      errors: ['behaviours[0].activity must be 1-64 lower-case letters, digits and _ (starting with a letter)'],
    },
    {
      case: 'a behaviour without points',
      document: doc({ behaviours: [{ activity: 'share' }] }),
      errors: ['behaviours[0].points is required'],
    },

    // tiers
    {
      case: 'a first level above 0',
      document: doc(levels({ id: 'a', threshold: 5 })),
      errors: ['tiers.levels[0].threshold must be 0 (the level of every new member)'],
    },
    {
      case: 'levels out of order',
      document: doc(levels({ id: 'a', threshold: 0 }, { id: 'b', threshold: 500 }, { id: 'c', threshold: 500 })),
      errors: ['tiers.levels[2].threshold must be > tiers.levels[1].threshold'],
    },
    {
      case: 'a retain above the threshold',
      document: doc(levels({ id: 'a', threshold: 0 }, { id: 'b', threshold: 500, retain: 600 })),
      errors: ['tiers.levels[1].retain must be <= threshold'],
    },
    {
      case: 'two levels with one id',
      document: doc(levels({ id: 'a', threshold: 0 }, { id: 'a', threshold: 500 })),
      errors: ['tiers.levels[1].id duplicates tiers.levels[0].id'],
    },
    { case: 'no levels', document: doc(levels()), errors: ['tiers.levels must not be empty'] },
    {
      case: 'an unknown tier metric',
      document: doc({ tiers: { metric: 'orders' } }),
      errors: ['tiers.metric must be one of spend, points'],
    },
    {
      case: 'a level multiplier of 0',
      document: doc(levels({ id: 'a', threshold: 0, multiplier: 0 })),
      errors: ['tiers.levels[0].multiplier must be >= 1'],
    },

    // expiry
    {
      case: 'a rolling expiry of no length',
      document: doc({ expiry: { kind: 'rolling', months: 0 } }),
      errors: ['expiry needs months or days > 0 for kind rolling'],
    },
    {
      case: 'an unknown expiry kind',
      document: doc({ expiry: { kind: 'yearly' } }),
      errors: ['expiry.kind must be one of never, rolling, calendar'],
    },
    { case: 'an expiry without kind', document: doc({ expiry: { months: 12 } }), errors: ['expiry.kind is required'] },
    { case: 'a negative calendar year', document: doc({ expiry: { kind: 'calendar', years: -1 } }), errors: ['expiry.years must be >= 0'] },
    {
      case: 'months on a calendar expiry',
      document: doc({ expiry: { kind: 'calendar', months: 12 } }),
      errors: ['expiry.months unknown key'],
    },
  ] as { case: string; document: unknown; options?: ParseProgramOptions; errors: string[] }[])('$case', ({ document, options, errors }) => {
    expect(errorsOf(document, options)).toEqual(errors);
  });
});

describe('parseProgram normalises', () => {
  it('the empty document to every default, named after the tenant', () => {
    expect(programOf({}, { tenantId: 'acme', version: 7 })).toEqual({
      tenantId: 'acme',
      version: 7,
      name: 'acme',
      timeZone: 'Asia/Shanghai',
      baseRate: { points: 1, perMinor: 100 },
      minOrderMinor: 0,
      pendingDays: 0,
      time: { maxFutureMs: 300_000, maxLatenessMs: 30 * 86_400_000 },
      tiers: {
        metric: 'spend',
        window: 'rolling_12_months',
        validityMonths: 12,
        levels: [{ id: 'normal', name: '普通', threshold: 0, retain: 0, multiplierBp: 10_000 }],
      },
      rules: [],
      campaigns: [],
      behaviours: [],
      referral: undefined,
      pointsAsCash: { points: 100, perMinor: 100, maxShareBp: 10_000, maxHoldMs: 1_800_000 },
      transfers: { maxPointsPerDay: 0, charityMemberId: '', partners: [] },
      caps: { perDay: 0, perMonth: 0 },
      expiry: { kind: 'never', noticeDays: 0 },
    } satisfies Program);
  });

  it.each([
    { multiplier: 1, bp: 10_000 },
    { multiplier: 1.2, bp: 12_000 },
    { multiplier: 1.5, bp: 15_000 },
    { multiplier: 2, bp: 20_000 },
    { multiplier: 1.0001, bp: 10_001 },
    { multiplier: 1.1, bp: 11_000 },
    { multiplier: 2.9999, bp: 29_999 },
    { multiplier: 33.3333, bp: 333_333 },
    { multiplier: 100, bp: 1_000_000 },
  ])('multiplier $multiplier to $bp basis points', ({ multiplier, bp }) => {
    const program = programOf(doc({ campaigns: [campaign({ multiplier })] }));
    expect(program.campaigns[0].multiplierBp).toBe(bp);
  });

  it.each([
    {
      case: 'a date in Shanghai',
      zone: 'Asia/Shanghai',
      from: '2025-11-11',
      to: '2025-11-11',
      validFrom: Date.UTC(2025, 10, 10, 16),
      validTo: Date.UTC(2025, 10, 11, 16),
    },
    {
      case: 'a date in UTC',
      zone: 'UTC',
      from: '2025-11-11',
      to: '2025-11-12',
      validFrom: Date.UTC(2025, 10, 11),
      validTo: Date.UTC(2025, 10, 13),
    },
    // New York springs forward on 9 March 2025: that day starts at 05:00Z, the next at 04:00Z.
    {
      case: 'a date across a DST change',
      zone: 'America/New_York',
      from: '2025-03-09',
      to: '2025-03-09',
      validFrom: Date.UTC(2025, 2, 9, 5),
      validTo: Date.UTC(2025, 2, 10, 4),
    },
    {
      case: 'instants with offsets',
      zone: 'Asia/Shanghai',
      from: '2025-11-11T20:00:00+08:00',
      to: '2025-11-11T23:59:59.5Z',
      validFrom: Date.UTC(2025, 10, 11, 12),
      validTo: Date.UTC(2025, 10, 11, 23, 59, 59, 500),
    },
    {
      case: 'instants with a negative offset and no seconds',
      zone: 'Asia/Shanghai',
      from: '2025-11-11T20:00-05:30',
      to: '2025-11-12 02:00Z',
      validFrom: Date.UTC(2025, 10, 12, 1, 30),
      validTo: Date.UTC(2025, 10, 12, 2),
    },
  ])('$case: valid_from is the start of its day, valid_to the end of its day', ({ zone, from, to, validFrom, validTo }) => {
    const program = programOf(
      doc({
        time_zone: zone,
        rules: [itemRule({ valid_from: from, valid_to: to })],
        campaigns: [campaign({ valid_from: from, valid_to: to })],
      }),
    );
    expect([program.rules[0].validFrom, program.rules[0].validTo]).toEqual([validFrom, validTo]);
    expect([program.campaigns[0].validFrom, program.campaigns[0].validTo]).toEqual([validFrom, validTo]);
  });

  it.each([
    { recurrence: undefined, expected: { kind: 'always' } },
    { recurrence: { weekly: ['wed'] }, expected: { kind: 'weekly', weekdays: [3] } },
    { recurrence: { weekly: ['SUN', 'Sat', 1, 'tue'] }, expected: { kind: 'weekly', weekdays: [1, 2, 6, 7] } },
    { recurrence: { monthly: [15, 1] }, expected: { kind: 'monthly', days: [1, 15] } },
    {
      recurrence: { yearly: ['11-11', '06-18', '02-29'] },
      expected: {
        kind: 'yearly',
        dates: [
          { month: 11, day: 11 },
          { month: 6, day: 18 },
          { month: 2, day: 29 },
        ],
      },
    },
    { recurrence: { birthday: 'month' }, expected: { kind: 'birthday', scope: 'month' } },
    { recurrence: { birthday: 'day' }, expected: { kind: 'birthday', scope: 'day' } },
  ])('recurrence $recurrence', ({ recurrence, expected }) => {
    expect(programOf(doc({ campaigns: [campaign({ recurrence })] })).campaigns[0].recurrence).toEqual(expected);
  });

  it('rules of every kind, with per-rule defaults', () => {
    const program = programOf(
      doc({
        rules: [
          itemRule({ multiplier: 1.5 }),
          { id: 'x', kind: 'item_exclusion', match: { skus: ['GIFT'] } },
          { id: 'f', kind: 'first_order', bonus_points: 100, name: '首单', pending_days: 7, caps: { per_month: 500 } },
          {
            id: 'n',
            kind: 'order_bonus',
            bonus_points: 50,
            match: { skus: ['NEW-1'] },
            when: { channels: ['app'], min_order_minor: 5000 },
          },
          { id: 'o', kind: 'order_bonus', bonus_points: 5 },
        ],
      }),
    );
    const none = { channels: [], stores: [], tiers: [], minOrderMinor: 0 };
    const common = { when: none, validFrom: 0, validTo: 0, pendingDays: 0, caps: { perDay: 0, perMonth: 0 } };
    expect(program.rules).toEqual([
      { ...common, id: 'r', name: 'r', kind: 'item_multiplier', match: { categories: ['母婴'], skus: [] }, multiplierBp: 15_000 },
      { ...common, id: 'x', name: 'x', kind: 'item_exclusion', match: { categories: [], skus: ['GIFT'] } },
      { ...common, id: 'f', name: '首单', kind: 'first_order', bonusPoints: 100, pendingDays: 7, caps: { perDay: 0, perMonth: 500 } },
      {
        ...common,
        id: 'n',
        name: 'n',
        kind: 'order_bonus',
        bonusPoints: 50,
        match: { categories: [], skus: ['NEW-1'] },
        when: { ...none, channels: ['app'], minOrderMinor: 5000 },
      },
      { ...common, id: 'o', name: 'o', kind: 'order_bonus', bonusPoints: 5, match: undefined },
    ]);
  });

  it('campaign defaults: always, multiply, priority 100, any order', () => {
    expect(programOf(doc({ campaigns: [campaign()] })).campaigns[0]).toEqual({
      id: 'c',
      name: 'c',
      validFrom: 0,
      validTo: 0,
      recurrence: { kind: 'always' },
      when: { channels: [], stores: [], tiers: [], minOrderMinor: 0, categories: [] },
      multiplierBp: 20_000,
      stacking: 'multiply',
      priority: 100,
      caps: { perDay: 0, perMonth: 0 },
    });
  });

  it('behaviours: id defaults to the activity, limits default to none, streak on check_in', () => {
    const program = programOf(
      doc({
        behaviours: [
          { activity: 'share', points: 2 },
          { id: 'daily', activity: 'check_in', points: 5, per_day: 1, streak: { days: 7, bonus_points: 50 }, caps: { per_month: 300 } },
          { activity: 'review', points: 10, once: false, unique_target: true },
        ],
      }),
    );
    const defaults = { once: false, perDay: 0, uniqueTarget: false, streak: undefined, caps: { perDay: 0, perMonth: 0 } };
    expect(program.behaviours).toEqual([
      { ...defaults, id: 'share', activity: 'share', points: 2 },
      {
        ...defaults,
        id: 'daily',
        activity: 'check_in',
        points: 5,
        perDay: 1,
        streak: { days: 7, bonusPoints: 50 },
        caps: { perDay: 0, perMonth: 300 },
      },
      { ...defaults, id: 'review', activity: 'review', points: 10, uniqueTarget: true },
    ]);
  });

  it('tier levels: name defaults to the id, retain to the threshold, multiplier to 1', () => {
    const program = programOf(
      doc({
        tiers: {
          metric: 'points',
          window: 'calendar_year',
          validity_months: 24,
          levels: [
            { id: 'normal', threshold: 0 },
            { id: 'silver', name: '银卡', threshold: 200_000, multiplier: 1.2 },
            { id: 'gold', threshold: 1_000_000, retain: 800_000, multiplier: 1.5 },
          ],
        },
        rules: [itemRule({ when: { tiers: ['gold', 'silver'] } })],
      }),
    );
    expect(program.tiers).toEqual({
      metric: 'points',
      window: 'calendar_year',
      validityMonths: 24,
      levels: [
        { id: 'normal', name: 'normal', threshold: 0, retain: 0, multiplierBp: 10_000 },
        { id: 'silver', name: '银卡', threshold: 200_000, retain: 200_000, multiplierBp: 12_000 },
        { id: 'gold', name: 'gold', threshold: 1_000_000, retain: 800_000, multiplierBp: 15_000 },
      ],
    });
    expect(program.rules[0].when.tiers).toEqual(['gold', 'silver']);
  });

  it.each([
    { expiry: { kind: 'never', notice_days: 5 }, expected: { kind: 'never', noticeDays: 5 } },
    { expiry: { kind: 'rolling', months: 12, notice_days: 30 }, expected: { kind: 'rolling', months: 12, days: 0, noticeDays: 30 } },
    { expiry: { kind: 'rolling', days: 90 }, expected: { kind: 'rolling', months: 0, days: 90, noticeDays: 0 } },
    { expiry: { kind: 'calendar' }, expected: { kind: 'calendar', years: 1, noticeDays: 0 } },
    { expiry: { kind: 'calendar', years: 0, notice_days: 15 }, expected: { kind: 'calendar', years: 0, noticeDays: 15 } },
  ])('expiry $expiry.kind', ({ expiry, expected }) => {
    expect(programOf(doc({ expiry })).expiry).toEqual(expected);
  });

  it('top-level settings into engine units', () => {
    const program = programOf(
      doc({
        tenant_id: 'acme',
        time_zone: 'Asia/Tokyo',
        base_rate: { points: 2 },
        min_order_minor: 1000,
        pending_days: 7,
        time: { max_future_seconds: 60, max_lateness_days: 2 },
        caps: { per_day: 20_000 },
        referral: { referrer_points: 500, min_order_minor: 5000 },
      }),
    );
    expect(program).toMatchObject({
      tenantId: 'acme',
      timeZone: 'Asia/Tokyo',
      baseRate: { points: 2, perMinor: 100 },
      minOrderMinor: 1000,
      pendingDays: 7,
      time: { maxFutureMs: 60_000, maxLatenessMs: 2 * 86_400_000 },
      caps: { perDay: 20_000, perMonth: 0 },
      referral: { referrerPoints: 500, minOrderMinor: 5000 },
    });
  });

  it('takes the tenant from the document when none is given', () => {
    expect(programOf(doc({ tenant_id: 'beta' }), { version: 1 }).tenantId).toBe('beta');
  });
});

describe('formatProgramErrors', () => {
  it('joins errors with "; " and stops after the limit with a count', () => {
    const errors = Array.from({ length: 25 }, (_, i) => ({ path: `rules[${i}].multiplier`, message: 'must be > 0' }));
    const text = formatProgramErrors(errors);
    expect(text.startsWith('rules[0].multiplier must be > 0; rules[1].multiplier must be > 0; ')).toBe(true);
    expect(text.split('; ')).toHaveLength(21);
    expect(text.endsWith('rules[19].multiplier must be > 0; … and 5 more')).toBe(true);
    expect(formatProgramErrors(errors.slice(0, 2))).toBe('rules[0].multiplier must be > 0; rules[1].multiplier must be > 0');
  });
});
