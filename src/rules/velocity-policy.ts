// 防刷 anti-abuse policy of a tenant's program: velocity limits over sliding windows (per member and
// across members per device, IP, payment fingerprint and store) and the rules that hold an earn for
// review. The authored shape (zod, snake_case) is validated as part of the program document
// (rules/program/program-schema.ts); the normalised RiskPolicy groups limits into counters so the
// hot path reads one counter per (action, scope, window), however many limits share it.

import { z } from 'zod';

/** What a limit counts: earns (Earn), spends (Redeem and Hold), behaviour points (RecordActivity), transfers sent. */
export type RiskAction = 'earn' | 'redeem' | 'activity' | 'transfer';
export const RISK_ACTIONS: readonly RiskAction[] = ['earn', 'redeem', 'activity', 'transfer'];

/** Whose window: the member's own (in its actor), or everybody's sharing a device, IP, payment instrument or store. */
export type RiskScope = 'member' | 'device' | 'ip' | 'payment' | 'store';

export type WindowKind = 'minute' | 'hour' | 'day';

export interface VelocityLimit {
  id: string;
  /** Position in the document's `velocity` list: when several limits refuse, the first one is reported. */
  index: number;
  action: RiskAction;
  scope: RiskScope;
  window: WindowKind;
  /** At most this many commands in the window; 0 = no count limit. */
  maxCount: number;
  /** At most this many points in the window; 0 = no points limit. */
  maxPoints: number;
  /** reject: RESOURCE_EXHAUSTED with a retry-after hint; review (earn only): accepted, held for review. */
  outcome: 'reject' | 'review';
}

/** One sliding window (scope × window) of one action, and the limits that read it. */
export interface Counter {
  scope: RiskScope;
  window: WindowKind;
  limits: VelocityLimit[];
  /**
   * The strictest refusing limits, which a shared store enforces atomically (0 = none). Points only
   * for spends and transfers: an earn's points are known after deciding, so decide checks those.
   */
  blockCount: number;
  blockPoints: number;
  /** Some limit reads the counter's points: an earn's points must reach it once known. */
  readsPoints: boolean;
}

export interface ReviewRules {
  /** Earn far above the member's usual: > factor × its average over its last `history` orders (once it has `minHistory`), or above maxMinor. */
  orderAmount: { factorBp: number; history: number; minHistory: number; maxMinor: number } | undefined;
  /** More than maxMembers different members earning from one device within the window. */
  deviceMembers: { maxMembers: number; window: WindowKind } | undefined;
  /** A referral reward whose referrer has used the referred member's device or payment fingerprint. */
  sharedReferral: boolean;
}

export interface RiskPolicy {
  /** As authored (normalised), in document order. */
  limits: VelocityLimit[];
  /** Counters per action: member scope (the actor's own windows) and shared scopes (cross-member store). */
  member: Record<RiskAction, Counter[]>;
  shared: Record<RiskAction, Counter[]>;
  /** Some shared limit is per store: earns without a device, IP or card may still need a reservation. */
  storeScoped: boolean;
  review: ReviewRules;
}

/** Review rule ids, as flags and metrics name them (velocity limits are named by their own ids). */
export const REVIEW_RULES = {
  amountVsHistory: 'amount_vs_history',
  amountLimit: 'amount_limit',
  deviceMembers: 'device_members',
  sharedReferral: 'shared_referral',
} as const;

/** Orders a member remembers for the amount rule (src/risk/member-risk.ts keeps this many). */
export const MAX_ORDER_HISTORY = 20;
export const MAX_VELOCITY_LIMITS = 100;
const BASIS_POINTS = 10_000;

// ---------------------------------------------------------------------------------------------
// Authored shape (inserted into the program document schema as `velocity` and `review`).

/** The program document's id grammar (program-schema.ts), repeated here to keep this module free of it. */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,127}$/;
const id = z.string().regex(ID_PATTERN, 'must be 1-128 letters, digits and _ . @ + - (starting with a letter or digit)');
const windowKind = z.enum(['minute', 'hour', 'day']);
const BIG = 1_000_000_000;

export const velocitySchema = z
  .array(
    z.strictObject({
      id,
      on: z.enum(['earn', 'redeem', 'activity', 'transfer']),
      per: z.enum(['member', 'device', 'ip', 'payment', 'store']),
      window: windowKind,
      max_count: z.int().gte(1).lte(BIG).optional(),
      max_points: z.int().gte(1).lte(BIG).optional(),
      action: z.enum(['reject', 'review']).optional(),
    }),
  )
  .max(MAX_VELOCITY_LIMITS);

export const reviewSchema = z.strictObject({
  order_amount: z
    .strictObject({
      factor: z
        .number()
        .gt(1)
        .lte(1000)
        .refine((f) => Math.abs(f * 100 - Math.round(f * 100)) < 1e-6, { message: 'must have at most 2 decimal places' })
        .optional(),
      history: z.int().gte(1).lte(MAX_ORDER_HISTORY).optional(),
      min_history: z.int().gte(1).lte(MAX_ORDER_HISTORY).optional(),
      max_minor: z.int().gte(1).optional(),
    })
    .optional(),
  device_members: z.strictObject({ max_members: z.int().gte(1).lte(10_000), window: windowKind.optional() }).optional(),
  shared_referral: z.boolean().optional(),
});

export type AuthoredVelocity = z.output<typeof velocitySchema>;
export type AuthoredReview = z.output<typeof reviewSchema>;

/** Cross-field checks of the two keys; `fail(path, message)` with authored paths. */
export function checkRiskPolicy(
  velocity: AuthoredVelocity | undefined,
  review: AuthoredReview | undefined,
  fail: (path: string, message: string) => void,
): void {
  const seen = new Map<string, number>();
  velocity?.forEach((limit, i) => {
    const at = `velocity[${i}]`;
    const first = seen.get(limit.id);
    if (first !== undefined) fail(`${at}.id`, `duplicates velocity[${first}].id`);
    else seen.set(limit.id, i);
    if (limit.max_count === undefined && limit.max_points === undefined) fail(at, 'needs max_count or max_points');
    if (limit.action === 'review' && limit.on !== 'earn') fail(`${at}.action`, 'review is only for on: earn (other commands are refused)');
    if (limit.per === 'store' && limit.on !== 'earn') fail(`${at}.per`, 'store is only for on: earn (only orders carry a store)');
  });
  const amount = review?.order_amount;
  if (amount) {
    if (amount.factor === undefined && amount.max_minor === undefined) fail('review.order_amount', 'needs factor or max_minor');
    if ((amount.min_history ?? 1) > (amount.history ?? MAX_ORDER_HISTORY)) fail('review.order_amount.min_history', 'must be <= history');
  }
}

/** The normalised policy, or undefined when the document has neither limits nor review rules (the fast path). */
export function normaliseRiskPolicy(velocity: AuthoredVelocity | undefined, review: AuthoredReview | undefined): RiskPolicy | undefined {
  const rules = normaliseReview(review);
  const limits: VelocityLimit[] = (velocity ?? []).map((l, index) => ({
    id: l.id,
    index,
    action: l.on,
    scope: l.per,
    window: l.window,
    maxCount: l.max_count ?? 0,
    maxPoints: l.max_points ?? 0,
    outcome: l.action ?? 'reject',
  }));
  if (limits.length === 0 && !rules.orderAmount && !rules.deviceMembers && !rules.sharedReferral) return undefined;
  const member = emptyCounters();
  const shared = emptyCounters();
  for (const limit of limits) {
    const counters = (limit.scope === 'member' ? member : shared)[limit.action];
    let counter = counters.find((c) => c.scope === limit.scope && c.window === limit.window);
    if (!counter) {
      counter = { scope: limit.scope, window: limit.window, limits: [], blockCount: 0, blockPoints: 0, readsPoints: false };
      counters.push(counter);
    }
    counter.limits.push(limit);
    if (limit.maxPoints > 0) counter.readsPoints = true;
    if (limit.outcome !== 'reject') continue;
    if (limit.maxCount > 0) counter.blockCount = counter.blockCount === 0 ? limit.maxCount : Math.min(counter.blockCount, limit.maxCount);
    const knownCost = limit.action === 'redeem' || limit.action === 'transfer';
    if (knownCost && limit.maxPoints > 0)
      counter.blockPoints = counter.blockPoints === 0 ? limit.maxPoints : Math.min(counter.blockPoints, limit.maxPoints);
  }
  return { limits, member, shared, storeScoped: limits.some((l) => l.scope === 'store'), review: rules };
}

/** `{ risk }` for the normalised Program, or nothing at all when the document has no risk policy. */
export function riskFieldOf(velocity: AuthoredVelocity | undefined, review: AuthoredReview | undefined): { risk?: RiskPolicy } {
  const risk = normaliseRiskPolicy(velocity, review);
  return risk ? { risk } : {};
}

function normaliseReview(review: AuthoredReview | undefined): ReviewRules {
  const amount = review?.order_amount;
  const history = amount?.history ?? 10;
  return {
    orderAmount: amount
      ? {
          factorBp: amount.factor === undefined ? 0 : Math.round(amount.factor * BASIS_POINTS),
          history,
          minHistory: amount.min_history ?? Math.min(3, history),
          maxMinor: amount.max_minor ?? 0,
        }
      : undefined,
    deviceMembers: review?.device_members
      ? { maxMembers: review.device_members.max_members, window: review.device_members.window ?? 'hour' }
      : undefined,
    sharedReferral: review?.shared_referral ?? false,
  };
}

function emptyCounters(): Record<RiskAction, Counter[]> {
  return { earn: [], redeem: [], activity: [], transfer: [] };
}
