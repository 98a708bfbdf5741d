// Shard results → response messages.

import type { WriteCommand } from '../actor/commands.js';
import { NEVER_EXPIRES } from '../actor/entries.js';
import type { AccountView, EntryPage, OpResult, WriteResult } from '../actor/results.js';
import { pageTokenOf } from './decode.js';
import { statusName, statusOf } from './status.js';
import { timestampOf } from './wire.js';

const ENTRY_TYPES = {
  earn: 'ENTRY_TYPE_EARN',
  redeem: 'ENTRY_TYPE_REDEEM',
  reverse: 'ENTRY_TYPE_REVERSE',
  adjust: 'ENTRY_TYPE_ADJUST',
  expire: 'ENTRY_TYPE_EXPIRE',
} as const;

/** Earn and Reverse report the points moved; Redeem and Adjust echo only the balance (their points are in the request). */
export function encodeWrite(kind: WriteCommand['kind'], r: WriteResult): Record<string, unknown> {
  if (kind === 'earn' || kind === 'reverse') {
    return { entry_id: r.entryId, points: r.points, balance: r.balance, seq: r.seq };
  }
  return { entry_id: r.entryId, balance: r.balance, seq: r.seq };
}

export function encodeAccount(a: AccountView): Record<string, unknown> {
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
    },
  };
}

export function encodeEntryPage(p: EntryPage): Record<string, unknown> {
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
    })),
    next_page_token: pageTokenOf(p.nextAfterSeq),
  };
}

export function encodeBatchResult(kind: WriteCommand['kind'], result: OpResult): Record<string, unknown> {
  if (result.ok) return { [kind]: encodeWrite(kind, result.value as WriteResult) };
  return encodeBatchError(statusOf(result.rejection), result.rejection.message);
}

export function encodeBatchError(code: number, message: string): Record<string, unknown> {
  return { error: { code, message, status: statusName(code) } };
}
