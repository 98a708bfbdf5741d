// The CQL the Cassandra store runs (tables from deploy/cql/*.cql, unqualified: the client is opened on
// the keyspace) and how rows map to ledger types. Every statement is prepared. ENTRIES is a reserved
// CQL keyword (CREATE INDEX ... (ENTRIES(col))) in Cassandra and ScyllaDB, so the entries table is
// always written "entries", quoted.

import { types } from 'cassandra-driver';
import type { EntryDetail, EntryType, LedgerEntry, OrderRecord } from '../../actor/entries.js';
import type { DueMember, FollowUp, MemberRef } from '../store.js';
import { dueBucketOf, entryBucketOf, followUpBucketOf } from './layout.js';

const ENTRY_COLUMNS =
  'seq, entry_type, points, balance_after, idempotency_key, order_id, reason, operator, amount_minor, created_at, expires_at, payload_hash, detail';

export const CQL = {
  layout: 'SELECT name, value FROM ledger_layout',

  insertEntry: `INSERT INTO "entries" (tenant_id, member_id, bucket, ${ENTRY_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
  deleteEntry: 'DELETE FROM "entries" WHERE tenant_id = ? AND member_id = ? AND bucket = ? AND seq = ?',
  entryAt: `SELECT ${ENTRY_COLUMNS} FROM "entries" WHERE tenant_id = ? AND member_id = ? AND bucket = ? AND seq = ?`,
  entriesAfter: `SELECT ${ENTRY_COLUMNS} FROM "entries" WHERE tenant_id = ? AND member_id = ? AND bucket = ? AND seq > ? LIMIT ?`,

  insertKey: 'INSERT INTO idempotency_keys (tenant_id, member_id, idempotency_key, seq) VALUES (?,?,?,?)',
  keysIn: 'SELECT idempotency_key, seq FROM idempotency_keys WHERE tenant_id = ? AND member_id = ? AND idempotency_key IN ?',

  insertOrder: `INSERT INTO orders (tenant_id, member_id, order_id, seq, amount_minor, points, refunded_minor, reversed_points,
    entry_key, entry_hash, metric_month, lot_expires_at, lot_available_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
  orderVersions: `SELECT seq, amount_minor, points, refunded_minor, reversed_points, entry_key, entry_hash, metric_month,
    lot_expires_at, lot_available_at FROM orders WHERE tenant_id = ? AND member_id = ? AND order_id = ?`,

  // seq guard: the write timestamp is the seq, so an older snapshot never overwrites a newer one.
  insertSnapshot: 'INSERT INTO snapshots (tenant_id, member_id, seq, state) VALUES (?,?,?,?) USING TIMESTAMP ?',
  snapshot: 'SELECT seq, state FROM snapshots WHERE tenant_id = ? AND member_id = ?',

  insertOutbox: 'INSERT INTO outbox (shard, bucket, id, envelope) VALUES (?,?,?,?)',
  deleteOutboxRow: 'DELETE FROM outbox WHERE shard = ? AND bucket = ? AND id = ?',
  deleteOutboxBucket: 'DELETE FROM outbox WHERE shard = ? AND bucket = ?',
  outboxAt: 'SELECT id, envelope FROM outbox WHERE shard = ? AND bucket = ? AND id = ?',
  outboxRange: 'SELECT id, envelope FROM outbox WHERE shard = ? AND bucket = ? AND id > ? AND id <= ? LIMIT ?',
  outboxNewest: 'SELECT id FROM outbox WHERE shard = ? AND bucket = ? ORDER BY id DESC LIMIT 1',

  cursor: 'SELECT published_id, committed_id FROM outbox_cursor WHERE shard = ?',
  // Cursor cells carry their value as write timestamp, so they never move backwards.
  setPublished: 'UPDATE outbox_cursor USING TIMESTAMP ? SET published_id = ? WHERE shard = ?',
  setCommitted: 'UPDATE outbox_cursor USING TIMESTAMP ? SET committed_id = ? WHERE shard = ?',

  // The due index: one partition per (shard, UTC day of the due instant), rows in (at, tenant, member)
  // order. Only single-column clustering restrictions (a prefix of equalities, then one slice), which
  // Cassandra and ScyllaDB both accept; the scan from a row position inside an instant takes the
  // three slices dueAtMember, dueAtTenant and dueAfter.
  insertDue: 'INSERT INTO due_members (shard, day, at, tenant_id, member_id) VALUES (?,?,?,?,?)',
  deleteDue: 'DELETE FROM due_members WHERE shard = ? AND day = ? AND at = ? AND tenant_id = ? AND member_id = ?',
  dueFrom: 'SELECT at, tenant_id, member_id FROM due_members WHERE shard = ? AND day = ? AND at >= ? AND at <= ? LIMIT ?',
  dueAtMember:
    'SELECT at, tenant_id, member_id FROM due_members WHERE shard = ? AND day = ? AND at = ? AND tenant_id = ? AND member_id >= ? LIMIT ?',
  dueAtTenant: 'SELECT at, tenant_id, member_id FROM due_members WHERE shard = ? AND day = ? AND at = ? AND tenant_id > ? LIMIT ?',
  dueAfter: 'SELECT at, tenant_id, member_id FROM due_members WHERE shard = ? AND day = ? AND at > ? AND at <= ? LIMIT ?',

  // Per shard: the low-water position of the due index and the highest day it may hold (see PROTOCOL.md).
  dueRange: 'SELECT low_at, low_tenant_id, low_member_id, high_day FROM due_range WHERE shard = ?',
  setDueRange: 'INSERT INTO due_range (shard, low_at, low_tenant_id, low_member_id, high_day) VALUES (?,?,?,?,?)',

  // Roll-forward totals (006; PROTOCOL.md "Roll-forward"): absolute cumulative values per (tenant, shard, day),
  // and per shard each tenant's newest row.
  upsertRollForward: 'INSERT INTO roll_forward (tenant_id, shard, day, body) VALUES (?,?,?,?)',
  deleteRollForward: 'DELETE FROM roll_forward WHERE tenant_id = ? AND shard = ? AND day = ?',
  rollForwardIn: 'SELECT day, body FROM roll_forward WHERE tenant_id = ? AND shard = ? AND day >= ? AND day <= ?',
  rollForwardBefore: 'SELECT day, body FROM roll_forward WHERE tenant_id = ? AND shard = ? AND day < ? ORDER BY day DESC LIMIT 1',
  upsertRollForwardHead: 'INSERT INTO roll_forward_heads (shard, tenant_id, day, body) VALUES (?,?,?,?)',
  deleteRollForwardHead: 'DELETE FROM roll_forward_heads WHERE shard = ? AND tenant_id = ?',
  rollForwardHeads: 'SELECT tenant_id, day, body, through_outbox FROM roll_forward_heads WHERE shard = ?',
  // The shard's row of tenant '': the highest outbox id whose batch's totals are written.
  setRollForwardThrough: "INSERT INTO roll_forward_heads (shard, tenant_id, through_outbox) VALUES (?, '', ?)",

  // The audit's sweep: members with key rows (every member with an entry has them), in token order.
  membersFirst: 'SELECT DISTINCT tenant_id, member_id FROM idempotency_keys LIMIT ?',
  membersAfter: 'SELECT DISTINCT tenant_id, member_id FROM idempotency_keys WHERE token(tenant_id, member_id) > token(?, ?) LIMIT ?',

  // Follow-ups (see PROTOCOL.md), one partition per (shard, bucket of the id) since 005: kind 'owed' rows
  // are the follow-ups the shard owes (body: the command), kind 'intent' rows the record of a commit with
  // follow-ups that is not known to be complete (body: its follow-ups and the entries it writes; id: its
  // lowest follow-up id, so the intent lies in the first bucket of its batch). Slices start at an id
  // (the shard's low-water mark), so they do not walk the tombstones of rows delivered before it.
  insertOwed: "INSERT INTO follow_ups_by_bucket (shard, bucket, kind, id, body) VALUES (?, ?, 'owed', ?, ?)",
  deleteOwed: "DELETE FROM follow_ups_by_bucket WHERE shard = ? AND bucket = ? AND kind = 'owed' AND id = ?",
  owedAt: "SELECT id, body FROM follow_ups_by_bucket WHERE shard = ? AND bucket = ? AND kind = 'owed' AND id = ?",
  owedFrom: "SELECT id, body FROM follow_ups_by_bucket WHERE shard = ? AND bucket = ? AND kind = 'owed' AND id >= ? LIMIT ?",
  insertIntent: "INSERT INTO follow_ups_by_bucket (shard, bucket, kind, id, body) VALUES (?, ?, 'intent', ?, ?)",
  deleteIntent: "DELETE FROM follow_ups_by_bucket WHERE shard = ? AND bucket = ? AND kind = 'intent' AND id = ?",
  intentsFrom: "SELECT id, body FROM follow_ups_by_bucket WHERE shard = ? AND bucket = ? AND kind = 'intent' AND id >= ?",

  // Per shard: the lowest id and the highest bucket that may hold follow-up rows that matter (PROTOCOL.md).
  followUpRange: 'SELECT low_id, high_bucket FROM follow_up_range WHERE shard = ?',
  setFollowUpRange: 'INSERT INTO follow_up_range (shard, low_id, high_bucket) VALUES (?,?,?)',

  // The follow-up table before 005, one partition per shard: read at open, its intents settled and its
  // owed rows delivered and deleted as before; no new follow-up is written to it.
  oldInsertOwed: "INSERT INTO follow_ups (shard, kind, id, body) VALUES (?, 'owed', ?, ?)",
  oldDeleteOwed: "DELETE FROM follow_ups WHERE shard = ? AND kind = 'owed' AND id = ?",
  oldOwedAt: "SELECT id, body FROM follow_ups WHERE shard = ? AND kind = 'owed' AND id = ?",
  oldOwed: "SELECT id, body FROM follow_ups WHERE shard = ? AND kind = 'owed' LIMIT ?",
  oldOwedIds: "SELECT id FROM follow_ups WHERE shard = ? AND kind = 'owed'",
  oldInsertIntent: "INSERT INTO follow_ups (shard, kind, id, body) VALUES (?, 'intent', ?, ?)",
  oldDeleteIntent: "DELETE FROM follow_ups WHERE shard = ? AND kind = 'intent' AND id = ?",
  oldIntents: "SELECT id, body FROM follow_ups WHERE shard = ? AND kind = 'intent'",
} as const;

export interface Statement {
  query: string;
  params: unknown[];
}

export function insertEntryOf(e: LedgerEntry): Statement {
  return {
    query: CQL.insertEntry,
    params: [
      e.tenantId,
      e.memberId,
      entryBucketOf(e.seq),
      e.seq,
      e.type,
      e.points,
      e.balanceAfter,
      e.idempotencyKey,
      e.orderId,
      e.reason,
      e.operator,
      e.amountMinor,
      e.createdAt,
      e.expiresAt,
      e.payloadHash,
      // unset, not null: a null would write a cell tombstone into every entry without a detail
      e.detail === undefined ? types.unset : JSON.stringify(e.detail),
    ],
  };
}

export function deleteEntryOf(e: { tenantId: string; memberId: string; seq: number }): Statement {
  return { query: CQL.deleteEntry, params: [e.tenantId, e.memberId, entryBucketOf(e.seq), e.seq] };
}

export function entryOf(ref: MemberRef, row: types.Row): LedgerEntry {
  const entry: LedgerEntry = {
    tenantId: ref.tenantId,
    memberId: ref.memberId,
    seq: long(row['seq']),
    type: row['entry_type'] as EntryType,
    points: long(row['points']),
    balanceAfter: long(row['balance_after']),
    idempotencyKey: text(row['idempotency_key']),
    orderId: text(row['order_id']),
    reason: text(row['reason']),
    operator: text(row['operator']),
    amountMinor: long(row['amount_minor']),
    createdAt: long(row['created_at']),
    expiresAt: long(row['expires_at']),
    payloadHash: text(row['payload_hash']),
  };
  const detail = row['detail'];
  if (typeof detail === 'string' && detail !== '') entry.detail = JSON.parse(detail) as EntryDetail;
  return entry;
}

/** A row of the due index, as its insert or delete statement. */
export function insertDueOf(shard: number, d: DueMember): Statement {
  return { query: CQL.insertDue, params: [shard, dueBucketOf(d.at), d.at, d.tenantId, d.memberId] };
}

export function deleteDueOf(shard: number, d: DueMember): Statement {
  return { query: CQL.deleteDue, params: [shard, dueBucketOf(d.at), d.at, d.tenantId, d.memberId] };
}

export function dueOf(row: types.Row): DueMember {
  return { at: long(row['at']), tenantId: text(row['tenant_id']), memberId: text(row['member_id']) };
}

/**
 * What a commit with follow-ups writes in step 1 (see PROTOCOL.md): its follow-ups, and the entries it
 * writes, each as its place and its identity (key and decision time), so that a later open() can
 * tell whether the commit completed: whether exactly these entries exist.
 */
export interface FollowUpIntent {
  /** The lowest follow-up id of the commit: the intent row's id. */
  id: number;
  followUps: FollowUp[];
  entries: IntentEntry[];
}

export type IntentEntry = [tenantId: string, memberId: string, seq: number, idempotencyKey: string, createdAt: number];

/**
 * Where a shard's follow-up rows are: the bucketed table (every follow-up written since 005), or its
 * one partition of the table before it (only read, settled and drained).
 */
export interface FollowUpPlace {
  shard: number;
  table: 'buckets' | 'old';
}

export function insertIntentOf(place: FollowUpPlace, intent: FollowUpIntent): Statement {
  const body = JSON.stringify({ followUps: intent.followUps, entries: intent.entries });
  return place.table === 'old'
    ? { query: CQL.oldInsertIntent, params: [place.shard, intent.id, body] }
    : { query: CQL.insertIntent, params: [place.shard, followUpBucketOf(intent.id), intent.id, body] };
}

export function deleteIntentOf(place: FollowUpPlace, id: number): Statement {
  return place.table === 'old'
    ? { query: CQL.oldDeleteIntent, params: [place.shard, id] }
    : { query: CQL.deleteIntent, params: [place.shard, followUpBucketOf(id), id] };
}

export function intentOf(row: types.Row): FollowUpIntent {
  const body = JSON.parse(row['body']) as Omit<FollowUpIntent, 'id'>;
  return { id: long(row['id']), followUps: body.followUps, entries: body.entries };
}

export function insertOwedOf(place: FollowUpPlace, f: FollowUp): Statement {
  const body = JSON.stringify(f.command);
  return place.table === 'old'
    ? { query: CQL.oldInsertOwed, params: [place.shard, f.id, body] }
    : { query: CQL.insertOwed, params: [place.shard, followUpBucketOf(f.id), f.id, body] };
}

export function deleteOwedOf(place: FollowUpPlace, id: number): Statement {
  return place.table === 'old'
    ? { query: CQL.oldDeleteOwed, params: [place.shard, id] }
    : { query: CQL.deleteOwed, params: [place.shard, followUpBucketOf(id), id] };
}

/** The SELECT of one owed row. */
export function owedAtOf(place: FollowUpPlace, id: number): Statement {
  return place.table === 'old'
    ? { query: CQL.oldOwedAt, params: [place.shard, id] }
    : { query: CQL.owedAt, params: [place.shard, followUpBucketOf(id), id] };
}

/** The partition a follow-up row of this id is in, as a key for grouping statements. */
export function followUpPartitionOf(place: FollowUpPlace, id: number): number {
  return place.table === 'old' ? 0 : followUpBucketOf(id);
}

export function followUpOf(row: types.Row): FollowUp {
  return { id: long(row['id']), command: JSON.parse(row['body']) as FollowUp['command'] };
}

export function orderOf(ref: MemberRef & { orderId: string }, row: types.Row): OrderRecord {
  return {
    tenantId: ref.tenantId,
    memberId: ref.memberId,
    orderId: ref.orderId,
    amountMinor: long(row['amount_minor']),
    points: long(row['points']),
    refundedMinor: long(row['refunded_minor']),
    reversedPoints: long(row['reversed_points']),
    // Absent fields stay absent (as the embedded store answers), not undefined-valued.
    ...(row['metric_month'] ? { metricMonth: String(row['metric_month']) } : {}),
    ...(row['lot_expires_at'] !== null && row['lot_expires_at'] !== undefined
      ? { lotExpiresAt: long(row['lot_expires_at']), lotAvailableAt: long(row['lot_available_at']) }
      : {}),
  };
}

/** bigint columns decode as driver Longs; every value we store fits a double exactly (< 2^53). */
export function long(value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'number') return value;
  return (value as types.Long).toNumber();
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
