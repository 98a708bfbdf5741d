// One shard thread of bench/floor-server.ts: decide every call that arrived since the last group
// commit, append them to the log in one write, fdatasync, answer. Started through floor-shard-entry.cjs.
import { closeSync, fdatasyncSync, openSync, writeSync } from 'node:fs';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import {
  LAST_ROW,
  LEDGER_WRITES,
  entryKey,
  idempotencyRowKey,
  openLedgerConnection,
  orderBodyOf,
  orderRowKey,
} from '../src/ledger/embedded/ledger-table.js';
import { DEFAULT_FOLD_ROWS } from '../src/ledger/embedded/sqlite-store.js';

/** Per earn on the way in: tenant, member, idempotency key, order, amount (flat, one array per call and shard). */
export const IN_FIELDS = 5;
/** Per earn on the way back: points, balance, seq. */
export const OUT_FIELDS = 3;

export interface Task {
  id: number;
  items: (string | number)[];
}
export interface Answer {
  id: number;
  out: number[];
}
export interface ShardData {
  /** This file, for the CommonJS entry to require. */
  module: string;
  logFile: string;
  fsync: boolean;
  /**
   * Also write an earn's rows in SQLite as the embedded ledger does (ledger-table.ts: an open
   * transaction committed every DEFAULT_FOLD_ROWS rows, beside the log): 'sqlite' the entry, idempotency key
   * and order rows; 'sqlite-entry' the entry row only; both a member's snapshot row every SNAPSHOT_EVERY entries.
   */
  rows: 'none' | 'sqlite' | 'sqlite-entry';
}

/** A member's snapshot row every this many entries (the engine's default JIFEN_SNAPSHOT_EVERY). */
const SNAPSHOT_EVERY = 64;

if (!isMainThread && parentPort && (workerData as ShardData | undefined)?.logFile) runShard(workerData as ShardData);

function runShard(opts: ShardData): void {
  const port = parentPort as NonNullable<typeof parentPort>;
  const fd = openSync(opts.logFile, 'a');
  const members = new Map<string, { balance: number; seq: number }>();
  /** Each idempotency key's answer (points, balance, seq): a retry gets it again. */
  const answered = new Map<string, number[]>();
  const rows = opts.rows === 'none' ? undefined : sqliteRows(`${opts.logFile}.db`, opts.rows === 'sqlite-entry');
  let queue: Task[] = [];
  let scheduled = false;
  port.on('message', (task: Task) => {
    queue.push(task);
    if (!scheduled) {
      scheduled = true;
      setImmediate(commit);
    }
  });
  /** One group commit: every call that arrived since the last one, one write, one fdatasync, then the answers. */
  function commit(): void {
    scheduled = false;
    const tasks = queue;
    queue = [];
    let log = '';
    const answers: Answer[] = [];
    for (const { id, items } of tasks) {
      const out: number[] = [];
      for (let i = 0; i < items.length; i += IN_FIELDS) {
        const tenant = items[i] as string;
        const member = items[i + 1] as string;
        const key = `${tenant}\u0000${member}\u0000${items[i + 2]}`;
        const prior = answered.get(key);
        if (prior) {
          out.push(prior[0], prior[1], prior[2]);
          continue;
        }
        const mk = `${tenant}\u0000${member}`;
        let m = members.get(mk);
        if (!m) {
          rows?.activate(tenant, member);
          m = { balance: 0, seq: 0 };
          members.set(mk, m);
        }
        const points = Math.floor((items[i + 4] as number) / 100);
        m.balance += points;
        m.seq += 1;
        answered.set(key, [points, m.balance, m.seq]);
        out.push(points, m.balance, m.seq);
        log += `${tenant}\t${member}\t${m.seq}\t${items[i + 2]}\t${items[i + 3]}\t${items[i + 4]}\t${points}\t${m.balance}\n`;
        rows?.earn(tenant, member, m.seq, items[i + 2] as string, items[i + 3] as string, items[i + 4] as number, points, m.balance);
      }
      answers.push({ id, out });
    }
    rows?.endBatch();
    writeSync(fd, log);
    if (opts.fsync) fdatasyncSync(fd);
    for (const a of answers) port.postMessage(a);
  }
  process.on('exit', () => closeSync(fd));
}

interface Rows {
  /** A member not seen since start: the embedded ledger's probe for its rows (which misses on a fresh file). */
  activate(tenant: string, member: string): void;
  earn(tenant: string, member: string, seq: number, key: string, order: string, amountMinor: number, points: number, balance: number): void;
  /** After the group's earns: the snapshot rows due, and the transaction's commit every DEFAULT_FOLD_ROWS rows. */
  endBatch(): void;
}

/** The engine's rows of an earn in its embedded table: entry, idempotency key, order (and a snapshot every SNAPSHOT_EVERY). */
function sqliteRows(file: string, entryOnly: boolean): Rows {
  const db = new Database(file);
  openLedgerConnection(db, { fsync: true, folding: true, cacheMb: 64 });
  const insert = db.prepare(LEDGER_WRITES.insert);
  const insertEntry = db.prepare(LEDGER_WRITES.insertEntry);
  const upsert = db.prepare(LEDGER_WRITES.upsert);
  const lastRow = db.prepare(LAST_ROW);
  const upsertSnapshot = db.prepare(LEDGER_WRITES.upsertSnapshot);
  const touched = new Map<string, [tenant: string, member: string, seq: number, balance: number]>();
  /** Each member's seq at its last snapshot row. */
  const snapshotAt = new Map<string, number>();
  let written = 0;
  db.exec('BEGIN');
  return {
    activate(tenant: string, member: string): void {
      lastRow.get(tenant, member);
    },
    earn(
      tenant: string,
      member: string,
      seq: number,
      key: string,
      order: string,
      amountMinor: number,
      points: number,
      balance: number,
    ): void {
      insertEntry.run(tenant, member, entryKey(seq), seq, JSON.stringify(['earn', points, balance, key, order, Date.now()]));
      touched.set(`${tenant}\u0000${member}`, [tenant, member, seq, balance]);
      written += 1;
      if (entryOnly) return;
      insert.run(tenant, member, idempotencyRowKey(key), seq, '');
      upsert.run(
        tenant,
        member,
        orderRowKey(order),
        0,
        orderBodyOf({ tenantId: tenant, memberId: member, orderId: order, amountMinor, points, refundedMinor: 0, reversedPoints: 0 }),
      );
      written += 2;
    },
    endBatch(): void {
      for (const [key, [tenant, member, seq, balance]] of touched) {
        // As the engine (JIFEN_SNAPSHOT_EVERY, default 64): a snapshot once a member is that many entries past its last.
        if (seq - (snapshotAt.get(key) ?? 0) < SNAPSHOT_EVERY) continue;
        upsertSnapshot.run(tenant, member, seq, JSON.stringify({ balance, seq }));
        snapshotAt.set(key, seq);
        written++;
      }
      touched.clear();
      if (written >= DEFAULT_FOLD_ROWS) {
        db.exec('COMMIT');
        db.exec('BEGIN');
        written = 0;
      }
    },
  };
}
