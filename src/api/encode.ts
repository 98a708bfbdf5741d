// Shard results → response messages.

import type { WriteCommand } from '../actor/commands.js';
import { NEVER_EXPIRES } from '../actor/entries.js';
import type { AccountView, EntryPage, OpResult, RedemptionQuote, WriteResult } from '../actor/results.js';
import type { AdjustResponse } from '../contract/generated/jifen/v1/AdjustResponse.js';
import type { BreakdownLine } from '../contract/generated/jifen/v1/BreakdownLine.js';
import type { CaptureHoldResponse } from '../contract/generated/jifen/v1/CaptureHoldResponse.js';
import type { CommandResult } from '../contract/generated/jifen/v1/CommandResult.js';
import type { EarnResponse } from '../contract/generated/jifen/v1/EarnResponse.js';
import type { EnrollResponse } from '../contract/generated/jifen/v1/EnrollResponse.js';
import type { GetAccountResponse } from '../contract/generated/jifen/v1/GetAccountResponse.js';
import type { HoldResponse } from '../contract/generated/jifen/v1/HoldResponse.js';
import type { ListEntriesResponse } from '../contract/generated/jifen/v1/ListEntriesResponse.js';
import type { QuoteRedemptionResponse } from '../contract/generated/jifen/v1/QuoteRedemptionResponse.js';
import type { RecordActivityResponse } from '../contract/generated/jifen/v1/RecordActivityResponse.js';
import type { RedeemResponse } from '../contract/generated/jifen/v1/RedeemResponse.js';
import type { ReleaseHoldResponse } from '../contract/generated/jifen/v1/ReleaseHoldResponse.js';
import type { ReverseResponse } from '../contract/generated/jifen/v1/ReverseResponse.js';
import type { TransferResponse } from '../contract/generated/jifen/v1/TransferResponse.js';
import { pageTokenOf } from './decode.js';
import { statusName, statusOf } from './status.js';
import { timestampOf } from './wire.js';

const ENTRY_TYPES = {
  earn: 'ENTRY_TYPE_EARN',
  redeem: 'ENTRY_TYPE_REDEEM',
  reverse: 'ENTRY_TYPE_REVERSE',
  adjust: 'ENTRY_TYPE_ADJUST',
  expire: 'ENTRY_TYPE_EXPIRE',
  enroll: 'ENTRY_TYPE_ENROLL',
  activity: 'ENTRY_TYPE_ACTIVITY',
  tier: 'ENTRY_TYPE_TIER',
  referral: 'ENTRY_TYPE_REFERRAL',
  notice: 'ENTRY_TYPE_NOTICE',
  hold: 'ENTRY_TYPE_HOLD',
  capture: 'ENTRY_TYPE_CAPTURE',
  release: 'ENTRY_TYPE_RELEASE',
  transfer_out: 'ENTRY_TYPE_TRANSFER_OUT',
  transfer_in: 'ENTRY_TYPE_TRANSFER_IN',
  stock: 'ENTRY_TYPE_STOCK',
  redeem_reward: 'ENTRY_TYPE_REDEEM_REWARD',
  lottery_draw: 'ENTRY_TYPE_LOTTERY_DRAW',
  redemption_update: 'ENTRY_TYPE_REDEMPTION_UPDATE',
  import: 'ENTRY_TYPE_IMPORT',
  review: 'ENTRY_TYPE_REVIEW',
} as const;

/** What a write answers, by its command's kind (response types generated from the contract). */
export type WriteResponse =
  | EarnResponse
  | RedeemResponse
  | ReverseResponse
  | AdjustResponse
  | EnrollResponse
  | RecordActivityResponse
  | HoldResponse
  | CaptureHoldResponse
  | ReleaseHoldResponse
  | TransferResponse;

/**
 * Writes that award or claw back points report the points moved (and, from a program, the rules
 * behind them); Redeem and Adjust echo only the balance (their points are in the request).
 */
export function encodeWrite(kind: WriteCommand['kind'], r: WriteResult): WriteResponse {
  switch (kind) {
    case 'earn':
      // One whole literal: this case runs once per command of every batch (the other kinds are rare).
      return {
        entry_id: r.entryId,
        points: r.points,
        balance: r.balance,
        seq: r.seq,
        breakdown: breakdownOf(r.breakdown),
        pending: r.pending,
        available_at: r.availableAt > 0 ? timestampOf(r.availableAt) : null,
        program_version: r.programVersion,
        review_rule: r.reviewRule ?? '',
      };
    case 'reverse':
    case 'capture':
      return movedOf(r);
    case 'enroll':
      return { ...movedOf(r), breakdown: breakdownOf(r.breakdown) };
    case 'activity':
      return { ...movedOf(r), breakdown: breakdownOf(r.breakdown), streak: r.streak };
    case 'hold':
      return { hold_id: r.holdId, points: r.holdPoints, balance: r.balance, seq: r.seq, expires_at: timestampOf(r.holdExpiresAt) };
    case 'transfer':
      return {
        transfer_id: r.transferId,
        entry_id: r.entryId,
        points: r.points,
        balance: r.balance,
        seq: r.seq,
        partner_units: r.partnerUnits,
      };
    default:
      return { entry_id: r.entryId, balance: r.balance, seq: r.seq };
  }
}

function movedOf(r: WriteResult) {
  return { entry_id: r.entryId, points: r.points, balance: r.balance, seq: r.seq };
}

function breakdownOf(lines: { ruleId: string; points: number }[]): BreakdownLine[] {
  return lines.map((line) => ({ rule_id: line.ruleId, points: line.points }));
}

export function encodeAccount(a: AccountView): GetAccountResponse {
  return {
    account: {
      tenant_id: a.tenantId,
      member_id: a.memberId,
      balance: a.balance,
      lifetime_earned: a.lifetimeEarned,
      lifetime_redeemed: a.lifetimeRedeemed,
      seq: a.seq,
      lots: a.lots.map((l) => ({
        points: l.points,
        expires_at: l.expiresAt === NEVER_EXPIRES ? null : timestampOf(l.expiresAt),
      })),
      pending: a.pending,
      held: a.held,
      expiring: a.expiring.map((e) => ({ points: e.points, expires_at: timestampOf(e.expiresAt) })),
      tier: a.tier,
      tier_name: a.tierName,
      tier_valid_until: a.tierValidUntil > 0 ? timestampOf(a.tierValidUntil) : null,
      tier_progress: { metric: a.tierMetric, next_tier: a.nextTier, needed: a.nextTierNeeded },
      enrolled: a.enrolled,
    },
  };
}

export function encodeQuote(q: RedemptionQuote): QuoteRedemptionResponse {
  return { max_points: q.maxPoints, cash_minor: q.cashMinor, available: q.available, points_per: q.points, minor_per: q.perMinor };
}

export function encodeEntryPage(p: EntryPage): ListEntriesResponse {
  return {
    entries: p.entries.map((e) => ({
      entry_id: e.entryId,
      seq: e.seq,
      type: ENTRY_TYPES[e.type],
      points: e.points,
      balance_after: e.balanceAfter,
      idempotency_key: e.idempotencyKey,
      order_id: e.orderId,
      reason: e.reason,
      operator: e.operator,
      amount_minor: e.amountMinor,
      created_at: timestampOf(e.createdAt),
      program_version: e.programVersion,
      breakdown: breakdownOf(e.breakdown),
      tier_after: e.tierAfter,
      transfer_id: e.transferId,
      counterparty: e.counterparty,
      partner_reference: e.partnerReference,
      partner_units: e.partnerUnits,
      hold_id: e.holdId,
      review_points: e.reviewPoints,
      expiring_points: e.expiringPoints,
      expires_at: e.expiresAt === 0 ? null : timestampOf(e.expiresAt),
    })),
    next_page_token: pageTokenOf(p.nextAfterSeq),
  };
}

export function encodeBatchResult(kind: WriteCommand['kind'], result: OpResult): CommandResult {
  if (result.ok) return { [kind]: encodeWrite(kind, result.value as WriteResult) };
  return encodeBatchError(statusOf(result.rejection), result.rejection.message, result.rejection.retryAfterMs);
}

export function encodeBatchError(code: number, message: string, retryAfterMs = 0): CommandResult {
  return { error: { code, message, status: statusName(code), retry_after_ms: retryAfterMs } };
}
