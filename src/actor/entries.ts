// Ledger entries: the append-only truth. A member's state is the fold of its entries (see state.ts).

export type EntryType = 'earn' | 'redeem' | 'reverse' | 'adjust' | 'expire';

/** Sentinel expiry for lots that never expire; sorts after every real date. */
export const NEVER_EXPIRES = 0;

export interface LedgerEntry {
  tenantId: string;
  memberId: string;
  /** Per-member sequence, 1, 2, 3 … with no gaps. */
  seq: number;
  type: EntryType;
  /** Signed points: positive adds to the balance, negative takes away. */
  points: number;
  balanceAfter: number;
  idempotencyKey: string;
  orderId: string;
  reason: string;
  operator: string;
  /** Order amount (earn) or refunded amount (reverse) in minor units; 0 otherwise. */
  amountMinor: number;
  /** Epoch ms when the engine decided the entry. */
  createdAt: number;
  /** Expiry of the lot an earn creates, epoch ms; NEVER_EXPIRES for none. */
  expiresAt: number;
  /** Fingerprint of the command that produced the entry, to tell a retry from a conflicting reuse of its key. */
  payloadHash: string;
}

/** Globally unique and deterministic, so a retry after a crash returns the same id. */
export function entryIdOf(tenantId: string, memberId: string, seq: number): string {
  return `${tenantId}:${memberId}:${seq}`;
}

/** What a member's orders have earned and had refunded: the input Reverse needs. */
export interface OrderRecord {
  tenantId: string;
  memberId: string;
  orderId: string;
  amountMinor: number;
  points: number;
  refundedMinor: number;
  reversedPoints: number;
}
