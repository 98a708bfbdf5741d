// A member's anti-abuse state and what its ledger entries carry for it: velocity buckets per action,
// its usual order amounts, the devices and payment instruments it used, and its earns held for
// review. Shapes only (a leaf): the fold that builds this state from `detail.risk` is risk-fold.ts.

import type { Buckets } from '../../rules/sliding-window.js';
import type { RiskAction } from '../../rules/velocity-policy.js';

/**
 * availableAt of points held for review: the last second a protobuf Timestamp can carry
 * (9999-12-31T23:59:59Z), so they count as pending, never as available, until a review moves them.
 */
export const UNDER_REVIEW = 253_402_300_799_000;

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
