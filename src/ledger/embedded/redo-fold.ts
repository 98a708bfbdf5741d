// Group commit in two steps for the embedded ledger: each batch's rows are written into a SQLite
// transaction that stays open over many batches and appended, as one record, to a redo journal
// (durable before the batch is acknowledged); every `foldRows` rows the transaction is committed
// together with the id of the last record it holds. On open, and after any failed write, the journals'
// records past that mark are written again, so the ledger file plus the journals always hold exactly
// the acknowledged batches.
//
// Two journals take turns, one per round between folds. A fold commits without an fsync of its own
// (the connection runs `synchronous = NORMAL`): the WAL is fsynced in the background after the fold,
// and the round's journal is written over only two folds later, after a synchronous fsync of the WAL
// (by then usually a no-op) has made that fold durable. A fold thus pauses its shard for its page
// writes, not for the disk.

import { closeSync, existsSync, fdatasync, fdatasyncSync, openSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { RedoJournal } from './redo-journal.js';

/** One statement call: its name and parameters, as the store runs it. */
export type RedoRow = [name: string, ...params: (string | number)[]];

interface RedoRecord {
  id: number;
  rows: RedoRow[];
}

export interface FoldOptions {
  /** The ledger's SQLite file: its journals are `<file>-redo-a` and `<file>-redo-b`, its WAL `<file>-wal`. */
  ledgerFile: string;
  /** fsync the journals' appends and the WAL after each fold (durability fsync), or leave both to the OS (os). */
  sync: boolean;
  foldRows: number;
  /** Runs one journalled statement again (replay). */
  replay: (row: RedoRow) => void;
  /** The id of the last record the ledger file holds, and its writer (inside the fold's transaction). */
  appliedMark: { read(): number; write(id: number): void };
}

export function journalFiles(ledgerFile: string): [string, string] {
  return [`${ledgerFile}-redo-a`, `${ledgerFile}-redo-b`];
}

export class RedoFold {
  private readonly journals: [RedoJournal, RedoJournal];
  /** The journal of the current round (appends go there). */
  private active = 0;
  /** The record being written (between `write`'s start and its append), else undefined. */
  private rows: RedoRow[] | undefined;
  private lastId = 0;
  private openRows = 0;
  private walFd: number | undefined;
  /** A background fsync of the WAL failed: no later fold may count on the WAL being on disk. */
  private walSyncError: Error | undefined;
  /** Set when the ledger could not be brought back to the journals: every write refuses until a restart. */
  private broken: Error | undefined;

  constructor(
    private readonly db: Database.Database,
    private readonly options: FoldOptions,
  ) {
    const [a, b] = journalFiles(options.ledgerFile);
    this.journals = [RedoJournal.open(a, options.sync), RedoJournal.open(b, options.sync)];
    this.replayJournals();
    this.foldDurably();
  }

  /** Records one statement call of the write in progress (a no-op outside `write`). */
  note(row: RedoRow): void {
    this.rows?.push(row);
  }

  /**
   * Runs `work` (its statements `note`d) in the open transaction and makes its rows durable in the
   * journal; on any failure the open transaction is rebuilt from the journals and the error rethrown,
   * so a failed write leaves nothing behind.
   */
  write(work: () => void): void {
    if (this.broken) throw this.broken;
    if (!this.db.inTransaction) this.db.exec('BEGIN');
    this.rows = [];
    try {
      work();
    } catch (err) {
      this.rows = undefined;
      this.rebuild();
      throw err;
    }
    const rows = this.rows;
    this.rows = undefined;
    // A write that changed nothing (no statement ran) needs no record, and no fsync.
    if (rows.length > 0) this.append(rows);
    if (this.openRows >= this.options.foldRows) this.foldOrRebuild();
  }

  /**
   * Makes the write's rows durable as the next record. If the journal cannot take it, the write is
   * undone (the open transaction rebuilt without it) and the ledger refuses writes until a restart:
   * after a failed fsync the kernel may report the next one clean with pages lost, so none is retried.
   */
  private append(rows: RedoRow[]): void {
    const record: RedoRecord = { id: this.lastId + 1, rows };
    try {
      this.journals[this.active].append(JSON.stringify(record));
    } catch (err) {
      this.rebuild();
      this.broken ??= new Error(`embedded ledger unusable until restart: the redo journal could not be written: ${String(err)}`);
      console.error(`jifen ${this.broken.message}`);
      throw err;
    }
    this.lastId = record.id;
    this.openRows += rows.length;
  }

  /** Commits the open transaction durably and closes the files (close; or a journal left for a setting of 0). */
  close(): void {
    if (!this.broken) this.foldDurably();
    for (const journal of this.journals) journal.close();
    if (this.walFd !== undefined) closeSync(this.walFd);
    this.walFd = undefined;
  }

  /**
   * Commits the open transaction with the mark of its last record and starts the next round in the
   * other journal. That journal holds the round before, whose fold must be on disk before it is written
   * over: the WAL is fsynced first (its background fsync after that fold has usually done the work).
   */
  private fold(): void {
    if (!this.db.inTransaction) return;
    this.syncWal();
    this.commitWithMark();
    this.active = 1 - this.active;
    this.journals[this.active].clear();
    this.syncWalInBackground();
  }

  /** A fold that is on disk when it returns, after which neither journal holds anything needed. */
  private foldDurably(): void {
    if (this.db.inTransaction) this.commitWithMark();
    this.syncWal();
    for (const journal of this.journals) journal.clear();
    this.active = 0;
  }

  /** Commits the open transaction together with the id of its last record (the applied mark). */
  private commitWithMark(): void {
    this.options.appliedMark.write(this.lastId);
    this.db.exec('COMMIT');
    this.openRows = 0;
  }

  /**
   * A fold that fails leaves every acknowledged batch in the journals: the transaction goes on if
   * SQLite kept it open, else it is rebuilt from them. The batch that triggered it is acknowledged.
   */
  private foldOrRebuild(): void {
    try {
      this.fold();
    } catch (err) {
      console.error('jifen embedded ledger: commit of the open transaction failed; the redo journals keep its batches:', err);
      if (this.walSyncError)
        this.broken = new Error(`embedded ledger unusable until restart: the WAL could not be fsynced: ${String(err)}`);
      else if (!this.db.inTransaction) this.rebuild();
    }
  }

  /** Drops the open transaction and writes the journals' records again: the acknowledged batches, no more. */
  private rebuild(): void {
    try {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      this.openRows = 0;
      this.replayJournals();
    } catch (err) {
      this.broken = new Error(`embedded ledger unusable until restart: rebuilding from the redo journal failed: ${String(err)}`);
      console.error(`jifen ${this.broken.message}`);
    }
  }

  /**
   * Writes the records past the applied mark, from both journals in id order, into a (new) open
   * transaction; appends then go on in the journal that holds the newest. A missing id means a record
   * that was acknowledged is gone: refused, rather than a ledger silently short of it.
   */
  private replayJournals(): void {
    let last = this.options.appliedMark.read();
    const records = this.journals.flatMap((journal, at) =>
      journal.records().map((payload) => ({ record: JSON.parse(payload) as RedoRecord, at })),
    );
    records.sort((x, y) => x.record.id - y.record.id);
    for (const { record, at } of records) {
      if (record.id <= last) continue;
      if (record.id !== last + 1) throw new Error(`redo journal: record ${last + 1} is missing (the next found is ${record.id})`);
      if (!this.db.inTransaction) this.db.exec('BEGIN');
      for (const row of record.rows) this.options.replay(row);
      this.openRows += record.rows.length;
      last = record.id;
      this.active = at;
    }
    this.lastId = last;
  }

  private syncWal(): void {
    if (!this.options.sync) return;
    if (this.walSyncError) throw this.walSyncError;
    const fd = this.walFile();
    if (fd === undefined) return;
    try {
      fdatasyncSync(fd);
    } catch (err) {
      // After a failed fsync the kernel may report the next one clean with the pages lost: never retried.
      this.walSyncError = err as Error;
      throw err;
    }
  }

  private syncWalInBackground(): void {
    const fd = this.options.sync ? this.walFile() : undefined;
    if (fd === undefined) return;
    fdatasync(fd, (err) => {
      if (err && this.walFd === fd) this.walSyncError = err;
    });
  }

  /** Our own descriptor of SQLite's WAL (an fsync covers the file, whoever wrote it); none before it exists. */
  private walFile(): number | undefined {
    if (this.walFd === undefined && existsSync(`${this.options.ledgerFile}-wal`))
      this.walFd = openSync(`${this.options.ledgerFile}-wal`, 'r');
    return this.walFd;
  }
}

/** Commits what journals left by an earlier run hold (with folding now off) and removes them. */
export function foldLeftJournals(db: Database.Database, options: Omit<FoldOptions, 'foldRows'>): void {
  const files = journalFiles(options.ledgerFile);
  if (!files.some((file) => RedoJournal.existsAt(file))) return;
  new RedoFold(db, { ...options, foldRows: 0 }).close();
  for (const file of files) RedoJournal.remove(file);
}
