// The authored program document (YAML/JSON, snake_case) turned into a validated, normalised Program.
// Three passes, so every message can name the exact authored path: the zod shape (types, ranges,
// unknown keys, per-field formats), cross-field checks (ids, tier order, windows, tenant), then
// normalisation (defaults, multipliers to basis points, dates to epoch ms in the program's zone).
// Cross-field checks run only on a document whose shape is valid: fix the shape errors first.

import { z } from 'zod';
import { DEFAULT_TIME_ZONE, isKnownTimeZone, startOfLocalDate } from '../calendar.js';
import { checkRiskPolicy, reviewSchema, riskFieldOf, velocitySchema } from '../velocity-policy.js';
import {
  BASIS_POINTS,
  type Behaviour,
  type Campaign,
  type Caps,
  type EarnRule,
  type ExpiryPolicy,
  type ItemMatch,
  type OrderConditions,
  type Program,
  type Recurrence,
  type RuleCommon,
  type TierLevel,
  type TierPolicy,
} from './program.js';

/** The document as authored: snake_case keys, decimal multipliers, dates as strings. See deploy/programs/README.md. */
export type ProgramDocument = z.input<typeof documentSchema>;

/** `path` is the authored location (`rules[3].multiplier`); the human form is `${path} ${message}`. */
export interface ProgramError {
  path: string;
  message: string;
}

export type ParseProgramResult = { ok: true; program: Program } | { ok: false; errors: ProgramError[] };

export interface ParseProgramOptions {
  /** The tenant the document is loaded for; a `tenant_id` in the document must then equal it. */
  tenantId?: string;
  /** Assigned by the engine (1 for programs loaded at start). */
  version: number;
}

/** At most this many rules, campaigns and behaviours each: a program is read on every earn. */
export const MAX_LIST_ENTRIES = 1000;
/** Multipliers are authored as decimals up to this; 100× is far past any real campaign. */
export const MAX_MULTIPLIER = 100;
export const MAX_POINTS = 1_000_000_000;
/** Members keep 62 days of per-day cap counters (src/actor/state.ts): a later event could slip past its day's caps. */
export const MAX_LATENESS_DAYS = 60;

/** Validates `document` (already parsed from YAML/JSON) and returns the normalised Program or every error found. */
export function parseProgram(document: unknown, options: ParseProgramOptions): ParseProgramResult {
  const shaped = documentSchema.safeParse(document, { error: shortMessage });
  if (!shaped.success) return { ok: false, errors: shaped.error.issues.flatMap(programErrorsOf) };
  const errors = checkConsistency(shaped.data, options);
  if (errors.length > 0) return { ok: false, errors };
  const tenantId = shaped.data.tenant_id ?? options.tenantId ?? '';
  return { ok: true, program: normalise(shaped.data, tenantId, options.version) };
}

export function formatProgramError(error: ProgramError): string {
  return `${error.path} ${error.message}`;
}

/** All errors on one line, at most `limit` of them: an admin response or a log line stays readable. */
export function formatProgramErrors(errors: readonly ProgramError[], limit = 20): string {
  const shown = errors.slice(0, limit).map(formatProgramError);
  if (errors.length > limit) shown.push(`… and ${errors.length - limit} more`);
  return shown.join('; ');
}

// ---------------------------------------------------------------------------------------------
// Shape: one zod schema per authored object, strict so that a misspelt key is an error.

/** The same id grammar as the API's tenant and member ids, so a program id can travel in any field. */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,127}$/;
const ID_MESSAGE = 'must be 1-128 letters, digits and _ . @ + - (starting with a letter or digit)';
const DAY_MS = 86_400_000;

const id = z.string().regex(ID_PATTERN, ID_MESSAGE);
const name = z.string().min(1).max(200);
/** Channel, store, category and sku names as orders carry them. */
const label = z.string().min(1).max(128);
const labels = z.array(label).max(MAX_LIST_ENTRIES);
const points = z.int().gte(0).lte(MAX_POINTS);
const minor = z.int().gte(0);
const days = z.int().gte(0).lte(3650);

/**
 * A decimal multiplier (1.2) as basis points (12000); more than 4 decimals cannot be represented
 * exactly. At least 1: the earning engine counts a multiplier below 1.0× as 1.0× (a tier or campaign
 * never takes base points away), so a 0.5 would be silently ignored; an exclusion removes points.
 */
const multiplier = z
  .number()
  .gte(1)
  .lte(MAX_MULTIPLIER)
  .transform((value, ctx) => {
    const scaled = value * BASIS_POINTS;
    const bp = Math.round(scaled);
    // Float noise of 1.2 × 10000 is ~1e-12; anything near 1e-6 is a real fifth decimal.
    if (Math.abs(scaled - bp) > 1e-6) ctx.addIssue({ code: 'custom', message: 'must have at most 4 decimal places' });
    return bp;
  });

/** A date ('YYYY-MM-DD', a whole local day) or an ISO-8601 instant with an offset. */
type AuthoredInstant = { kind: 'date'; year: number; month: number; day: number } | { kind: 'instant'; ms: number };

const INSTANT_MESSAGE = 'must be a date YYYY-MM-DD or an ISO-8601 time with an offset (2024-11-11T20:00:00+08:00)';
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT_PATTERN = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:\d{2})$/;

const instant = z.string().transform((text, ctx): AuthoredInstant => {
  const parsed = parseInstant(text);
  if (typeof parsed === 'string') {
    ctx.addIssue({ code: 'custom', message: parsed });
    return z.NEVER;
  }
  return parsed;
});

const caps = z.strictObject({ per_day: points.optional(), per_month: points.optional() });

const conditionShape = {
  channels: labels.optional(),
  stores: labels.optional(),
  /** Tier level ids; checked against tiers.levels. */
  tiers: z.array(id).max(MAX_LIST_ENTRIES).optional(),
  min_order_minor: minor.optional(),
};
const conditions = z.strictObject(conditionShape);
const campaignConditions = z.strictObject({ ...conditionShape, categories: labels.optional() });

const match = z
  .strictObject({ categories: labels.optional(), skus: labels.optional() })
  .refine((m) => (m.categories?.length ?? 0) + (m.skus?.length ?? 0) > 0, {
    message: 'must list at least one category or sku',
  });

const ruleCommon = {
  id,
  name: name.optional(),
  when: conditions.optional(),
  valid_from: instant.optional(),
  valid_to: instant.optional(),
  pending_days: days.optional(),
  caps: caps.optional(),
};

const rule = z.discriminatedUnion('kind', [
  z.strictObject({ ...ruleCommon, kind: z.literal('item_multiplier'), match, multiplier }),
  z.strictObject({ ...ruleCommon, kind: z.literal('item_exclusion'), match }),
  z.strictObject({ ...ruleCommon, kind: z.literal('first_order'), bonus_points: points }),
  z.strictObject({ ...ruleCommon, kind: z.literal('order_bonus'), bonus_points: points, match: match.optional() }),
]);

const WEEKDAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** ISO weekday 1 (Monday) … 7 (Sunday), or its three-letter English name in any case. */
const weekday = z
  .custom<number | string>((v) => typeof v === 'number' || typeof v === 'string', { message: 'must be 1..7 or mon..sun' })
  .transform((value, ctx) => {
    const number = typeof value === 'number' ? value : WEEKDAY_NAMES.indexOf(value.toLowerCase()) + 1;
    if (Number.isInteger(number) && number >= 1 && number <= 7) return number;
    ctx.addIssue({ code: 'custom', message: 'must be 1..7 or mon..sun' });
    return z.NEVER;
  });

/** 'MM-DD' of any year: 02-29 is allowed (a leap-day campaign simply skips other years). */
const monthDay = z.string().transform((text, ctx) => {
  const found = /^(\d{2})-(\d{2})$/.exec(text);
  const month = Number(found?.[1]);
  const day = Number(found?.[2]);
  if (found && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(2000, month)) return { month, day };
  ctx.addIssue({ code: 'custom', message: 'must be an existing date MM-DD' });
  return z.NEVER;
});

const recurrence = z
  .strictObject({
    weekly: z.array(weekday).min(1).max(7).optional(),
    monthly: z.array(z.int().gte(1).lte(31)).min(1).max(31).optional(),
    yearly: z.array(monthDay).min(1).max(366).optional(),
    birthday: z.enum(['day', 'month']).optional(),
  })
  .refine((r) => Object.values(r).filter((v) => v !== undefined).length === 1, {
    message: 'must have exactly one of weekly, monthly, yearly, birthday',
  });

const campaign = z.strictObject({
  id,
  name: name.optional(),
  valid_from: instant.optional(),
  valid_to: instant.optional(),
  recurrence: recurrence.optional(),
  when: campaignConditions.optional(),
  multiplier,
  stacking: z.enum(['multiply', 'add', 'best_of']).optional(),
  priority: z.int().gte(0).lte(1_000_000).optional(),
  caps: caps.optional(),
});

const behaviour = z.strictObject({
  /** Defaults to the activity name. */
  id: id.optional(),
  activity: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be 1-64 lower-case letters, digits and _ (starting with a letter)'),
  points,
  once: z.boolean().optional(),
  per_day: z.int().gte(0).lte(1_000_000).optional(),
  unique_target: z.boolean().optional(),
  streak: z.strictObject({ days: z.int().gte(1).lte(366), bonus_points: points }).optional(),
  caps: caps.optional(),
});

const tierLevel = z.strictObject({
  id,
  name: name.optional(),
  threshold: minor,
  /** Defaults to the threshold: keeping a level asks as much as reaching it. */
  retain: minor.optional(),
  multiplier: multiplier.optional(),
});

const tiers = z.strictObject({
  metric: z.enum(['spend', 'points']).optional(),
  window: z.enum(['rolling_12_months', 'calendar_year']).optional(),
  validity_months: z.int().gte(1).lte(120).optional(),
  levels: z.array(tierLevel).min(1).max(100).optional(),
});

const expiry = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('never'), notice_days: days.optional() }),
  z.strictObject({
    kind: z.literal('rolling'),
    months: z.int().gte(0).lte(120).optional(),
    days: days.optional(),
    notice_days: days.optional(),
  }),
  z.strictObject({ kind: z.literal('calendar'), years: z.int().gte(0).lte(10).optional(), notice_days: days.optional() }),
]);

const documentSchema = z.strictObject({
  tenant_id: id.optional(),
  /** Defaults to the tenant id: the empty document `{}` is a valid program (every default). */
  name: name.optional(),
  time_zone: z.string().refine(isKnownTimeZone, { message: 'must be a known IANA time zone (e.g. Asia/Shanghai)' }).optional(),
  base_rate: z.strictObject({ points: points.optional(), per_minor: z.int().gte(1).lte(MAX_POINTS).optional() }).optional(),
  min_order_minor: minor.optional(),
  pending_days: days.optional(),
  time: z
    .strictObject({
      max_future_seconds: z
        .int()
        .gte(0)
        .lte(DAY_MS / 1000)
        .optional(),
      max_lateness_days: z.int().gte(0).lte(MAX_LATENESS_DAYS).optional(),
    })
    .optional(),
  caps: caps.optional(),
  expiry: expiry.optional(),
  tiers: tiers.optional(),
  rules: z.array(rule).max(MAX_LIST_ENTRIES).optional(),
  campaigns: z.array(campaign).max(MAX_LIST_ENTRIES).optional(),
  behaviours: z.array(behaviour).max(MAX_LIST_ENTRIES).optional(),
  referral: z.strictObject({ referrer_points: points, min_order_minor: minor.optional() }).optional(),
  transfers: z
    .strictObject({
      max_points_per_day: points.optional(),
      charity_member_id: id.optional(),
      partners: z
        .array(z.strictObject({ id, points: z.int().gte(1).lte(MAX_POINTS), units: z.int().gte(1).lte(MAX_POINTS) }))
        .max(100)
        .optional(),
    })
    .optional(),
  points_as_cash: z
    .strictObject({
      points: z.int().gte(1).lte(MAX_POINTS).optional(),
      per_minor: z.int().gte(1).lte(MAX_POINTS).optional(),
      max_order_share: z.number().gt(0).lte(1).optional(),
      max_hold_minutes: z
        .int()
        .gte(1)
        .lte(7 * 24 * 60)
        .optional(),
    })
    .optional(),
  /** 防刷 anti-abuse (src/risk/velocity-policy.ts). */
  velocity: velocitySchema.optional(),
  review: reviewSchema.optional(),
});

type ParsedDocument = z.output<typeof documentSchema>;
type ParsedRule = ParsedDocument['rules'] extends (infer R)[] | undefined ? R : never;
type ParsedCampaign = ParsedDocument['campaigns'] extends (infer C)[] | undefined ? C : never;

/** The one level a program without tiers has: everybody is 普通 at 1×. */
const DEFAULT_LEVEL: TierLevel = { id: 'normal', name: '普通', threshold: 0, retain: 0, multiplierBp: BASIS_POINTS };

// ---------------------------------------------------------------------------------------------
// Messages: zod's defaults are long and generic; an author wants "rules[3].multiplier must be >= 1".

function shortMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
    case 'too_small':
      if (issue.origin === 'array') return issue.minimum === 1 ? 'must not be empty' : `must have at least ${issue.minimum} entries`;
      if (issue.origin === 'string') return issue.minimum === 1 ? 'must not be empty' : `must be at least ${issue.minimum} characters`;
      return `must be ${issue.inclusive ? '>=' : '>'} ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'array') return `must have at most ${issue.maximum} entries`;
      if (issue.origin === 'string') return `must be at most ${issue.maximum} characters`;
      return `must be ${issue.inclusive ? '<=' : '<'} ${issue.maximum}`;
    case 'invalid_value':
      return `must be one of ${issue.values.join(', ')}`;
    case 'invalid_union': {
      // A discriminated union reports an unknown or missing `kind` at the kind itself.
      const options = (issue as { options?: unknown[] }).options;
      const discriminator = (issue as { discriminator?: string }).discriminator;
      if (!options || !discriminator) return 'has an unexpected form';
      const given = (issue.input as Record<string, unknown> | undefined)?.[discriminator];
      return given === undefined ? 'is required' : `must be one of ${options.join(', ')}`;
    }
    default:
      return undefined;
  }
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
};

/** One error per issue; an object with unknown keys gives one error per key, at the key. */
function programErrorsOf(issue: z.core.$ZodIssue): ProgramError[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: pathOf([...issue.path, key]), message: 'unknown key' }));
  }
  return [{ path: pathOf(issue.path), message: issue.message }];
}

/** `['rules', 3, 'multiplier']` → `rules[3].multiplier`; the root is called `document`. */
function pathOf(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) text += typeof key === 'number' ? `[${key}]` : `${text ? '.' : ''}${String(key)}`;
  return text || 'document';
}

// ---------------------------------------------------------------------------------------------
// Cross-field checks: what one field cannot know alone.

function checkConsistency(doc: ParsedDocument, options: ParseProgramOptions): ProgramError[] {
  const errors: ProgramError[] = [];
  const fail = (path: string, message: string) => errors.push({ path, message });
  checkTenant(doc, options, fail);
  const levels = doc.tiers?.levels;
  if (levels) checkLevels(levels, fail);
  const levelIds = (levels ?? [DEFAULT_LEVEL]).map((l) => l.id);
  const zone = doc.time_zone ?? DEFAULT_TIME_ZONE;

  // Rules, campaigns and behaviours share one id space: caps count per id.
  const ids = new Map<string, string>();
  const claim = (value: string, path: string) => {
    const first = ids.get(value);
    // Breakdown lines and cap counters use these for the base rate, tiers, referral and the overall cap.
    if (value === 'base' || value === 'referral' || value === '*' || value.includes(':')) {
      fail(path, 'is reserved (base, referral, *, and ids with ":" name the engine\'s own lines)');
    } else if (first) fail(path, `duplicates ${first}`);
    else ids.set(value, path);
  };
  doc.rules?.forEach((rule, i) => {
    const at = `rules[${i}]`;
    claim(rule.id, `${at}.id`);
    checkTiersKnown(rule.when?.tiers, levelIds, `${at}.when.tiers`, fail);
    checkWindow(rule, zone, at, fail);
  });
  doc.campaigns?.forEach((campaign, i) => {
    const at = `campaigns[${i}]`;
    claim(campaign.id, `${at}.id`);
    checkTiersKnown(campaign.when?.tiers, levelIds, `${at}.when.tiers`, fail);
    checkWindow(campaign, zone, at, fail);
    checkRecurrence(campaign.recurrence, `${at}.recurrence`, fail);
  });
  const activities = new Map<string, string>();
  doc.behaviours?.forEach((behaviour, i) => {
    const at = `behaviours[${i}]`;
    const first = activities.get(behaviour.activity);
    if (first) fail(`${at}.activity`, `duplicates ${first}`);
    else activities.set(behaviour.activity, `${at}.activity`);
    // Without an explicit id the activity is the id: a duplicate activity is reported once, above.
    if (behaviour.id) claim(behaviour.id, `${at}.id`);
    else if (!first) claim(behaviour.activity, `${at}.activity`);
    if (behaviour.streak && behaviour.activity !== 'check_in') fail(`${at}.streak`, 'is only allowed for activity check_in');
  });
  if (doc.expiry?.kind === 'rolling' && !doc.expiry.months && !doc.expiry.days) {
    fail('expiry', 'needs months or days > 0 for kind rolling');
  }
  checkPendingBeforeExpiry(doc, fail);
  checkRiskPolicy(doc.velocity, doc.review, fail);
  return errors;
}

type Fail = (path: string, message: string) => void;

/**
 * Points must become available before they can expire: a return window as long as the shortest
 * expiry would only ever show points as pending and then drop them.
 */
function checkPendingBeforeExpiry(doc: ParsedDocument, fail: Fail): void {
  const expiry = doc.expiry;
  if (!expiry || expiry.kind === 'never') return;
  // Shortest real length of the expiry in whole days (a month counts 28).
  const shortest = expiry.kind === 'rolling' ? (expiry.months ?? 0) * 28 + (expiry.days ?? 0) : (expiry.years ?? 1) * 365;
  const check = (days: number | undefined, path: string) => {
    if (!days) return;
    if (expiry.kind === 'calendar' && (expiry.years ?? 1) === 0) {
      fail(path, 'must be 0 with expiry calendar years 0 (December orders would expire before they are available)');
    } else if (days >= shortest) fail(path, `must be shorter than the expiry (${shortest} days at the shortest)`);
  };
  check(doc.pending_days, 'pending_days');
  for (const [i, rule] of (doc.rules ?? []).entries()) check(rule.pending_days, `rules[${i}].pending_days`);
}

function checkTenant(doc: ParsedDocument, options: ParseProgramOptions, fail: Fail): void {
  const expected = options.tenantId;
  if (expected !== undefined && !ID_PATTERN.test(expected)) fail('tenant_id', ID_MESSAGE);
  else if (doc.tenant_id !== undefined && expected !== undefined && doc.tenant_id !== expected) fail('tenant_id', `must equal ${expected}`);
  else if (doc.tenant_id === undefined && expected === undefined) fail('tenant_id', 'is required');
}

function checkLevels(levels: { id: string; threshold: number; retain?: number }[], fail: Fail): void {
  const seen = new Map<string, number>();
  levels.forEach((level, i) => {
    const at = `tiers.levels[${i}]`;
    const first = seen.get(level.id);
    if (first !== undefined) fail(`${at}.id`, `duplicates tiers.levels[${first}].id`);
    else seen.set(level.id, i);
    // Every new member starts on the first level, so it must be reachable with nothing.
    if (i === 0 && level.threshold !== 0) fail(`${at}.threshold`, 'must be 0 (the level of every new member)');
    if (i > 0 && level.threshold <= levels[i - 1].threshold) fail(`${at}.threshold`, `must be > tiers.levels[${i - 1}].threshold`);
    if (level.retain !== undefined && level.retain > level.threshold) fail(`${at}.retain`, 'must be <= threshold');
  });
}

function checkTiersKnown(tierIds: string[] | undefined, known: string[], path: string, fail: Fail): void {
  tierIds?.forEach((tier, i) => {
    if (!known.includes(tier)) fail(`${path}[${i}]`, `must be one of ${known.join(', ')}`);
  });
}

function checkWindow(item: { valid_from?: AuthoredInstant; valid_to?: AuthoredInstant }, zone: string, at: string, fail: Fail): void {
  if (!item.valid_from || !item.valid_to) return;
  if (windowStart(item.valid_from, zone) >= windowEnd(item.valid_to, zone)) fail(`${at}.valid_to`, 'must be after valid_from');
}

function checkRecurrence(r: ParsedCampaign['recurrence'], at: string, fail: Fail): void {
  const duplicates = (values: unknown[] | undefined, key: string) =>
    values?.forEach((value, i) => {
      if (values.findIndex((other) => JSON.stringify(other) === JSON.stringify(value)) < i) fail(`${at}.${key}[${i}]`, 'is a duplicate');
    });
  duplicates(r?.weekly, 'weekly');
  duplicates(r?.monthly, 'monthly');
  duplicates(r?.yearly, 'yearly');
}

// ---------------------------------------------------------------------------------------------
// Normalisation: defaults in one place, units the engine computes with.

function normalise(doc: ParsedDocument, tenantId: string, version: number): Program {
  const timeZone = doc.time_zone ?? DEFAULT_TIME_ZONE;
  return {
    tenantId,
    version,
    name: doc.name ?? tenantId,
    timeZone,
    baseRate: { points: doc.base_rate?.points ?? 1, perMinor: doc.base_rate?.per_minor ?? 100 },
    minOrderMinor: doc.min_order_minor ?? 0,
    pendingDays: doc.pending_days ?? 0,
    time: {
      maxFutureMs: (doc.time?.max_future_seconds ?? 300) * 1000,
      maxLatenessMs: (doc.time?.max_lateness_days ?? 30) * DAY_MS,
    },
    tiers: normaliseTiers(doc.tiers),
    rules: (doc.rules ?? []).map((rule) => normaliseRule(rule, timeZone)),
    campaigns: (doc.campaigns ?? []).map((campaign) => normaliseCampaign(campaign, timeZone)),
    behaviours: (doc.behaviours ?? []).map(normaliseBehaviour),
    referral: doc.referral ? { referrerPoints: doc.referral.referrer_points, minOrderMinor: doc.referral.min_order_minor ?? 0 } : undefined,
    pointsAsCash: {
      points: doc.points_as_cash?.points ?? 100,
      perMinor: doc.points_as_cash?.per_minor ?? 100,
      maxShareBp: Math.round((doc.points_as_cash?.max_order_share ?? 1) * BASIS_POINTS),
      maxHoldMs: (doc.points_as_cash?.max_hold_minutes ?? 30) * 60_000,
    },
    transfers: {
      maxPointsPerDay: doc.transfers?.max_points_per_day ?? 0,
      charityMemberId: doc.transfers?.charity_member_id ?? '',
      partners: (doc.transfers?.partners ?? []).map((p) => ({ id: p.id, points: p.points, units: p.units })),
    },
    caps: normaliseCaps(doc.caps),
    expiry: normaliseExpiry(doc.expiry),
    ...riskFieldOf(doc.velocity, doc.review),
  };
}

function normaliseTiers(tiers: ParsedDocument['tiers']): TierPolicy {
  return {
    metric: tiers?.metric ?? 'spend',
    window: tiers?.window ?? 'rolling_12_months',
    validityMonths: tiers?.validity_months ?? 12,
    levels: tiers?.levels
      ? tiers.levels.map((level) => ({
          id: level.id,
          name: level.name ?? level.id,
          threshold: level.threshold,
          retain: level.retain ?? level.threshold,
          multiplierBp: level.multiplier ?? BASIS_POINTS,
        }))
      : [{ ...DEFAULT_LEVEL }],
  };
}

function normaliseRule(rule: ParsedRule, timeZone: string): EarnRule {
  const common: RuleCommon = {
    id: rule.id,
    name: rule.name ?? rule.id,
    when: normaliseConditions(rule.when),
    validFrom: rule.valid_from ? windowStart(rule.valid_from, timeZone) : 0,
    validTo: rule.valid_to ? windowEnd(rule.valid_to, timeZone) : 0,
    pendingDays: rule.pending_days ?? 0,
    caps: normaliseCaps(rule.caps),
  };
  switch (rule.kind) {
    case 'item_multiplier':
      return { ...common, kind: rule.kind, match: normaliseMatch(rule.match), multiplierBp: rule.multiplier };
    case 'item_exclusion':
      return { ...common, kind: rule.kind, match: normaliseMatch(rule.match) };
    case 'first_order':
      return { ...common, kind: rule.kind, bonusPoints: rule.bonus_points };
    case 'order_bonus':
      return { ...common, kind: rule.kind, bonusPoints: rule.bonus_points, match: rule.match ? normaliseMatch(rule.match) : undefined };
  }
}

function normaliseCampaign(campaign: ParsedCampaign, timeZone: string): Campaign {
  return {
    id: campaign.id,
    name: campaign.name ?? campaign.id,
    validFrom: campaign.valid_from ? windowStart(campaign.valid_from, timeZone) : 0,
    validTo: campaign.valid_to ? windowEnd(campaign.valid_to, timeZone) : 0,
    recurrence: normaliseRecurrence(campaign.recurrence),
    when: { ...normaliseConditions(campaign.when), categories: campaign.when?.categories ?? [] },
    multiplierBp: campaign.multiplier,
    stacking: campaign.stacking ?? 'multiply',
    priority: campaign.priority ?? 100,
    caps: normaliseCaps(campaign.caps),
  };
}

function normaliseRecurrence(r: ParsedCampaign['recurrence']): Recurrence {
  if (r?.weekly) return { kind: 'weekly', weekdays: [...r.weekly].sort((a, b) => a - b) };
  if (r?.monthly) return { kind: 'monthly', days: [...r.monthly].sort((a, b) => a - b) };
  if (r?.yearly) return { kind: 'yearly', dates: r.yearly };
  if (r?.birthday) return { kind: 'birthday', scope: r.birthday };
  return { kind: 'always' };
}

function normaliseBehaviour(b: NonNullable<ParsedDocument['behaviours']>[number]): Behaviour {
  return {
    id: b.id ?? b.activity,
    activity: b.activity,
    points: b.points,
    once: b.once ?? false,
    perDay: b.per_day ?? 0,
    uniqueTarget: b.unique_target ?? false,
    streak: b.streak ? { days: b.streak.days, bonusPoints: b.streak.bonus_points } : undefined,
    caps: normaliseCaps(b.caps),
  };
}

function normaliseConditions(
  when: { channels?: string[]; stores?: string[]; tiers?: string[]; min_order_minor?: number } | undefined,
): OrderConditions {
  return {
    channels: when?.channels ?? [],
    stores: when?.stores ?? [],
    tiers: when?.tiers ?? [],
    minOrderMinor: when?.min_order_minor ?? 0,
  };
}

function normaliseMatch(m: { categories?: string[]; skus?: string[] }): ItemMatch {
  return { categories: m.categories ?? [], skus: m.skus ?? [] };
}

function normaliseCaps(c: { per_day?: number; per_month?: number } | undefined): Caps {
  return { perDay: c?.per_day ?? 0, perMonth: c?.per_month ?? 0 };
}

function normaliseExpiry(e: ParsedDocument['expiry']): ExpiryPolicy {
  switch (e?.kind) {
    case undefined:
      return { kind: 'never', noticeDays: 0 };
    case 'never':
      return { kind: 'never', noticeDays: e.notice_days ?? 0 };
    case 'rolling':
      return { kind: 'rolling', months: e.months ?? 0, days: e.days ?? 0, noticeDays: e.notice_days ?? 0 };
    case 'calendar':
      // "Earned in Y, expires at the end of Y+1" is the common 年度清零 rule.
      return { kind: 'calendar', years: e.years ?? 1, noticeDays: e.notice_days ?? 0 };
  }
}

// ---------------------------------------------------------------------------------------------
// Instants: a date names a whole local day, so valid_from takes its start and valid_to its end
// (the start of the next day: windows are [validFrom, validTo)). An instant with an offset is exact.

function windowStart(at: AuthoredInstant, timeZone: string): number {
  return at.kind === 'instant' ? at.ms : startOfLocalDate(at.year, at.month, at.day, timeZone);
}

function windowEnd(at: AuthoredInstant, timeZone: string): number {
  return at.kind === 'instant' ? at.ms : startOfLocalDate(at.year, at.month, at.day + 1, timeZone);
}

/** The instant, or the message saying why the text is not one. */
function parseInstant(text: string): AuthoredInstant | string {
  const date = DATE_PATTERN.exec(text);
  const full = date ? undefined : INSTANT_PATTERN.exec(text);
  const parts = date ?? full;
  if (!parts) return INSTANT_MESSAGE;
  const [year, month, day] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  // Epoch ms 0 means "open" in the Program, so a window edge must lie well after it.
  if (year < 1971) return 'must be in 1971 or later';
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return 'must be an existing date';
  if (date) return { kind: 'date', year, month, day };
  const [hour, minute, second] = [Number(parts[4]), Number(parts[5]), Number(parts[6] ?? 0)];
  const millis = Number((parts[7] ?? '0').padEnd(3, '0'));
  const offset = parts[8];
  if (hour > 23 || minute > 59 || second > 59) return 'must be an existing time of day';
  let offsetMinutes = 0;
  if (offset !== 'Z') {
    const [oh, om] = [Number(offset.slice(1, 3)), Number(offset.slice(4, 6))];
    if (oh > 14 || om > 59) return 'must have an offset between -14:00 and +14:00';
    offsetMinutes = (offset[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  return { kind: 'instant', ms: Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000 };
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
