// What one earn's rows cost the embedded ledger, row by row and by the entry's stored form (issue 14):
// the ledger's table, connection settings, statements and row forms, imported from the store's own
// module (src/ledger/embedded/ledger-table.ts), members drawn at random from 1M
// (every row lands in another member's page), a commit every 16,384 rows like the store's fold.
// Variants: the entry row alone; with the idempotency-key row; with the order row (the three rows of
// an earn); and the same three with the entry's detail written as an object (before entry-body.ts).
//
// Usage: npx tsx bench/row-cost.ts [--earns 150000] [--repeat 3]
//   Prints the median CPU µs (user + system) per earn of each variant.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { type LedgerEntry, type OrderRecord, emptyDetail } from '../src/actor/entries.js';
import { entryBodyOf, entryFieldsOf } from '../src/ledger/embedded/entry-body.js';
import {
  LEDGER_WRITES,
  entryKey,
  idempotencyRowKey,
  openLedgerConnection,
  orderBodyOf,
  orderRowKey,
} from '../src/ledger/embedded/ledger-table.js';
import { DEFAULT_FOLD_ROWS } from '../src/ledger/embedded/sqlite-store.js';

const { values } = parseArgs({ options: { earns: { type: 'string', default: '150000' }, repeat: { type: 'string', default: '3' } } });
const earns = Number(values.earns);
const repeat = Number(values.repeat);
if (!Number.isInteger(earns) || earns < 1 || !Number.isInteger(repeat) || repeat < 1)
  throw new Error('--earns and --repeat: positive integers');

function earnOf(i: number): LedgerEntry {
  return {
    tenantId: 't1',
    memberId: `m${(i * 7919) % 1_000_000}`,
    seq: i + 1,
    type: 'earn',
    points: 123,
    balanceAfter: 138_252,
    idempotencyKey: `k-${i}`,
    orderId: `o-${i}`,
    reason: '',
    operator: '',
    amountMinor: 12_345,
    createdAt: 1_796_625_487_499,
    expiresAt: 0,
    payloadHash: '49b6bd31f273de15',
    detail: {
      ...emptyDetail(0),
      breakdown: [{ ruleId: 'base', points: 123 }],
      dayKey: '2026-12-07',
      monthKey: '2026-12',
      metricMonth: '2026-12',
      metricDelta: 12_345,
    },
  };
}

/** The order an earn writes (no lot: the fixture's earns never expire). */
function orderOf(e: LedgerEntry): OrderRecord {
  return {
    tenantId: e.tenantId,
    memberId: e.memberId,
    orderId: e.orderId,
    amountMinor: e.amountMinor,
    points: e.points,
    refundedMinor: 0,
    reversedPoints: 0,
    metricMonth: '2026-12',
  };
}

/** The entry's body with its detail as an object, as the store wrote it before entry-body.ts. */
function objectBodyOf(e: LedgerEntry): string {
  return JSON.stringify([...entryFieldsOf(e), e.detail]);
}

interface Variant {
  name: string;
  idempotencyRow: boolean;
  orderRow: boolean;
  body: (e: LedgerEntry) => string;
}

const VARIANTS: Variant[] = [
  { name: 'entry row alone', idempotencyRow: false, orderRow: false, body: entryBodyOf },
  { name: 'entry + idempotency-key row', idempotencyRow: true, orderRow: false, body: entryBodyOf },
  { name: 'entry + key + order rows (an earn)', idempotencyRow: true, orderRow: true, body: entryBodyOf },
  { name: 'an earn, detail as an object', idempotencyRow: true, orderRow: true, body: objectBodyOf },
];

function run(variant: Variant): number {
  const dir = mkdtempSync(join(tmpdir(), 'jifen-row-cost-'));
  const db = new Database(join(dir, 'shard.db'));
  try {
    // As the store opens a shard's file with its defaults (fsync durability, folding, 64 MiB of page cache).
    openLedgerConnection(db, { fsync: true, folding: true, cacheMb: 64 });
    const insert = db.prepare(LEDGER_WRITES.insert);
    const insertEntry = db.prepare(LEDGER_WRITES.insertEntry);
    const upsert = db.prepare(LEDGER_WRITES.upsert);
    const entries = Array.from({ length: earns }, (_, i) => earnOf(i));
    const started = process.cpuUsage();
    let rows = 0;
    db.exec('BEGIN');
    for (const e of entries) {
      insertEntry.run(e.tenantId, e.memberId, entryKey(e.seq), e.seq, variant.body(e));
      rows++;
      if (variant.idempotencyRow) {
        insert.run(e.tenantId, e.memberId, idempotencyRowKey(e.idempotencyKey), e.seq, '');
        rows++;
      }
      if (variant.orderRow) {
        upsert.run(e.tenantId, e.memberId, orderRowKey(e.orderId), 0, orderBodyOf(orderOf(e)));
        rows++;
      }
      if (rows >= DEFAULT_FOLD_ROWS) {
        db.exec('COMMIT');
        db.exec('BEGIN');
        rows = 0;
      }
    }
    db.exec('COMMIT');
    const used = process.cpuUsage(started);
    return (used.user + used.system) / earns;
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = new Map<string, number[]>(VARIANTS.map((v) => [v.name, []]));
for (let r = 0; r < repeat; r++) for (const v of VARIANTS) results.get(v.name)?.push(run(v));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  `row-cost: ${earns.toLocaleString('en-US')} earns to random members of 1M, a commit every ${DEFAULT_FOLD_ROWS} rows, medians of ${repeat}`,
);
for (const [name, xs] of results)
  console.log(`${name.padEnd(40)} ${median(xs).toFixed(2)} µs per earn  (${xs.map((x) => x.toFixed(2)).join(' / ')})`);
