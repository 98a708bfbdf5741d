// The ledger store contract every backend (embedded SQLite, Cassandra) implements and the
// contract suite in test/contract checks. Batched calls: the shard asks once per batch, not per command.

import type { WriteCommand } from '../actor/commands.js';
import type { LedgerEntry, OrderRecord } from '../actor/entries.js';
import type { MemberState } from '../actor/state.js';
import type { RollForwardRow } from '../reports/roll-forward.js';
import type { OutboxRecord } from './outbox.js';

export type { OutboxRecord } from './outbox.js';

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

/**
 * Which member to activate. With afterSeq (the seq of a state the caller already has, e.g. from the
 * balance cache) the store returns no snapshot and the entries from afterSeq on — the entry at
 * afterSeq included, so the caller can check that its state belongs to this ledger at all.
 */
export interface MemberLoad extends MemberRef {
  afterSeq?: number;
}

/** What activation needs: the latest snapshot (if any) and every entry after its seq, in seq order. */
export interface MemberHistory {
  snapshot: MemberState | null;
  entries: LedgerEntry[];
}

/**
 * A member's row in the due index moves from `from` to `to` (epoch ms; 0 = no row): the next
 * instant something falls due for it (a lot expires, a tier is reviewed), so the scheduler finds
 * due members without scanning all of them, passivated ones included.
 */
export interface DueChange extends MemberRef {
  from: number;
  to: number;
}

export interface DueMember extends MemberRef {
  at: number;
}

/**
 * A command one member's entry owes another member (a referral reward, later saga steps), kept in
 * the committing shard's ledger until the target's shard has decided it: delivered at least once,
 * applied once (its idempotency key is derived from what caused it).
 */
export interface FollowUp {
  /** Increasing per shard. */
  id: number;
  command: WriteCommand;
}

/** One group commit: all of it becomes durable together, or none of it. */
export interface CommitBatch {
  entries: LedgerEntry[];
  orders: OrderRecord[];
  snapshots: MemberState[];
  /** The batch's events, so they are published at least once even if the process dies right after. */
  outbox: OutboxRecord[];
  /** Due-index moves of the batch's members (absent = none). */
  dues?: DueChange[];
  /** Commands owed to other members (absent = none). */
  followUps?: FollowUp[];
  /**
   * The shard's roll-forward rows the batch changed, as absolute cumulative totals per (tenant, local
   * day): written with the entries (absent = none), so the totals never count an entry the ledger lacks.
   */
  rollForward?: RollForwardRow[];
}

/** A tenant's roll-forward rows of this shard for a range of days, and the last row before it. */
export interface RollForwardRange {
  before: RollForwardRow | undefined;
  rows: RollForwardRow[];
}

export interface OutboxPosition {
  /** Highest outbox id ever committed (0 if none). */
  lastId: number;
  /** Highest outbox id whose envelope was acknowledged by the event bus (0 if none). */
  publishedId: number;
}

export interface LedgerStore {
  loadMembers(refs: MemberLoad[]): Promise<MemberHistory[]>;
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
  outboxPosition(): Promise<OutboxPosition>;
  /** Follow-ups not yet completed, oldest first, at most limit. */
  pendingFollowUps(limit: number): Promise<FollowUp[]>;
  /** Forgets follow-ups whose target has decided them. */
  completeFollowUps(ids: number[]): Promise<void>;
  /** Members whose due instant is ≤ upTo, soonest first, at most limit. */
  dueMembers(upTo: number, limit: number): Promise<DueMember[]>;
  /** Outbox records with id > afterId, ascending, at most limit. */
  readOutbox(afterId: number, limit: number): Promise<OutboxRecord[]>;
  /**
   * Moves the published cursor to id (never backwards); records up to it may be dropped. A store may
   * persist it lazily (with its next commit, at the latest on close): a cursor that lags after a crash
   * only re-publishes, and batch ids make that harmless.
   */
  markPublished(id: number): Promise<void>;
  /** The newest roll-forward row of each tenant this shard has written (its running totals). */
  rollForwardHeads(): Promise<RollForwardRow[]>;
  /**
   * Committed entries the roll-forward rows do not count yet, in no particular order: a process died
   * after writing a batch's entries and before its rows (Cassandra; the embedded store commits both in
   * one transaction and has none). Read once, at open: the shard folds them in and commits the rows.
   */
  rollForwardBacklog(): Promise<LedgerEntry[]>;
  /** A tenant's rows with fromDay <= day <= toDay ('YYYY-MM-DD'), ascending, and the newest row before fromDay. */
  readRollForward(tenantId: string, fromDay: string, toDay: string): Promise<RollForwardRange>;
  /**
   * Members with at least one entry after `after` (the last of the previous page), at most limit, in the
   * store's order (embedded: tenant, member; Cassandra: token order, members of every shard of the keyspace).
   */
  listMembers(after: MemberRef | undefined, limit: number): Promise<MemberRef[]>;
  close(): Promise<void>;
}
