// What a shard answers for each op: plain data that crosses back to the front by structured clone.

import type { LedgerEntry } from './entries.js';
import { entryIdOf } from './entries.js';
import type { Rejection } from './rejections.js';
import type { Lot, MemberState } from './state.js';

/** The outcome of a write: the same whether it was just applied or replayed for a retry. */
export interface WriteResult {
  entryId: string;
  seq: number;
  points: number;
  balance: number;
}

export interface AccountView {
  tenantId: string;
  memberId: string;
  balance: number;
  lifetimeEarned: number;
  lifetimeRedeemed: number;
  seq: number;
  lots: Lot[];
}

/** An entry as clients see it: identified by entry_id; lot expiry and payload fingerprint stay inside. */
export type EntryView = Omit<LedgerEntry, 'tenantId' | 'memberId' | 'expiresAt' | 'payloadHash'> & { entryId: string };

export interface EntryPage {
  entries: EntryView[];
  /** seq to continue after, or 0 when this page was the last. */
  nextAfterSeq: number;
}

export type OpValue = WriteResult | AccountView | EntryPage;

export type OpResult = { ok: true; value: OpValue } | { ok: false; rejection: Rejection };

export function writeResultOf(entry: LedgerEntry): WriteResult {
  return {
    entryId: entryIdOf(entry.tenantId, entry.memberId, entry.seq),
    seq: entry.seq,
    points: entry.points,
    balance: entry.balanceAfter,
  };
}

export function accountViewOf(state: MemberState): AccountView {
  return {
    tenantId: state.tenantId,
    memberId: state.memberId,
    balance: state.balance,
    lifetimeEarned: state.lifetimeEarned,
    lifetimeRedeemed: state.lifetimeRedeemed,
    seq: state.seq,
    lots: state.lots.map((l) => ({ expiresAt: l.expiresAt, points: l.points })),
  };
}

export function entryViewOf(entry: LedgerEntry): EntryView {
  return {
    entryId: entryIdOf(entry.tenantId, entry.memberId, entry.seq),
    seq: entry.seq,
    type: entry.type,
    points: entry.points,
    balanceAfter: entry.balanceAfter,
    idempotencyKey: entry.idempotencyKey,
    orderId: entry.orderId,
    reason: entry.reason,
    operator: entry.operator,
    amountMinor: entry.amountMinor,
    createdAt: entry.createdAt,
  };
}
