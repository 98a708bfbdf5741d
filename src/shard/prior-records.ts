// What the ledger already holds for a batch's writes, read once per batch before deciding: the entry
// each idempotency key produced earlier (a retry is answered from it), and the members' order records.

import type { ShardOp, WriteCommand } from '../actor/commands.js';
import { isWrite } from '../actor/commands.js';
import type { LedgerEntry, OrderRecord } from '../actor/entries.js';
import { memberExists } from '../actor/state.js';
import type { KeyRef, LedgerStore, OrderRef } from '../ledger/store.js';
import { type Actor, type ActorCache, actorKey } from './actor-cache.js';

/** Looks up earlier entries for the batch's idempotency keys; a member with no entries has none. */
export async function fetchPriorEntries(ops: ShardOp[], actors: ActorCache, store: LedgerStore): Promise<Map<string, LedgerEntry>> {
  const refs: KeyRef[] = [];
  for (const op of ops) {
    if (isWrite(op) && hasHistory(op, actors)) refs.push(op);
  }
  const found = new Map<string, LedgerEntry>();
  if (refs.length === 0) return found;
  const entries = await store.findByIdempotencyKeys(refs);
  for (let i = 0; i < refs.length; i++) {
    const entry = entries[i];
    if (entry) found.set(idempotencyKeyOf(refs[i]), entry);
  }
  return found;
}

/** The order records the batch's writes read, keyed by orderKeyOf. */
export async function fetchOrders(ops: ShardOp[], actors: ActorCache, store: LedgerStore): Promise<Map<string, OrderRecord>> {
  const refs: OrderRef[] = [];
  const keys: string[] = [];
  for (const op of ops) {
    if (!isWrite(op) || !hasHistory(op, actors)) continue;
    const key = orderKeyOf(op);
    if (key === undefined) continue;
    refs.push({ tenantId: op.tenantId, memberId: op.memberId, orderId: (op as { orderId: string }).orderId });
    keys.push(key);
  }
  const found = new Map<string, OrderRecord>();
  if (refs.length === 0) return found;
  const records = await store.getOrders(refs);
  for (let i = 0; i < refs.length; i++) {
    const record = records[i];
    if (record) found.set(keys[i], record);
  }
  return found;
}

export function idempotencyKeyOf(ref: KeyRef): string {
  return `${ref.tenantId}\u0000${ref.memberId}\u0000${ref.idempotencyKey}`;
}

/** Earn and reverse read and update the member's record of their order (and a review of a held order). */
export function orderKeyOf(op: WriteCommand): string | undefined {
  if (op.kind === 'review' && op.orderId !== '') return `${op.tenantId}\u0000${op.memberId}\u0000${op.orderId}`;
  if (op.kind !== 'earn' && op.kind !== 'reverse') return undefined;
  return `${op.tenantId}\u0000${op.memberId}\u0000${op.orderId}`;
}

function hasHistory(op: WriteCommand, actors: ActorCache): boolean {
  return memberExists((actors.peek(actorKey(op.tenantId, op.memberId)) as Actor).state);
}
