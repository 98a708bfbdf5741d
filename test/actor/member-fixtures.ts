// Builders shared by the actor and engine tests: commands with sensible defaults, and member
// states built the only legitimate way, by folding ledger entries through applyEntry.

import type { AdjustCommand, EarnCommand, RedeemCommand, ReverseCommand } from '../../src/actor/commands.js';
import { type EntryType, type LedgerEntry, NEVER_EXPIRES, type OrderRecord } from '../../src/actor/entries.js';
import { type MemberState, applyEntry, emptyState } from '../../src/actor/state.js';

export const TENANT = 'acme';
export const MEMBER = 'm-1';

type Who = { tenantId?: string; memberId?: string };

export function earnCmd(o: Partial<EarnCommand> & Who = {}): EarnCommand {
  return {
    kind: 'earn',
    tenantId: TENANT,
    memberId: MEMBER,
    idempotencyKey: `earn-${o.orderId ?? 'o-1'}`,
    orderId: 'o-1',
    amountMinor: 12_345,
    currency: 'CNY',
    items: [],
    channel: 'app',
    storeId: 's-1',
    occurredAt: 0,
    ...o,
  };
}

export function redeemCmd(points: number, o: Partial<RedeemCommand> = {}): RedeemCommand {
  return { kind: 'redeem', tenantId: TENANT, memberId: MEMBER, idempotencyKey: `redeem-${points}`, points, reason: 'gift', orderId: '', ...o };
}

export function reverseCmd(orderId: string, amountMinor: number, o: Partial<ReverseCommand> = {}): ReverseCommand {
  return {
    kind: 'reverse',
    tenantId: TENANT,
    memberId: MEMBER,
    idempotencyKey: `reverse-${orderId}-${amountMinor}`,
    orderId,
    amountMinor,
    reason: 'refund',
    ...o,
  };
}

export function adjustCmd(points: number, o: Partial<AdjustCommand> = {}): AdjustCommand {
  return {
    kind: 'adjust',
    tenantId: TENANT,
    memberId: MEMBER,
    idempotencyKey: `adjust-${points}`,
    points,
    reason: 'goodwill',
    operator: 'ops@acme',
    ...o,
  };
}

/** One past entry of a member's history: its type, signed points and (for earns) lot expiry. */
export interface Past {
  type: EntryType;
  points: number;
  expiresAt?: number;
}

export const earned = (points: number, expiresAt = NEVER_EXPIRES): Past => ({ type: 'earn', points, expiresAt });
export const redeemed = (points: number): Past => ({ type: 'redeem', points: -points });
export const reversed = (points: number): Past => ({ type: 'reverse', points: -points });

/** The state after folding the given history from emptyState; seq and balance_after follow from it. */
export function stateAfter(history: Past[], tenantId = TENANT, memberId = MEMBER): MemberState {
  const state = emptyState(tenantId, memberId);
  for (const past of history) applyEntry(state, entryAfter(state, past));
  return state;
}

/** The next entry of a member given its current state. */
export function entryAfter(state: MemberState, past: Past): LedgerEntry {
  return {
    tenantId: state.tenantId,
    memberId: state.memberId,
    seq: state.seq + 1,
    type: past.type,
    points: past.points,
    balanceAfter: state.balance + past.points,
    idempotencyKey: `k-${state.seq + 1}`,
    orderId: '',
    reason: '',
    operator: '',
    amountMinor: 0,
    createdAt: 1_700_000_000_000,
    expiresAt: past.expiresAt ?? NEVER_EXPIRES,
    payloadHash: '0000000000000000',
  };
}

export function orderRecord(amountMinor: number, points: number, refundedMinor = 0, reversedPoints = 0): OrderRecord {
  return { tenantId: TENANT, memberId: MEMBER, orderId: 'o-1', amountMinor, points, refundedMinor, reversedPoints };
}
