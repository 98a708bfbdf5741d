// The points mall's catalog entries (积分商城) and lotteries (积分抽奖) as the engine evaluates them,
// and the pure calculations on them: a member's price, the per-member limit's period, the prize a
// draw value wins, a coupon's code. Definitions come from AdminService.PutReward (api/decode-reward.ts).

import { createHash } from 'node:crypto';
import { localDayOf } from './calendar.js';

export type RewardKind = 'physical' | 'coupon' | 'virtual' | 'service' | 'lottery';
export type PrizeKind = 'physical' | 'coupon' | 'virtual' | 'service' | 'points' | 'none';
export type LimitPeriod = 'day' | 'week' | 'month' | 'year' | 'ever';

export interface Prize {
  prizeId: string;
  name: string;
  kind: PrizeKind;
  /** Relative odds: this prize's weight over the sum of all weights. */
  weight: number;
  /** Units of the prize; the fallback prize has no stock limit (0). */
  stock: number;
  /** Points a `points` prize pays out. */
  points: number;
}

export interface Reward {
  tenantId: string;
  rewardId: string;
  name: string;
  kind: RewardKind;
  /** Price of one unit (one draw for a lottery) in points. */
  points: number;
  /** Price per unit for members of a tier (tier id → points); others pay `points`. */
  tierPoints: Record<string, number>;
  /** Units supplied in total (sold ones included); raising it restocks. Unused by lotteries. */
  stock: number;
  /** At most this many units per member per limitPeriod; 0 = no limit. */
  perMemberLimit: number;
  limitPeriod: LimitPeriod;
  /** Lowest tier (level id) that may redeem; '' = every member. */
  minTier: string;
  /** Available balance a member must have before redeeming. */
  minBalance: number;
  /** Sale window, epoch ms; 0 = open on that side. A flash sale sets availableFrom. */
  availableFrom: number;
  availableUntil: number;
  /** Orders wait in PENDING_REVIEW until an operator approves them (physical goods by default). */
  requiresReview: boolean;
  /** Units one redemption may take. */
  maxQuantity: number;
  prizes: Prize[];
  /** Lottery: the prize given when the drawn one is out of stock. */
  fallbackPrizeId: string;
  /** Catalog version of this reward (1, 2, …). */
  version: number;
}

/** Draw values are uniform integers in [0, DRAW_RANGE). */
export const DRAW_RANGE = 1_000_000_000;

/** Stock unit of a reward: '' for the reward itself, the prize id for a lottery's prizes. */
export const REWARD_UNIT = '';

/** The member's price for `quantity` units: its tier's price when the reward sets one. */
export function priceFor(reward: Reward, tier: string, quantity: number): number {
  return (reward.tierPoints[tier] ?? reward.points) * quantity;
}

/** Key of the per-member limit's current period at `now`, in the tenant's zone ('ever' for none). */
export function limitPeriodKey(period: LimitPeriod, now: number, timeZone: string): string {
  if (period === 'ever') return 'ever';
  const day = localDayOf(now, timeZone);
  if (period === 'day') return day.key;
  if (period === 'month') return day.key.slice(0, 7);
  if (period === 'year') return day.key.slice(0, 4);
  // ISO weeks start on Monday: the week is named by its Monday's date
  const monday = localDayOf(day.start - (day.weekday - 1) * 86_400_000 + 3_600_000 * 12, timeZone);
  return `w${monday.key}`;
}

/**
 * The prize a draw value wins: the prize whose slice of [0, DRAW_RANGE) holds it, weights in table
 * order; if that prize has no units left, the fallback. Re-deriving an outcome needs only the
 * value, the table and the units left at the time (the lottery's ledger records all three).
 */
export function prizeFor(reward: Reward, drawValue: number, unitsLeft: (prize: Prize) => number): Prize {
  const total = reward.prizes.reduce((sum, p) => sum + p.weight, 0);
  const fallback = reward.prizes.find((p) => p.prizeId === reward.fallbackPrizeId) as Prize;
  if (total === 0) return fallback;
  // integer arithmetic: drawValue * total stays below 2^53 for weights up to 9e6 in total
  const slot = Math.floor((drawValue * total) / DRAW_RANGE);
  let from = 0;
  for (const prize of reward.prizes) {
    from += prize.weight;
    if (slot < from) return prize.prizeId === reward.fallbackPrizeId || unitsLeft(prize) > 0 ? prize : fallback;
  }
  return fallback;
}

/** A coupon's code, derived from the redemption so a retry or replay gives the same one. */
export function couponCodeOf(tenantId: string, redemptionId: string): string {
  const digest = createHash('sha256').update(`${tenantId}\u0000${redemptionId}`).digest();
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  let code = '';
  for (let i = 0; i < 12; i++) code += alphabet[digest[i] % alphabet.length];
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
}

/** Member id of a reward's stock actor: one per reward, placed on a shard like any member. */
export function stockActorOf(rewardId: string): string {
  return `\u00a7stock:${rewardId}`;
}
