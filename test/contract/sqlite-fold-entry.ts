// The entries sqlite-fold.test.ts and its writer process agree on.

import type { LedgerEntry } from '../../src/actor/entries.js';

/** Batch n's one entry: member m-n's first earn, with key k-n and order o-n. */
export function foldEntry(n: number): LedgerEntry {
  return {
    tenantId: 'acme',
    memberId: `m-${n}`,
    seq: 1,
    type: 'earn',
    points: 10,
    balanceAfter: 10,
    idempotencyKey: `k-${n}`,
    orderId: `o-${n}`,
    reason: '',
    operator: '',
    amountMinor: 100,
    createdAt: 1_750_000_000_000 + n,
    expiresAt: 0,
    payloadHash: `${n}`.padStart(16, '0'),
  };
}
