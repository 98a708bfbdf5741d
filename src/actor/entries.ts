// Ledger entries: the append-only truth. A member's state is the fold of its entries (see state.ts).

import type { RiskDetail } from './risk/member-risk.js';

export type EntryType =
  | 'earn'
  | 'redeem'
  | 'reverse'
  | 'adjust'
  | 'expire'
  | 'enroll'
  | 'activity'
  | 'tier'
  | 'referral'
  | 'notice'
  | 'hold'
  | 'capture'
  | 'release'
  | 'transfer_out'
  | 'transfer_in'
  | 'stock'
  | 'redeem_reward'
  | 'lottery_draw'
  | 'redemption_update'
  | 'import'
  | 'review';

/** Sentinel expiry for lots that never expire; sorts after every real date. */
export const NEVER_EXPIRES = 0;

export interface LedgerEntry {
  tenantId: string;
  memberId: string;
  /** Per-member sequence, 1, 2, 3 … with no gaps. */
  seq: number;
  type: EntryType;
  /** Signed points: positive adds to the balance, negative takes away. */
  points: number;
  balanceAfter: number;
  idempotencyKey: string;
  orderId: string;
  reason: string;
  operator: string;
  /** Order amount (earn) or refunded amount (reverse) in minor units; 0 otherwise. */
  amountMinor: number;
  /** Epoch ms when the engine decided the entry. */
  createdAt: number;
  /** Expiry of the lot an earn creates, epoch ms; NEVER_EXPIRES for none. */
  expiresAt: number;
  /** Fingerprint of the command that produced the entry, to tell a retry from a conflicting reuse of its key. */
  payloadHash: string;
  /** What the program decided beyond the points; absent on entries decided without a program. */
  detail?: EntryDetail;
}

/** One rule's share of an entry's points. */
export interface BreakdownLine {
  ruleId: string;
  points: number;
}

export interface TierChange {
  from: string;
  to: string;
  /** When the new level is reviewed; 0 = never (the first level). */
  validUntil: number;
  reason: 'upgrade' | 'retain' | 'downgrade';
}

/**
 * Everything the fold needs to rebuild a member's program state (caps, tier metric, streaks …) from
 * the entry alone, so replay never re-evaluates rules under a later program version.
 */
export interface EntryDetail {
  programVersion: number;
  breakdown: BreakdownLine[];
  /** Part of a positive entry's points that only becomes available at availableAt. */
  pendingPoints: number;
  availableAt: number;
  /** Local day and month (tenant time zone) the breakdown counts against for caps; '' = none. */
  dayKey: string;
  monthKey: string;
  /** Change of the tier's qualifying metric in local month metricMonth (negative for refunds). */
  metricMonth: string;
  metricDelta: number;
  tierChange: TierChange | undefined;
  activity: { behaviourId: string; activity: string; targetId: string; streak: number } | undefined;
  enrolment: { birthday: { month: number; day: number } | undefined; referrer: string; channel: string } | undefined;
  /** earn: this order qualified the member's referrer for its reward; referral: whom the reward is for. */
  referral?: { referrerMemberId: string; referredMemberId: string };
  /** notice: the points that expire at expiresAt (an expiring-soon notice, no points move). */
  expiringSoon?: { points: number; expiresAt: number };
  /** hold: the hold set up; capture / release: the hold settled (points = what was captured). */
  hold?: { holdId: string; points: number; expiresAt: number; orderId: string };
  /** transfer_out / transfer_in: one transfer id on both sides; partner conversions name the partner and its units. */
  transfer?: {
    transferId: string;
    kind: 'member' | 'donation' | 'partner';
    counterparty: string;
    partnerId: string;
    partnerReference: string;
    partnerUnits: number;
  };
  /** stock: a stock actor's step of a redemption saga (units set aside, sold, returned). */
  stock?: StockStep;
  /** redeem_reward / lottery_draw / redemption_update: the member's redemption order after the entry. */
  redemption?: RedemptionOrder;
  /** reverse: the refunded order's lot, taken from first. */
  reverseLot?: { expiresAt: number; availableAt: number };
  /** import: where the lot came from (batch and row of the legacy import) and when it was first earned. */
  import?: { batchId: string; rowKey: string; earnedAt: number };
  /** Anti-abuse: identities seen, a hold for review, a review's verdict, the review queue (actor/risk/member-risk.ts). */
  risk?: RiskDetail;
  /** Spendable balance right after the entry, when it differs from balanceAfter (pending or lapsed lots). */
  availableAfter?: number;
}

export function emptyDetail(programVersion: number): EntryDetail {
  return {
    programVersion,
    breakdown: [],
    pendingPoints: 0,
    availableAt: 0,
    dayKey: '',
    monthKey: '',
    metricMonth: '',
    metricDelta: 0,
    tierChange: undefined,
    activity: undefined,
    enrolment: undefined,
  };
}

export type RedemptionState = 'PENDING_REVIEW' | 'APPROVED' | 'FULFILLED' | 'REJECTED' | 'CANCELLED';

/** 兑换订单: what a member redeemed or won, and where it stands. */
export interface RedemptionOrder {
  redemptionId: string;
  rewardId: string;
  rewardName: string;
  /** The reward's kind, or the won prize's kind for a lottery draw. */
  kind: string;
  /** '' for a reward; the prize id of a lottery draw. */
  unit: string;
  unitName: string;
  quantity: number;
  /** Points paid (the draw's cost for a lottery). */
  points: number;
  /** Points a lottery's points prize paid out. */
  prizePoints: number;
  drawValue: number;
  state: RedemptionState;
  couponCode: string;
  shipping: { name: string; phone: string; address: string } | undefined;
  trackingNumber: string;
  operator: string;
  reason: string;
  /** Member id of the stock actor the units came from (restocked on reject or cancel). */
  stockActorId: string;
  /** The per-member limit period the units counted in. */
  periodKey: string;
  createdAt: number;
  updatedAt: number;
}

export interface StockStep {
  op: 'reserve' | 'confirm' | 'cancel' | 'restock';
  redemptionId: string;
  buyerId: string;
  unit: string;
  quantity: number;
  periodKey: string;
  drawValue: number;
  /** reserve: the buyer's idempotency key; confirm: the buyer's entry; cancel: why the buyer refused. */
  clientKey: string;
  memberEntryId: string;
  refusal: { kind: string; message: string } | undefined;
  /** Units of `unit` left for sale after the step. */
  left: number;
}

/** Globally unique and deterministic, so a retry after a crash returns the same id. */
export function entryIdOf(tenantId: string, memberId: string, seq: number): string {
  return `${tenantId}:${memberId}:${seq}`;
}

/** What a member's orders have earned and had refunded: the input Reverse needs. */
export interface OrderRecord {
  tenantId: string;
  memberId: string;
  orderId: string;
  amountMinor: number;
  points: number;
  refundedMinor: number;
  reversedPoints: number;
  /** Local month the order counted in for the tier metric, so a refund takes it back from the same month. */
  metricMonth?: string;
  /** The lot the order's points went to (expiry, and when its pending part becomes available), so a refund takes from it first. */
  lotExpiresAt?: number;
  lotAvailableAt?: number;
}
