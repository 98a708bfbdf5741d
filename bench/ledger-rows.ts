// What the embedded ledger's rows cost per earn by transaction size, and what one journal append per
// group commit costs instead (issue 14: is a log-structured ledger worth building?). The store is
// today's SqliteLedgerStore (entry, idempotency-key and order rows per earn); members are drawn from a
// Zipf over 1M like the bench's load. The journal variant writes each group commit's rows as one JSON
// row of a table of its own (fsync per append), which is what the ack path would cost if member rows
// were applied later in larger transactions.
//
// Usage: npx tsx bench/ledger-rows.ts [--sizes 200,1000,5000,20000] [--total 200000] [--durability fsync|os]
//   Prints CPU µs per earn (user + system, and system alone) for each transaction size, then the
//   journal append at 200 and 1,000 earns per append.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import type { LedgerEntry, OrderRecord } from '../src/actor/entries.js';
import { type Durability, SqliteLedgerStore } from '../src/ledger/embedded/sqlite-store.js';
import { zipfSampler } from './zipf.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '200,1000,5000,20000' },
    total: { type: 'string', default: '200000' },
    durability: { type: 'string', default: 'fsync' },
  },
});
const sizes = values.sizes.split(',').map(Number);
const total = Number(values.total);
const durability: Durability = values.durability === 'os' ? 'os' : 'fsync';
if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !Number.isInteger(total) || total < 1)
  throw new Error('--sizes and --total: positive integers');

/** Earns for Zipf-drawn members, each with the next seq of its member. */
function earns() {
  const member = zipfSampler(1_000_000, 1.0);
  const seqs = new Map<string, number>();
  let k = 0;
  return (n: number): { entries: LedgerEntry[]; orders: OrderRecord[] } => {
    const entries: LedgerEntry[] = [];
    const orders: OrderRecord[] = [];
    for (let i = 0; i < n; i++) {
      const memberId = `m${member()}`;
      const seq = (seqs.get(memberId) ?? 0) + 1;
      seqs.set(memberId, seq);
      k++;
      entries.push({
        tenantId: 't1',
        memberId,
        seq,
        type: 'earn',
        points: 123,
        balanceAfter: 123 * seq,
        idempotencyKey: `key-${k}-${(k * 2654435761) % 1e9}`,
        orderId: `order-${k}`,
        reason: '',
        operator: '',
        amountMinor: 12_345,
        createdAt: Date.now(),
        expiresAt: 253_402_300_799_999,
        payloadHash: 'a1b2c3d4e5f60718',
      });
      orders.push({
        tenantId: 't1',
        memberId,
        orderId: `order-${k}`,
        amountMinor: 12_345,
        points: 123,
        refundedMinor: 0,
        reversedPoints: 0,
      });
    }
    return { entries, orders };
  };
}

function perEarn(cpu: NodeJS.CpuUsage): string {
  return `${((cpu.user + cpu.system) / total).toFixed(1)} µs CPU per earn (system ${(cpu.system / total).toFixed(1)})`;
}

for (const size of sizes) {
  const dir = mkdtempSync(join(tmpdir(), 'jifen-ledger-rows-'));
  const store = new SqliteLedgerStore({ file: join(dir, 'shard.db'), durability });
  const next = earns();
  // 100,000 earns first, so the tree has depth and the page cache is warm.
  for (let i = 0; i < 50; i++) await store.commit({ ...next(2_000), snapshots: [], outbox: [] });
  const start = process.cpuUsage();
  for (let n = 0; n < total; n += size) await store.commit({ ...next(size), snapshots: [], outbox: [] });
  console.log(`rows: ${size} earns per transaction (${durability}): ${perEarn(process.cpuUsage(start))}`);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

for (const size of [200, 1_000]) {
  const dir = mkdtempSync(join(tmpdir(), 'jifen-ledger-journal-'));
  const db = new Database(join(dir, 'journal.db'));
  db.pragma('locking_mode = EXCLUSIVE');
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${durability === 'fsync' ? 'FULL' : 'NORMAL'}`);
  db.exec('CREATE TABLE journal (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  const append = db.prepare('INSERT INTO journal (body) VALUES (?)');
  const next = earns();
  const start = process.cpuUsage();
  for (let n = 0; n < total; n += size) {
    const { entries, orders } = next(size);
    const body = JSON.stringify({ entries, orders });
    db.transaction(() => append.run(body))();
  }
  console.log(`journal: ${size} earns per append (${durability}): ${perEarn(process.cpuUsage(start))}`);
  db.close();
  rmSync(dir, { recursive: true, force: true });
}
