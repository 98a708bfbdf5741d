// How the roll-forward report scales with members: 1,000,000 members earn over a month through the real
// shard path (ShardCore deciding and committing to SQLite ledgers, 4 shards in this process), then
// GetRollForward's work — every shard's rows of the month and its last row before, and the report math —
// is timed for a month by day and by month. The rows read are days × shards, whatever the members.
//
//   flock /tmp/jifen-bench.lock npx tsx bench/report-scale.ts [--members 1000000] [--shards 4] [--days 30]

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EarnCommand } from '../src/actor/commands.js';
import { SqliteLedgerStore } from '../src/ledger/embedded/sqlite-store.js';
import { periodsOf, rollForwardOf } from '../src/reports/roll-forward-report.js';
import { localDayOf } from '../src/rules/calendar.js';
import { ProgramBook } from '../src/shard/program-book.js';
import { ShardCore } from '../src/shard/shard-core.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ''), process.argv[i + 1]);
const MEMBERS = Number(args.get('members') ?? 1_000_000);
const SHARDS = Number(args.get('shards') ?? 4);
const DAYS = Number(args.get('days') ?? 30);
const BATCH = 4_096;
const TENANT = 'scale';
/** 10:00 on 1 November 2026 in Asia/Shanghai. */
const START = Date.UTC(2026, 10, 1, 2, 0, 0);
const DAY_MS = 86_400_000;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'jifen-report-scale-'));
  let now = START;
  const cores = await Promise.all(
    Array.from({ length: SHARDS }, (_, shard) =>
      ShardCore.open(new SqliteLedgerStore({ file: join(dir, `shard-${shard}.db`), durability: 'os' }), {
        actorCapacity: 20_000,
        snapshotEvery: 64,
        clock: () => now,
        shard,
        ledgerId: 'scale',
        programs: new ProgramBook(),
      }),
    ),
  );
  try {
    const written = performance.now();
    const perDay = Math.ceil(MEMBERS / DAYS);
    for (let day = 0; day < DAYS; day++) {
      now = START + day * DAY_MS;
      const first = day * perDay;
      const last = Math.min(MEMBERS, first + perDay);
      for (let from = first; from < last; from += BATCH * SHARDS) {
        await Promise.all(
          cores.map((core, shard) => {
            const ops: EarnCommand[] = [];
            for (let m = from + shard; m < Math.min(last, from + BATCH * SHARDS); m += SHARDS) ops.push(earnOf(m));
            return ops.length === 0 ? undefined : core.applyBatch(ops);
          }),
        );
      }
      process.stderr.write(`\rday ${day + 1}/${DAYS}: ${last.toLocaleString('en')} members written`);
    }
    const writeSeconds = (performance.now() - written) / 1000;
    process.stderr.write('\n');
    const fromDay = localDayOf(START, 'Asia/Shanghai').key;
    const toDay = localDayOf(START + (DAYS - 1) * DAY_MS, 'Asia/Shanghai').key;
    for (const granularity of ['day', 'month'] as const) {
      const times: number[] = [];
      let rows = 0;
      let closing = 0;
      for (let run = 0; run < 5; run++) {
        const started = performance.now();
        const shards = await Promise.all(cores.map((core) => core.readRollForward(TENANT, fromDay, toDay)));
        const lines = rollForwardOf(shards, periodsOf(fromDay, toDay, granularity), { pointValueFen: 1, breakageBp: 2_000 }, granularity);
        times.push(performance.now() - started);
        rows = shards.reduce((s, r) => s + r.rows.length + (r.before ? 1 : 0), 0);
        closing = lines[lines.length - 1].closing;
      }
      times.sort((a, b) => a - b);
      console.log(
        `report ${fromDay}..${toDay} by ${granularity}: ${rows} rows read (days × shards), closing ${closing.toLocaleString('en')} points, ` +
          `median ${times[2].toFixed(2)} ms, max ${times[4].toFixed(2)} ms over 5 runs`,
      );
    }
    console.log(`${MEMBERS.toLocaleString('en')} members' earns written through ${SHARDS} shard cores in ${writeSeconds.toFixed(1)} s`);
  } finally {
    for (const core of cores) await core.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function earnOf(m: number): EarnCommand {
  return {
    kind: 'earn',
    tenantId: TENANT,
    memberId: `m-${m}`,
    idempotencyKey: `e-${m}`,
    orderId: `o-${m}`,
    amountMinor: 100 * (1 + (m % 500)),
    currency: 'CNY',
    items: [],
    channel: 'app',
    storeId: 's-1',
    occurredAt: 0,
  };
}

await main();
