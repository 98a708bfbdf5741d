// calculateEarn as a spec: one row per behaviour — the program, the member's facts, the order —
// and the breakdown lines it must produce, with the worked numbers in the row's name.

import { describe, expect, it } from 'vitest';
import { emptyCapUsage } from '../../src/rules/caps.js';
import { type EarnFacts, type EarnInput, calculateEarn } from '../../src/rules/earning.js';
import type { Program } from '../../src/rules/program/program.js';
import {
  CHINA_TIERS,
  anyOrder,
  campaignFixture,
  firstOrderRule,
  itemExclusionRule,
  itemMultiplierRule,
  orderBonusRule,
  programFixture,
} from './program-fixture.js';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const DAY_MS = 86_400_000;
/** Wednesday 4 March 2026, 12:00 in Asia/Shanghai. */
const WED_NOON = Date.parse('2026-03-04T04:00:00Z');
const THU_NOON = WED_NOON + DAY_MS;
/** 00:30 on 11 November 2026 in Shanghai, still the 10th in UTC. */
const D11_JUST_AFTER_MIDNIGHT = Date.parse('2026-11-10T16:30:00Z');
/** 23:59 on 10 November 2026 in Shanghai. */
const D11_EVE = Date.parse('2026-11-10T15:59:00Z');

const tiered = (o: Partial<Program> = {}) => programFixture({ tiers: { ...programFixture().tiers, levels: CHINA_TIERS }, ...o });
const double11 = campaignFixture('double11', { recurrence: { kind: 'yearly', dates: [{ month: 11, day: 11 }] } });
const memberDay = campaignFixture('member-day', { recurrence: { kind: 'weekly', weekdays: [3] }, stacking: 'add' });
const food = (amountMinor: number, sku = 'F-1') => ({ sku, category: 'food', amountMinor, quantity: 1 });
const item = (category: string, amountMinor: number, sku = `${category}-1`) => ({ sku, category, amountMinor, quantity: 1 });

function facts(o: Partial<EarnFacts> = {}): EarnFacts {
  return { tier: 'normal', birthday: undefined, earningOrders: 1, capUsage: emptyCapUsage(), ...o };
}

function order(o: Partial<EarnInput> = {}): EarnInput {
  return { amountMinor: 10_000, items: [], channel: 'app', storeId: 's-1', occurredAt: WED_NOON, ...o };
}

/** Usage of the cap counters as the actor would have kept it. */
function usage(dayKey: string, monthKey: string, day: Record<string, number>, month: Record<string, number> = day) {
  return { dayKey, monthKey, day, month };
}

interface Row {
  name: string;
  program: Program;
  facts?: Partial<EarnFacts>;
  order?: Partial<EarnInput>;
  /** [ruleId, points] in breakdown order. */
  lines: [string, number][];
}

const rows: Row[] = [
  // base rate and the one rounding rule
  {
    name: '199 fen at 1 point per 100 fen rounds down to 1 point',
    program: programFixture(),
    order: { amountMinor: 199 },
    lines: [['base', 1]],
  },
  { name: '99 fen earn nothing, so no line at all', program: programFixture(), order: { amountMinor: 99 }, lines: [] },
  {
    name: '999 fen at 3 points per 200 fen: floor(14.985) = 14',
    program: programFixture({ baseRate: { points: 3, perMinor: 200 } }),
    order: { amountMinor: 999 },
    lines: [['base', 14]],
  },
  {
    name: '2^53−1 fen at 3 per 200 is exact past 2^53: floor(27021597764222973 / 200) = 135107988821114',
    program: programFixture({ baseRate: { points: 3, perMinor: 200 } }),
    order: { amountMinor: MAX_SAFE },
    lines: [['base', 135_107_988_821_114]],
  },
  {
    name: '2^53−1 fen for a diamond member on a 3× multiply day: 90071992547409 + 90071992547409 + floor(MAX × 4 / 100)',
    program: tiered({ campaigns: [campaignFixture('triple', { multiplierBp: 30_000 })] }),
    facts: { tier: 'diamond' },
    order: { amountMinor: MAX_SAFE },
    lines: [
      ['base', 90_071_992_547_409],
      ['tier:diamond', 90_071_992_547_409],
      ['triple', 360_287_970_189_639],
    ],
  },
  {
    name: 'an order’s points saturate at 2^53−1: 4 points per fen on 2^53−1 fen, no room left for a bonus',
    program: programFixture({ baseRate: { points: 4, perMinor: 1 }, rules: [orderBonusRule('thanks', 10)] }),
    order: { amountMinor: MAX_SAFE },
    lines: [['base', MAX_SAFE]],
  },

  // minimum order
  {
    name: 'an order of 4999 fen under a 5000 fen minimum earns nothing, bonuses included',
    program: programFixture({ minOrderMinor: 5_000, rules: [firstOrderRule('welcome', 500)] }),
    facts: { earningOrders: 0 },
    order: { amountMinor: 4_999 },
    lines: [],
  },
  {
    name: 'an order of exactly the 5000 fen minimum earns 50',
    program: programFixture({ minOrderMinor: 5_000 }),
    order: { amountMinor: 5_000 },
    lines: [['base', 50]],
  },

  // exclusions
  {
    name: 'tobacco excluded: 10000 − 3000 = 7000 eligible fen earn 70, un-itemised rest included',
    program: programFixture({ rules: [itemExclusionRule('no-tobacco', { categories: ['tobacco'] })] }),
    order: { items: [item('tobacco', 3_000), food(2_000)] },
    lines: [['base', 70]],
  },
  {
    name: 'excluded items worth more than the order leave 0 eligible, never negative',
    program: programFixture({ rules: [itemExclusionRule('no-tobacco', { categories: ['tobacco'] })] }),
    order: { amountMinor: 1_000, items: [item('tobacco', 5_000)] },
    lines: [],
  },
  {
    name: 'an exclusion limited to the store channel does not apply to an app order',
    program: programFixture({
      rules: [itemExclusionRule('no-tobacco', { categories: ['tobacco'] }, { when: anyOrder({ channels: ['store'] }) })],
    }),
    order: { items: [item('tobacco', 3_000)] },
    lines: [['base', 100]],
  },

  // category and SKU multipliers
  {
    name: 'beauty 3×: 4000 fen of beauty add floor(40 × 2) = 80 to base 100',
    program: programFixture({ rules: [itemMultiplierRule('beauty-3x', { categories: ['beauty'] }, 30_000)] }),
    order: { items: [item('beauty', 4_000), food(1_000)] },
    lines: [
      ['base', 100],
      ['beauty-3x', 80],
    ],
  },
  {
    name: 'new SKU 2×: 2550 fen add floor(25.5 × 1) = 25',
    program: programFixture({ rules: [itemMultiplierRule('new-2x', { skus: ['NEW-1'] }, 20_000)] }),
    order: { items: [food(2_550, 'NEW-1'), food(1_000)] },
    lines: [
      ['base', 100],
      ['new-2x', 25],
    ],
  },
  {
    name: 'an excluded item gets no multiplier either: 7000 eligible, beauty gift card adds nothing',
    program: programFixture({
      rules: [itemExclusionRule('no-gift-cards', { skus: ['GIFT'] }), itemMultiplierRule('beauty-2x', { categories: ['beauty'] }, 20_000)],
    }),
    order: { items: [item('beauty', 3_000, 'GIFT')] },
    lines: [['base', 70]],
  },
  {
    name: 'a multiplier of 1.0× or less gives no line',
    program: programFixture({
      rules: [itemMultiplierRule('flat', { categories: ['food'] }, 10_000), itemMultiplierRule('half', { categories: ['food'] }, 5_000)],
    }),
    order: { items: [food(5_000)] },
    lines: [['base', 100]],
  },

  // tier multipliers, each line floored on its own: 12345 fen → base floor(123.45) = 123
  {
    name: '普通 1.0× earns the base only: 123',
    program: tiered(),
    facts: { tier: 'normal' },
    order: { amountMinor: 12_345 },
    lines: [['base', 123]],
  },
  {
    name: '银卡 1.2× adds floor(123.45 × 0.2) = 24',
    program: tiered(),
    facts: { tier: 'silver' },
    order: { amountMinor: 12_345 },
    lines: [
      ['base', 123],
      ['tier:silver', 24],
    ],
  },
  {
    name: '金卡 1.5× adds floor(123.45 × 0.5) = 61 (184, not floor(185.175))',
    program: tiered(),
    facts: { tier: 'gold' },
    order: { amountMinor: 12_345 },
    lines: [
      ['base', 123],
      ['tier:gold', 61],
    ],
  },
  {
    name: '钻石 2.0× adds floor(123.45 × 1) = 123',
    program: tiered(),
    facts: { tier: 'diamond' },
    order: { amountMinor: 12_345 },
    lines: [
      ['base', 123],
      ['tier:diamond', 123],
    ],
  },
  {
    name: 'an unknown tier id earns as the first level (silver 1.2× here): 100 + 20',
    program: programFixture({ tiers: { ...programFixture().tiers, levels: CHINA_TIERS.slice(1) } }),
    facts: { tier: 'platinum' },
    lines: [
      ['base', 100],
      ['tier:silver', 20],
    ],
  },
  {
    name: 'a tier multiplier below 1.0× counts as 1.0×: no negative line',
    program: programFixture({ tiers: { ...programFixture().tiers, levels: [{ ...CHINA_TIERS[0], multiplierBp: 8_000 }] } }),
    lines: [['base', 100]],
  },

  // campaign days in Asia/Shanghai
  {
    name: 'Double 11 at 2026-11-10T16:30Z is already the 11th in Shanghai: 100 + 100',
    program: programFixture({ campaigns: [double11] }),
    order: { occurredAt: D11_JUST_AFTER_MIDNIGHT },
    lines: [
      ['base', 100],
      ['double11', 100],
    ],
  },
  {
    name: 'Double 11 at 2026-11-10T15:59Z is still the 10th in Shanghai: 100 only',
    program: programFixture({ campaigns: [double11] }),
    order: { occurredAt: D11_EVE },
    lines: [['base', 100]],
  },
  {
    name: 'gold 1.5× and Double 11 multiply 2× on 100 yuan: 100 + 50 + 150 = 300',
    program: tiered({ campaigns: [double11] }),
    facts: { tier: 'gold' },
    order: { occurredAt: D11_JUST_AFTER_MIDNIGHT },
    lines: [
      ['base', 100],
      ['tier:gold', 50],
      ['double11', 150],
    ],
  },
  {
    name: 'member day on Wednesday adds 100',
    program: programFixture({ campaigns: [memberDay] }),
    lines: [
      ['base', 100],
      ['member-day', 100],
    ],
  },
  {
    name: 'member day is off on Thursday',
    program: programFixture({ campaigns: [memberDay] }),
    order: { occurredAt: THU_NOON },
    lines: [['base', 100]],
  },
  {
    name: 'member day is on at 2026-03-03T16:30Z: Tuesday in UTC, Wednesday 00:30 in Shanghai',
    program: programFixture({ campaigns: [memberDay] }),
    order: { occurredAt: Date.parse('2026-03-03T16:30:00Z') },
    lines: [
      ['base', 100],
      ['member-day', 100],
    ],
  },
  {
    name: 'a monthly campaign on the 4th is on 4 March',
    program: programFixture({ campaigns: [campaignFixture('fourth', { recurrence: { kind: 'monthly', days: [4, 18] } })] }),
    lines: [
      ['base', 100],
      ['fourth', 100],
    ],
  },
  {
    name: 'a campaign window is validFrom inclusive',
    program: programFixture({ campaigns: [campaignFixture('launch', { validFrom: WED_NOON, validTo: THU_NOON })] }),
    lines: [
      ['base', 100],
      ['launch', 100],
    ],
  },
  {
    name: 'a campaign window is validTo exclusive',
    program: programFixture({ campaigns: [campaignFixture('launch', { validFrom: 0, validTo: WED_NOON })] }),
    lines: [['base', 100]],
  },
  {
    name: 'a campaign limited to beauty scopes only the beauty items: add 3× on 4000 fen = 80',
    program: programFixture({
      campaigns: [
        campaignFixture('beauty-week', { stacking: 'add', multiplierBp: 30_000, when: { ...anyOrder(), categories: ['beauty'] } }),
      ],
    }),
    order: { items: [item('beauty', 4_000), food(1_000)] },
    lines: [
      ['base', 100],
      ['beauty-week', 80],
    ],
  },

  // birthdays
  {
    name: 'birthday on the day (4 March) doubles: 100 + 100',
    program: programFixture({ campaigns: [campaignFixture('bday', { recurrence: { kind: 'birthday', scope: 'day' } })] }),
    facts: { birthday: { month: 3, day: 4 } },
    lines: [
      ['base', 100],
      ['bday', 100],
    ],
  },
  {
    name: 'birthday on 5 March is not 4 March',
    program: programFixture({ campaigns: [campaignFixture('bday', { recurrence: { kind: 'birthday', scope: 'day' } })] }),
    facts: { birthday: { month: 3, day: 5 } },
    lines: [['base', 100]],
  },
  {
    name: 'birth month: any day of March counts for a 20 March birthday',
    program: programFixture({ campaigns: [campaignFixture('bmonth', { recurrence: { kind: 'birthday', scope: 'month' } })] }),
    facts: { birthday: { month: 3, day: 20 } },
    lines: [
      ['base', 100],
      ['bmonth', 100],
    ],
  },
  {
    name: 'no birthday on file: birthday campaigns are off',
    program: programFixture({ campaigns: [campaignFixture('bday', { recurrence: { kind: 'birthday', scope: 'month' } })] }),
    lines: [['base', 100]],
  },
  {
    name: 'a 29 February birthday is celebrated on 28 February 2027',
    program: programFixture({ campaigns: [campaignFixture('bday', { recurrence: { kind: 'birthday', scope: 'day' } })] }),
    facts: { birthday: { month: 2, day: 29 } },
    order: { occurredAt: Date.parse('2027-02-28T04:00:00Z') },
    lines: [
      ['base', 100],
      ['bday', 100],
    ],
  },

  // stacking, on 100 yuan
  {
    name: 'multiply stacks on tier and earlier multiplies: gold, 2× then 1.5× = 100 + 50 + 150 + floor(100 × 3 × 0.5) = 450',
    program: tiered({ campaigns: [campaignFixture('a', { priority: 1 }), campaignFixture('b', { priority: 2, multiplierBp: 15_000 })] }),
    facts: { tier: 'gold' },
    lines: [
      ['base', 100],
      ['tier:gold', 50],
      ['a', 150],
      ['b', 150],
    ],
  },
  {
    name: 'add sits beside the tier: gold, add 2× and add 1.5× = 100 + 50 + 100 + 50 = 300',
    program: tiered({
      campaigns: [
        campaignFixture('a', { priority: 1, stacking: 'add' }),
        campaignFixture('b', { priority: 2, stacking: 'add', multiplierBp: 15_000 }),
      ],
    }),
    facts: { tier: 'gold' },
    lines: [
      ['base', 100],
      ['tier:gold', 50],
      ['a', 100],
      ['b', 50],
    ],
  },
  {
    name: 'add does not feed later multiplies: multiply 2×, add 3×, multiply 1.5× = 100 + 100 + 200 + floor(100 × 2 × 0.5) = 500',
    program: programFixture({
      campaigns: [
        campaignFixture('m2', { priority: 1 }),
        campaignFixture('a3', { priority: 2, stacking: 'add', multiplierBp: 30_000 }),
        campaignFixture('m15', { priority: 3, multiplierBp: 15_000 }),
      ],
    }),
    lines: [
      ['base', 100],
      ['m2', 100],
      ['a3', 200],
      ['m15', 100],
    ],
  },
  {
    name: 'best_of keeps only the highest multiplier: 1.5×, 3× and 2× give the 3× one, +200',
    program: programFixture({
      campaigns: [
        campaignFixture('a', { priority: 1, stacking: 'best_of', multiplierBp: 15_000 }),
        campaignFixture('c', { priority: 5, stacking: 'best_of', multiplierBp: 30_000 }),
        campaignFixture('b', { priority: 2, stacking: 'best_of', multiplierBp: 20_000 }),
      ],
    }),
    lines: [
      ['base', 100],
      ['c', 200],
    ],
  },
  {
    name: 'best_of tie goes to the lower priority value',
    program: programFixture({
      campaigns: [campaignFixture('x', { priority: 2, stacking: 'best_of' }), campaignFixture('y', { priority: 1, stacking: 'best_of' })],
    }),
    lines: [
      ['base', 100],
      ['y', 100],
    ],
  },
  {
    name: 'best_of tie on priority goes to the lower id',
    program: programFixture({ campaigns: [campaignFixture('b', { stacking: 'best_of' }), campaignFixture('a', { stacking: 'best_of' })] }),
    lines: [
      ['base', 100],
      ['a', 100],
    ],
  },
  {
    name: 'a best_of campaign that is off today does not win: Double 11 3× is off, 1.5× wins with +50',
    program: programFixture({
      campaigns: [
        { ...double11, stacking: 'best_of', multiplierBp: 30_000 },
        campaignFixture('spring', { stacking: 'best_of', multiplierBp: 15_000 }),
      ],
    }),
    lines: [
      ['base', 100],
      ['spring', 50],
    ],
  },
  {
    name: 'the best_of winner acts like add: gold, best_of 2× then multiply 2× = 100 + 50 + 100 + 150 = 400',
    program: tiered({
      campaigns: [campaignFixture('best', { priority: 1, stacking: 'best_of' }), campaignFixture('mul', { priority: 2 })],
    }),
    facts: { tier: 'gold' },
    lines: [
      ['base', 100],
      ['tier:gold', 50],
      ['best', 100],
      ['mul', 150],
    ],
  },
  {
    name: 'campaigns apply by priority, not program order: early 2× = 100, then late 3× = 100 × 2 × 2 = 400',
    program: programFixture({
      campaigns: [campaignFixture('late', { priority: 2, multiplierBp: 30_000 }), campaignFixture('early', { priority: 1 })],
    }),
    lines: [
      ['base', 100],
      ['early', 100],
      ['late', 400],
    ],
  },

  // bonuses
  {
    name: 'first-order bonus of 500 on the first earning order',
    program: programFixture({ rules: [firstOrderRule('welcome', 500)] }),
    facts: { earningOrders: 0 },
    lines: [
      ['base', 100],
      ['welcome', 500],
    ],
  },
  {
    name: 'no first-order bonus after 3 earning orders',
    program: programFixture({ rules: [firstOrderRule('welcome', 500)] }),
    facts: { earningOrders: 3 },
    lines: [['base', 100]],
  },
  {
    name: 'no first-order bonus when its own 200 yuan minimum is not met',
    program: programFixture({ rules: [firstOrderRule('welcome', 500, { when: anyOrder({ minOrderMinor: 20_000 }) })] }),
    facts: { earningOrders: 0 },
    lines: [['base', 100]],
  },
  {
    name: 'new-product bonus of 200 when a new SKU is in the order',
    program: programFixture({ rules: [orderBonusRule('new', 200, { skus: ['NEW-1'] })] }),
    order: { items: [food(500, 'NEW-1')] },
    lines: [
      ['base', 100],
      ['new', 200],
    ],
  },
  {
    name: 'no new-product bonus without a new SKU',
    program: programFixture({ rules: [orderBonusRule('new', 200, { skus: ['NEW-1'] })] }),
    order: { items: [food(500)] },
    lines: [['base', 100]],
  },
  {
    name: 'an order bonus without a match applies to every order',
    program: programFixture({ rules: [orderBonusRule('thanks', 10)] }),
    lines: [
      ['base', 100],
      ['thanks', 10],
    ],
  },
  {
    name: 'an excluded new SKU does not earn the new-product bonus',
    program: programFixture({
      rules: [itemExclusionRule('no-gifts', { categories: ['gift'] }), orderBonusRule('new', 200, { skus: ['NEW-1'] })],
    }),
    order: { items: [item('gift', 500, 'NEW-1')] },
    lines: [['base', 95]],
  },

  // conditions and windows
  {
    name: 'a mini-program-only multiplier does not apply to an app order',
    program: programFixture({
      rules: [itemMultiplierRule('mp', { categories: ['food'] }, 20_000, { when: anyOrder({ channels: ['mini_program'] }) })],
    }),
    order: { items: [food(5_000)] },
    lines: [['base', 100]],
  },
  {
    name: 'a mini-program-only multiplier applies to a mini-program order: +50',
    program: programFixture({
      rules: [itemMultiplierRule('mp', { categories: ['food'] }, 20_000, { when: anyOrder({ channels: ['mini_program'] }) })],
    }),
    order: { channel: 'mini_program', items: [food(5_000)] },
    lines: [
      ['base', 100],
      ['mp', 50],
    ],
  },
  {
    name: 'a flagship-store bonus skips other stores',
    program: programFixture({ rules: [orderBonusRule('flagship', 30, undefined, { when: anyOrder({ stores: ['s-flagship'] }) })] }),
    order: { storeId: 's-2' },
    lines: [['base', 100]],
  },
  {
    name: 'a gold-and-diamond campaign is on for gold: 100 + 50 + 150',
    program: tiered({ campaigns: [campaignFixture('vip', { when: { ...anyOrder({ tiers: ['gold', 'diamond'] }), categories: [] } })] }),
    facts: { tier: 'gold' },
    lines: [
      ['base', 100],
      ['tier:gold', 50],
      ['vip', 150],
    ],
  },
  {
    name: 'a gold-and-diamond campaign is off for silver',
    program: tiered({ campaigns: [campaignFixture('vip', { when: { ...anyOrder({ tiers: ['gold', 'diamond'] }), categories: [] } })] }),
    facts: { tier: 'silver' },
    lines: [
      ['base', 100],
      ['tier:silver', 20],
    ],
  },
  {
    name: 'a rule outside its window gives nothing',
    program: programFixture({ rules: [orderBonusRule('old', 10, undefined, { validFrom: 1, validTo: WED_NOON })] }),
    lines: [['base', 100]],
  },

  // per-rule caps, on the usage rolled to 2026-03-04
  {
    name: 'a rule capped at 100 a day with 30 used today grants 70 of 500',
    program: programFixture({ rules: [orderBonusRule('bonus', 500, undefined, { caps: { perDay: 100, perMonth: 0 } })] }),
    facts: { capUsage: usage('2026-03-04', '2026-03', { bonus: 30 }) },
    lines: [
      ['base', 100],
      ['bonus', 70],
    ],
  },
  {
    name: 'a rule capped at 1000 a month with 990 used this month grants 10',
    program: programFixture({ rules: [orderBonusRule('bonus', 500, undefined, { caps: { perDay: 0, perMonth: 1_000 } })] }),
    facts: { capUsage: usage('2026-03-02', '2026-03', {}, { bonus: 990 }) },
    lines: [
      ['base', 100],
      ['bonus', 10],
    ],
  },
  {
    name: 'usage of an earlier day does not count against the day cap, this month’s does: 1000 − 950 = 50',
    program: programFixture({ rules: [orderBonusRule('bonus', 500, undefined, { caps: { perDay: 100, perMonth: 1_000 } })] }),
    facts: { capUsage: usage('2026-03-03', '2026-03', { bonus: 100 }, { bonus: 950 }) },
    lines: [
      ['base', 100],
      ['bonus', 50],
    ],
  },
  {
    name: 'usage of last month does not count at all: full 100 under a 100 a day cap',
    program: programFixture({ rules: [orderBonusRule('bonus', 100, undefined, { caps: { perDay: 100, perMonth: 100 } })] }),
    facts: { capUsage: usage('2026-02-28', '2026-02', { bonus: 100 }) },
    lines: [
      ['base', 100],
      ['bonus', 100],
    ],
  },
  {
    name: 'a rule with its cap used up today gives no line',
    program: programFixture({ rules: [orderBonusRule('bonus', 500, undefined, { caps: { perDay: 100, perMonth: 0 } })] }),
    facts: { capUsage: usage('2026-03-04', '2026-03', { bonus: 100 }) },
    lines: [['base', 100]],
  },
  {
    name: 'a campaign cap of 50 a day counts under the campaign id',
    program: programFixture({ campaigns: [{ ...double11, caps: { perDay: 50, perMonth: 0 } }] }),
    order: { occurredAt: D11_JUST_AFTER_MIDNIGHT },
    lines: [
      ['base', 100],
      ['double11', 50],
    ],
  },

  // the overall cap trims from the last line backwards
  {
    name: 'overall 120 a day on 100 + 50 + 20: the bonus goes, the tier line keeps 20',
    program: tiered({ caps: { perDay: 120, perMonth: 0 }, rules: [orderBonusRule('bonus', 20)] }),
    facts: { tier: 'gold' },
    lines: [
      ['base', 100],
      ['tier:gold', 20],
    ],
  },
  {
    name: 'overall 200 a day with 150 used today leaves 50 of the base',
    program: tiered({ caps: { perDay: 200, perMonth: 0 } }),
    facts: { tier: 'gold', capUsage: usage('2026-03-04', '2026-03', { '*': 150 }) },
    lines: [['base', 50]],
  },
  {
    name: 'overall day cap used up: nothing at all',
    program: programFixture({ caps: { perDay: 200, perMonth: 0 }, rules: [firstOrderRule('welcome', 500)] }),
    facts: { earningOrders: 0, capUsage: usage('2026-03-04', '2026-03', { '*': 200 }) },
    lines: [],
  },
  {
    name: 'overall 3000 a month with 2950 used this month (none today) leaves 50',
    program: programFixture({ caps: { perDay: 200, perMonth: 3_000 } }),
    facts: { capUsage: usage('2026-03-03', '2026-03', { '*': 200 }, { '*': 2_950 }) },
    lines: [['base', 50]],
  },
];

describe('calculateEarn', () => {
  it.each(rows)('$name', (row) => {
    const result = calculateEarn(row.program, facts(row.facts), order(row.order));
    expect(result.breakdown.map((l) => [l.ruleId, l.points])).toEqual(row.lines);
    expect(result.points).toBe(row.lines.reduce((sum, [, points]) => sum + points, 0));
  });
});

describe('pending points', () => {
  // Pending points become available at 00:00 local (program time zone) of the day after the order's
  // local day + the longest pendingDays: whatever the hour of the order, one day's earns share one
  // availableAt, so the actor keeps them in one lot.
  const pendingRows: {
    name: string;
    program: Program;
    order?: Partial<EarnInput>;
    points: number;
    pendingPoints: number;
    availableAt: number;
  }[] = [
    {
      name: 'a 7-day return window holds base and tier, the bonus is available at once: order 03-04 12:00, available from 03-12 00:00 local',
      program: tiered({ pendingDays: 7, rules: [orderBonusRule('bonus', 20)] }),
      points: 170,
      pendingPoints: 150,
      availableAt: Date.parse('2026-03-12T00:00:00+08:00'),
    },
    {
      name: 'the longest pending period decides availableAt: a 14-day bonus beside a 7-day base, available from 03-19 00:00 local',
      program: programFixture({ pendingDays: 7, rules: [orderBonusRule('bonus', 20, undefined, { pendingDays: 14 })] }),
      points: 120,
      pendingPoints: 120,
      availableAt: Date.parse('2026-03-19T00:00:00+08:00'),
    },
    {
      name: 'campaign lines follow the program’s pending days: 3 days from 03-04, available from 03-08 00:00 local',
      program: programFixture({ pendingDays: 3, campaigns: [campaignFixture('double')] }),
      points: 200,
      pendingPoints: 200,
      availableAt: Date.parse('2026-03-08T00:00:00+08:00'),
    },
    {
      name: 'an order at 10:00 on 11-11 with 7 days is available from 11-19 00:00 local (2026-11-18T16:00Z), not 11-18 10:00',
      program: programFixture({ pendingDays: 7 }),
      order: { occurredAt: Date.parse('2026-11-11T10:00:00+08:00') },
      points: 100,
      pendingPoints: 100,
      availableAt: Date.parse('2026-11-18T16:00:00Z'),
    },
    {
      name: 'an order at 00:30 on 11-11 local (still 11-10 in UTC) counts from 11-11: available from 11-19 00:00 local',
      program: programFixture({ pendingDays: 7 }),
      order: { occurredAt: D11_JUST_AFTER_MIDNIGHT },
      points: 100,
      pendingPoints: 100,
      availableAt: Date.parse('2026-11-19T00:00:00+08:00'),
    },
    {
      name: 'an order at 23:59 on 11-10 local counts from 11-10: available from 11-18 00:00 local, 31 minutes of order time a day apart',
      program: programFixture({ pendingDays: 7 }),
      order: { occurredAt: D11_EVE },
      points: 100,
      pendingPoints: 100,
      availableAt: Date.parse('2026-11-18T00:00:00+08:00'),
    },
    {
      name: 'the day boundary is the program’s zone: New York, 03-05 12:00 EST + 7 days, available from 03-13 00:00 EDT (after the DST switch on 03-08)',
      program: programFixture({ timeZone: 'America/New_York', pendingDays: 7 }),
      order: { occurredAt: Date.parse('2026-03-05T12:00:00-05:00') },
      points: 100,
      pendingPoints: 100,
      availableAt: Date.parse('2026-03-13T00:00:00-04:00'),
    },
    {
      name: 'nothing pending: availableAt is 0',
      program: programFixture({ rules: [orderBonusRule('bonus', 20)] }),
      points: 120,
      pendingPoints: 0,
      availableAt: 0,
    },
    {
      name: 'a pending line trimmed away by the overall cap leaves nothing pending',
      program: programFixture({ caps: { perDay: 100, perMonth: 0 }, rules: [orderBonusRule('bonus', 20, undefined, { pendingDays: 30 })] }),
      points: 100,
      pendingPoints: 0,
      availableAt: 0,
    },
  ];

  it.each(pendingRows)('$name', (row) => {
    const result = calculateEarn(row.program, facts({ tier: 'gold' }), order(row.order));
    expect({ points: result.points, pendingPoints: result.pendingPoints, availableAt: result.availableAt }).toEqual({
      points: row.points,
      pendingPoints: row.pendingPoints,
      availableAt: row.availableAt,
    });
  });

  it('every order of one local day gets the same availableAt: 11-11 00:00:00.000 to 23:59:59.999 local, all from 11-19 00:00', () => {
    const program = programFixture({ pendingDays: 7 });
    const dayStart = Date.parse('2026-11-11T00:00:00+08:00');
    const instants = [dayStart, dayStart + 10 * 3_600_000, dayStart + DAY_MS - 1];
    const availableAt = instants.map((occurredAt) => calculateEarn(program, facts(), order({ occurredAt })).availableAt);
    expect(availableAt).toEqual(instants.map(() => Date.parse('2026-11-19T00:00:00+08:00')));
    // the first instant of the next local day moves it one day on
    expect(calculateEarn(program, facts(), order({ occurredAt: dayStart + DAY_MS })).availableAt).toBe(
      Date.parse('2026-11-20T00:00:00+08:00'),
    );
  });
});

describe('cap counter keys', () => {
  it.each([
    {
      name: '2026-11-10T16:30Z counts on Shanghai day 2026-11-11',
      occurredAt: D11_JUST_AFTER_MIDNIGHT,
      dayKey: '2026-11-11',
      monthKey: '2026-11',
    },
    { name: '2026-11-10T15:59Z counts on Shanghai day 2026-11-10', occurredAt: D11_EVE, dayKey: '2026-11-10', monthKey: '2026-11' },
    {
      name: '2026-02-28T16:00Z counts on Shanghai day 2026-03-01',
      occurredAt: Date.parse('2026-02-28T16:00:00Z'),
      dayKey: '2026-03-01',
      monthKey: '2026-03',
    },
  ])('$name', ({ occurredAt, dayKey, monthKey }) => {
    const result = calculateEarn(programFixture(), facts(), order({ occurredAt }));
    expect({ dayKey: result.dayKey, monthKey: result.monthKey }).toEqual({ dayKey, monthKey });
  });

  it('orders below the minimum still report their day and month', () => {
    const result = calculateEarn(programFixture({ minOrderMinor: 100 }), facts(), order({ amountMinor: 1, occurredAt: D11_EVE }));
    expect(result).toEqual({ points: 0, breakdown: [], pendingPoints: 0, availableAt: 0, dayKey: '2026-11-10', monthKey: '2026-11' });
  });
});
