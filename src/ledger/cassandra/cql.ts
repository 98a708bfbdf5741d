// The CQL the Cassandra store runs (tables from deploy/cql/001_ledger.cql, unqualified: the client
// is opened on the keyspace) and how rows map to ledger types. Every statement is prepared.

import type { types } from 'cassandra-driver';
import type { EntryType, LedgerEntry, OrderRecord } from '../../actor/entries.js';
import type { MemberRef } from '../store.js';
import { entryBucketOf } from './layout.js';

const ENTRY_COLUMNS =
  'seq, entry_type, points, balance_after, idempotency_key, order_id, reason, operator, amount_minor, created_at, expires_at, payload_hash';

export const CQL = {
  layout: 'SELECT name, value FROM ledger_layout',

  insertEntry: `INSERT INTO entries (tenant_id, member_id, bucket, ${ENTRY_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
  deleteEntry: 'DELETE FROM entries WHERE tenant_id = ? AND member_id = ? AND bucket = ? AND seq = ?',
  entryAt: `SELECT ${ENTRY_COLUMNS} FROM entries WHERE tenant_id = ? AND member_id = ? AND bucket = ? AND seq = ?`,
  entriesAfter: `SELECT ${ENTRY_COLUMNS} FROM entries WHERE tenant_id = ? AND member_id = ? AND bucket = ? AND seq > ? LIMIT ?`,

  insertKey: 'INSERT INTO idempotency_keys (tenant_id, member_id, idempotency_key, seq) VALUES (?,?,?,?)',
  keysIn: 'SELECT idempotency_key, seq FROM idempotency_keys WHERE tenant_id = ? AND member_id = ? AND idempotency_key IN ?',

  insertOrder: `INSERT INTO orders (tenant_id, member_id, order_id, seq, amount_minor, points, refunded_minor, reversed_points,
    entry_key, entry_hash) VALUES (?,?,?,?,?,?,?,?,?,?)`,
  orderVersions: `SELECT seq, amount_minor, points, refunded_minor, reversed_points, entry_key, entry_hash FROM orders
    WHERE tenant_id = ? AND member_id = ? AND order_id = ?`,

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
    ],
  };
}

export function deleteEntryOf(e: { tenantId: string; memberId: string; seq: number }): Statement {
  return { query: CQL.deleteEntry, params: [e.tenantId, e.memberId, entryBucketOf(e.seq), e.seq] };
}

export function entryOf(ref: MemberRef, row: types.Row): LedgerEntry {
  return {
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
