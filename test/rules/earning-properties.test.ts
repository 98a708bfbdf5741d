// Invariants of calculateEarn over random programs, members and orders: the breakdown adds up, every
// line is a positive integer, no cap is ever exceeded, pending is part of the total and becomes
// available at the start of a local day, and the calculation is deterministic and leaves its inputs
// untouched.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { daysBetween, localDayOf, monthKeyOf } from '../../src/rules/calendar.js';
import { type CapUsage, OVERALL_CAP, capUsageOn } from '../../src/rules/caps.js';
import { type EarnFacts, type EarnInput, calculateEarn } from '../../src/rules/earning.js';
import type { Campaign, Caps, EarnRule, ItemMatch, OrderConditions, Program, Recurrence } from '../../src/rules/program/program.js';
import { CHINA_TIERS, campaignFixture, programFixture } from './program-fixture.js';

const CATEGORIES = ['food', 'beauty', 'tobacco', 'gift'];
const SKUS = ['A', 'B', 'NEW-1', 'NEW-2'];
const CHANNELS = ['app', 'store', 'mini_program'];
const STORES = ['s-1', 's-2'];
const TIER_IDS = [...CHINA_TIERS.map((t) => t.id), 'unknown'];
const FROM = Date.parse('2026-01-01T00:00:00Z');
const TO = Date.parse('2027-12-31T00:00:00Z');

const caps: fc.Arbitrary<Caps> = fc.record({
  perDay: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 500 })),
  perMonth: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3_000 })),
});

/** Mostly "any", so that rules and campaigns fire often enough to meet each other and the caps. */
function mostlyAny<T>(some: fc.Arbitrary<T>, any: T): fc.Arbitrary<T> {
  return fc.oneof({ arbitrary: fc.constant(any), weight: 3 }, { arbitrary: some, weight: 1 });
}

const conditions: fc.Arbitrary<OrderConditions> = fc.record({
  channels: mostlyAny(fc.subarray(CHANNELS, { minLength: 1, maxLength: 2 }), []),
  stores: mostlyAny(fc.subarray(STORES, { minLength: 1, maxLength: 1 }), []),
  tiers: mostlyAny(fc.subarray(TIER_IDS, { minLength: 1, maxLength: 3 }), []),
  minOrderMinor: mostlyAny(fc.integer({ min: 0, max: 20_000 }), 0),
});

const match: fc.Arbitrary<ItemMatch> = fc.record({ categories: fc.subarray(CATEGORIES), skus: fc.subarray(SKUS) });
const window = mostlyAny(
  fc
    .tuple(fc.integer({ min: FROM, max: TO }), fc.integer({ min: 0, max: 400 * 86_400_000 }))
    .map(([from, span]) => ({ validFrom: from, validTo: from + span })),
  { validFrom: 0, validTo: 0 },
);
const multiplierBp = fc.integer({ min: 5_000, max: 50_000 });

function rule(id: string): fc.Arbitrary<EarnRule> {
  const common = fc.record({ when: conditions, window, pendingDays: fc.integer({ min: 0, max: 30 }), caps });
  const kind = fc.oneof(
    fc.record({ kind: fc.constant('item_multiplier' as const), match, multiplierBp }),
    fc.record({ kind: fc.constant('item_exclusion' as const), match }),
    fc.record({ kind: fc.constant('first_order' as const), bonusPoints: fc.integer({ min: 0, max: 1_000 }) }),
    fc.record({
      kind: fc.constant('order_bonus' as const),
      bonusPoints: fc.integer({ min: 0, max: 1_000 }),
      match: fc.option(match, { nil: undefined }),
    }),
  );
  return fc
    .tuple(common, kind)
    .map(([c, k]) => ({ id, name: id, when: c.when, ...c.window, pendingDays: c.pendingDays, caps: c.caps, ...k }) as EarnRule);
}

const recurrence: fc.Arbitrary<Recurrence> = fc.oneof(
  { arbitrary: fc.constant({ kind: 'always' as const }), weight: 4 },
  fc.record({ kind: fc.constant('weekly' as const), weekdays: fc.subarray([1, 2, 3, 4, 5, 6, 7]) }),
  fc.record({ kind: fc.constant('monthly' as const), days: fc.uniqueArray(fc.integer({ min: 1, max: 31 }), { maxLength: 10 }) }),
  fc.record({
    kind: fc.constant('yearly' as const),
    dates: fc.array(fc.record({ month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 31 }) }), { maxLength: 20 }),
  }),
  fc.record({ kind: fc.constant('birthday' as const), scope: fc.constantFrom('day' as const, 'month' as const) }),
);

function campaign(id: string): fc.Arbitrary<Campaign> {
  return fc
    .record({
      window,
      recurrence,
      when: conditions,
      categories: mostlyAny(fc.subarray(CATEGORIES, { minLength: 1, maxLength: 2 }), []),
      multiplierBp,
      stacking: fc.constantFrom('multiply' as const, 'add' as const, 'best_of' as const),
      priority: fc.integer({ min: 0, max: 3 }),
      caps,
    })
    .map((c) =>
      campaignFixture(id, {
        ...c.window,
        recurrence: c.recurrence,
        when: { ...c.when, categories: c.categories },
        multiplierBp: c.multiplierBp,
        stacking: c.stacking,
        priority: c.priority,
        caps: c.caps,
      }),
    );
}

const program: fc.Arbitrary<Program> = fc
  .record({
    baseRate: fc.record({ points: fc.integer({ min: 1, max: 5 }), perMinor: fc.constantFrom(1, 10, 100, 200, 300) }),
    minOrderMinor: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 10_000 })),
    pendingDays: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 30 })),
    tierBp: fc.array(fc.integer({ min: 8_000, max: 30_000 }), { minLength: 4, maxLength: 4 }),
    rules: fc.integer({ min: 0, max: 6 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => rule(`r${i}`)))),
    campaigns: fc.integer({ min: 0, max: 5 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => campaign(`c${i}`)))),
    caps,
  })
  .map((p) =>
    programFixture({
      baseRate: p.baseRate,
      minOrderMinor: p.minOrderMinor,
      pendingDays: p.pendingDays,
      tiers: { ...programFixture().tiers, levels: CHINA_TIERS.map((t, i) => ({ ...t, multiplierBp: p.tierBp[i] })) },
      rules: p.rules,
      campaigns: p.campaigns,
      caps: p.caps,
    }),
  );

const order: fc.Arbitrary<EarnInput> = fc.record({
  amountMinor: fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })),
  items: fc.array(
    fc.record({
      sku: fc.constantFrom(...SKUS),
      category: fc.constantFrom(...CATEGORIES),
      amountMinor: fc.integer({ min: 0, max: 50_000 }),
      quantity: fc.integer({ min: 1, max: 5 }),
    }),
    { maxLength: 6 },
  ),
  channel: fc.constantFrom(...CHANNELS),
  storeId: fc.constantFrom(...STORES),
  occurredAt: fc.integer({ min: FROM, max: TO }),
});

/** Facts whose cap usage was kept on the order's own day, an earlier day of its month, or an earlier month. */
function factsFor(input: EarnInput): fc.Arbitrary<EarnFacts> {
  const day = localDayOf(input.occurredAt, 'Asia/Shanghai');
  const keys = [OVERALL_CAP, ...Array.from({ length: 6 }, (_, i) => `r${i}`), ...Array.from({ length: 5 }, (_, i) => `c${i}`)];
  const counters = fc.dictionary(fc.constantFrom(...keys), fc.integer({ min: 0, max: 3_500 }), { maxKeys: 8 });
  const when = fc.constantFrom(
    { dayKey: day.key, monthKey: monthKeyOf(day) },
    { dayKey: 'earlier-day', monthKey: monthKeyOf(day) },
    { dayKey: 'earlier-day', monthKey: 'earlier-month' },
  );
  return fc.record({
    tier: fc.constantFrom(...TIER_IDS),
    birthday: fc.option(fc.record({ month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 31 }) }), { nil: undefined }),
    earningOrders: fc.integer({ min: 0, max: 3 }),
    capUsage: fc.tuple(when, counters, counters).map(([k, d, m]): CapUsage => ({ ...k, day: d, month: m })),
  });
}

const scenario = fc.tuple(program, order).chain(([p, o]) => factsFor(o).map((f) => ({ program: p, facts: f, input: o })));

/**
 * No offset (+14), half-hour offsets, half-hour DST (Lord Howe), DST switches at 01:00 / 02:00
 * (London, New York), none (Shanghai, São Paulo), and switches at midnight, where some days have no
 * 00:00 and begin at 01:00 (Santiago, Havana).
 */
const TIME_ZONES = [
  'Asia/Shanghai',
  'America/New_York',
  'Europe/London',
  'Australia/Lord_Howe',
  'Pacific/Kiritimati',
  'Asia/Kolkata',
  'America/Sao_Paulo',
  'America/Santiago',
  'America/Havana',
];
const zonedScenario = fc
  .tuple(scenario, fc.constantFrom(...TIME_ZONES))
  .map(([s, timeZone]) => ({ ...s, program: { ...s.program, timeZone } }));

/** The pending days that govern a breakdown line: its rule's own, else (base, tier, campaign lines) the program's. */
function pendingDaysOf(p: Program, lineId: string): number {
  return p.rules.find((r) => r.id === lineId)?.pendingDays ?? p.pendingDays;
}

/** The caps that govern each line id: rules and campaigns by id, OVERALL_CAP for the program. */
function capsById(p: Program): Map<string, Caps> {
  const byId = new Map<string, Caps>([[OVERALL_CAP, p.caps]]);
  for (const r of p.rules) byId.set(r.id, r.caps);
  for (const c of p.campaigns) byId.set(c.id, c.caps);
  return byId;
}

function room(used: number | undefined, cap: number): number {
  return cap === 0 ? Number.POSITIVE_INFINITY : Math.max(0, cap - (used ?? 0));
}

describe('calculateEarn invariants', () => {
  it('points are the sum of the lines, every line a positive integer, pending a part of the points', () => {
    fc.assert(
      fc.property(scenario, ({ program, facts, input }) => {
        const result = calculateEarn(program, facts, input);
        for (const line of result.breakdown) {
          expect(Number.isSafeInteger(line.points) && line.points > 0).toBe(true);
        }
        expect(result.points).toBe(result.breakdown.reduce((sum, l) => sum + l.points, 0));
        expect(new Set(result.breakdown.map((l) => l.ruleId)).size).toBe(result.breakdown.length);
        expect(Number.isSafeInteger(result.pendingPoints) && result.pendingPoints >= 0).toBe(true);
        expect(result.pendingPoints).toBeLessThanOrEqual(result.points);
        expect(result.availableAt === 0).toBe(result.pendingPoints === 0);
        if (result.pendingPoints > 0) expect(result.availableAt).toBeGreaterThan(input.occurredAt);
      }),
      { numRuns: 2_000 },
    );
  });

  it('pending = the lines with pending days; availableAt = 00:00 local of the order’s local day + the longest of them + 1', () => {
    let pendingSeen = 0;
    fc.assert(
      fc.property(zonedScenario, ({ program, facts, input }) => {
        const result = calculateEarn(program, facts, input);
        const pendingLines = result.breakdown.filter((l) => pendingDaysOf(program, l.ruleId) > 0);
        expect(result.pendingPoints).toBe(pendingLines.reduce((sum, l) => sum + l.points, 0));
        if (pendingLines.length === 0) {
          expect(result.availableAt).toBe(0);
          return;
        }
        pendingSeen++;
        const longest = Math.max(...pendingLines.map((l) => pendingDaysOf(program, l.ruleId)));
        const zone = program.timeZone;
        // the first millisecond of a local day, `longest + 1` calendar days after the order's; the
        // millisecond before it still on the day `longest` days after
        expect(localDayOf(result.availableAt, zone).start).toBe(result.availableAt);
        expect(daysBetween(input.occurredAt, result.availableAt, zone)).toBe(longest + 1);
        expect(daysBetween(input.occurredAt, result.availableAt - 1, zone)).toBe(longest);
      }),
      { numRuns: 2_000 },
    );
    expect(pendingSeen).toBeGreaterThan(200);
  });

  it('never grants past a cap: usage + points ≤ cap for every capped rule, campaign and overall', () => {
    fc.assert(
      fc.property(scenario, ({ program, facts, input }) => {
        const result = calculateEarn(program, facts, input);
        const usage = capUsageOn(facts.capUsage, result.dayKey, result.monthKey);
        const capsOf = capsById(program);
        const granted = [...result.breakdown.map((l) => [l.ruleId, l.points] as const), [OVERALL_CAP, result.points] as const];
        for (const [id, points] of granted) {
          const c = capsOf.get(id);
          if (!c || points === 0) continue;
          expect(points).toBeLessThanOrEqual(room(usage.day[id], c.perDay));
          expect(points).toBeLessThanOrEqual(room(usage.month[id], c.perMonth));
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('is deterministic, does not depend on the compiled-program cache, and mutates neither facts nor program', () => {
    fc.assert(
      fc.property(scenario, ({ program, facts, input }) => {
        const programBefore = structuredClone(program);
        const factsBefore = structuredClone(facts);
        const inputBefore = structuredClone(input);
        const first = calculateEarn(program, facts, input);
        const again = calculateEarn(program, facts, input);
        const fresh = calculateEarn(structuredClone(program), structuredClone(facts), structuredClone(input));
        expect(again).toEqual(first);
        expect(fresh).toEqual(first);
        expect(program).toEqual(programBefore);
        expect(facts).toEqual(factsBefore);
        expect(input).toEqual(inputBefore);
      }),
      { numRuns: 500 },
    );
  });
});
