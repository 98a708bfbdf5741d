// One shard without gRPC or threads: ShardCore over the embedded SQLite store, fed batches of earns
// for Zipf-drawn members. Separates the cost of decide + ledger commit from the front's.
//
// Usage: npx tsx bench/shard-core.ts [--batch 500] [--seconds 5] [--durability fsync|os] [--fold-rows N]
//   --fold-rows: the store's redo-journal fold (rows per ledger-file commit; 0 = a commit per batch).
//   Prints commands/s, CPU µs per command, and where the time went per store call.

import { ProgramBook } from '../src/shard/program-book.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { EarnCommand } from '../src/actor/commands.js';
import { SqliteLedgerStore } from '../src/ledger/embedded/sqlite-store.js';
import type { LedgerStore } from '../src/ledger/store.js';
import { ShardCore } from '../src/shard/shard-core.js';
import { zipfSampler } from './zipf.js';

const { values } = parseArgs({
  options: {
    batch: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '5' },
    durability: { type: 'string', default: 'fsync' },
    'fold-rows': { type: 'string' },
  },
});
const batchSize = Number(values.batch);
const seconds = Number(values.seconds);
const durability = values.durability === 'os' ? 'os' : 'fsync';

const dir = mkdtempSync(join(tmpdir(), 'jifen-core-bench-'));
const foldRows = values['fold-rows'] === undefined ? undefined : Number(values['fold-rows']);
const store = new SqliteLedgerStore({ file: join(dir, 'shard.db'), durability, foldRows });
const spent = timeStoreCalls(store);
const core = await ShardCore.open(store, {
  actorCapacity: 250_000,
  snapshotEvery: 64,
  clock: Date.now,
  shard: 0,
  programs: new ProgramBook(),
  ledgerId: 'bench',
});
const member = zipfSampler(1_000_000, 1.0);

let counter = 0;
let commands = 0;
const started = performance.now();
const cpuStart = process.cpuUsage();
while (performance.now() - started < seconds * 1000) {
  const ops: EarnCommand[] = [];
  for (let i = 0; i < batchSize; i++) {
    counter++;
    ops.push({
      kind: 'earn',
      tenantId: 't1',
      memberId: `m${member()}`,
      idempotencyKey: `k${counter}`,
      orderId: `o${counter}`,
      amountMinor: 12_345,
      currency: 'CNY',
      items: [],
      channel: 'app',
      storeId: 's1',
      occurredAt: 0,
    });
  }
  await core.applyBatch(ops);
  commands += batchSize;
}
const elapsed = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuStart);
await core.close();
rmSync(dir, { recursive: true, force: true });

const perCommand = (ms: number) => `${((ms * 1000) / commands).toFixed(1)} µs`;
console.log(
  JSON.stringify({
    batchSize,
    durability,
    foldRows: foldRows ?? 'default',
    commands,
    commandsPerSec: Math.round(commands / elapsed),
    cpuMicrosPerCommand: Number(((cpu.user + cpu.system) / commands).toFixed(1)),
    perCommand: Object.fromEntries(Object.entries(spent).map(([k, ms]) => [k, perCommand(ms)])),
  }),
);

/** Wraps each store call to add up the wall time spent in it. */
function timeStoreCalls(target: LedgerStore): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const name of ['loadMembers', 'findByIdempotencyKeys', 'getOrders', 'commit'] as const) {
    const original = target[name].bind(target) as (...args: unknown[]) => Promise<unknown>;
    totals[name] = 0;
    (target as unknown as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      const t0 = performance.now();
      try {
        return await original(...args);
      } finally {
        totals[name] += performance.now() - t0;
      }
    };
  }
  return totals;
}
