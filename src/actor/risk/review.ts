// The review queue's decisions, pure like decide: an operator approves a flag (its points become
// available, or pending until the order's return window ends) or rejects it (its points leave, and
// the order counts as fully refunded so a later Reverse cannot take them twice); the tenant's queue
// actor records flags as they come and go; ListFlagged reads that queue.

import { engineKey } from '../commands.js';
import type { Decision, DecisionInputs } from '../decision.js';
import { type EntryDetail, type LedgerEntry, type OrderRecord, emptyDetail, entryIdOf } from '../entries.js';
import type { MemberState } from '../member-state.js';
import { newEntry } from '../new-entry.js';
import { UNDER_REVIEW } from './member-risk.js';
import {
  type FlaggedPage,
  type ListFlaggedQuery,
  REVIEW_QUEUE_MEMBER,
  type ReviewCommand,
  type ReviewQueueCommand,
} from './review-commands.js';
import { reviewLotPoints } from './risk-fold.js';
import { riskReject } from './risk-rejections.js';

export function decideReview(state: MemberState, cmd: ReviewCommand, inputs: DecisionInputs): Decision {
  const flagId = entryIdOf(cmd.tenantId, cmd.memberId, cmd.flagSeq);
  const flag = state.risk?.flags.find((f) => f.seq === cmd.flagSeq);
  if (!flag || flag.orderId !== cmd.orderId) return { ok: false, rejection: riskReject.flagNotOpen(flagId) };
  // A refund or an expiry may have taken some of the held points already.
  const points = Math.min(flag.points, reviewLotPoints(state.lots, flag.expiresAt));
  const detail = emptyDetail(inputs.program.version);
  detail.risk = {
    review: {
      flagSeq: flag.seq,
      decision: cmd.decision,
      points,
      expiresAt: flag.expiresAt,
      pendingPoints: flag.pendingPoints,
      availableAt: flag.availableAt,
    },
  };
  let order: OrderRecord | undefined;
  if (cmd.decision === 'reject') {
    detail.reverseLot = { expiresAt: flag.expiresAt, availableAt: UNDER_REVIEW };
    const o = inputs.order;
    if (o) {
      order = { ...o, refundedMinor: o.amountMinor, reversedPoints: o.points };
      if (o.metricMonth) {
        detail.metricMonth = o.metricMonth;
        detail.metricDelta = inputs.program.tiers.metric === 'spend' ? o.refundedMinor - o.amountMinor : o.reversedPoints - o.points;
      }
    }
  }
  const entry = reviewEntry(state, cmd, inputs, cmd.decision === 'reject' ? -points : 0, detail, {
    orderId: flag.orderId,
    reason: `${cmd.decision === 'approve' ? 'review approved' : 'review rejected'}: ${cmd.reason}`,
    operator: cmd.operator,
  });
  const followUp: ReviewQueueCommand = {
    kind: 'reviewQueue',
    tenantId: cmd.tenantId,
    memberId: REVIEW_QUEUE_MEMBER,
    idempotencyKey: engineKey(`resolved:${flagId}`),
    change: { op: 'remove', flagId, decision: cmd.decision },
  };
  return { ok: true, entry, order, followUp };
}

/** The queue's bookkeeping always applies (its key makes a redelivery a retry). */
export function decideReviewQueue(state: MemberState, cmd: ReviewQueueCommand, inputs: DecisionInputs): Decision {
  const detail = emptyDetail(inputs.program.version);
  detail.risk = { queue: cmd.change };
  const flagId = cmd.change.op === 'add' ? cmd.change.flag.flagId : cmd.change.flagId;
  const entry = reviewEntry(state, cmd, inputs, 0, detail, {
    orderId: '',
    reason: `review queue ${cmd.change.op} ${flagId}`,
    operator: '',
  });
  return { ok: true, entry, order: undefined };
}

/** Open flags of the queue after `afterSeq`, oldest first, matching the query's filters. */
export function listFlaggedOf(state: MemberState, query: ListFlaggedQuery): FlaggedPage {
  const flags = [];
  for (const flag of state.risk?.queue ?? []) {
    if (flag.queueSeq <= query.afterSeq) continue;
    if (query.rule !== '' && flag.rule !== query.rule) continue;
    if (query.flagId !== '' && flag.flagId !== query.flagId) continue;
    if (query.from > 0 && flag.flaggedAt < query.from) continue;
    if (query.to > 0 && flag.flaggedAt >= query.to) continue;
    flags.push(flag);
    if (flags.length > query.limit) break;
  }
  const more = flags.length > query.limit;
  const shown = more ? flags.slice(0, query.limit) : flags;
  return { flags: shown, nextAfterSeq: more ? shown[shown.length - 1].queueSeq : 0 };
}

function reviewEntry(
  state: MemberState,
  cmd: ReviewCommand | ReviewQueueCommand,
  inputs: DecisionInputs,
  points: number,
  detail: EntryDetail,
  fields: { orderId: string; reason: string; operator: string },
): LedgerEntry {
  return newEntry(state, cmd, inputs, points, { type: 'review', ...fields, detail });
}
