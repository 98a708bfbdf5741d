// The embedded ledger: one SQLite database per shard in WAL mode, written by that shard's thread
// only. Group commit = one transaction per batch; synchronous=FULL makes each commit fsync the WAL.
//
// Layout: ONE table clustered by (tenant, member, row key), holding a member's entries, its
// idempotency keys, its orders and its snapshot side by side. A write then dirties the one B-tree
// page where that member lives instead of one page in each of three trees: under random members
// (the festival pattern) page writes, not SQL, are what a commit costs. See README "Embedded ledger".
//
// Group commit in two steps (foldRows > 0, the default): a batch's rows go into a SQLite transaction
// that stays open over many batches, and the same rows are appended to a redo journal that is fsynced
// before the batch is acknowledged. Every `foldRows` rows the transaction is committed with the id of
// the last journal record it holds (meta 'redo_applied'; redo-fold.ts says when a journal is reused).
// Reads use the same connection and so see every acknowledged batch; a restart writes the journal's
// records past the mark again before anything is read. One commit's page writes (most of what a commit
// costs under random members) then serve thousands of earns instead of one batch's.

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { WriteCommand } from '../../actor/commands.js';
import type { LedgerEntry, OrderRecord } from '../../actor/entries.js';
import type { MemberState } from '../../actor/state.js';
import type { RollForwardRow, RollForwardTotals } from '../../reports/roll-forward.js';
import type { EventEnvelope } from '../outbox.js';
import type {
  CommitBatch,
  DueMember,
  FollowUp,
  KeyRef,
  LedgerStore,
  MemberHistory,
  MemberLoad,
  MemberRef,
  OrderRef,
  OutboxPosition,
  OutboxRecord,
  RollForwardRange,
} from '../store.js';
import { entryBodyOf, entryOfBody } from './entry-body.js';
import {
  LAST_ROW,
  LEDGER_WRITES,
  type OrderBody,
  SNAPSHOT_KEY,
  entryKey,
  idempotencyRowKey,
  openLedgerConnection,
  orderBodyOf,
  orderRowKey,
} from './ledger-table.js';
import { type RedoRow, RedoFold, foldLeftJournals } from './redo-fold.js';

export type Durability = 'fsync' | 'os';

export interface SqliteStoreOptions {
  file: string;
  /** fsync: survives power loss; os: survives a process crash (kill -9) only. */
  durability: Durability;
  /** Page cache, MiB (default 64): hot members' pages stay in memory; RSS grows by ~2-4× this per shard. */
  cacheMb?: number;
  /**
   * Rows written into the open transaction before it is committed to the ledger file (the redo journal
   * holds them until then); 0: each batch is its own transaction and no journal is kept. Default 16384.
   */
  foldRows?: number;
}

export const DEFAULT_FOLD_ROWS = 16_384;

/** The statements a batch writes with (the redo journal records each call by this name). */
const WRITES = [
  'insert',
  'insertEntry',
  'upsert',
  'upsertSnapshot',
  'insertOutbox',
  'insertFollowUp',
  'deleteFollowUp',
  'insertDue',
  'deleteDue',
  'setPublished',
  'dropPublished',
  'upsertRollForward',
] as const;
type WriteName = (typeof WRITES)[number];

interface Row {
  rk: string;
  n: number;
  body: string;
}

export class SqliteLedgerStore implements LedgerStore {
  private readonly db: Database.Database;
  private readonly stmt;
  /** Runs a write in a transaction of its own (no folding). */
  private readonly inTransaction: (work: () => void) => void;
  /** Published cursor not yet written: it rides along with the next batch commit (or close). */
  private pendingPublished = 0;
  private writtenPublished = 0;
  /** Group commit in two steps (foldRows > 0): the open transaction and its redo journal. */
  private readonly fold: RedoFold | undefined;

  constructor(options: SqliteStoreOptions) {
    mkdirSync(dirname(options.file), { recursive: true });
    this.db = new Database(options.file);
    const folding = (options.foldRows ?? DEFAULT_FOLD_ROWS) > 0;
    openLedgerConnection(this.db, { fsync: options.durability === 'fsync', folding, cacheMb: options.cacheMb ?? 64 });
    this.stmt = {
      insert: this.db.prepare(LEDGER_WRITES.insert),
      insertEntry: this.db.prepare(LEDGER_WRITES.insertEntry),
      upsert: this.db.prepare(LEDGER_WRITES.upsert),
      upsertSnapshot: this.db.prepare(LEDGER_WRITES.upsertSnapshot),
      get: this.db.prepare<[string, string, string], Row>(
        'SELECT rk, n, body FROM ledger WHERE tenant_id = ? AND member_id = ? AND rk = ?',
      ),
      lastRow: this.db.prepare<[string, string], Row>(LAST_ROW),
      insertOutbox: this.db.prepare('INSERT INTO outbox (id, body) VALUES (?, ?)'),
      insertFollowUp: this.db.prepare('INSERT OR IGNORE INTO follow_ups (id, body) VALUES (?, ?)'),
      deleteFollowUp: this.db.prepare('DELETE FROM follow_ups WHERE id = ?'),
      pendingFollowUps: this.db.prepare<[number], { id: number; body: string }>('SELECT id, body FROM follow_ups ORDER BY id LIMIT ?'),
      insertDue: this.db.prepare('INSERT INTO due (at, tenant_id, member_id) VALUES (?,?,?) ON CONFLICT DO NOTHING'),
      deleteDue: this.db.prepare('DELETE FROM due WHERE at = ? AND tenant_id = ? AND member_id = ?'),
      dueUpTo: this.db.prepare<[number, number], { at: number; tenant_id: string; member_id: string }>(
        'SELECT at, tenant_id, member_id FROM due WHERE at <= ? ORDER BY at LIMIT ?',
      ),
      readOutbox: this.db.prepare<[number, number], { id: number; body: string }>(
        'SELECT id, body FROM outbox WHERE id > ? ORDER BY id LIMIT ?',
      ),
      lastOutboxId: this.db.prepare<[], { id: number | null }>('SELECT max(id) AS id FROM outbox'),
      publishedId: this.db.prepare<[], { value: number }>("SELECT value FROM meta WHERE key = 'outbox_published'"),
      setPublished: this.db.prepare(
        `INSERT INTO meta (key, value) VALUES ('outbox_published', ?)
         ON CONFLICT (key) DO UPDATE SET value = max(value, excluded.value)`,
      ),
      dropPublished: this.db.prepare('DELETE FROM outbox WHERE id <= ?'),
      upsertRollForward: this.db.prepare(
        `INSERT INTO roll_forward (tenant_id, day, body) VALUES (?,?,?)
         ON CONFLICT (tenant_id, day) DO UPDATE SET body = excluded.body`,
      ),
      // SQLite takes the bare columns of an aggregate query from the row that holds the max.
      rollForwardHeads: this.db.prepare<[], RollForwardDbRow>(
        'SELECT tenant_id, max(day) AS day, body FROM roll_forward GROUP BY tenant_id',
      ),
      rollForwardIn: this.db.prepare<[string, string, string], RollForwardDbRow>(
        'SELECT tenant_id, day, body FROM roll_forward WHERE tenant_id = ? AND day >= ? AND day <= ? ORDER BY day',
      ),
      rollForwardBefore: this.db.prepare<[string, string], RollForwardDbRow>(
        'SELECT tenant_id, day, body FROM roll_forward WHERE tenant_id = ? AND day < ? ORDER BY day DESC LIMIT 1',
      ),
      membersAfter: this.db.prepare<[string, string, number], { tenant_id: string; member_id: string }>(
        `SELECT tenant_id, member_id FROM ledger WHERE (tenant_id, member_id) > (?, ?) AND rk = '${entryKey(1)}'
         ORDER BY tenant_id, member_id LIMIT ?`,
      ),
      entriesAfter: this.db.prepare<[string, string, string, number], Row>(
        `SELECT rk, n, body FROM ledger WHERE tenant_id = ? AND member_id = ? AND rk > ? AND rk < 'f'
         ORDER BY rk LIMIT ?`,
      ),
    };
    this.inTransaction = this.db.transaction((work: () => void) => work());
    this.fold = this.openFold(options);
  }

  /** Replays a journal left by an earlier run (even with folding now off), then keeps one if folding. */
  private openFold(options: SqliteStoreOptions): RedoFold | undefined {
    const foldRows = options.foldRows ?? DEFAULT_FOLD_ROWS;
    const applied = this.db.prepare<[], { value: number }>("SELECT value FROM meta WHERE key = 'redo_applied'");
    const setApplied = this.db.prepare(
      "INSERT INTO meta (key, value) VALUES ('redo_applied', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    );
    const fold = {
      ledgerFile: options.file,
      sync: options.durability === 'fsync',
      replay: (row: RedoRow) => this.replayRow(row),
      appliedMark: { read: () => applied.get()?.value ?? 0, write: (id: number) => void setApplied.run(id) },
    };
    if (foldRows <= 0) {
      foldLeftJournals(this.db, fold);
      return undefined;
    }
    return new RedoFold(this.db, { ...fold, foldRows });
  }

  private replayRow([name, ...params]: RedoRow): void {
    if (!(WRITES as readonly string[]).includes(name)) throw new Error(`redo journal: unknown statement ${name}`);
    this.stmt[name as WriteName].run(...params);
  }

  /** Runs a write's statements durably: into the open transaction and the redo journal, or a transaction of its own. */
  private writeDurably(work: () => void): void {
    if (this.fold) this.fold.write(work);
    else this.inTransaction(work);
  }

  /** Runs one of the batch statements, noting it for the redo journal when folding. */
  private write(name: WriteName, ...params: (string | number)[]): Database.RunResult {
    this.fold?.note([name, ...params]);
    return this.stmt[name].run(...params);
  }

  async loadMembers(refs: MemberLoad[]): Promise<MemberHistory[]> {
    return refs.map((ref) => {
      if (ref.afterSeq !== undefined) {
        const rows = this.stmt.entriesAfter.all(ref.tenantId, ref.memberId, entryKey(ref.afterSeq - 1), Number.MAX_SAFE_INTEGER);
        return { snapshot: null, entries: rows.map((row) => entryOf(ref, row)) };
      }
      // The snapshot sorts last among a member's rows: one probe finds it, or that the member has no rows
      // at all (most members a festival's stream touches for the first time), which ends the load there.
      const last = this.stmt.lastRow.get(ref.tenantId, ref.memberId);
      if (!last) return { snapshot: null, entries: [] };
      const snap = last.rk === SNAPSHOT_KEY ? last : undefined;
      const snapshot = snap ? (JSON.parse(snap.body) as MemberState) : null;
      const rows = this.stmt.entriesAfter.all(ref.tenantId, ref.memberId, entryKey(snap?.n ?? 0), Number.MAX_SAFE_INTEGER);
      return { snapshot, entries: rows.map((row) => entryOf(ref, row)) };
    });
  }

  async findByIdempotencyKeys(refs: KeyRef[]): Promise<(LedgerEntry | undefined)[]> {
    return refs.map((ref) => {
      const key = this.stmt.get.get(ref.tenantId, ref.memberId, idempotencyRowKey(ref.idempotencyKey));
      if (!key) return undefined;
      const row = this.stmt.get.get(ref.tenantId, ref.memberId, entryKey(key.n));
      return row ? entryOf(ref, row) : undefined;
    });
  }

  async getOrders(refs: OrderRef[]): Promise<(OrderRecord | undefined)[]> {
    return refs.map((ref) => {
      const row = this.stmt.get.get(ref.tenantId, ref.memberId, orderRowKey(ref.orderId));
      if (!row) return undefined;
      const [amountMinor, points, refundedMinor, reversedPoints, metricMonth, lotExpiresAt, lotAvailableAt] = JSON.parse(
        row.body,
      ) as OrderBody;
      const order: OrderRecord = { ...ref, amountMinor, points, refundedMinor, reversedPoints };
      if (metricMonth) order.metricMonth = metricMonth;
      if (lotExpiresAt !== undefined) order.lotExpiresAt = lotExpiresAt;
      if (lotAvailableAt !== undefined) order.lotAvailableAt = lotAvailableAt;
      return order;
    });
  }

  async pendingFollowUps(limit: number): Promise<FollowUp[]> {
    return this.stmt.pendingFollowUps.all(limit).map((r) => ({ id: r.id, command: JSON.parse(r.body) as WriteCommand }));
  }

  async completeFollowUps(ids: number[]): Promise<void> {
    this.writeDurably(() => {
      for (const id of ids) this.write('deleteFollowUp', id);
    });
  }

  async dueMembers(upTo: number, limit: number): Promise<DueMember[]> {
    return this.stmt.dueUpTo.all(upTo, limit).map((r) => ({ at: r.at, tenantId: r.tenant_id, memberId: r.member_id }));
  }

  async listEntries(ref: MemberRef, afterSeq: number, limit: number): Promise<LedgerEntry[]> {
    return this.stmt.entriesAfter.all(ref.tenantId, ref.memberId, entryKey(afterSeq), limit).map((row) => entryOf(ref, row));
  }

  async rollForwardHeads(): Promise<RollForwardRow[]> {
    return this.stmt.rollForwardHeads.all().map(rollForwardRowOf);
  }

  /** Rows commit in the entries' transaction: nothing is ever left uncounted. */
  async rollForwardBacklog(): Promise<LedgerEntry[]> {
    return [];
  }

  async readRollForward(tenantId: string, fromDay: string, toDay: string): Promise<RollForwardRange> {
    const before = this.stmt.rollForwardBefore.get(tenantId, fromDay);
    return {
      before: before ? rollForwardRowOf(before) : undefined,
      rows: this.stmt.rollForwardIn.all(tenantId, fromDay, toDay).map(rollForwardRowOf),
    };
  }

  async listMembers(after: MemberRef | undefined, limit: number): Promise<MemberRef[]> {
    return this.stmt.membersAfter
      .all(after?.tenantId ?? '', after?.memberId ?? '', limit)
      .map((r) => ({ tenantId: r.tenant_id, memberId: r.member_id }));
  }

  async commit(batch: CommitBatch): Promise<void> {
    this.writeDurably(() => this.writeBatch(batch));
    this.writtenPublished = this.pendingPublished;
  }

  async outboxPosition(): Promise<OutboxPosition> {
    const publishedId = Math.max(this.stmt.publishedId.get()?.value ?? 0, this.pendingPublished);
    // Published records are dropped, so the newest id may survive only as the published cursor.
    const lastId = Math.max(this.stmt.lastOutboxId.get()?.id ?? 0, publishedId);
    return { lastId, publishedId };
  }

  async readOutbox(afterId: number, limit: number): Promise<OutboxRecord[]> {
    return this.stmt.readOutbox.all(afterId, limit).map((row) => ({ id: row.id, envelope: JSON.parse(row.body) as EventEnvelope }));
  }

  /**
   * Deferred to the next commit's transaction instead of an fsync of its own: a cursor that lags
   * after a crash only re-publishes batches, which the bus deduplicates by batch id.
   */
  async markPublished(id: number): Promise<void> {
    if (id > this.pendingPublished) this.pendingPublished = id;
  }

  async close(): Promise<void> {
    if (this.db.open) {
      this.flushPublished();
      this.fold?.close();
      this.db.pragma('wal_checkpoint(TRUNCATE)');
      this.db.close();
    }
  }

  /** Writes the published cursor still deferred (called at close), durably like a batch. */
  private flushPublished(): void {
    if (this.pendingPublished > this.writtenPublished) this.writeDurably(() => this.writePublished());
    this.writtenPublished = this.pendingPublished;
  }

  private writePublished(): void {
    if (this.pendingPublished <= this.writtenPublished) return;
    this.write('setPublished', this.pendingPublished);
    this.write('dropPublished', this.pendingPublished);
  }

  /**
   * An entry already stored under its seq is left as it is (a retried commit is a no-op), but an
   * idempotency key already taken by another entry aborts the whole batch: that would be a bug upstream.
   */
  private writeBatch(batch: CommitBatch): void {
    for (const e of batch.entries) {
      const stored = this.write('insertEntry', e.tenantId, e.memberId, entryKey(e.seq), e.seq, entryBodyOf(e));
      if (stored.changes === 1) this.write('insert', e.tenantId, e.memberId, idempotencyRowKey(e.idempotencyKey), e.seq, '');
    }
    for (const o of batch.orders) {
      this.write('upsert', o.tenantId, o.memberId, orderRowKey(o.orderId), 0, orderBodyOf(o));
    }
    for (const s of batch.snapshots) this.write('upsertSnapshot', s.tenantId, s.memberId, s.seq, JSON.stringify(s));
    for (const r of batch.outbox) this.write('insertOutbox', r.id, JSON.stringify(r.envelope));
    for (const f of batch.followUps ?? []) this.write('insertFollowUp', f.id, JSON.stringify(f.command));
    for (const r of batch.rollForward ?? []) this.write('upsertRollForward', r.tenantId, r.day, JSON.stringify(r.totals));
    for (const d of batch.dues ?? []) {
      if (d.from > 0) this.write('deleteDue', d.from, d.tenantId, d.memberId);
      if (d.to > 0) this.write('insertDue', d.to, d.tenantId, d.memberId);
    }
    this.writePublished();
  }
}

interface RollForwardDbRow {
  tenant_id: string;
  day: string;
  body: string;
}

function rollForwardRowOf(row: RollForwardDbRow): RollForwardRow {
  return { tenantId: row.tenant_id, day: row.day, totals: JSON.parse(row.body) as RollForwardTotals };
}

function entryOf(ref: MemberRef, row: Row): LedgerEntry {
  return entryOfBody(ref, row.n, row.body);
}
