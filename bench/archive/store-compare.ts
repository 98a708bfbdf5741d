/**
 * Embedded-store comparison for the points-ledger write pattern: SQLite (WAL, better-sqlite3) vs LMDB (lmdb-js).
 *
 *   npm install --no-save lmdb@3.5.6 && npx tsx bench/archive/store-compare.ts   (archived: lmdb is no longer a dependency)
 *
 * Optional env: STORECMP_SECONDS (per run, default 2), STORECMP_REPS (default 3),
 * STORECMP_SEED_MEMBERS (default 100000), STORECMP_SKIP_CRASH=1, STORECMP_ONLY=<regex on config id>.
 *
 * Per "earn" command, inside one durable transaction per batch (group commit):
 *   1. point lookup of the idempotency key (tenant, member, key)   -> must miss
 *   2. point lookup of the order (tenant, member, order_id)        -> must miss
 *   3. insert ledger entry (tenant, member, seq) -> {type, points, balance_after, idem, order, reason, ts, hash}
 *   4. insert idempotency key -> seq (SQLite: UNIQUE index on entries; LMDB: separate sub-db)
 *   5. insert order row (tenant, member, order_id) -> {amount_minor, points, refunded_minor, reversed_points}
 * "rows/s" for writes counts 3 key/value writes per command (entry, idempotency key, order).
 *
 * Every run starts from a fresh, fsynced copy of a seed store (SEED_MEMBERS members x 5 entries), so runs are
 * independent of each other. Repetitions are the outer loop; before each run the script `sync`s and waits (bounded)
 * for the shared machine to be quiet, and records the CPU used by everything else during the run (oth%).
 * Also: a 2-files-x-2-worker_threads shard run, the activation read (range scan of one member's entries) and a
 * kill -9 check per durability mode (acked batches must survive, batches must be atomic).
 * Data lives under /tmp/storecmp-XXXXXX (mkdtemp) and is deleted at the end. Results: bench/results/store-compare-<date>.json
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { open, type RootDatabase } from 'lmdb';

// ---------------------------------------------------------------------------------------------------------------
// parameters

const TENANT = 't1';
const MEMBERS = 1_000_000;
const SEED_MEMBERS = Number(process.env.STORECMP_SEED_MEMBERS ?? 100_000);
const SEED_ENTRIES_PER_MEMBER = 5;
const SEED_POINTS = 10;
const SECONDS = Number(process.env.STORECMP_SECONDS ?? 2);
const REPS = Number(process.env.STORECMP_REPS ?? 3);
const BATCHES = [1, 100, 1000];
const SQLITE_CACHE_KIB = 65536; // PRAGMA cache_size = -65536 (64 MiB)
const DATE = '2026-11-23';
const THIS_FILE = fileURLToPath(import.meta.url);
const RESULTS_FILE = path.join(path.dirname(THIS_FILE), '..', 'results', `store-compare-${DATE}.json`);
const WRITES_PER_CMD = 3;
const EARN = 1;

// ---------------------------------------------------------------------------------------------------------------
// workload helpers (shared by all engines)

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LN_MEMBERS = Math.log(MEMBERS + 1);
/** Zipf-ish (s≈1) rank in [0, MEMBERS): P(k) ∝ ln((k+2)/(k+1)) ≈ 1/(k+1). */
function zipfRank(r: () => number): number {
  const k = Math.floor(Math.exp(r() * LN_MEMBERS)) - 1;
  return k >= MEMBERS ? MEMBERS - 1 : k;
}
/** rank -> member id; an affine bijection on [0, 1e6) so hot members are scattered over the key space. */
function memberOfRank(rank: number): number {
  return (rank * 435761 + 12345) % MEMBERS;
}

interface MemberState {
  seq: Int32Array;
  balance: Float64Array;
}
function seedState(): MemberState {
  const st: MemberState = { seq: new Int32Array(MEMBERS), balance: new Float64Array(MEMBERS) };
  for (let rank = 0; rank < SEED_MEMBERS; rank++) {
    const id = memberOfRank(rank);
    st.seq[id] = SEED_ENTRIES_PER_MEMBER;
    st.balance[id] = SEED_ENTRIES_PER_MEMBER * SEED_POINTS;
  }
  return st;
}
function cloneState(s: MemberState): MemberState {
  return { seq: s.seq.slice(), balance: s.balance.slice() };
}

interface Cmd {
  member: string;
  seq: number;
  points: number;
  balanceAfter: number;
  idem: string;
  orderId: string;
  amount: number;
  hash: Buffer;
}

const HASH_POOL = randomBytes(1 << 20);

class CmdGen {
  private n = 0;
  private readonly r: () => number;
  constructor(
    private readonly st: MemberState,
    private readonly tag: string,
    seed: number,
    private readonly shardIdx = 0,
    private readonly shardCount = 1,
  ) {
    this.r = mulberry32(seed);
  }
  next(): Cmd {
    let id: number;
    do id = memberOfRank(zipfRank(this.r));
    while (this.shardCount > 1 && id % this.shardCount !== this.shardIdx);
    const n = this.n++;
    const amount = 100 + Math.floor(this.r() * 99_900);
    const points = Math.floor(amount / 100);
    const seq = ++this.st.seq[id];
    this.st.balance[id] += points;
    const balanceAfter = this.st.balance[id];
    const off = (n * 16) % (HASH_POOL.length - 16);
    return {
      member: `m${id}`,
      seq,
      points,
      balanceAfter,
      idem: `idem-${this.tag}-${n}`,
      orderId: `ord-${this.tag}-${n}`,
      amount,
      hash: HASH_POOL.subarray(off, off + 16),
    };
  }
  batch(size: number): Cmd[] {
    const out = new Array<Cmd>(size);
    for (let i = 0; i < size; i++) out[i] = this.next();
    return out;
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
function pct(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

class LatRec {
  private buf = new Float64Array(1 << 16);
  private len = 0;
  push(ms: number): void {
    if (this.len === this.buf.length) {
      const b = new Float64Array(this.buf.length * 2);
      b.set(this.buf);
      this.buf = b;
    }
    this.buf[this.len++] = ms;
  }
  summary(): { p50: number; p99: number } {
    const s = this.buf.slice(0, this.len).sort();
    return { p50: pct(s, 0.5), p99: pct(s, 0.99) };
  }
}

interface RunResult {
  commands: number;
  batches: number;
  elapsedMs: number;
  cmdPerSec: number;
  rowsPerSec: number;
  batchP50Ms: number;
  batchP99Ms: number;
  /** process CPU (user+sys, all threads) / wall time; 100 = one core busy. The machine has os.cpus().length cores. */
  cpuPct: number;
  /** CPU used by other processes + kernel threads during the run (incl. setup/verify), 100 = one core. */
  otherCpuPct?: number;
}
function runResult(
  commands: number,
  batches: number,
  elapsedMs: number,
  lat: LatRec,
  rowsPerCmd: number,
  cpuPct: number,
): RunResult {
  const { p50, p99 } = lat.summary();
  const cmdPerSec = (commands * 1000) / elapsedMs;
  return {
    commands,
    batches,
    elapsedMs: round(elapsedMs, 1),
    cmdPerSec: Math.round(cmdPerSec),
    rowsPerSec: Math.round(cmdPerSec * rowsPerCmd),
    batchP50Ms: round(p50, 3),
    batchP99Ms: round(p99, 3),
    cpuPct: Math.round(cpuPct),
  };
}
function round(x: number, d: number): number {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}

/** CPU busy time (ms) of all cores, from os.cpus() (user+nice+sys+irq). */
function sysBusyMs(): number {
  return os.cpus().reduce((a, c) => a + c.times.user + c.times.nice + c.times.sys + c.times.irq, 0);
}
/** Measures CPU used by everything except this process (other processes, kernel I/O threads), 100 = one core. */
function otherCpu(): () => number {
  const b0 = sysBusyMs();
  const p0 = process.cpuUsage();
  const t0 = performance.now();
  return () => {
    const p = process.cpuUsage(p0);
    const other = sysBusyMs() - b0 - (p.user + p.system) / 1000;
    return Math.max(0, (other / (performance.now() - t0)) * 100);
  };
}
let quietWaitLeftMs = 45_000;
/** The machine is shared: before each run wait (bounded: 8 s per run, 45 s per script) for other load < 15% of a core. */
async function waitQuiet(): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    const m = otherCpu();
    await new Promise((r) => setTimeout(r, 250));
    const waited = performance.now() - t0;
    if (m() < 15 || waited > 8000 || quietWaitLeftMs - waited <= 0) {
      quietWaitLeftMs -= waited;
      return waited;
    }
  }
}

function fsyncPath(p: string): void {
  const fd = fs.openSync(p, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// SQLite

type SqliteSync = 'FULL' | 'NORMAL' | 'OFF';

const SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS entries (
  tenant        TEXT    NOT NULL,
  member        TEXT    NOT NULL,
  seq           INTEGER NOT NULL,
  type          INTEGER NOT NULL,
  points        INTEGER NOT NULL,
  balance_after INTEGER NOT NULL,
  idem_key      TEXT    NOT NULL,
  order_id      TEXT,
  reason        TEXT,
  created_at    INTEGER NOT NULL,
  payload_hash  BLOB,
  PRIMARY KEY (tenant, member, seq)
) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS entries_idem ON entries (tenant, member, idem_key);
CREATE TABLE IF NOT EXISTS orders (
  tenant          TEXT    NOT NULL,
  member          TEXT    NOT NULL,
  order_id        TEXT    NOT NULL,
  amount_minor    INTEGER NOT NULL,
  points          INTEGER NOT NULL,
  refunded_minor  INTEGER NOT NULL,
  reversed_points INTEGER NOT NULL,
  PRIMARY KEY (tenant, member, order_id)
) WITHOUT ROWID;
`;

function openSqlite(file: string, sync: SqliteSync, walAutocheckpoint?: number): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${sync}`);
  db.pragma(`cache_size = -${SQLITE_CACHE_KIB}`);
  db.pragma('temp_store = MEMORY');
  if (walAutocheckpoint) db.pragma(`wal_autocheckpoint = ${walAutocheckpoint}`); // default 1000 pages (~4 MiB)
  db.exec(SQLITE_SCHEMA);
  return db;
}

/** Returns a function that applies one batch of earn commands in one transaction (durable per `synchronous`). */
function sqliteWriter(db: Database.Database): (cmds: Cmd[]) => void {
  const selIdem = db.prepare('SELECT seq FROM entries WHERE tenant = ? AND member = ? AND idem_key = ?').pluck();
  const selOrder = db.prepare('SELECT 1 FROM orders WHERE tenant = ? AND member = ? AND order_id = ?').pluck();
  const insEntry = db.prepare(
    `INSERT INTO entries (tenant, member, seq, type, points, balance_after, idem_key, order_id, reason, created_at, payload_hash)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insOrder = db.prepare(
    `INSERT INTO orders (tenant, member, order_id, amount_minor, points, refunded_minor, reversed_points)
     VALUES (?, ?, ?, ?, ?, 0, 0)`,
  );
  const txn = db.transaction((cmds: Cmd[]) => {
    const now = Date.now();
    for (const c of cmds) {
      if (selIdem.get(TENANT, c.member, c.idem) !== undefined) throw new Error(`idempotency hit ${c.idem}`);
      if (selOrder.get(TENANT, c.member, c.orderId) !== undefined) throw new Error(`order hit ${c.orderId}`);
      insEntry.run(TENANT, c.member, c.seq, EARN, c.points, c.balanceAfter, c.idem, c.orderId, 'purchase', now, c.hash);
      insOrder.run(TENANT, c.member, c.orderId, c.amount, c.points);
    }
  });
  return (cmds) => {
    txn(cmds);
  };
}

function sqliteSeed(file: string): void {
  const db = openSqlite(file, 'OFF');
  const insEntry = db.prepare(
    `INSERT INTO entries (tenant, member, seq, type, points, balance_after, idem_key, order_id, reason, created_at, payload_hash)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insOrder = db.prepare(
    `INSERT INTO orders (tenant, member, order_id, amount_minor, points, refunded_minor, reversed_points)
     VALUES (?, ?, ?, ?, ?, 0, 0)`,
  );
  const now = Date.now();
  db.transaction(() => {
    for (let rank = 0; rank < SEED_MEMBERS; rank++) {
      const id = memberOfRank(rank);
      const m = `m${id}`;
      for (let s = 1; s <= SEED_ENTRIES_PER_MEMBER; s++) {
        const o = `ord-seed-${id}-${s}`;
        insEntry.run(TENANT, m, s, EARN, SEED_POINTS, s * SEED_POINTS, `idem-seed-${id}-${s}`, o, 'purchase', now, HASH_POOL.subarray(s, s + 16));
        insOrder.run(TENANT, m, o, SEED_POINTS * 100, SEED_POINTS);
      }
    }
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

function sqliteCount(file: string): number {
  const db = new Database(file, { readonly: true });
  const n = db.prepare('SELECT count(*) FROM entries').pluck().get() as number;
  db.close();
  return n;
}

// ---------------------------------------------------------------------------------------------------------------
// LMDB

type LmdbMode = 'sync' | 'async' | 'nosync';
interface Lmdb {
  root: RootDatabase;
  entries: ReturnType<RootDatabase['openDB']>;
  idem: ReturnType<RootDatabase['openDB']>;
  orders: ReturnType<RootDatabase['openDB']>;
}

function openLmdb(dir: string, mode: LmdbMode | 'seed' | 'readonly'): Lmdb {
  // 'sync'  : default env (overlappingSync on, Linux default) + transactionSync -> fsync'd commit before return
  // 'async' : default env + async db.transaction() + await db.flushed (commit on lmdb's write thread, fsync overlapped)
  // 'nosync': noSync env + transactionSync -> no fsync at all
  const root = open({
    path: dir,
    maxDbs: 8,
    noSync: mode === 'nosync' || mode === 'seed',
    readOnly: mode === 'readonly',
  });
  return {
    root,
    entries: root.openDB({ name: 'entries' }),
    idem: root.openDB({ name: 'idem' }),
    orders: root.openDB({ name: 'orders' }),
  };
}

function lmdbApply(l: Lmdb, cmds: Cmd[]): void {
  const now = Date.now();
  for (const c of cmds) {
    if (l.idem.get([TENANT, c.member, c.idem]) !== undefined) throw new Error(`idempotency hit ${c.idem}`);
    if (l.orders.get([TENANT, c.member, c.orderId]) !== undefined) throw new Error(`order hit ${c.orderId}`);
    // values are msgpack arrays (no field names), comparable to SQLite's column storage
    l.entries.put([TENANT, c.member, c.seq], [EARN, c.points, c.balanceAfter, c.idem, c.orderId, 'purchase', now, c.hash]);
    l.idem.put([TENANT, c.member, c.idem], c.seq);
    l.orders.put([TENANT, c.member, c.orderId], [c.amount, c.points, 0, 0]);
  }
}

function lmdbWriter(l: Lmdb, mode: LmdbMode): (cmds: Cmd[]) => void | Promise<void> {
  if (mode === 'async') {
    return async (cmds) => {
      await l.root.transaction(() => lmdbApply(l, cmds));
      await l.root.flushed;
    };
  }
  return (cmds) => {
    l.root.transactionSync(() => lmdbApply(l, cmds));
  };
}

async function lmdbSeed(dir: string): Promise<void> {
  const l = openLmdb(dir, 'seed');
  const now = Date.now();
  // Small seeding transactions on purpose: a 10k-member (150k puts) seeding txn leaves one huge freed-page record
  // (316 MiB file for ~140 MiB of data) that LMDB then re-reads and rewrites on every later small commit (b1 fell
  // to ~45 commits/s even with noSync). 100 members per txn leaves a freelist like the one steady b1000 traffic makes.
  // (A compacted backup via root.backup(dir, true) would be cleaner but lmdb 3.5.6 then failed with MDB_BAD_TXN.)
  const CHUNK = 100;
  for (let start = 0; start < SEED_MEMBERS; start += CHUNK) {
    l.root.transactionSync(() => {
      for (let rank = start; rank < Math.min(SEED_MEMBERS, start + CHUNK); rank++) {
        const id = memberOfRank(rank);
        const m = `m${id}`;
        for (let s = 1; s <= SEED_ENTRIES_PER_MEMBER; s++) {
          const o = `ord-seed-${id}-${s}`;
          const idem = `idem-seed-${id}-${s}`;
          l.entries.put([TENANT, m, s], [EARN, SEED_POINTS, s * SEED_POINTS, idem, o, 'purchase', now, HASH_POOL.subarray(s, s + 16)]);
          l.idem.put([TENANT, m, idem], s);
          l.orders.put([TENANT, m, o], [SEED_POINTS * 100, SEED_POINTS, 0, 0]);
        }
      }
    });
  }
  await l.root.close();
}

async function lmdbCount(dir: string): Promise<number> {
  const l = openLmdb(dir, 'readonly');
  const n = (l.entries.getStats() as { entryCount: number }).entryCount;
  await l.root.close();
  return n;
}

// ---------------------------------------------------------------------------------------------------------------
// generic timed write loop

async function timedLoop(
  write: (cmds: Cmd[]) => void | Promise<void>,
  gen: CmdGen,
  batch: number,
  seconds: number,
): Promise<{ commands: number; batches: number; elapsedMs: number; lat: LatRec; cpuPct: number }> {
  const lat = new LatRec();
  const cpu0 = process.cpuUsage();
  const deadline = seconds * 1000;
  let commands = 0;
  let batches = 0;
  const t0 = performance.now();
  let now = t0;
  while (now - t0 < deadline) {
    const cmds = gen.batch(batch);
    const b0 = performance.now();
    const r = write(cmds);
    if (r) await r;
    now = performance.now();
    lat.push(now - b0);
    commands += batch;
    batches++;
  }
  const cpu = process.cpuUsage(cpu0);
  return { commands, batches, elapsedMs: now - t0, lat, cpuPct: ((cpu.user + cpu.system) / 1000 / (now - t0)) * 100 };
}

// ---------------------------------------------------------------------------------------------------------------
// worker (one SQLite file per shard)

interface ShardJob {
  file: string;
  batch: number;
  seconds: number;
  shardIdx: number;
  shardCount: number;
  tag: string;
}
interface ShardOut {
  commands: number;
  batches: number;
  elapsedMs: number;
  p50: number;
  p99: number;
}

async function workerMain(): Promise<void> {
  const job = workerData as ShardJob;
  const db = openSqlite(job.file, 'FULL');
  const write = sqliteWriter(db);
  const gen = new CmdGen(seedState(), job.tag, 1000 + job.shardIdx, job.shardIdx, job.shardCount);
  const port = parentPort;
  if (!port) throw new Error('no parentPort');
  port.once('message', async () => {
    const r = await timedLoop(write, gen, job.batch, job.seconds);
    db.close();
    const s = r.lat.summary();
    const out: ShardOut = { commands: r.commands, batches: r.batches, elapsedMs: r.elapsedMs, p50: s.p50, p99: s.p99 };
    port.postMessage(out);
  });
  port.postMessage('ready');
}

function startWorker(job: ShardJob): Worker {
  // tsx does not propagate to worker_threads on Node 20: register its ESM loader inside the worker first.
  const api = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); })`;
  return new Worker(code, { eval: true, workerData: job });
}

async function shardRun(files: string[], batch: number, seconds: number, tag: string): Promise<RunResult> {
  const workers = files.map((file, i) =>
    startWorker({ file, batch, seconds, shardIdx: i, shardCount: files.length, tag: `${tag}-s${i}` }),
  );
  const ready = workers.map(
    (w) =>
      new Promise<void>((res, rej) => {
        w.once('message', () => res());
        w.once('error', rej);
      }),
  );
  await Promise.all(ready);
  const done = workers.map(
    (w) =>
      new Promise<ShardOut>((res, rej) => {
        w.once('message', (m: ShardOut) => res(m));
        w.once('error', rej);
      }),
  );
  const cpu0 = process.cpuUsage();
  const w0 = performance.now();
  for (const w of workers) w.postMessage('go');
  const outs = await Promise.all(done);
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - w0;
  await Promise.all(workers.map((w) => w.terminate()));
  const commands = outs.reduce((a, o) => a + o.commands, 0);
  const elapsedMs = Math.max(...outs.map((o) => o.elapsedMs));
  const cmdPerSec = (commands * 1000) / elapsedMs;
  return {
    commands,
    batches: outs.reduce((a, o) => a + o.batches, 0),
    elapsedMs: round(elapsedMs, 1),
    cmdPerSec: Math.round(cmdPerSec),
    rowsPerSec: Math.round(cmdPerSec * WRITES_PER_CMD),
    batchP50Ms: round(median(outs.map((o) => o.p50)), 3),
    batchP99Ms: round(Math.max(...outs.map((o) => o.p99)), 3),
    cpuPct: Math.round((cpu.user + cpu.system) / 10 / wallMs),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// kill -9 child: writes batches of 100, prints the committed entry count after each durable commit

async function crashChild(engine: string, mode: string, target: string): Promise<void> {
  const st: MemberState = { seq: new Int32Array(MEMBERS), balance: new Float64Array(MEMBERS) }; // empty store
  const gen = new CmdGen(st, `crash${process.pid}`, 7);
  let write: (cmds: Cmd[]) => void | Promise<void>;
  if (engine === 'sqlite') write = sqliteWriter(openSqlite(target, mode as SqliteSync));
  else write = lmdbWriter(openLmdb(target, mode as LmdbMode), mode as LmdbMode);
  let committed = 0;
  for (;;) {
    const r = write(gen.batch(100));
    if (r) await r;
    committed += 100;
    fs.writeSync(1, `${committed}\n`);
  }
}

interface CrashResult {
  id: string;
  ackedEntries: number;
  foundEntries: number;
  ok: boolean;
  note: string;
}

async function crashTest(engine: 'sqlite' | 'lmdb', mode: string, dir: string): Promise<CrashResult> {
  const target = engine === 'sqlite' ? path.join(dir, `crash-${mode}.sqlite`) : path.join(dir, `crash-${mode}-lmdb`);
  const child = spawn(process.execPath, [...process.execArgv, THIS_FILE, '--crash-child', engine, mode, target], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let acked = 0;
  let buf = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d: string) => {
    buf += d;
    const lines = buf.split('\n');
    buf = lines.pop() ?? '';
    for (const l of lines) if (l) acked = Number(l);
  });
  const exited = new Promise<void>((res) => child.on('exit', () => res()));
  // wait until it is writing, then kill -9 at a random point
  const t0 = Date.now();
  while (acked < 2000 && Date.now() - t0 < 15_000) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 200 + Math.random() * 300));
  child.kill('SIGKILL');
  await exited;
  let found = -1;
  let note = '';
  if (engine === 'sqlite') {
    const db = new Database(target);
    note = `integrity_check=${db.pragma('integrity_check', { simple: true })}`;
    found = db.prepare('SELECT count(*) FROM entries').pluck().get() as number;
    db.close();
  } else {
    const l = openLmdb(target, 'nosync');
    let n = 0;
    for (const _ of l.entries.getRange({})) n++;
    found = n;
    note = `stats.entryCount=${(l.entries.getStats() as { entryCount: number }).entryCount}`;
    await l.root.close();
  }
  const id = `${engine}-${mode}`;
  return { id, ackedEntries: acked, foundEntries: found, ok: found >= acked && found % 100 === 0, note };
}

// ---------------------------------------------------------------------------------------------------------------
// main

interface ConfigResult {
  id: string;
  kind: 'write' | 'shard' | 'read';
  engine: string;
  mode: string;
  durableCommit: string;
  batch: number | null;
  runs: RunResult[];
  median: {
    cmdPerSec: number;
    rowsPerSec: number;
    batchP50Ms: number;
    batchP99Ms: number;
    cpuPct: number;
    otherCpuPct: number;
  };
}

function fdatasyncProbe(dir: string): { perSec: number; avgMs: number } {
  const f = path.join(dir, 'fsync-probe.bin');
  const fd = fs.openSync(f, 'w');
  const b = Buffer.alloc(4096, 1);
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 500) {
    fs.writeSync(fd, b, 0, b.length, (n % 64) * 4096);
    fs.fdatasyncSync(fd);
    n++;
  }
  const ms = performance.now() - t0;
  fs.closeSync(fd);
  fs.unlinkSync(f);
  return { perSec: Math.round((n * 1000) / ms), avgMs: round(ms / n, 4) };
}

function pkgVersion(name: string): string {
  const p = path.join(path.dirname(THIS_FILE), '..', 'node_modules', name, 'package.json');
  return (JSON.parse(fs.readFileSync(p, 'utf8')) as { version: string }).version;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

async function main(): Promise<void> {
  const tStart = performance.now();
  const work = fs.mkdtempSync('/tmp/storecmp-');
  const cleanup = () => fs.rmSync(work, { recursive: true, force: true });
  process.on('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  try {
    const cpus = os.cpus();
    const sqliteVersion = (() => {
      const d = new Database(':memory:');
      const v = d.prepare('select sqlite_version()').pluck().get() as string;
      d.close();
      return v;
    })();
    const machine = {
      cpuCount: cpus.length,
      cpuModel: cpus[0]?.model ?? 'unknown',
      cpuSpeedMHz: cpus[0]?.speed ?? 0,
      totalMemBytes: os.totalmem(),
      totalMemGiB: round(os.totalmem() / 2 ** 30, 1),
      platform: os.platform(),
      release: os.release(),
      arch: os.arch(),
      node: process.version,
      sqlite: sqliteVersion,
      betterSqlite3: pkgVersion('better-sqlite3'),
      lmdb: pkgVersion('lmdb'),
      loadavgAtStart: os.loadavg().map((x) => round(x, 2)),
      fdatasyncProbe: fdatasyncProbe(work),
    };
    console.log(
      `machine: ${machine.cpuCount}x ${machine.cpuModel}, ${machine.totalMemGiB} GiB, node ${machine.node}, sqlite ${machine.sqlite}, lmdb ${machine.lmdb}`,
    );
    console.log(`fdatasync probe on /tmp: ${machine.fdatasyncProbe.perSec}/s (${machine.fdatasyncProbe.avgMs} ms)`);

    // --- seeds
    const ts = performance.now();
    const sqliteSeedFile = path.join(work, 'seed.sqlite');
    const lmdbSeedDir = path.join(work, 'seed-lmdb');
    sqliteSeed(sqliteSeedFile);
    await lmdbSeed(lmdbSeedDir);
    // seeds are written without fsync: flush them now so kernel writeback does not land inside the first timed runs
    fsyncPath(sqliteSeedFile);
    for (const f of fs.readdirSync(lmdbSeedDir)) fsyncPath(path.join(lmdbSeedDir, f));
    const seedEntries = SEED_MEMBERS * SEED_ENTRIES_PER_MEMBER;
    const sizeOf = (p: string) =>
      fs.statSync(p).isDirectory()
        ? fs.readdirSync(p).reduce((a, f) => a + fs.statSync(path.join(p, f)).size, 0)
        : fs.statSync(p).size;
    const seedInfo = {
      members: SEED_MEMBERS,
      entries: seedEntries,
      sqliteBytes: sizeOf(sqliteSeedFile),
      lmdbBytes: sizeOf(lmdbSeedDir),
      seconds: round((performance.now() - ts) / 1000, 1),
    };
    console.log(
      `seed: ${fmt(seedEntries)} entries (${fmt(SEED_MEMBERS)} members x ${SEED_ENTRIES_PER_MEMBER}); sqlite ${(seedInfo.sqliteBytes / 2 ** 20).toFixed(0)} MiB, lmdb ${(seedInfo.lmdbBytes / 2 ** 20).toFixed(0)} MiB, ${seedInfo.seconds}s`,
    );
    if ((await lmdbCount(lmdbSeedDir)) !== seedEntries || sqliteCount(sqliteSeedFile) !== seedEntries)
      throw new Error('seed count mismatch');
    const baseState = seedState();

    let runNo = 0;
    const copySqlite = (dst: string) => {
      fs.copyFileSync(sqliteSeedFile, dst);
      fsyncPath(dst);
      fsyncPath(path.dirname(dst));
    };
    const copyLmdb = (dst: string) => {
      fs.mkdirSync(dst);
      for (const f of fs.readdirSync(lmdbSeedDir)) {
        if (f.startsWith('lock')) continue;
        fs.copyFileSync(path.join(lmdbSeedDir, f), path.join(dst, f));
        fsyncPath(path.join(dst, f));
      }
      fsyncPath(dst);
    };

    // --- configurations
    interface Cfg {
      id: string;
      kind: 'write' | 'shard' | 'read';
      engine: string;
      mode: string;
      durableCommit: string;
      batch: number | null;
      run: () => Promise<RunResult>;
    }
    const cfgs: Cfg[] = [];
    const sqliteModes: { mode: SqliteSync; durable: string; ckpt?: number; batches: number[] }[] = [
      { mode: 'FULL', durable: 'yes: WAL fsync on every commit', batches: BATCHES },
      {
        mode: 'NORMAL',
        durable: 'no: survives kill -9; power loss can drop last commits (fsync only at checkpoint)',
        batches: BATCHES,
      },
      // tuning variant: a b1000 commit writes ~3000 random pages (~12 MiB of WAL), so the default 1000-page
      // autocheckpoint runs after every commit; a 10000-page threshold lets hot pages be rewritten in the WAL first.
      { mode: 'FULL', durable: 'yes: WAL fsync on every commit', ckpt: 10_000, batches: [100, 1000] },
    ];
    for (const { mode, durable, ckpt, batches } of sqliteModes) {
      for (const batch of batches) {
        cfgs.push({
          id: `sqlite-wal-${mode.toLowerCase()}${ckpt ? `-ckpt${ckpt / 1000}k` : ''}-b${batch}`,
          kind: 'write',
          engine: 'sqlite-wal',
          mode: `synchronous=${mode}${ckpt ? `, wal_autocheckpoint=${ckpt}` : ''}`,
          durableCommit: durable,
          batch,
          run: async () => {
            const file = path.join(work, `run${++runNo}.sqlite`);
            copySqlite(file);
            const db = openSqlite(file, mode, ckpt);
            const gen = new CmdGen(cloneState(baseState), `r${runNo}`, runNo);
            const r = await timedLoop(sqliteWriter(db), gen, batch, SECONDS);
            db.close();
            const n = sqliteCount(file);
            if (n !== seedEntries + r.commands) throw new Error(`sqlite count ${n} != ${seedEntries + r.commands}`);
            for (const f of fs.readdirSync(work)) if (f.startsWith(`run${runNo}.sqlite`)) fs.rmSync(path.join(work, f));
            return runResult(r.commands, r.batches, r.elapsedMs, r.lat, WRITES_PER_CMD, r.cpuPct);
          },
        });
      }
    }
    const lmdbModes: { mode: LmdbMode; label: string; durable: string }[] = [
      { mode: 'sync', label: 'default env, transactionSync()', durable: 'yes: commit returns after fdatasync (data + meta)' },
      {
        mode: 'async',
        label: 'default env (overlappingSync), await transaction() + await flushed',
        durable: 'yes: awaited db.flushed per batch',
      },
      { mode: 'nosync', label: 'noSync env, transactionSync()', durable: 'no: never fsyncs; survives kill -9, OS crash can lose/corrupt' },
    ];
    for (const { mode, label, durable } of lmdbModes) {
      for (const batch of BATCHES) {
        cfgs.push({
          id: `lmdb-${mode}-b${batch}`,
          kind: 'write',
          engine: 'lmdb',
          mode: label,
          durableCommit: durable,
          batch,
          run: async () => {
            const dir = path.join(work, `run${++runNo}-lmdb`);
            copyLmdb(dir);
            const l = openLmdb(dir, mode);
            const gen = new CmdGen(cloneState(baseState), `r${runNo}`, runNo);
            const r = await timedLoop(lmdbWriter(l, mode), gen, batch, SECONDS);
            await l.root.close();
            const n = await lmdbCount(dir);
            if (n !== seedEntries + r.commands) throw new Error(`lmdb count ${n} != ${seedEntries + r.commands}`);
            fs.rmSync(dir, { recursive: true, force: true });
            return runResult(r.commands, r.batches, r.elapsedMs, r.lat, WRITES_PER_CMD, r.cpuPct);
          },
        });
      }
    }
    for (const shards of [1, 2]) {
      cfgs.push({
        id: `sqlite-wal-full-b1000-${shards}file${shards > 1 ? 's' : ''}-worker`,
        kind: 'shard',
        engine: 'sqlite-wal',
        mode: `synchronous=FULL, ${shards} file(s), ${shards} worker_thread(s), members split by id % ${shards}`,
        durableCommit: 'yes: WAL fsync on every commit',
        batch: 1000,
        run: async () => {
          const id = ++runNo;
          const files = Array.from({ length: shards }, (_, i) => path.join(work, `run${id}-shard${i}.sqlite`));
          for (const f of files) copySqlite(f);
          const r = await shardRun(files, 1000, SECONDS, `r${id}`);
          let n = 0;
          for (const f of files) n += sqliteCount(f);
          if (n !== shards * seedEntries + r.commands) throw new Error(`shard count ${n}`);
          for (const f of fs.readdirSync(work)) if (f.startsWith(`run${id}-`)) fs.rmSync(path.join(work, f));
          return r;
        },
      });
    }
    // read pattern at activation: all entries of a member with seq > N (N = 0 -> the member's 5 entries)
    const seededIds = Array.from({ length: SEED_MEMBERS }, (_, rank) => memberOfRank(rank));
    const readLoop = async (readMember: (m: string) => number): Promise<RunResult> => {
      const r = mulberry32(++runNo);
      const lat = new LatRec();
      const cpu0 = process.cpuUsage();
      let members = 0;
      let rows = 0;
      const t0 = performance.now();
      let now = t0;
      while (now - t0 < SECONDS * 1000) {
        // 1000 members per timing slice
        const b0 = now;
        for (let i = 0; i < 1000; i++) {
          const got = readMember(`m${seededIds[Math.floor(r() * SEED_MEMBERS)]}`);
          if (got !== SEED_ENTRIES_PER_MEMBER) throw new Error(`read ${got} rows`);
          rows += got;
        }
        members += 1000;
        now = performance.now();
        lat.push((now - b0) / 1000);
      }
      const cpu = process.cpuUsage(cpu0);
      return runResult(members, members / 1000, now - t0, lat, rows / members, ((cpu.user + cpu.system) / 10) / (now - t0));
    };
    cfgs.push({
      id: 'read-sqlite-range',
      kind: 'read',
      engine: 'sqlite-wal',
      mode: 'SELECT ... WHERE tenant=? AND member=? AND seq>? ORDER BY seq (PK range)',
      durableCommit: '-',
      batch: null,
      run: async () => {
        const db = new Database(sqliteSeedFile, { readonly: true });
        db.pragma(`cache_size = -${SQLITE_CACHE_KIB}`);
        const q = db.prepare(
          `SELECT seq, type, points, balance_after, idem_key, order_id, reason, created_at, payload_hash
           FROM entries WHERE tenant = ? AND member = ? AND seq > ? ORDER BY seq`,
        );
        const res = await readLoop((m) => q.all(TENANT, m, 0).length);
        db.close();
        return res;
      },
    });
    cfgs.push({
      id: 'read-lmdb-range',
      kind: 'read',
      engine: 'lmdb',
      mode: '[...entries.getRange({start:[t,m,N+1], end:[t,m,MAX]})] (key order = seq order)',
      durableCommit: '-',
      batch: null,
      run: async () => {
        const l = openLmdb(lmdbSeedDir, 'readonly');
        const res = await readLoop(
          (m) => [...l.entries.getRange({ start: [TENANT, m, 1], end: [TENANT, m, Number.MAX_SAFE_INTEGER] })].length,
        );
        await l.root.close();
        return res;
      },
    });

    const only = process.env.STORECMP_ONLY ? new RegExp(process.env.STORECMP_ONLY) : null;
    if (only) cfgs.splice(0, cfgs.length, ...cfgs.filter((c) => only.test(c.id)));

    // --- run: repetitions are the outer loop so background noise spreads over all configurations
    const runs = new Map<string, RunResult[]>(cfgs.map((c) => [c.id, []]));
    for (let rep = 1; rep <= REPS; rep++) {
      for (const c of cfgs) {
        execFileSync('sync'); // start every run with no dirty page cache left over from the previous one
        await waitQuiet();
        const other = otherCpu();
        const r = await c.run();
        r.otherCpuPct = Math.round(other());
        runs.get(c.id)?.push(r);
        console.log(
          `  rep ${rep} ${c.id.padEnd(40)} ${fmt(r.cmdPerSec).padStart(10)} ${c.kind === 'read' ? 'members' : 'cmd'}/s  p99 ${r.batchP99Ms} ms  cpu ${r.cpuPct}%  other ${r.otherCpuPct}%`,
        );
      }
    }

    const results: ConfigResult[] = cfgs.map((c) => {
      const rs = runs.get(c.id) ?? [];
      return {
        id: c.id,
        kind: c.kind,
        engine: c.engine,
        mode: c.mode,
        durableCommit: c.durableCommit,
        batch: c.batch,
        runs: rs,
        median: {
          cmdPerSec: Math.round(median(rs.map((r) => r.cmdPerSec))),
          rowsPerSec: Math.round(median(rs.map((r) => r.rowsPerSec))),
          batchP50Ms: round(median(rs.map((r) => r.batchP50Ms)), 3),
          batchP99Ms: round(median(rs.map((r) => r.batchP99Ms)), 3),
          cpuPct: Math.round(median(rs.map((r) => r.cpuPct))),
          otherCpuPct: Math.round(median(rs.map((r) => r.otherCpuPct ?? 0))),
        },
      };
    });

    // --- kill -9 check (process crash only; not a power-loss test)
    const crash: CrashResult[] = [];
    if (process.env.STORECMP_SKIP_CRASH !== '1') {
      for (const [engine, mode] of [
        ['sqlite', 'FULL'],
        ['sqlite', 'NORMAL'],
        ['lmdb', 'sync'],
        ['lmdb', 'async'],
        ['lmdb', 'nosync'],
      ] as const) {
        crash.push(await crashTest(engine, mode, work));
      }
    }

    // --- print
    const line = '-'.repeat(130);
    console.log(`\n${line}`);
    console.log(
      `${'config'.padEnd(42)}${'batch'.padStart(6)}${'median/s'.padStart(12)}${'rows/s'.padStart(12)}${'min..max /s'.padStart(22)}${'p50 ms'.padStart(10)}${'p99 ms'.padStart(10)}${'cpu%'.padStart(6)}${'oth%'.padStart(6)}`,
    );
    console.log(line);
    for (const r of results) {
      const xs = r.runs.map((x) => x.cmdPerSec);
      console.log(
        `${r.id.padEnd(42)}${String(r.batch ?? '-').padStart(6)}${fmt(r.median.cmdPerSec).padStart(12)}${fmt(r.median.rowsPerSec).padStart(12)}${`${fmt(Math.min(...xs))}..${fmt(Math.max(...xs))}`.padStart(22)}${r.median.batchP50Ms.toFixed(3).padStart(10)}${r.median.batchP99Ms.toFixed(3).padStart(10)}${String(r.median.cpuPct).padStart(6)}${String(r.median.otherCpuPct).padStart(6)}`,
      );
    }
    console.log(line);
    console.log(
      'write rows: cmd/s (rows/s = 3 writes per cmd); read rows: members/s (rows/s = entries read); p50/p99 = per batch (per member for reads)',
    );
    console.log('cpu% = this process (all threads), oth% = rest of the machine during the run; 100 = one core of 2');
    for (const c of crash) console.log(`kill -9 ${c.id}: acked ${c.ackedEntries}, found ${c.foundEntries}, ${c.ok ? 'OK' : 'LOST/BAD'} (${c.note})`);

    const totalSeconds = round((performance.now() - tStart) / 1000, 1);
    console.log(`total ${totalSeconds}s`);
    const out = {
      benchmark: 'store-compare',
      date: DATE,
      generatedAt: new Date().toISOString(),
      command: 'npx tsx bench/archive/store-compare.ts',
      machine,
      params: {
        tenant: TENANT,
        memberSpace: MEMBERS,
        memberDistribution: 'zipf-ish s≈1 over 1M ids (P(rank k) ∝ ln((k+2)/(k+1))), ranks scattered by affine permutation',
        seed: seedInfo,
        secondsPerRun: SECONDS,
        reps: REPS,
        batches: BATCHES,
        sqlitePragmas: { journal_mode: 'WAL', cache_size: `-${SQLITE_CACHE_KIB}`, wal_autocheckpoint: 'default (1000 pages)' },
        lmdbLayout: 'one env, sub-dbs entries/idem/orders, ordered-binary array keys, msgpack array values',
        rowsPerCommand: WRITES_PER_CMD,
        note: 'every write run starts from an fsynced copy of the seed; timings include command generation and checkpoints',
      },
      totalSeconds,
      results,
      killDash9: crash,
    };
    fs.mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
    fs.writeFileSync(RESULTS_FILE, `${JSON.stringify(out, null, 2)}\n`);
    console.log(`wrote ${path.relative(process.cwd(), RESULTS_FILE)}`);
  } finally {
    cleanup();
  }
}

if (!isMainThread) {
  await workerMain();
} else if (process.argv.includes('--crash-child')) {
  const i = process.argv.indexOf('--crash-child');
  await crashChild(process.argv[i + 1], process.argv[i + 2], process.argv[i + 3]);
} else {
  await main();
}
