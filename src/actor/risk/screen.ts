// Velocity limits and review rules applied to a decision, inside decide and as pure as it: the
// member's own windows come from its state, the cross-member windows from the batch's reservation
// (DecisionInputs.risk). Outcomes: the decision unchanged (allow), a refusal naming the limit with a
// retry-after hint, or, for an earn or a referral reward, the same entry with its points held for
// review (pending until an operator decides) and a flag sent to the tenant's review queue.

import { type EarnCommand, type WriteCommand, engineKey } from '../commands.js';
import type { Decision, DecisionInputs } from '../decision.js';
import { type LedgerEntry, emptyDetail, entryIdOf } from '../entries.js';
import type { Rejection } from '../rejections.js';
import type { MemberState } from '../member-state.js';
import { floorScaled } from '../../rules/rounding.js';
import { type RiskDetail, UNDER_REVIEW } from './member-risk.js';
import { REVIEW_QUEUE_MEMBER, type ReviewQueueCommand } from './review-commands.js';
import type { RiskContext } from './risk-context.js';
import { memberCount, memberPoints, memberRetryAfterMs } from './risk-fold.js';
import { riskReject } from './risk-rejections.js';
import { type SharedView, forEachSharedCheck, riskActionOf } from './shared-checks.js';
import { WINDOW_MS, bucketMsOf } from '../../rules/sliding-window.js';
import { REVIEW_RULES, type RiskAction, type RiskPolicy, type VelocityLimit } from '../../rules/velocity-policy.js';

const BASIS_POINTS = 10_000;

/** Entries of counted actions without a device or payment fingerprint share this marker (never mutated). */
const COUNTED: RiskDetail = Object.freeze({});

/** Screens an accepted decision under the program's risk policy; refusals pass through unchanged. */
export function screenDecision(state: MemberState, cmd: WriteCommand, inputs: DecisionInputs, decision: Decision): Decision {
  const policy = inputs.program.risk;
  if (!policy || !decision.ok) return decision;
  if (cmd.kind === 'enroll') {
    if (cmd.risk) detailOf(decision.entry, inputs).risk = identitiesOf(cmd.risk);
    return decision;
  }
  if (cmd.kind === 'referral') return screenReferral(state, cmd.risk, inputs, policy, decision);
  const action = riskActionOf(cmd);
  return action ? screenAction(state, cmd, action, inputs, policy, decision) : decision;
}

interface Verdict {
  refusal: { limit: VelocityLimit; retryAfterMs: number } | undefined;
  review: { rule: string; message: string } | undefined;
}

function screenAction(
  state: MemberState,
  cmd: WriteCommand,
  action: RiskAction,
  inputs: DecisionInputs,
  policy: RiskPolicy,
  decision: Decision & { ok: true },
): Decision {
  const entry = decision.entry;
  const cost = cmd.kind === 'redeem' || cmd.kind === 'hold' || cmd.kind === 'transfer' ? cmd.points : Math.max(0, entry.points);
  const verdict: Verdict = { refusal: undefined, review: undefined };
  const { now } = inputs;
  for (const counter of policy.member[action]) {
    const count = memberCount(state, action, counter.window, now);
    const points = memberPoints(state, action, counter.window, now);
    for (const limit of counter.limits) {
      if (!exceeds(limit, count, points, cost)) continue;
      judge(verdict, limit, () => memberRetryAfterMs(state, action, counter.window, now, limit, cost), count, points);
    }
  }
  const shared = inputs.risk;
  if (shared) {
    if (!shared.available) {
      if (shared.failClosed) return refused(riskReject.sharedStoreUnavailable());
    } else {
      screenShared(policy, cmd, action, shared, cost, verdict);
    }
  }
  if (verdict.refusal) return refused(riskReject.velocityLimit(verdict.refusal.limit, verdict.refusal.retryAfterMs));
  // The marker makes the fold count the entry in the member's windows (and remember its device and
  // card); entries nothing of the member's will read stay as they are.
  if (cmd.risk) detailOf(entry, inputs).risk = identitiesOf(cmd.risk);
  else if (policy.member[action].length > 0 || (cmd.kind === 'earn' && policy.review.orderAmount)) detailOf(entry, inputs).risk = COUNTED;
  if (cmd.kind !== 'earn') return decision;
  verdict.review ??= amountReview(state, cmd, policy);
  if (verdict.review && entry.points > 0) return holdForReview(decision, cmd, inputs, verdict.review);
  // The referrer's actor compares the referred member's device and card with its own (shared_referral).
  if (policy.review.sharedReferral && cmd.risk && decision.followUp?.kind === 'referral') decision.followUp.risk = cmd.risk;
  return decision;
}

function screenShared(policy: RiskPolicy, cmd: WriteCommand, action: RiskAction, shared: SharedView, cost: number, verdict: Verdict): void {
  forEachSharedCheck(policy, cmd, action, (counter, value, check) => {
    const count = shared.count(check);
    if (!counter) {
      const rule = policy.review.deviceMembers;
      if (rule && count > rule.maxMembers && !verdict.review) {
        verdict.review = {
          rule: REVIEW_RULES.deviceMembers,
          message: `${count} members earned from device ${value} within a ${rule.window} (more than ${rule.maxMembers})`,
        };
      }
      return;
    }
    const points = shared.points(check);
    const blocked = shared.status === check + 1;
    for (const limit of counter.limits) {
      // The store refused on this counter, or a limit it could not check (an earn's points) is exceeded.
      if (!exceeds(limit, count, points, cost)) continue;
      const retry = blocked ? shared.retryAfterMs : bucketMsOf(WINDOW_MS[counter.window]);
      judge(verdict, limit, () => retry, count, points);
    }
  });
}

/** The first refusing limit in document order is reported; the hint covers every limit that refused. */
function judge(verdict: Verdict, limit: VelocityLimit, retryAfter: () => number, count: number, points: number): void {
  if (limit.outcome === 'review') {
    verdict.review ??= {
      rule: limit.id,
      message: `velocity limit ${limit.id}: ${count} earns and ${points} points already in the ${limit.window} (${limit.scope})`,
    };
    return;
  }
  const retryAfterMs = retryAfter();
  const current = verdict.refusal;
  if (!current) verdict.refusal = { limit, retryAfterMs };
  else
    verdict.refusal = {
      limit: limit.index < current.limit.index ? limit : current.limit,
      retryAfterMs: Math.max(retryAfterMs, current.retryAfterMs),
    };
}

function exceeds(limit: VelocityLimit, count: number, points: number, cost: number): boolean {
  return (limit.maxCount > 0 && count + 1 > limit.maxCount) || (limit.maxPoints > 0 && points + cost > limit.maxPoints);
}

/** An order far above the member's usual (its own recent orders), or above the absolute limit. */
function amountReview(state: MemberState, cmd: EarnCommand, policy: RiskPolicy): Verdict['review'] {
  const rule = policy.review.orderAmount;
  if (!rule) return undefined;
  if (rule.maxMinor > 0 && cmd.amountMinor > rule.maxMinor) {
    return { rule: REVIEW_RULES.amountLimit, message: `order amount ${cmd.amountMinor} above the limit ${rule.maxMinor}` };
  }
  const orders = state.risk?.orders;
  if (rule.factorBp === 0 || !orders) return undefined;
  const n = Math.min(rule.history, orders.length);
  if (n < rule.minHistory) return undefined;
  let sum = 0;
  for (let i = orders.length - n; i < orders.length; i++) sum += orders[i];
  // threshold = factor × average, in integers: floor(sum × factorBp / (10000 × n)).
  const threshold = floorScaled(sum, rule.factorBp, BASIS_POINTS * n);
  if (cmd.amountMinor <= threshold) return undefined;
  return {
    rule: REVIEW_RULES.amountVsHistory,
    message: `order amount ${cmd.amountMinor} above ${rule.factorBp / BASIS_POINTS}× the average of the member's last ${n} orders (${threshold})`,
  };
}

/** The referrer's reward is held when the referrer has used the referred member's device or payment instrument. */
function screenReferral(
  state: MemberState,
  referred: RiskContext | undefined,
  inputs: DecisionInputs,
  policy: RiskPolicy,
  decision: Decision & { ok: true },
): Decision {
  const risk = state.risk;
  if (!policy.review.sharedReferral || !referred || !risk || decision.entry.points <= 0) return decision;
  const device = referred.deviceId !== '' && risk.devices.includes(referred.deviceId);
  const payment = referred.paymentFingerprint !== '' && risk.payments.includes(referred.paymentFingerprint);
  if (!device && !payment) return decision;
  const what = device ? `device ${referred.deviceId}` : `payment fingerprint ${referred.paymentFingerprint}`;
  detailOf(decision.entry, inputs);
  return holdForReview(decision, undefined, inputs, {
    rule: REVIEW_RULES.sharedReferral,
    message: `referrer and referred member share ${what}`,
  });
}

/**
 * The entry's points go to a review lot (pending, availableAt UNDER_REVIEW); what they would have
 * been is kept on the flag for the approval. A held order does not qualify a referral (its reward
 * is not sent); the flag goes to the tenant's review queue as the decision's follow-up.
 */
function holdForReview(
  decision: Decision & { ok: true },
  cmd: EarnCommand | undefined,
  inputs: DecisionInputs,
  review: { rule: string; message: string },
): Decision {
  if (decision.followUp && decision.followUp.kind !== 'referral') return decision;
  const entry = decision.entry;
  const detail = detailOf(entry, inputs);
  const marker: RiskDetail = { ...detail.risk };
  marker.flag = { rule: review.rule, message: review.message, pendingPoints: detail.pendingPoints, availableAt: detail.availableAt };
  detail.risk = marker;
  detail.pendingPoints = entry.points;
  detail.availableAt = UNDER_REVIEW;
  // On an earn, `referral` says the order qualified the referrer: a held order does not (yet).
  if (entry.type === 'earn') delete detail.referral;
  entry.reason = entry.reason === '' ? `held for review: ${review.rule}` : `${entry.reason}; held for review: ${review.rule}`;
  const order = decision.order ? { ...decision.order, lotAvailableAt: UNDER_REVIEW } : undefined;
  const flagId = entryIdOf(entry.tenantId, entry.memberId, entry.seq);
  const followUp: ReviewQueueCommand = {
    kind: 'reviewQueue',
    tenantId: entry.tenantId,
    memberId: REVIEW_QUEUE_MEMBER,
    idempotencyKey: engineKey(`flag:${flagId}`),
    change: {
      op: 'add',
      flag: {
        flagId,
        memberId: entry.memberId,
        rule: review.rule,
        message: review.message,
        points: entry.points,
        amountMinor: cmd?.kind === 'earn' ? cmd.amountMinor : 0,
        orderId: entry.orderId,
        entryType: entry.type,
        flaggedAt: entry.createdAt,
        queueSeq: 0,
      },
    },
  };
  return { ok: true, entry, order, followUp };
}

function identitiesOf(context: RiskContext): RiskDetail {
  const marker: RiskDetail = {};
  if (context.deviceId !== '') marker.device = context.deviceId;
  if (context.paymentFingerprint !== '') marker.payment = context.paymentFingerprint;
  return marker;
}

function detailOf(entry: LedgerEntry, inputs: DecisionInputs): NonNullable<LedgerEntry['detail']> {
  entry.detail ??= emptyDetail(inputs.program.version);
  return entry.detail;
}

function refused(rejection: Rejection): Decision {
  return { ok: false, rejection };
}
