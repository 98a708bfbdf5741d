// Builders for programs in tests: a plain program (1 point per yuan, Asia/Shanghai, one 1.0× tier,
// no rules, no campaigns, points never expire) and its parts, each overridable field by field.

import type {
  Campaign,
  Caps,
  EarnRule,
  ItemMatch,
  OrderConditions,
  Program,
  RuleCommon,
  TierLevel,
} from '../../src/rules/program/program.js';

export const NO_CAPS: Caps = { perDay: 0, perMonth: 0 };

/** 普通 / 银卡 / 金卡 / 钻石 at 1.0× / 1.2× / 1.5× / 2.0×, thresholds on yearly spend in 分. */
export const CHINA_TIERS: TierLevel[] = [
  { id: 'normal', name: '普通', threshold: 0, retain: 0, multiplierBp: 10_000 },
  { id: 'silver', name: '银卡', threshold: 200_000, retain: 100_000, multiplierBp: 12_000 },
  { id: 'gold', name: '金卡', threshold: 1_000_000, retain: 500_000, multiplierBp: 15_000 },
  { id: 'diamond', name: '钻石', threshold: 5_000_000, retain: 2_500_000, multiplierBp: 20_000 },
];

export function programFixture(overrides: Partial<Program> = {}): Program {
  return {
    tenantId: 'acme',
    version: 1,
    name: 'Acme Rewards',
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
    caps: NO_CAPS,
    expiry: { kind: 'never', noticeDays: 0 },
    ...overrides,
  };
}

/** Order conditions that hold for every order unless overridden. */
export function anyOrder(overrides: Partial<OrderConditions> = {}): OrderConditions {
  return { channels: [], stores: [], tiers: [], minOrderMinor: 0, ...overrides };
}

type Common = Partial<RuleCommon>;

function common(id: string, o: Common): RuleCommon {
  return { id, name: id, when: anyOrder(), validFrom: 0, validTo: 0, pendingDays: 0, caps: NO_CAPS, ...o };
}

function itemMatch(match: Partial<ItemMatch>): ItemMatch {
  return { categories: [], skus: [], ...match };
}

export function itemMultiplierRule(id: string, match: Partial<ItemMatch>, multiplierBp: number, o: Common = {}): EarnRule {
  return { ...common(id, o), kind: 'item_multiplier', match: itemMatch(match), multiplierBp };
}

export function itemExclusionRule(id: string, match: Partial<ItemMatch>, o: Common = {}): EarnRule {
  return { ...common(id, o), kind: 'item_exclusion', match: itemMatch(match) };
}

export function firstOrderRule(id: string, bonusPoints: number, o: Common = {}): EarnRule {
  return { ...common(id, o), kind: 'first_order', bonusPoints };
}

/** A fixed bonus per order; with `match`, only when an item matches (e.g. 新品 new-product bonus). */
export function orderBonusRule(id: string, bonusPoints: number, match?: Partial<ItemMatch>, o: Common = {}): EarnRule {
  return { ...common(id, o), kind: 'order_bonus', bonusPoints, match: match && itemMatch(match) };
}

/** A campaign on every day, for every order: double points, stacking multiply, priority 0. */
export function campaignFixture(id: string, overrides: Partial<Campaign> = {}): Campaign {
  return {
    id,
    name: id,
    validFrom: 0,
    validTo: 0,
    recurrence: { kind: 'always' },
    when: { ...anyOrder(), categories: [] },
    multiplierBp: 20_000,
    stacking: 'multiply',
    priority: 0,
    caps: NO_CAPS,
    ...overrides,
  };
}
