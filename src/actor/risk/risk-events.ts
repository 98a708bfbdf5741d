// What anti-abuse adds to the event stream: `risk_flagged` beside the event of an entry held for
// review (reason = the rule), `review_approved` / `review_rejected` for an operator's verdict, and
// nothing for the review queue's own bookkeeping.

import type { LedgerEntry } from '../entries.js';

export const RISK_FLAGGED = 'risk_flagged';

/** True for the review queue's entries: not a points event for consumers. */
export function isReviewQueueEntry(entry: LedgerEntry): boolean {
  return entry.detail?.risk?.queue !== undefined;
}

/** The event name of a review entry (approve or reject), else undefined (the entry type's own event). */
export function reviewEventOf(entry: LedgerEntry): string | undefined {
  const review = entry.detail?.risk?.review;
  if (!review) return undefined;
  return review.decision === 'approve' ? 'review_approved' : 'review_rejected';
}

/** The rule that held the entry's points for review, if any (the risk_flagged event's reason). */
export function flaggedRuleOf(entry: LedgerEntry): string | undefined {
  return entry.detail?.risk?.flag?.rule;
}
