// A member's anti-abuse state, folded from its ledger entries like the rest of MemberState: velocity
// buckets per action, its usual order amounts, the devices and payment instruments it used, and its
// earns held for review. Only entries decided under a program with a risk policy carry
// `detail.risk`, so members of other tenants never grow this state.

import type { LedgerEntry } from '../entries.js';
import { type Lot, type MemberState, insertLot, takeWhere } from '../state.js';
import { type Buckets, WINDOW_KINDS, WINDOW_MS, addToBuckets, countIn, pointsIn, retryAfterMs } from '../../rules/sliding-window.js';
import { MAX_ORDER_HISTORY, type RiskAction, type WindowKind } from '../../rules/velocity-policy.js';

/**
 * availableAt of points held for review: the last second a protobuf Timestamp can carry
 * (9999-12-31T23:59:59Z), so they count as pending, never as available, until a review moves them.
 */
export const UNDER_REVIEW = 253_402_300_799_000;

/** Distinct devices and payment fingerprints a member remembers (most recent last). */
export const IDENTITIES_KEPT = 8;
/** Review-queue tombstones kept (a resolution that overtook its flag). */
const RESOLVED_KEPT = 1000;

/** On an entry: what anti-abuse needs to rebuild the member's risk state from the ledger alone. */
export interface RiskDetail {
  /** The device and payment fingerprint the command came with (identities for the referral rule). */
  device?: string;
  payment?: string;
  /** The entry's points were held for review by this rule; the availability they would have had. */
  flag?: FlagDetail;
  /** A review of an earlier flag (approve: points become available; reject: they leave). */
  review?: ReviewDetail;
  /** Bookkeeping of the tenant's review queue (its own actor, REVIEW_QUEUE_MEMBER). */
  queue?: QueueDetail;
}

export interface FlagDetail {
  /** The velocity limit id or review rule that fired. */
  rule: string;
  message: string;
  /** Without the review: the part that would have been pending, and until when. */
  pendingPoints: number;
  availableAt: number;
}

export interface ReviewDetail {
  flagSeq: number;
  decision: 'approve' | 'reject';
  /** Points the review moved out of the review lot (available again, or removed). */
  points: number;
  expiresAt: number;
  /** Approve: part of `points` still inside the order's return window, available at availableAt. */
  pendingPoints: number;
  availableAt: number;
}

export type QueueDetail = { op: 'add'; flag: QueuedFlag } | { op: 'remove'; flagId: string; decision: 'approve' | 'reject' };

/** An open review hold on the member. */
export interface OpenFlag {
  /** seq of the flagged entry (the flag id is its entry id). */
  seq: number;
  rule: string;
  points: number;
  pendingPoints: number;
  availableAt: number;
  expiresAt: number;
  orderId: string;
  at: number;
}

/** A flag as the review queue lists it. */
export interface QueuedFlag {
  flagId: string;
  memberId: string;
  rule: string;
  message: string;
  points: number;
  amountMinor: number;
  orderId: string;
  /** 'earn' or 'referral': which entry holds the points. */
  entryType: string;
  flaggedAt: number;
  /** seq of the queue's own entry: the listing order and page token. */
  queueSeq: number;
}

export interface MemberRisk {
  /** Per action: buckets of the minute, hour and day windows (WINDOW_KINDS order). */
  windows: Partial<Record<RiskAction, Buckets[]>>;
  /** Amounts (minor units) of the last MAX_ORDER_HISTORY orders not held for review, oldest first. */
  orders: number[];
  devices: string[];
  payments: string[];
  flags: OpenFlag[];
  /** The review queue actor only: open flags of the whole tenant, and resolutions that came first. */
  queue?: QueuedFlag[];
  resolved?: string[];
}

export function emptyMemberRisk(): MemberRisk {
  return { windows: {}, orders: [], devices: [], payments: [], flags: [] };
}

/** Which velocity action an entry counts as (hold is a spend at checkout), if any. */
export function actionOfEntry(entry: LedgerEntry): RiskAction | undefined {
  switch (entry.type) {
    case 'earn':
      return 'earn';
    case 'redeem':
    case 'hold':
      return 'redeem';
    case 'activity':
      return 'activity';
    case 'transfer_out':
      return 'transfer';
    default:
      return undefined;
  }
}

/** Points an entry counts against points limits: what was earned, spent, held or sent. */
export function velocityPointsOf(entry: LedgerEntry): number {
  if (entry.type === 'hold') return entry.detail?.hold?.points ?? 0;
  return Math.abs(entry.points);
}

/** The fold's part for `detail.risk` (called from applyEntry). Mutates state. */
export function applyRisk(state: MemberState, entry: LedgerEntry): void {
  const marker = entry.detail?.risk;
  if (!marker) return;
  state.risk ??= emptyMemberRisk();
  const risk = state.risk;
  if (marker.queue) {
    applyQueue(risk, marker.queue, entry.seq);
    return;
  }
  if (marker.review) {
    applyReview(state, risk, marker.review);
    return;
  }
  const action = actionOfEntry(entry);
  if (action) {
    let windows = risk.windows[action];
    if (!windows) {
      windows = [[], [], []];
      risk.windows[action] = windows;
    }
    const points = velocityPointsOf(entry);
    for (let k = 0; k < WINDOW_KINDS.length; k++) addToBuckets(windows[k], WINDOW_MS[WINDOW_KINDS[k]], entry.createdAt, 1, points);
  }
  if (marker.device) remember(risk.devices, marker.device);
  if (marker.payment) remember(risk.payments, marker.payment);
  if (marker.flag) {
    risk.flags.push({
      seq: entry.seq,
      rule: marker.flag.rule,
      points: entry.points,
      pendingPoints: marker.flag.pendingPoints,
      availableAt: marker.flag.availableAt,
      expiresAt: entry.expiresAt,
      orderId: entry.orderId,
      at: entry.createdAt,
    });
  } else if (entry.type === 'earn' && entry.amountMinor > 0) {
    // A held order is not "usual" until reviewed, so it never raises the average it is compared with.
    risk.orders.push(entry.amountMinor);
    if (risk.orders.length > MAX_ORDER_HISTORY) risk.orders.shift();
  }
}

/** Commands of `action` in the member's window of `kind` at `now`. */
export function memberCount(state: MemberState, action: RiskAction, kind: WindowKind, now: number): number {
  const buckets = state.risk?.windows[action]?.[WINDOW_KINDS.indexOf(kind)];
  return buckets ? countIn(buckets, WINDOW_MS[kind], now) : 0;
}

export function memberPoints(state: MemberState, action: RiskAction, kind: WindowKind, now: number): number {
  const buckets = state.risk?.windows[action]?.[WINDOW_KINDS.indexOf(kind)];
  return buckets ? pointsIn(buckets, WINDOW_MS[kind], now) : 0;
}

export function memberRetryAfterMs(
  state: MemberState,
  action: RiskAction,
  kind: WindowKind,
  now: number,
  limits: { maxCount: number; maxPoints: number },
  cost: number,
): number {
  const buckets = state.risk?.windows[action]?.[WINDOW_KINDS.indexOf(kind)] ?? [];
  return retryAfterMs(buckets, WINDOW_MS[kind], now, limits.maxCount, limits.maxPoints, cost);
}

/** Points of the member's review lots expiring at `expiresAt` (flags with one expiry share one lot). */
export function reviewLotPoints(lots: Lot[], expiresAt: number): number {
  let sum = 0;
  for (const lot of lots) if (lot.expiresAt === expiresAt && lot.availableAt === UNDER_REVIEW) sum += lot.points;
  return sum;
}

function applyReview(state: MemberState, risk: MemberRisk, review: ReviewDetail): void {
  risk.flags = risk.flags.filter((f) => f.seq !== review.flagSeq);
  // A rejection's points already left through the entry (its reverseLot names the review lot).
  if (review.decision !== 'approve' || review.points === 0) return;
  takeWhere(state.lots, review.points, (lot) => lot.expiresAt === review.expiresAt && lot.availableAt === UNDER_REVIEW);
  const pending = Math.min(review.pendingPoints, review.points);
  insertLot(state.lots, review.expiresAt, 0, review.points - pending);
  insertLot(state.lots, review.expiresAt, review.availableAt, pending);
}

function applyQueue(risk: MemberRisk, change: QueueDetail, seq: number): void {
  risk.queue ??= [];
  risk.resolved ??= [];
  if (change.op === 'add') {
    const early = risk.resolved.indexOf(change.flag.flagId);
    if (early >= 0) risk.resolved.splice(early, 1);
    else risk.queue.push({ ...change.flag, queueSeq: seq });
    return;
  }
  const at = risk.queue.findIndex((f) => f.flagId === change.flagId);
  if (at >= 0) risk.queue.splice(at, 1);
  else {
    risk.resolved.push(change.flagId);
    if (risk.resolved.length > RESOLVED_KEPT) risk.resolved.shift();
  }
}

function remember(list: string[], value: string): void {
  const at = list.indexOf(value);
  if (at >= 0) list.splice(at, 1);
  list.push(value);
  if (list.length > IDENTITIES_KEPT) list.shift();
}
