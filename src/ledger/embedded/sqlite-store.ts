// The embedded ledger: one SQLite database per shard in WAL mode, written by that shard's thread
// only. Group commit = one transaction per batch; synchronous=FULL makes each commit fsync the WAL.

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { EntryType, LedgerEntry, OrderRecord } from '../../actor/entries.js';
import type { MemberState } from '../../actor/state.js';
import type { CommitBatch, KeyRef, LedgerStore, MemberHistory, MemberRef, OrderRef } from '../store.js';

export type Durability = 'fsync' | 'os';

export interface SqliteStoreOptions {
  file: string;
  /** fsync: survives power loss; os: survives a process crash (kill -9) only. */
  durability: Durability;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS entries (
  tenant_id TEXT NOT NULL, member_id TEXT NOT NULL, seq INTEGER NOT NULL,
  type TEXT NOT NULL, points INTEGER NOT NULL, balance_after INTEGER NOT NULL,
  idempotency_key TEXT NOT NULL, order_id TEXT NOT NULL, reason TEXT NOT NULL, operator TEXT NOT NULL,
  amount_minor INTEGER NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,
  payload_hash TEXT NOT NULL,
  PRIMARY KEY (tenant_id, member_id, seq)
) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS entries_by_key ON entries (tenant_id, member_id, idempotency_key);
CREATE TABLE IF NOT EXISTS orders (
  tenant_id TEXT NOT NULL, member_id TEXT NOT NULL, order_id TEXT NOT NULL,
  amount_minor INTEGER NOT NULL, points INTEGER NOT NULL,
  refunded_minor INTEGER NOT NULL, reversed_points INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, member_id, order_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS snapshots (
  tenant_id TEXT NOT NULL, member_id TEXT NOT NULL, seq INTEGER NOT NULL, state TEXT NOT NULL,
  PRIMARY KEY (tenant_id, member_id)
) WITHOUT ROWID;
`;

const ENTRY_COLUMNS =
  'tenant_id, member_id, seq, type, points, balance_after, idempotency_key, order_id, reason, operator, amount_minor, created_at, expires_at, payload_hash';

interface EntryRow {
  tenant_id: string;
  member_id: string;
  seq: number;
  type: EntryType;
  points: number;
  balance_after: number;
  idempotency_key: string;
  order_id: string;
  reason: string;
  operator: string;
  amount_minor: number;
  created_at: number;
  expires_at: number;
  payload_hash: string;
}

interface OrderRow {
  tenant_id: string;
  member_id: string;
  order_id: string;
  amount_minor: number;
  points: number;
  refunded_minor: number;
  reversed_points: number;
}

export class SqliteLedgerStore implements LedgerStore {
  private readonly db: Database.Database;
  private readonly stmt;
  private readonly commitTx: (batch: CommitBatch) => void;

  constructor(options: SqliteStoreOptions) {
    mkdirSync(dirname(options.file), { recursive: true });
    this.db = new Database(options.file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.durability === 'fsync' ? 'FULL' : 'NORMAL'}`);
    // Checkpoints stay automatic; a bigger cache keeps hot index pages of the shard in memory.
    this.db.pragma('cache_size = -65536');
    this.db.exec(SCHEMA);
    this.stmt = {
      insertEntry: this.db.prepare(
        `INSERT INTO entries (${ENTRY_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (tenant_id, member_id, seq) DO NOTHING`,
      ),
      upsertOrder: this.db.prepare(
        `INSERT INTO orders (tenant_id, member_id, order_id, amount_minor, points, refunded_minor, reversed_points)
         VALUES (?,?,?,?,?,?,?) ON CONFLICT (tenant_id, member_id, order_id) DO UPDATE SET
         amount_minor = excluded.amount_minor, points = excluded.points,
         refunded_minor = excluded.refunded_minor, reversed_points = excluded.reversed_points`,
      ),
      upsertSnapshot: this.db.prepare(
        `INSERT INTO snapshots (tenant_id, member_id, seq, state) VALUES (?,?,?,?)
         ON CONFLICT (tenant_id, member_id) DO UPDATE SET seq = excluded.seq, state = excluded.state
         WHERE excluded.seq > snapshots.seq`,
      ),
      snapshot: this.db.prepare<[string, string], { seq: number; state: string }>(
        'SELECT seq, state FROM snapshots WHERE tenant_id = ? AND member_id = ?',
      ),
      entriesAfter: this.db.prepare<[string, string, number, number], EntryRow>(
        `SELECT ${ENTRY_COLUMNS} FROM entries WHERE tenant_id = ? AND member_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
      ),
      byKey: this.db.prepare<[string, string, string], EntryRow>(
        `SELECT ${ENTRY_COLUMNS} FROM entries WHERE tenant_id = ? AND member_id = ? AND idempotency_key = ?`,
      ),
      order: this.db.prepare<[string, string, string], OrderRow>(
        'SELECT * FROM orders WHERE tenant_id = ? AND member_id = ? AND order_id = ?',
      ),
    };
    this.commitTx = this.db.transaction((batch: CommitBatch) => this.writeBatch(batch));
  }

  async loadMembers(refs: MemberRef[]): Promise<MemberHistory[]> {
    return refs.map((ref) => {
      const snap = this.stmt.snapshot.get(ref.tenantId, ref.memberId);
      const snapshot = snap ? (JSON.parse(snap.state) as MemberState) : null;
      const rows = this.stmt.entriesAfter.all(ref.tenantId, ref.memberId, snap?.seq ?? 0, Number.MAX_SAFE_INTEGER);
      return { snapshot, entries: rows.map(entryFromRow) };
    });
  }

  async findByIdempotencyKeys(refs: KeyRef[]): Promise<(LedgerEntry | undefined)[]> {
    return refs.map((r) => {
      const row = this.stmt.byKey.get(r.tenantId, r.memberId, r.idempotencyKey);
      return row ? entryFromRow(row) : undefined;
    });
  }

  async getOrders(refs: OrderRef[]): Promise<(OrderRecord | undefined)[]> {
    return refs.map((r) => {
      const row = this.stmt.order.get(r.tenantId, r.memberId, r.orderId);
      return row ? orderFromRow(row) : undefined;
    });
  }

  async listEntries(ref: MemberRef, afterSeq: number, limit: number): Promise<LedgerEntry[]> {
    return this.stmt.entriesAfter.all(ref.tenantId, ref.memberId, afterSeq, limit).map(entryFromRow);
  }

  async commit(batch: CommitBatch): Promise<void> {
    this.commitTx(batch);
  }

  async close(): Promise<void> {
    if (this.db.open) {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
      this.db.close();
    }
  }

  private writeBatch(batch: CommitBatch): void {
    const { insertEntry, upsertOrder, upsertSnapshot } = this.stmt;
    for (const e of batch.entries) {
      insertEntry.run(
        e.tenantId,
        e.memberId,
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
      );
    }
    for (const o of batch.orders) {
      upsertOrder.run(o.tenantId, o.memberId, o.orderId, o.amountMinor, o.points, o.refundedMinor, o.reversedPoints);
    }
    for (const s of batch.snapshots) {
      upsertSnapshot.run(s.tenantId, s.memberId, s.seq, JSON.stringify(s));
    }
  }
}

function entryFromRow(r: EntryRow): LedgerEntry {
  return {
    tenantId: r.tenant_id,
    memberId: r.member_id,
    seq: r.seq,
    type: r.type,
    points: r.points,
    balanceAfter: r.balance_after,
    idempotencyKey: r.idempotency_key,
    orderId: r.order_id,
    reason: r.reason,
    operator: r.operator,
    amountMinor: r.amount_minor,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    payloadHash: r.payload_hash,
  };
}

function orderFromRow(r: OrderRow): OrderRecord {
  return {
    tenantId: r.tenant_id,
    memberId: r.member_id,
    orderId: r.order_id,
    amountMinor: r.amount_minor,
    points: r.points,
    refundedMinor: r.refunded_minor,
    reversedPoints: r.reversed_points,
  };
}
