// The ledger store contract every backend (embedded SQLite, Cassandra) implements and the
// contract suite in test/contract checks. Batched calls: the shard asks once per batch, not per command.

import type { LedgerEntry, OrderRecord } from '../actor/entries.js';
import type { MemberState } from '../actor/state.js';

export interface MemberRef {
  tenantId: string;
  memberId: string;
}

export interface KeyRef extends MemberRef {
  idempotencyKey: string;
}

export interface OrderRef extends MemberRef {
  orderId: string;
}

/** What activation needs: the latest snapshot (if any) and every entry after its seq, in seq order. */
export interface MemberHistory {
  snapshot: MemberState | null;
  entries: LedgerEntry[];
}

/** One group commit: all of it becomes durable together, or none of it. */
export interface CommitBatch {
  entries: LedgerEntry[];
  orders: OrderRecord[];
  snapshots: MemberState[];
}

export interface LedgerStore {
  loadMembers(refs: MemberRef[]): Promise<MemberHistory[]>;
  /** The entry each idempotency key produced, or undefined; results in the order of refs. */
  findByIdempotencyKeys(refs: KeyRef[]): Promise<(LedgerEntry | undefined)[]>;
  getOrders(refs: OrderRef[]): Promise<(OrderRecord | undefined)[]>;
  /** Entries with seq > afterSeq, ascending, at most limit. */
  listEntries(ref: MemberRef, afterSeq: number, limit: number): Promise<LedgerEntry[]>;
  /**
   * Durable and atomic before it resolves. Idempotent: committing an entry that is already stored
   * under the same (tenant, member, seq) leaves the stored one as it is.
   */
  commit(batch: CommitBatch): Promise<void>;
  close(): Promise<void>;
}
