// Group commit in two steps for the embedded ledger: each batch's rows are written into a SQLite
// transaction that stays open over many batches and appended, as one record, to the redo journal
// (durable before the batch is acknowledged); every `foldRows` rows the transaction is committed
// together with the id of the last record it holds, and the journal is cleared. On open, and after
// any failed write, the journal's records past that mark are written again, so the ledger file plus
// the journal always hold exactly the acknowledged batches.

import type Database from 'better-sqlite3';
import { RedoJournal } from './redo-journal.js';

/** One statement call: its name and parameters, as the store runs it. */
export type RedoRow = [name: string, ...params: (string | number)[]];

interface RedoRecord {
  id: number;
  rows: RedoRow[];
}

export interface FoldOptions {
  journalFile: string;
  /** fsync each append (durability fsync) or leave it to the OS (durability os). */
  sync: boolean;
  foldRows: number;
  /** Runs one journalled statement again (replay). */
  replay: (row: RedoRow) => void;
  /** The id of the last record the ledger file holds, and its writer (inside the fold's transaction). */
  appliedMark: { read(): number; write(id: number): void };
}

export class RedoFold {
  private readonly journal: RedoJournal;
  /** The record being written (between `write`'s start and its append), else undefined. */
  private rows: RedoRow[] | undefined;
  private lastId = 0;
  private openRows = 0;
  /** Set when the ledger could not be brought back to the journal: every write refuses until a restart. */
  private broken: Error | undefined;

  constructor(
    private readonly db: Database.Database,
    private readonly options: FoldOptions,
  ) {
    this.journal = RedoJournal.open(options.journalFile, options.sync);
    this.replayJournal();
    this.fold();
  }

  /** Records one statement call of the write in progress (a no-op outside `write`). */
  note(row: RedoRow): void {
    this.rows?.push(row);
  }

  /**
   * Runs `work` (its statements `note`d) in the open transaction and makes its rows durable in the
   * journal; on any failure the open transaction is rebuilt from the journal and the error rethrown,
   * so a failed write leaves nothing behind.
   */
  write(work: () => void): void {
    if (this.broken) throw this.broken;
    if (!this.db.inTransaction) this.db.exec('BEGIN');
    this.rows = [];
    try {
      work();
      const record: RedoRecord = { id: this.lastId + 1, rows: this.rows };
      this.journal.append(JSON.stringify(record));
      this.lastId = record.id;
      this.openRows += record.rows.length;
    } catch (err) {
      this.rows = undefined;
      this.rebuild();
      throw err;
    }
    this.rows = undefined;
    if (this.openRows >= this.options.foldRows) this.foldOrRebuild();
  }

  /** Commits the open transaction (close, or the journal cleared for a setting of 0). */
  close(): void {
    if (!this.broken) this.fold();
    this.journal.close();
  }

  /** Commits the open transaction with the mark of its last record, then clears the journal. */
  private fold(): void {
    if (!this.db.inTransaction) return;
    this.options.appliedMark.write(this.lastId);
    this.db.exec('COMMIT');
    this.openRows = 0;
    this.journal.clear();
  }

  /**
   * A fold that fails leaves every acknowledged batch in the journal: the transaction goes on if SQLite
   * kept it open, else it is rebuilt from the journal. The batch that triggered it is acknowledged.
   */
  private foldOrRebuild(): void {
    try {
      this.fold();
    } catch (err) {
      console.error('jifen embedded ledger: commit of the open transaction failed; the redo journal keeps its batches:', err);
      if (!this.db.inTransaction) this.rebuild();
    }
  }

  /** Drops the open transaction and writes the journal's records again: the acknowledged batches, no more. */
  private rebuild(): void {
    try {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      this.openRows = 0;
      this.replayJournal();
    } catch (err) {
      this.broken = new Error(`embedded ledger unusable until restart: rebuilding from the redo journal failed: ${String(err)}`);
      console.error(`jifen ${this.broken.message}`);
    }
  }

  /** Writes the journal's records past the applied mark into a (new) open transaction. */
  private replayJournal(): void {
    let last = this.options.appliedMark.read();
    for (const payload of this.journal.records()) {
      const record = JSON.parse(payload) as RedoRecord;
      if (record.id <= last) continue;
      if (!this.db.inTransaction) this.db.exec('BEGIN');
      for (const row of record.rows) this.options.replay(row);
      this.openRows += record.rows.length;
      last = record.id;
    }
    this.lastId = last;
  }
}

/** Commits what a journal left by an earlier run holds (with folding now off) and removes it. */
export function foldLeftJournal(db: Database.Database, options: Omit<FoldOptions, 'foldRows'>): void {
  if (!RedoJournal.existsAt(options.journalFile)) return;
  new RedoFold(db, { ...options, foldRows: 0 }).close();
  RedoJournal.remove(options.journalFile);
}
