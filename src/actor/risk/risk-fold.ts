// The fold's part for `detail.risk`: how an entry changes the member's anti-abuse state (windows,
// identities, flags, the review queue), and what screen and review read back from it. Only entries
// decided under a program with a risk policy carry `detail.risk`, so other members never grow it.

import type { LedgerEntry } from '../entries.js';
import { type Lot, insertLot, takeWhere } from '../lots.js';
import type { MemberState } from '../member-state.js';
import { WINDOW_KINDS, WINDOW_MS, addToBuckets, countIn, pointsIn, retryAfterMs } from '../../rules/sliding-window.js';
import { MAX_ORDER_HISTORY, type RiskAction, type WindowKind } from '../../rules/velocity-policy.js';
import { type MemberRisk, type QueueDetail, type ReviewDetail, UNDER_REVIEW, emptyMemberRisk } from './member-risk.js';

/** Distinct devices and payment fingerprints a member remembers (most recent last). */
export const IDENTITIES_KEPT = 8;
/** Review-queue tombstones kept (a resolution that overtook its flag). */
const RESOLVED_KEPT = 1000;

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
