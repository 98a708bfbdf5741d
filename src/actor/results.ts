// What a shard answers for each op: plain data that crosses back to the front by structured clone.

import type { Program } from '../rules/program/program.js';
import { tierProgress } from '../rules/tiers.js';
import type { BreakdownLine, LedgerEntry, RedemptionOrder, StockStep } from './entries.js';
import { reservationOutcome } from './stock.js';
import type { ReservationOutcome } from './stock-state.js';
import { NEVER_EXPIRES, entryIdOf } from './entries.js';
import type { Rejection } from './rejections.js';
import type { FlaggedPage } from './risk/review-commands.js';
import { pointsUsableFor } from '../rules/points-as-cash.js';
import { floorScaled } from '../rules/rounding.js';
import type { Lot } from './lots.js';
import { type MemberState, availablePoints, heldPoints, pendingPoints } from './member-state.js';

/** Account.expiring lists at most this many upcoming expiry dates. */
const EXPIRING_SHOWN = 5;

/** The outcome of a write: the same whether it was just applied or replayed for a retry. */
export interface WriteResult {
  entryId: string;
  seq: number;
  points: number;
  /** Available (spendable) balance right after the write. */
  balance: number;
  breakdown: BreakdownLine[];
  pending: number;
  availableAt: number;
  programVersion: number;
  streak: number;
  /** hold: the hold's id and last valid millisecond. */
  holdId: string;
  holdPoints: number;
  holdExpiresAt: number;
  /** transfer: the transfer id (both sides' entries carry it) and a partner conversion's units. */
  transferId: string;
  partnerUnits: number;
  /** redeem_reward / lottery_draw / redemption_update: the order after the write. */
  redemption?: RedemptionOrder;
  /** A stock actor's step (reserve: the redemption id, the unit a draw won, the units left). */
  stock?: StockStep;
  /** The rule that held the entry's points for review (anti-abuse), if one did. */
  reviewRule?: string;
  /**
   * review: the points the verdict moved out of review: made available (approve, positive; the ledger
   * balance does not change, the held earn already counted them) or removed (reject, negative, = points).
   */
  reviewPoints: number;
}

/** A stock actor's units, and where one reservation stands. */
export interface StockView {
  sold: Record<string, number>;
  reserved: Record<string, number>;
  reservation: ReservationOutcome;
}

export interface RedemptionList {
  orders: RedemptionOrder[];
}

export interface AccountView {
  tenantId: string;
  memberId: string;
  balance: number;
  lifetimeEarned: number;
  lifetimeRedeemed: number;
  seq: number;
  lots: Lot[];
  pending: number;
  /** Points in open holds. */
  held: number;
  expiring: { points: number; expiresAt: number }[];
  enrolled: boolean;
  tier: string;
  tierName: string;
  tierValidUntil: number;
  tierMetric: number;
  nextTier: string;
  nextTierNeeded: number;
}

/** An entry as clients see it: identified by entry_id; lot expiry and payload fingerprint stay inside. */
export type EntryView = Omit<LedgerEntry, 'tenantId' | 'memberId' | 'expiresAt' | 'payloadHash' | 'detail'> & {
  entryId: string;
  programVersion: number;
  breakdown: BreakdownLine[];
  tierAfter: string;
  transferId: string;
  counterparty: string;
  partnerReference: string;
  partnerUnits: number;
  holdId: string;
  /** review: what the verdict moved (see WriteResult.reviewPoints). */
  reviewPoints: number;
  /** notice: the points that expire at expiresAt. */
  expiringPoints: number;
  /** notice: when those points expire; an entry that makes a lot: its expiry (0 = never). */
  expiresAt: number;
};

export interface EntryPage {
  entries: EntryView[];
  /** seq to continue after, or 0 when this page was the last. */
  nextAfterSeq: number;
}

/** What checkout may take as points for an order (积分抵现). */
export interface RedemptionQuote {
  /** Points the order may use: the smaller of what is available and the program's share of the order. */
  maxPoints: number;
  /** What maxPoints are worth, in minor units. */
  cashMinor: number;
  available: number;
  /** The program's rate: `points` points = `perMinor` minor units. */
  points: number;
  perMinor: number;
}

/** One member's audit (src/reports/member-audit.ts): what disagrees, and its figures for the roll-forward tie-out. */
export interface MemberAuditAnswer {
  /** False for a member with no entries (nothing to audit). */
  exists: boolean;
  mismatches: { kind: string; tenantId: string; memberId: string; message: string }[];
  /** Balance less points under review, and points under review. */
  outstanding: number;
  underReview: number;
  /** The cache's copy was rewritten from the ledger. */
  repaired: boolean;
}

export type OpValue =
  | WriteResult
  | AccountView
  | EntryPage
  | RedemptionQuote
  | StockView
  | RedemptionList
  | FlaggedPage
  | MemberAuditAnswer;

export function stockViewOf(state: MemberState, redemptionId: string): StockView {
  return {
    sold: { ...state.stock?.sold },
    reserved: { ...state.stock?.reserved },
    reservation: redemptionId === '' ? { state: 'unknown' } : reservationOutcome(state, redemptionId),
  };
}

/** Newest first. */
export function redemptionListOf(state: MemberState): RedemptionList {
  return { orders: [...state.redemptions].reverse() };
}

export function quoteOf(state: MemberState, program: Program, orderAmountMinor: number, now: number): RedemptionQuote {
  const available = Math.max(0, availablePoints(state, now));
  const maxPoints = Math.min(available, pointsUsableFor(program, orderAmountMinor));
  const { points, perMinor } = program.pointsAsCash;
  return { maxPoints, cashMinor: floorScaled(maxPoints, perMinor, points), available, points, perMinor };
}

/** `replayed`: a write answered from its earlier entry (a retry), not applied now. The value is the same either way. */
export type OpResult = { ok: true; value: OpValue; replayed?: true } | { ok: false; rejection: Rejection };

export function writeResultOf(entry: LedgerEntry): WriteResult {
  const detail = entry.detail;
  return {
    entryId: entryIdOf(entry.tenantId, entry.memberId, entry.seq),
    seq: entry.seq,
    points: entry.points,
    balance: detail?.availableAfter ?? entry.balanceAfter,
    breakdown: detail?.breakdown ?? [],
    pending: detail?.pendingPoints ?? 0,
    availableAt: detail?.availableAt ?? 0,
    programVersion: detail?.programVersion ?? 0,
    streak: detail?.activity?.streak ?? 0,
    holdId: detail?.hold?.holdId ?? '',
    holdPoints: detail?.hold?.points ?? 0,
    holdExpiresAt: detail?.hold?.expiresAt ?? 0,
    transferId: detail?.transfer?.transferId ?? '',
    partnerUnits: detail?.transfer?.partnerUnits ?? 0,
    redemption: detail?.redemption,
    stock: detail?.stock,
    reviewRule: detail?.risk?.flag?.rule,
    reviewPoints: reviewPointsOf(entry),
  };
}

/** What a REVIEW entry moved out of review (approve +, reject −); 0 for other entries. */
export function reviewPointsOf(entry: LedgerEntry): number {
  const review = entry.detail?.risk?.review;
  if (!review || entry.type !== 'review') return 0;
  return review.decision === 'approve' ? review.points : -review.points;
}

/** The account as of `now`: what is spendable, pending and expiring then, and the tier standing. */
export function accountViewOf(state: MemberState, program: Program, now: number): AccountView {
  const progress = tierProgress(program, { tier: state.tier, validUntil: state.tierValidUntil, metric: state.tierMetric }, now);
  return {
    tenantId: state.tenantId,
    memberId: state.memberId,
    balance: availablePoints(state, now),
    lifetimeEarned: state.lifetimeEarned,
    lifetimeRedeemed: state.lifetimeRedeemed,
    seq: state.seq,
    lots: state.lots.map((l) => ({ expiresAt: l.expiresAt, points: l.points, availableAt: l.availableAt })),
    pending: pendingPoints(state, now),
    held: heldPoints(state, now),
    expiring: expiringOf(state.lots, now),
    enrolled: state.enrolledAt > 0,
    tier: progress.tier.id,
    tierName: progress.tier.name,
    tierValidUntil: state.tier === progress.tier.id ? state.tierValidUntil : 0,
    tierMetric: progress.metric,
    nextTier: progress.nextTier?.id ?? '',
    nextTierNeeded: progress.needed,
  };
}

/** Upcoming expiries summed per date, soonest first (lots are kept in expiry order). */
function expiringOf(lots: Lot[], now: number): { points: number; expiresAt: number }[] {
  const out: { points: number; expiresAt: number }[] = [];
  for (const lot of lots) {
    if (lot.expiresAt === NEVER_EXPIRES || lot.expiresAt < now) continue;
    const last = out[out.length - 1];
    if (last && last.expiresAt === lot.expiresAt) last.points += lot.points;
    else if (out.length < EXPIRING_SHOWN) out.push({ points: lot.points, expiresAt: lot.expiresAt });
    else break;
  }
  return out;
}

export function entryViewOf(entry: LedgerEntry): EntryView {
  return {
    entryId: entryIdOf(entry.tenantId, entry.memberId, entry.seq),
    seq: entry.seq,
    type: entry.type,
    points: entry.points,
    balanceAfter: entry.balanceAfter,
    idempotencyKey: entry.idempotencyKey,
    orderId: entry.orderId,
    reason: entry.reason,
    operator: entry.operator,
    amountMinor: entry.amountMinor,
    createdAt: entry.createdAt,
    programVersion: entry.detail?.programVersion ?? 0,
    breakdown: entry.detail?.breakdown ?? [],
    tierAfter: entry.detail?.tierChange?.to ?? '',
    transferId: entry.detail?.transfer?.transferId ?? '',
    counterparty: entry.detail?.transfer?.counterparty ?? '',
    partnerReference: entry.detail?.transfer?.partnerReference ?? '',
    partnerUnits: entry.detail?.transfer?.partnerUnits ?? 0,
    holdId: entry.detail?.hold?.holdId ?? '',
    reviewPoints: reviewPointsOf(entry),
    expiringPoints: entry.detail?.expiringSoon?.points ?? 0,
    expiresAt: entry.detail?.expiringSoon?.expiresAt ?? entry.expiresAt,
  };
}
