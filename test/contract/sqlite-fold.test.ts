// The embedded ledger's group commit in two steps (redo journals + a transaction open over many
// batches): what a writer acknowledged survives kill -9 before any fold, a torn journal tail is not
// replayed, a refused batch leaves nothing, a fold leaves the ledger file holding everything alone, a
// fold lost with the disk's cache (committed without an fsync of its own) comes back from the journal
// of the round before, and a record missing from the journals stops the shard from opening.

import { spawn } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { journalFiles } from '../../src/ledger/embedded/redo-fold.js';
import { RedoJournal } from '../../src/ledger/embedded/redo-journal.js';
import { type Durability, SqliteLedgerStore } from '../../src/ledger/embedded/sqlite-store.js';
import { foldEntry } from './sqlite-fold-entry.js';

const root = mkdtempSync(join(tmpdir(), 'jifen-sqlite-fold-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const writer = new URL('./sqlite-fold-writer.ts', import.meta.url).pathname;
let cases = 0;

/** Runs the writer to "done", then kills it with -9 (no close, no fold); resolves with its lines. */
function writeAndKill(file: string, batches: number, foldRows: number, durability: Durability, refuse = 0): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', writer, file, String(batches), String(foldRows), durability, String(refuse)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('done\n')) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', () => resolve(out.trim().split('\n')));
  });
}

function newFile(): string {
  const dir = join(root, `case-${++cases}`);
  mkdirSync(dir, { recursive: true });
  return join(dir, 'shard-0000.db');
}

/** The ledger file as it is on disk, without its redo journal, opened on its own (a commit per batch). */
async function ledgerFileAlone(file: string): Promise<SqliteLedgerStore> {
  const copy = join(root, `alone-${++cases}`, 'shard-0000.db');
  mkdirSync(join(copy, '..'), { recursive: true });
  for (const suffix of ['', '-wal']) if (existsSync(file + suffix)) copyFileSync(file + suffix, copy + suffix);
  return new SqliteLedgerStore({ file: copy, durability: 'os', foldRows: 0 });
}

/** Which of batches 1..n the store holds whole: entry, idempotency key, order and outbox record. */
async function batchesHeld(store: SqliteLedgerStore, n: number): Promise<number[]> {
  const held: number[] = [];
  const outbox = new Set((await store.readOutbox(0, 10_000)).map((r) => r.id));
  for (let i = 1; i <= n; i++) {
    const e = foldEntry(i);
    const [history] = await store.loadMembers([e]);
    const [byKey] = await store.findByIdempotencyKeys([{ ...e, idempotencyKey: e.idempotencyKey }]);
    const [order] = await store.getOrders([{ ...e, orderId: e.orderId }]);
    const parts = [history.entries.length === 1 && history.entries[0].seq === 1, byKey?.seq === 1, order?.points === 10, outbox.has(i)];
    if (parts.every(Boolean)) held.push(i);
    else expect(parts.some(Boolean), `batch ${i} held in part: ${parts}`).toBe(false);
  }
  return held;
}

/** The ids of the records the journals beside `file` hold now (the store closed): [journal a, journal b]. */
function journalIds(file: string): number[][] {
  return journalFiles(file).map((path) => recordsIn(path).map((payload) => (JSON.parse(payload) as { id: number }).id));
}

function recordsIn(path: string): string[] {
  const journal = RedoJournal.open(path, false);
  try {
    return journal.records();
  } finally {
    journal.close();
  }
}

/** Writes `bytes` right after journal a's last whole record, as a crash mid-append leaves them. */
function tearAfterRecords(file: string, bytes: number[]): void {
  const [a] = journalFiles(file);
  const end = recordsIn(a).reduce((at, payload) => at + 8 + Buffer.byteLength(payload), 0);
  const fd = openSync(a, 'r+');
  writeSync(fd, Buffer.from(bytes), 0, bytes.length, end);
  closeSync(fd);
}

const upTo = (n: number, except: number[] = []) => Array.from({ length: n }, (_, i) => i + 1).filter((i) => !except.includes(i));

describe('SqliteLedgerStore redo journal (JIFEN_SQLITE_FOLD_ROWS)', () => {
  it.each(['fsync', 'os'] as Durability[])(
    'durability %s: every batch acknowledged before a kill -9 is there after reopen, though no fold wrote it to the ledger file',
    async (durability) => {
      const file = newFile();
      const lines = await writeAndKill(file, 40, 1_000_000, durability);
      expect(lines.filter((l) => l.startsWith('acked'))).toHaveLength(40);
      const alone = await ledgerFileAlone(file);
      expect(await batchesHeld(alone, 40)).toEqual([]);
      await alone.close();
      const store = new SqliteLedgerStore({ file, durability });
      expect(await batchesHeld(store, 40)).toEqual(upTo(40));
      expect(await store.outboxPosition()).toEqual({ lastId: 40, publishedId: 0 });
      await store.close();
      // Replayed and folded at open: the ledger file alone now holds them, the journal is empty.
      expect(journalIds(file)).toEqual([[], []]);
      const folded = await ledgerFileAlone(file);
      expect(await batchesHeld(folded, 40)).toEqual(upTo(40));
      await folded.close();
    },
  );

  it('a refused batch in the open transaction leaves nothing and takes none of the acknowledged ones with it', async () => {
    const file = newFile();
    const lines = await writeAndKill(file, 12, 1_000_000, 'fsync', 7);
    expect(lines.find((l) => l.startsWith('refused'))).toMatch(/^refused 7: .*UNIQUE/);
    const store = new SqliteLedgerStore({ file, durability: 'fsync' });
    expect(await batchesHeld(store, 12)).toEqual(upTo(12, [7]));
    // Batch 7 reused batch 1's key under seq 2: that key still names seq 1, and no seq 2 exists.
    expect(await store.listEntries(foldEntry(1), 0, 10)).toHaveLength(1);
    await store.close();
  });

  it('a record torn by a crash mid-append is not replayed; what came before is, and writing goes on after it', async () => {
    const file = newFile();
    await writeAndKill(file, 10, 1_000_000, 'fsync');
    expect(journalIds(file)).toEqual([upTo(10), []]);
    // A frame header announcing 200 bytes, followed by 5: an append the crash cut short.
    tearAfterRecords(file, [200, 0, 0, 0, 1, 2, 3, 4, 123, 34, 105, 100, 34]);
    const store = new SqliteLedgerStore({ file, durability: 'fsync' });
    expect(await batchesHeld(store, 10)).toEqual(upTo(10));
    await store.close();
    await writeAndKill(file, 12, 1_000_000, 'fsync');
    const again = new SqliteLedgerStore({ file, durability: 'fsync' });
    expect(await batchesHeld(again, 12)).toEqual(upTo(12));
    await again.close();
  });

  it('every foldRows rows the ledger file alone holds what was acknowledged; the journals keep the last two rounds', async () => {
    const file = newFile();
    // Each batch writes 4 rows (entry, key, order, outbox): a fold of 20 rows commits every 5 batches,
    // so folds after batches 5, 10, 15, 20, the rounds alternating between the journals.
    await writeAndKill(file, 23, 20, 'fsync');
    expect(journalIds(file)).toEqual([
      [21, 22, 23],
      [16, 17, 18, 19, 20],
    ]);
    expect(await heldAloneThenReopened(file, 23)).toEqual({ alone: upTo(20), reopened: upTo(23) });
  });

  it('a journal left by a crash is replayed and removed when folding is then switched off (0)', async () => {
    const file = newFile();
    await writeAndKill(file, 15, 1_000_000, 'os');
    const store = new SqliteLedgerStore({ file, durability: 'os', foldRows: 0 });
    expect(await batchesHeld(store, 15)).toEqual(upTo(15));
    expect(journalFiles(file).filter((path) => existsSync(path))).toEqual([]);
    await store.close();
  });

  it("a fold the disk lost (committed without its own fsync, power cut before the WAL's) comes back from the round before's journal", async () => {
    const file = newFile();
    await writeAndKill(file, 23, 20, 'fsync');
    // The ledger file as if the fold after batch 20 never reached the disk: rows of 16..20 gone, mark at 15.
    loseFoldsAfter(file, 15, 20);
    expect(await heldAloneThenReopened(file, 23)).toEqual({ alone: upTo(15), reopened: upTo(23) });
  });

  it('a record missing from the journals stops the shard from opening, naming it', async () => {
    const file = newFile();
    await writeAndKill(file, 23, 20, 'fsync');
    // Two folds lost: 11..15 are in no journal any more (their round's journal was reused).
    loseFoldsAfter(file, 10, 20);
    expect(() => new SqliteLedgerStore({ file, durability: 'fsync', foldRows: 20 })).toThrow(/record 11 is missing/);
  });
});

/** Which of batches 1..n the ledger file holds on its own, then the store reopened on it (fold rows 20). */
async function heldAloneThenReopened(file: string, n: number): Promise<{ alone: number[]; reopened: number[] }> {
  const aloneStore = await ledgerFileAlone(file);
  const alone = await batchesHeld(aloneStore, n);
  await aloneStore.close();
  const store = new SqliteLedgerStore({ file, durability: 'fsync', foldRows: 20 });
  const reopened = await batchesHeld(store, n);
  await store.close();
  return { alone, reopened };
}

/** Rewinds the ledger file to the fold that held records ..mark: batches mark+1..last leave it (their rows, outbox records). */
function loseFoldsAfter(file: string, mark: number, last: number): void {
  const db = new Database(file);
  try {
    db.transaction(() => {
      for (let n = mark + 1; n <= last; n++) {
        db.prepare('DELETE FROM ledger WHERE tenant_id = ? AND member_id = ?').run('acme', `m-${n}`);
        db.prepare('DELETE FROM outbox WHERE id = ?').run(n);
      }
      db.prepare("UPDATE meta SET value = ? WHERE key = 'redo_applied'").run(mark);
    })();
  } finally {
    db.close();
  }
}
