// The pure decision core: state × command × program → one ledger entry (and the order record it
// updates), or a typed rejection. No clock, randomness or I/O: `now`, the program and the order
// record come in as inputs.

import { type ActivityOutcome, calculateActivity, calculateSignUp } from '../rules/behaviours.js';
import { floorScaled } from '../rules/base-rate.js';
import { localDayOf, monthKeyOf } from '../rules/calendar.js';
import { calculateEarn } from '../rules/earning.js';
import { expiryNoticeAt, lotExpiresAt } from '../rules/expiry.js';
import { pointsUsableFor } from '../rules/points-as-cash.js';
import type { Program } from '../rules/program/program.js';
import { metricMonthKey, reviewTier, upgradeAfter } from '../rules/tiers.js';
import { decideReview, decideReviewQueue } from './risk/review.js';
import { screenDecision } from './risk/screen.js';
import type { SharedView } from './risk/shared-checks.js';
import {
  type ActivityCommand,
  type CaptureHoldCommand,
  type HoldCommand,
  type ReleaseHoldCommand,
  type AdjustCommand,
  type EarnCommand,
  type EnrollCommand,
  type HousekeepCommand,
  type RedeemCommand,
  type ReferralRewardCommand,
  type ReverseCommand,
  type TransferCommand,
  type TransferInCommand,
  type WriteCommand,
  engineKey,
} from './commands.js';
import { decideImportLot } from './decide-import.js';
import { type EntryDetail, type LedgerEntry, NEVER_EXPIRES, type OrderRecord, emptyDetail, entryIdOf } from './entries.js';
import { newEntry } from './new-entry.js';
import { decideRedeemReward, decideUpdateRedemption } from './redemptions.js';
import { decideReserve, decideRestock, decideSettle } from './stock.js';
import { type Rejection, reject } from './rejections.js';
import { type Hold, type MemberState, TRANSFER_USAGE, availablePoints, capUsageOf, isLive } from './state.js';

export interface DecisionInputs {
  now: number;
  payloadHash: string;
  /** The member's record of cmd.orderId, if it has one (earn and reverse only). */
  order: OrderRecord | undefined;
  /** The tenant's current program. */
  program: Program;
  /** This command's cross-member velocity windows, reserved for the batch before deciding (src/risk). */
  risk?: SharedView;
}

export type Decision =
  | {
      ok: true;
      entry: LedgerEntry;
      order: OrderRecord | undefined;
      /** A command the entry owes another member (the referrer's reward), delivered after the commit. */
      followUp?: WriteCommand;
    }
  | { ok: false; rejection: Rejection };

export function decide(state: MemberState, cmd: WriteCommand, inputs: DecisionInputs): Decision {
  const decision = decideCommand(state, cmd, inputs);
  // 防刷: velocity limits and review rules, only for programs that have them.
  return inputs.program.risk === undefined ? decision : screenDecision(state, cmd, inputs, decision);
}

function decideCommand(state: MemberState, cmd: WriteCommand, inputs: DecisionInputs): Decision {
  switch (cmd.kind) {
    case 'earn':
      return decideEarn(state, cmd, inputs);
    case 'redeem':
      return decideRedeem(state, cmd, inputs);
    case 'reverse':
      return decideReverse(state, cmd, inputs);
    case 'adjust':
      return decideAdjust(state, cmd, inputs);
    case 'enroll':
      return decideEnroll(state, cmd, inputs);
    case 'activity':
      return decideActivity(state, cmd, inputs);
    case 'housekeep':
      return decideHousekeeping(state, cmd, inputs);
    case 'referral':
      return decideReferralReward(state, cmd, inputs);
    case 'hold':
      return decideHold(state, cmd, inputs);
    case 'capture':
      return decideCapture(state, cmd, inputs);
    case 'release':
      return decideRelease(state, cmd, inputs);
    case 'transfer':
      return decideTransfer(state, cmd, inputs);
    case 'transferIn':
      return decideTransferIn(state, cmd, inputs);
    case 'reserveStock':
      return withoutOrder(decideReserve(state, cmd, inputs));
    case 'settleReservation':
      return withoutOrder(decideSettle(state, cmd, inputs));
    case 'restock':
      return withoutOrder(decideRestock(state, cmd, inputs));
    case 'redeemReward':
      return withoutOrder(decideRedeemReward(state, cmd, inputs));
    case 'updateRedemption':
      return withoutOrder(decideUpdateRedemption(state, cmd, inputs));
    case 'importLot':
      return decideImportLot(state, cmd, inputs);
    case 'review':
      return decideReview(state, cmd, inputs);
    case 'reviewQueue':
      return decideReviewQueue(state, cmd, inputs);
  }
}

/** Decisions that touch no order record. */
function withoutOrder(
  result: { ok: true; entry: LedgerEntry; followUp?: WriteCommand } | { ok: false; rejection: Rejection },
): Decision {
  return result.ok ? { ok: true, entry: result.entry, order: undefined, followUp: result.followUp } : result;
}

/**
 * Points leave the sender in one TRANSFER_OUT entry; for a member or a donation the same commit owes
 * the receiver its TRANSFER_IN (a follow-up, applied once), so a crash at any step neither creates
 * nor destroys points. A partner conversion has no receiving account: the entry records the
 * partner, its reference and the units at the program's ratio.
 */
function decideTransfer(state: MemberState, cmd: TransferCommand, inputs: DecisionInputs): Decision {
  const { program, now } = inputs;
  const policy = program.transfers;
  let to = cmd.toMemberId;
  let partnerUnits = 0;
  if (cmd.transferKind === 'donation') {
    if (policy.charityMemberId === '') return { ok: false, rejection: reject.transferRefused('donations are not offered by this program') };
    to = policy.charityMemberId;
  } else if (cmd.transferKind === 'partner') {
    const partner = policy.partners.find((p) => p.id === cmd.partnerId);
    if (!partner) return { ok: false, rejection: reject.invalidField('partner_id', `is not a partner of this program`) };
    partnerUnits = floorScaled(cmd.points, partner.units, partner.points);
    if (partnerUnits === 0) return { ok: false, rejection: reject.transferRefused(`${cmd.points} points convert to 0 ${partner.id} units`) };
  }
  if (to === cmd.memberId) return { ok: false, rejection: reject.invalidField('to_member_id', 'must not be the sender') };
  const available = availablePoints(state, now);
  if (available < cmd.points) return { ok: false, rejection: reject.insufficientPoints(available, cmd.points) };
  const day = localDayOf(now, program.timeZone);
  if (policy.maxPointsPerDay > 0) {
    const sent = capUsageOf(state, day.key, monthKeyOf(day)).day[TRANSFER_USAGE] ?? 0;
    if (sent + cmd.points > policy.maxPointsPerDay) {
      return { ok: false, rejection: reject.transferLimit(policy.maxPointsPerDay, sent, cmd.points) };
    }
  }
  const transferId = entryIdOf(cmd.tenantId, cmd.memberId, state.seq + 1);
  const detail = emptyDetail(program.version);
  detail.dayKey = day.key;
  detail.monthKey = monthKeyOf(day);
  detail.transfer = {
    transferId,
    kind: cmd.transferKind,
    counterparty: cmd.transferKind === 'partner' ? cmd.partnerId : to,
    partnerId: cmd.partnerId,
    partnerReference: cmd.partnerReference,
    partnerUnits,
  };
  const entry = newEntry(state, cmd, inputs, -cmd.points, { reason: cmd.reason, type: 'transfer_out', detail });
  if (cmd.transferKind === 'partner') return { ok: true, entry, order: undefined };
  const followUp: TransferInCommand = {
    kind: 'transferIn',
    tenantId: cmd.tenantId,
    memberId: to,
    idempotencyKey: engineKey(`transfer:${transferId}`),
    transferId,
    fromMemberId: cmd.memberId,
    points: cmd.points,
    transferKind: cmd.transferKind,
  };
  return { ok: true, entry, order: undefined, followUp };
}

/** The receiving side always applies (the points already left the sender): a new lot under the program's expiry. */
function decideTransferIn(state: MemberState, cmd: TransferInCommand, inputs: DecisionInputs): Decision {
  const { program, now } = inputs;
  const detail = emptyDetail(program.version);
  detail.transfer = {
    transferId: cmd.transferId,
    kind: cmd.transferKind,
    counterparty: cmd.fromMemberId,
    partnerId: '',
    partnerReference: '',
    partnerUnits: 0,
  };
  const entry = newEntry(state, cmd, inputs, cmd.points, {
    reason: cmd.transferKind === 'donation' ? `donation from ${cmd.fromMemberId}` : `transfer from ${cmd.fromMemberId}`,
    type: 'transfer_in',
    expiresAt: lotExpiresAt(program.expiry, now, program.timeZone),
    detail,
  });
  return { ok: true, entry, order: undefined };
}

/**
 * Points set aside for an order at checkout: at most what is available, at most the program's
 * share of the order (when its amount is given), for at most the program's longest hold.
 */
function decideHold(state: MemberState, cmd: HoldCommand, inputs: DecisionInputs): Decision {
  const { program, now } = inputs;
  const policy = program.pointsAsCash;
  if (cmd.ttlMs > policy.maxHoldMs) {
    return { ok: false, rejection: reject.invalidField('ttl_seconds', `must be at most ${policy.maxHoldMs / 1000} (program max_hold_minutes)`) };
  }
  if (cmd.orderAmountMinor > 0) {
    // The share is per order: open holds already made for it count too.
    let alreadyHeld = 0;
    for (const h of state.holds) if (h.orderId === cmd.orderId && now <= h.expiresAt) alreadyHeld += h.points;
    const limit = pointsUsableFor(program, cmd.orderAmountMinor) - alreadyHeld;
    if (cmd.points > limit) return { ok: false, rejection: reject.holdBeyondOrderShare(cmd.points, Math.max(0, limit)) };
  }
  const available = availablePoints(state, now);
  if (available < cmd.points) return { ok: false, rejection: reject.insufficientPoints(available, cmd.points) };
  const detail = emptyDetail(program.version);
  const holdId = entryIdOf(cmd.tenantId, cmd.memberId, state.seq + 1);
  detail.hold = { holdId, points: cmd.points, expiresAt: now + cmd.ttlMs - 1, orderId: cmd.orderId };
  const entry = newEntry(state, cmd, inputs, 0, { orderId: cmd.orderId, reason: 'points held for checkout', detail });
  return { ok: true, entry, order: undefined };
}

/** Spends all or part of an open hold; the rest returns. A hold past its expiry cannot be captured. */
function decideCapture(state: MemberState, cmd: CaptureHoldCommand, inputs: DecisionInputs): Decision {
  const hold = state.holds.find((h) => h.holdId === cmd.holdId);
  if (!hold) return { ok: false, rejection: reject.holdNotOpen(cmd.holdId, 'is not open (unknown, captured or released)') };
  if (inputs.now > hold.expiresAt) return { ok: false, rejection: reject.holdNotOpen(cmd.holdId, 'has expired') };
  if (cmd.points < 0) return { ok: false, rejection: reject.invalidField('points', 'must not be negative') };
  const points = cmd.points === 0 ? hold.points : cmd.points;
  if (points > hold.points) return { ok: false, rejection: reject.holdNotOpen(cmd.holdId, `holds only ${hold.points} points, not ${points}`) };
  const detail = emptyDetail(inputs.program.version);
  detail.hold = { ...hold, points };
  const entry = newEntry(state, cmd, inputs, -points, { orderId: hold.orderId, reason: 'points as cash', detail });
  return { ok: true, entry, order: undefined };
}

function decideRelease(state: MemberState, cmd: ReleaseHoldCommand, inputs: DecisionInputs): Decision {
  const hold = state.holds.find((h) => h.holdId === cmd.holdId);
  if (!hold) return { ok: false, rejection: reject.holdNotOpen(cmd.holdId, 'is not open (unknown, captured or released)') };
  return { ok: true, entry: releaseEntry(state, cmd, inputs, hold, 'hold released'), order: undefined };
}

function releaseEntry(state: MemberState, cmd: WriteCommand, inputs: DecisionInputs, hold: Hold, reason: string): LedgerEntry {
  const detail = emptyDetail(inputs.program.version);
  detail.hold = { ...hold };
  return newEntry(state, cmd, inputs, 0, { orderId: hold.orderId, reason, type: 'release', detail });
}


function decideEarn(state: MemberState, cmd: EarnCommand, inputs: DecisionInputs): Decision {
  if (inputs.order) return { ok: false, rejection: reject.orderAlreadyEarned(cmd.orderId) };
  const { program } = inputs;
  const late = lateness(cmd.occurredAt, inputs);
  if (late) return { ok: false, rejection: late };
  const occurredAt = occurredOf(cmd.occurredAt, inputs);
  const day = localDayOf(occurredAt, program.timeZone);
  const earned = calculateEarn(
    program,
    {
      tier: state.tier,
      birthday: state.birthday,
      earningOrders: state.earningOrders,
      capUsage: capUsageOf(state, day.key, monthKeyOf(day)),
    },
    { amountMinor: cmd.amountMinor, items: cmd.items, channel: cmd.channel, storeId: cmd.storeId, occurredAt },
  );
  const detail = emptyDetail(program.version);
  detail.breakdown = earned.breakdown;
  detail.pendingPoints = earned.pendingPoints;
  detail.availableAt = earned.availableAt;
  detail.dayKey = earned.dayKey;
  detail.monthKey = earned.monthKey;
  // Only an order that earns points qualifies towards the tier (an order of excluded goods, or below
  // the minimum, does not), so every qualifying order can be refunded and take its share back.
  const metricDelta = earned.points === 0 ? 0 : program.tiers.metric === 'spend' ? cmd.amountMinor : earned.points;
  setMetric(detail, program, occurredAt, metricDelta);
  detail.tierChange = upgradeAfter(program, tierFacts(state), occurredAt, metricDelta);
  const referralDue = referralQualifies(state, program, cmd.amountMinor, earned.points);
  if (referralDue) detail.referral = { referrerMemberId: state.referrer, referredMemberId: cmd.memberId };
  const entry = newEntry(state, cmd, inputs, earned.points, {
    orderId: cmd.orderId,
    amountMinor: cmd.amountMinor,
    expiresAt: earned.points > 0 ? lotExpiresAt(program.expiry, occurredAt, program.timeZone) : NEVER_EXPIRES,
    detail,
  });
  const order: OrderRecord = {
    tenantId: cmd.tenantId,
    memberId: cmd.memberId,
    orderId: cmd.orderId,
    amountMinor: cmd.amountMinor,
    points: earned.points,
    refundedMinor: 0,
    reversedPoints: 0,
    metricMonth: detail.metricMonth,
    lotExpiresAt: entry.expiresAt,
    lotAvailableAt: earned.availableAt,
  };
  if (!referralDue) return { ok: true, entry, order };
  const followUp: ReferralRewardCommand = {
    kind: 'referral',
    tenantId: cmd.tenantId,
    memberId: state.referrer,
    idempotencyKey: engineKey(`referral:${cmd.memberId}`),
    referredMemberId: cmd.memberId,
  };
  return { ok: true, entry, order, followUp };
}

/** The referrer is rewarded once, for the referred member's first order that earns and reaches the minimum. */
function referralQualifies(state: MemberState, program: Program, amountMinor: number, points: number): boolean {
  const policy = program.referral;
  return (
    policy !== undefined &&
    state.referrer !== '' &&
    !state.referralQualified &&
    points > 0 &&
    amountMinor >= policy.minOrderMinor &&
    policy.referrerPoints > 0
  );
}

/** The referrer's side: it must have an account of its own; the points follow the program of the day. */
function decideReferralReward(state: MemberState, cmd: ReferralRewardCommand, inputs: DecisionInputs): Decision {
  if (state.seq === 0) return { ok: false, rejection: reject.memberNotFound(cmd.tenantId, cmd.memberId) };
  const { program } = inputs;
  const points = program.referral?.referrerPoints ?? 0;
  const detail = emptyDetail(program.version);
  detail.breakdown = points > 0 ? [{ ruleId: 'referral', points }] : [];
  detail.referral = { referrerMemberId: cmd.memberId, referredMemberId: cmd.referredMemberId };
  const entry = newEntry(state, cmd, inputs, points, {
    reason: `referral of ${cmd.referredMemberId}`,
    expiresAt: points > 0 ? lotExpiresAt(program.expiry, inputs.now, program.timeZone) : NEVER_EXPIRES,
    detail,
  });
  return { ok: true, entry, order: undefined };
}

function decideRedeem(state: MemberState, cmd: RedeemCommand, inputs: DecisionInputs): Decision {
  const available = availablePoints(state, inputs.now);
  if (available < cmd.points) return { ok: false, rejection: reject.insufficientPoints(available, cmd.points) };
  const entry = newEntry(state, cmd, inputs, -cmd.points, { orderId: cmd.orderId, reason: cmd.reason });
  return { ok: true, entry, order: undefined };
}

/**
 * Claws back points in proportion to the cumulative refund, so partial refunds of one order add up
 * to exactly the points it earned: clawed(total refunded R) = floor(points × R / amount).
 * Pending points go first; spent points may be clawed back too, leaving a negative balance (debt)
 * that later earns repay. The refund also lowers the tier's qualifying metric.
 */
function decideReverse(state: MemberState, cmd: ReverseCommand, inputs: DecisionInputs): Decision {
  const order = inputs.order;
  if (!order) return { ok: false, rejection: reject.orderNotEarned(cmd.orderId, 'has no earn to reverse') };
  // API contract: an order that earned nothing cannot be reversed. It did not count towards the tier
  // either (see decideEarn), so there is nothing to undo.
  if (order.points === 0) return { ok: false, rejection: reject.orderNotEarned(cmd.orderId, 'earned no points') };
  const { program } = inputs;
  const remaining = order.amountMinor - order.refundedMinor;
  const refund = cmd.amountMinor === 0 ? remaining : cmd.amountMinor;
  if (refund > remaining || remaining === 0) {
    return { ok: false, rejection: reject.refundExceedsOrder(cmd.orderId, remaining, refund) };
  }
  const refundedMinor = order.refundedMinor + refund;
  const reversedPoints = floorScaled(order.points, refundedMinor, order.amountMinor);
  // Points of a lot that has already expired are gone: clawing them back again would take them twice.
  const lapsed = order.lotExpiresAt !== undefined && order.lotExpiresAt !== NEVER_EXPIRES && inputs.now > order.lotExpiresAt;
  const clawed = lapsed ? 0 : reversedPoints - order.reversedPoints;
  const detail = emptyDetail(program.version);
  if (order.lotExpiresAt !== undefined) detail.reverseLot = { expiresAt: order.lotExpiresAt, availableAt: order.lotAvailableAt ?? 0 };
  detail.metricMonth = order.metricMonth ?? metricMonthKey(inputs.now, program.timeZone);
  detail.metricDelta = program.tiers.metric === 'spend' ? -refund : -clawed;
  const entry = newEntry(state, cmd, inputs, 0 - clawed, { orderId: cmd.orderId, amountMinor: refund, reason: cmd.reason, detail });
  return { ok: true, entry, order: { ...order, refundedMinor, reversedPoints } };
}

function decideAdjust(state: MemberState, cmd: AdjustCommand, inputs: DecisionInputs): Decision {
  const available = availablePoints(state, inputs.now);
  if (cmd.points < 0 && available + cmd.points < 0) {
    return { ok: false, rejection: reject.insufficientPoints(available, -cmd.points) };
  }
  const entry = newEntry(state, cmd, inputs, cmd.points, { reason: cmd.reason, operator: cmd.operator });
  return { ok: true, entry, order: undefined };
}

function decideEnroll(state: MemberState, cmd: EnrollCommand, inputs: DecisionInputs): Decision {
  if (state.enrolledAt > 0) return { ok: false, rejection: reject.alreadyEnrolled(cmd.tenantId, cmd.memberId) };
  if (cmd.referrerMemberId === cmd.memberId) {
    return { ok: false, rejection: reject.invalidField('referrer_member_id', 'must not be the member itself') };
  }
  const late = lateness(cmd.occurredAt, inputs);
  if (late) return { ok: false, rejection: late };
  const occurredAt = occurredOf(cmd.occurredAt, inputs);
  const outcome = calculateSignUp(inputs.program, activityFacts(state, inputs.program, occurredAt), occurredAt);
  return behaviourEntry(state, cmd, inputs, outcome, occurredAt, (detail) => {
    detail.enrolment = { birthday: cmd.birthday, referrer: cmd.referrerMemberId, channel: cmd.channel };
  });
}

function decideActivity(state: MemberState, cmd: ActivityCommand, inputs: DecisionInputs): Decision {
  const late = lateness(cmd.occurredAt, inputs);
  if (late) return { ok: false, rejection: late };
  const occurredAt = occurredOf(cmd.occurredAt, inputs);
  const outcome = calculateActivity(inputs.program, activityFacts(state, inputs.program, occurredAt), {
    activity: cmd.activity,
    targetId: cmd.targetId,
    occurredAt,
  });
  return behaviourEntry(state, cmd, inputs, outcome, occurredAt, (detail) => {
    if (!outcome.ok) return;
    detail.activity = { behaviourId: outcome.behaviourId, activity: cmd.activity, targetId: cmd.targetId, streak: outcome.streak };
  });
}

function behaviourEntry(
  state: MemberState,
  cmd: EnrollCommand | ActivityCommand,
  inputs: DecisionInputs,
  outcome: ActivityOutcome,
  occurredAt: number,
  describe: (detail: EntryDetail) => void,
): Decision {
  if (!outcome.ok) {
    const rejection =
      outcome.reason === 'unknown_activity' || outcome.reason === 'target_required'
        ? reject.invalidField(outcome.reason === 'unknown_activity' ? 'activity' : 'target_id', outcome.message)
        : reject.activityRefused(outcome.message);
    return { ok: false, rejection };
  }
  const { program } = inputs;
  const detail = emptyDetail(program.version);
  detail.breakdown = outcome.breakdown;
  detail.dayKey = outcome.dayKey;
  detail.monthKey = outcome.monthKey;
  describe(detail);
  const entry = newEntry(state, cmd, inputs, outcome.points, {
    expiresAt: outcome.points > 0 ? lotExpiresAt(program.expiry, occurredAt, program.timeZone) : NEVER_EXPIRES,
    reason: cmd.kind === 'activity' ? cmd.activity : 'sign_up',
    detail,
  });
  return { ok: true, entry, order: undefined };
}

/**
 * What falls due with time: lots past their expiry leave in one EXPIRE entry; otherwise a tier
 * whose validity has ended is retained or moved down. One entry per command; the scheduler asks
 * again while something is still due.
 */
function decideHousekeeping(state: MemberState, cmd: HousekeepCommand, inputs: DecisionInputs): Decision {
  const { now, program } = inputs;
  const lapsedHold = state.holds.find((h) => now > h.expiresAt);
  if (lapsedHold) return { ok: true, entry: releaseEntry(state, cmd, inputs, lapsedHold, 'hold expired'), order: undefined };
  let expired = 0;
  let dueBy = 0;
  for (const lot of state.lots) {
    if (!isLive(lot, now)) {
      expired += lot.points;
      dueBy = Math.max(dueBy, lot.expiresAt);
    }
  }
  if (expired > 0) {
    const entry = newEntry(state, cmd, inputs, -expired, { reason: 'expiry', expiresAt: dueBy, type: 'expire' });
    return { ok: true, entry, order: undefined };
  }
  const notice = dueNotice(state, program, now);
  if (notice) {
    const detail = emptyDetail(program.version);
    detail.expiringSoon = notice;
    const entry = newEntry(state, cmd, inputs, 0, { reason: 'expiring soon', type: 'notice', expiresAt: notice.expiresAt, detail });
    return { ok: true, entry, order: undefined };
  }
  const change = state.tierValidUntil > 0 && now > state.tierValidUntil ? reviewTier(program, tierFacts(state), now) : undefined;
  if (change) {
    const detail = emptyDetail(program.version);
    detail.tierChange = change;
    const entry = newEntry(state, cmd, inputs, 0, { reason: `tier ${change.reason}`, type: 'tier', detail });
    return { ok: true, entry, order: undefined };
  }
  return { ok: false, rejection: reject.nothingDue(cmd.tenantId, cmd.memberId) };
}

/** The soonest expiry date not yet announced whose notice instant has come, with the points expiring then. */
function dueNotice(state: MemberState, program: Program, now: number): { points: number; expiresAt: number } | undefined {
  let expiresAt = 0;
  let points = 0;
  for (const lot of state.lots) {
    if (lot.expiresAt === NEVER_EXPIRES || lot.expiresAt <= state.noticedThrough) continue;
    if (expiresAt === 0) {
      const noticeAt = expiryNoticeAt(program.expiry, lot.expiresAt, program.timeZone);
      if (noticeAt === 0 || noticeAt > now) return undefined;
      expiresAt = lot.expiresAt;
    }
    if (lot.expiresAt !== expiresAt) break;
    points += lot.points;
  }
  return expiresAt === 0 ? undefined : { points, expiresAt };
}

/** A command without occurred_at (0) happened when the engine decides it. */
function occurredOf(occurredAt: number, inputs: DecisionInputs): number {
  return occurredAt === 0 ? inputs.now : occurredAt;
}

/** occurred_at outside the program's window around the server clock (0 = not given: always inside). */
function lateness(occurredAt: number, inputs: DecisionInputs): Rejection | undefined {
  if (occurredAt === 0) return undefined;
  const { maxFutureMs, maxLatenessMs } = inputs.program.time;
  if (occurredAt > inputs.now + maxFutureMs) {
    return reject.invalidField('occurred_at', `is more than ${maxFutureMs / 1000} s in the future`);
  }
  if (occurredAt < inputs.now - maxLatenessMs) {
    return reject.invalidField('occurred_at', `is more than ${maxLatenessMs / 1000} s in the past (program lateness window)`);
  }
  return undefined;
}

function setMetric(detail: EntryDetail, program: Program, at: number, delta: number): void {
  detail.metricMonth = metricMonthKey(at, program.timeZone);
  detail.metricDelta = delta;
}

function tierFacts(state: MemberState) {
  return { tier: state.tier, validUntil: state.tierValidUntil, metric: state.tierMetric };
}

/** The member's behaviour counters as seen from the local day the activity happened on. */
function activityFacts(state: MemberState, program: Program, occurredAt: number) {
  const a = state.activity;
  const day = localDayOf(occurredAt, program.timeZone);
  const dayKey = day.key;
  return {
    enrolled: state.enrolledAt > 0,
    counts: a.counts,
    dayKey,
    today: a.perDay[dayKey] ?? {},
    targets: a.targets,
    lastCheckInDay: a.lastCheckInDay,
    streak: a.streak,
    capUsage: capUsageOf(state, dayKey, monthKeyOf(day)),
  };
}

