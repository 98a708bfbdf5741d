// The one way a decision builds its ledger entry: next seq, running balance, the command's key.

import type { WriteCommand } from './commands.js';
import { type LedgerEntry, NEVER_EXPIRES } from './entries.js';
import type { MemberState } from './member-state.js';

export type EntryFields = Partial<Pick<LedgerEntry, 'orderId' | 'amountMinor' | 'reason' | 'operator' | 'expiresAt' | 'type' | 'detail'>>;

export function newEntry(
  state: MemberState,
  cmd: WriteCommand,
  inputs: { now: number; payloadHash: string },
  points: number,
  detail: EntryFields,
): LedgerEntry {
  const entry: LedgerEntry = {
    tenantId: cmd.tenantId,
    memberId: cmd.memberId,
    seq: state.seq + 1,
    type: detail.type ?? (cmd.kind as LedgerEntry['type']),
    points,
    balanceAfter: state.balance + points,
    idempotencyKey: cmd.idempotencyKey,
    orderId: detail.orderId ?? '',
    reason: detail.reason ?? '',
    operator: detail.operator ?? '',
    amountMinor: detail.amountMinor ?? 0,
    createdAt: inputs.now,
    expiresAt: detail.expiresAt ?? NEVER_EXPIRES,
    payloadHash: inputs.payloadHash,
  };
  if (detail.detail) entry.detail = detail.detail;
  return entry;
}
