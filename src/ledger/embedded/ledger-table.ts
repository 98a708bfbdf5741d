// The embedded ledger's tables, connection settings, statements and row forms: what SqliteLedgerStore uses,
// and what bench/row-cost.ts and bench/floor-shard.ts measure (so the benches cannot drift from the store).

import type Database from 'better-sqlite3';
import type { OrderRecord } from '../../actor/entries.js';

/**
 * Row keys within a member: 'e' + 15-digit seq (entries sort by seq), 'i' + idempotency key,
 * 'o' + order id, 's' the snapshot. n is the seq the row refers to.
 */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS ledger (
  tenant_id TEXT NOT NULL,
  member_id TEXT NOT NULL,
  rk TEXT NOT NULL,
  n INTEGER NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (tenant_id, member_id, rk)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS follow_ups (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS roll_forward (
  tenant_id TEXT NOT NULL,
  day TEXT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (tenant_id, day)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS due (
  at INTEGER NOT NULL,
  tenant_id TEXT NOT NULL,
  member_id TEXT NOT NULL,
  PRIMARY KEY (at, tenant_id, member_id)
) WITHOUT ROWID;
`;

export const SNAPSHOT_KEY = 's';

/** The ledger table's three writes of an earn (its idempotency key row, its entry, its order) and a member's snapshot. */
export const LEDGER_WRITES = {
  insert: 'INSERT INTO ledger (tenant_id, member_id, rk, n, body) VALUES (?,?,?,?,?)',
  insertEntry: 'INSERT INTO ledger (tenant_id, member_id, rk, n, body) VALUES (?,?,?,?,?) ON CONFLICT DO NOTHING',
  upsert: `INSERT INTO ledger (tenant_id, member_id, rk, n, body) VALUES (?,?,?,?,?)
         ON CONFLICT (tenant_id, member_id, rk) DO UPDATE SET n = excluded.n, body = excluded.body`,
  /** A snapshot replaces the member's one only when it is newer (a replayed batch must not roll it back). */
  upsertSnapshot: `INSERT INTO ledger (tenant_id, member_id, rk, n, body) VALUES (?,?,'${SNAPSHOT_KEY}',?,?)
         ON CONFLICT (tenant_id, member_id, rk) DO UPDATE SET n = excluded.n, body = excluded.body
         WHERE excluded.n > ledger.n`,
} as const;

/**
 * Activation's probe: the member's last row. The snapshot sorts last, so one probe finds it, or that the
 * member has no rows at all (most members a festival's stream touches for the first time).
 */
export const LAST_ROW = 'SELECT rk, n, body FROM ledger WHERE tenant_id = ? AND member_id = ? ORDER BY rk DESC LIMIT 1';

const SEQ_DIGITS = 15;

/** The connection settings every shard's ledger file is opened with, then its tables. */
export function openLedgerConnection(db: Database.Database, options: { fsync: boolean; folding: boolean; cacheMb: number }): void {
  // One writer thread owns the file: exclusive locking skips the shared-memory wal-index and its
  // lock syscalls on every transaction, and keeps other processes from writing behind our back.
  db.pragma('locking_mode = EXCLUSIVE');
  db.pragma('journal_mode = WAL');
  // Folding, a commit is a fold: its durability comes from the redo journals and the fold's own fsync of
  // the WAL (redo-fold.ts), so SQLite need not fsync inside it. Checkpoints still fsync with NORMAL.
  db.pragma(`synchronous = ${options.fsync && !options.folding ? 'FULL' : 'NORMAL'}`);
  // Hot members' pages stay cached; fewer, larger checkpoints write a page rewritten by many commits once.
  db.pragma(`cache_size = -${Math.round(options.cacheMb * 1024)}`);
  db.pragma('wal_autocheckpoint = 16384');
  db.exec(SCHEMA);
}

export function entryKey(seq: number): string {
  return `e${String(seq).padStart(SEQ_DIGITS, '0')}`;
}

export function idempotencyRowKey(idempotencyKey: string): string {
  return `i${idempotencyKey}`;
}

export function orderRowKey(orderId: string): string {
  return `o${orderId}`;
}

/** An order row's body: its figures, then (only when set) its metric month and its lot. */
export type OrderBody = [
  amountMinor: number,
  points: number,
  refundedMinor: number,
  reversedPoints: number,
  metricMonth?: string,
  lotExpiresAt?: number,
  lotAvailableAt?: number,
];

export function orderBodyOf(o: OrderRecord): string {
  const body: OrderBody = [o.amountMinor, o.points, o.refundedMinor, o.reversedPoints];
  if (o.metricMonth !== undefined || o.lotExpiresAt !== undefined) body.push(o.metricMonth ?? '');
  if (o.lotExpiresAt !== undefined) body.push(o.lotExpiresAt, o.lotAvailableAt ?? 0);
  return JSON.stringify(body);
}
