// The review queue's commands and query: an operator's verdict on a flag (to the flagged member's
// actor), the queue's own bookkeeping (to the tenant's review-queue actor), and the listing.

import type { QueueDetail, QueuedFlag } from './member-risk.js';
import type { RiskContext } from './risk-context.js';

/**
 * The member id of a tenant's review queue: an actor like any member's, so its flags are durable
 * and rebuilt from its ledger; '§' keeps it out of the client id space (api/decode.ts).
 */
export const REVIEW_QUEUE_MEMBER = '\u00a7review';

export type ReviewDecision = 'approve' | 'reject';

/** ApproveFlagged / RejectFlagged, decided by the flagged member's actor. */
export interface ReviewCommand {
  kind: 'review';
  tenantId: string;
  memberId: string;
  idempotencyKey: string;
  risk?: RiskContext;
  /** seq of the flagged entry. */
  flagSeq: number;
  decision: ReviewDecision;
  operator: string;
  reason: string;
  /** The flagged order ('' for a referral reward): a rejection refunds it in full. */
  orderId: string;
}

/** Sent by the engine: a flag joins or leaves the tenant's queue (keys `§flag:<id>`, `§resolved:<id>`). */
export interface ReviewQueueCommand {
  kind: 'reviewQueue';
  tenantId: string;
  memberId: string;
  idempotencyKey: string;
  risk?: RiskContext;
  change: QueueDetail;
}

export interface ListFlaggedQuery {
  kind: 'listFlagged';
  tenantId: string;
  /** Always REVIEW_QUEUE_MEMBER: the query is answered by the queue's actor. */
  memberId: string;
  /** '' = any rule. */
  rule: string;
  /** flaggedAt in [from, to); 0 = open. */
  from: number;
  to: number;
  /** '' = any; else only this flag. */
  flagId: string;
  afterSeq: number;
  limit: number;
}

export interface FlaggedPage {
  flags: QueuedFlag[];
  /** Queue seq to continue after, or 0 when this page was the last. */
  nextAfterSeq: number;
}
