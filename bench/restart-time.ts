// How long the engine takes to serve again after a kill -9 under load, with N members in its ledger
// (issue 14: "1M distinct members touched with engine RSS ≤ 1 GiB, and restart time after a kill -9
// under that load stated"). One engine (embedded defaults, fsync on) on a fresh data directory:
//   touch    SubmitBatch earns to members m1 … mN in order until each is acknowledged once (as the
//            bench's touch phase); the engine's RSS read every second (peak);
//   cycles   --cycles times: a Zipf SubmitBatch load over the same N members, the engine killed with -9
//            --kill-after seconds into it, restarted on the same data directory; timed from the spawn to
//            the port accepting (listening), to the first GetAccount of a touched member answered
//            (serving reads) and to the first Earn acknowledged (serving writes); RSS once serving.
//
//   npx tsx bench/restart-time.ts [--members 1000000] [--cycles 3] [--kill-after 5] [--shards N] [--note TEXT]
//
// Writes bench/results/restart-<date>.json (unless --no-save) with the machine, the command and every cycle.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { isServiceError, pointsClient } from '../test/support/points-client.js';
import { machineInfo } from './machine.js';
import { killChildrenOnExit, readMemory } from './processes.js';
import { MIB, median, runLoad, saveResults, startEngine } from './security-engine.js';

const progress = (msg: string) => console.error(`[restart] ${msg}`);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const TENANT = 't1';

interface Cycle {
  /** Items acknowledged by the load before the kill (the load's own count, window = whole run). */
  loadItemsAcked: number;
  listeningS: number;
  servingReadsS: number;
  servingWritesS: number;
  rssServingMiB: number;
}

async function main(): Promise<void> {
  const { values: flags } = parseArgs({
    options: {
      members: { type: 'string', default: '1000000' },
      cycles: { type: 'string', default: '3' },
      'kill-after': { type: 'string', default: '5' },
      shards: { type: 'string' },
      note: { type: 'string' },
      'no-save': { type: 'boolean', default: false },
    },
  });
  const members = positive('members', flags.members);
  const cycles = positive('cycles', flags.cycles);
  const killAfterS = positive('kill-after', flags['kill-after']);
  const startedAt = new Date();
  const machine = machineInfo();
  killChildrenOnExit();
  const workDir = mkdtempSync(join(os.tmpdir(), 'jifen-bench-restart-'));
  process.on('exit', () => rmSync(workDir, { recursive: true, force: true }));
  const env: Record<string, string> = flags.shards ? { JIFEN_SHARDS: flags.shards } : {};
  const start = () => startEngine({ name: 'restart', workDir, env });

  let engine = await start();
  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, readMemory(engine.proc.pid as number)?.rssBytes ?? 0);
  }, 1000);
  progress(`touch: ${members} members, SubmitBatch x100, 8 in flight`);
  const touchStarted = performance.now();
  const { result: touch } = await runLoad(engine.address, {
    label: 'touch',
    mode: 'batch',
    tenant: TENANT,
    concurrency: 8,
    batchSize: 100,
    durationS: 1800,
    warmupS: 0,
    enginePid: engine.proc.pid,
    extra: ['--members-order', 'sequential', '--members', String(members), '--items', String(members)],
  });
  clearInterval(sampler);
  peakRss = Math.max(peakRss, readMemory(engine.proc.pid as number)?.peakRssBytes ?? 0);
  const touchSeconds = (performance.now() - touchStarted) / 1000;
  progress(
    `touch: ${touch.items} items in ${touchSeconds.toFixed(1)} s, ${touch.distinctMembers ?? '?'} distinct members, peak RSS ${Math.round(peakRss / MIB)} MiB`,
  );

  const results: Cycle[] = [];
  for (let c = 1; c <= cycles; c++) {
    progress(`cycle ${c}/${cycles}: Zipf SubmitBatch load over ${members} members, kill -9 after ${killAfterS} s`);
    const load = runLoad(engine.address, {
      label: `load ${c}`,
      mode: 'batch',
      tenant: TENANT,
      concurrency: 8,
      batchSize: 100,
      durationS: killAfterS + 3,
      warmupS: 0,
      extra: ['--members', String(members)],
    });
    await sleep(killAfterS * 1000);
    const killed = engine.proc.child;
    const gone = new Promise<void>((resolve) => killed.once('exit', () => resolve()));
    killed.kill('SIGKILL');
    await gone;
    const loadResult = (await load).result;
    const spawned = performance.now();
    engine = await start();
    const listeningS = (performance.now() - spawned) / 1000;
    const client = pointsClient(engine.address);
    const servingReadsS = await until(spawned, async () => {
      await client.GetAccount({ tenant_id: TENANT, member_id: `m${1 + ((c * 7919) % members)}` }, { deadline: Date.now() + 5_000 });
    });
    const servingWritesS = await until(spawned, async () => {
      await client.Earn(
        {
          tenant_id: TENANT,
          member_id: `m${1 + ((c * 104_729) % members)}`,
          idempotency_key: `restart-${startedAt.getTime()}-${c}`,
          order_id: `restart-${startedAt.getTime()}-${c}`,
          amount_minor: 10_000,
          currency: 'CNY',
        },
        { deadline: Date.now() + 5_000 },
      );
    });
    client.close();
    const rssServingMiB = Math.round((readMemory(engine.proc.pid as number)?.rssBytes ?? 0) / MIB);
    const cycle = { loadItemsAcked: loadResult.items, listeningS: round(listeningS), servingReadsS, servingWritesS, rssServingMiB };
    progress(`cycle ${c}: ${JSON.stringify(cycle)}`);
    results.push(cycle);
  }
  await engine.stop();

  const summary = {
    members,
    touch: {
      seconds: round(touchSeconds),
      items: touch.items,
      distinctMembers: touch.distinctMembers ?? null,
      peakRssMiB: Math.round(peakRss / MIB),
    },
    restart: {
      listeningS: median(results.map((r) => r.listeningS)),
      servingReadsS: median(results.map((r) => r.servingReadsS)),
      servingWritesS: median(results.map((r) => r.servingWritesS)),
      rssServingMiB: median(results.map((r) => r.rssServingMiB)),
    },
  };
  console.log(JSON.stringify(summary));
  console.log(
    `${members} members touched in ${summary.touch.seconds} s (peak RSS ${summary.touch.peakRssMiB} MiB, <= 1 GiB: ${summary.touch.peakRssMiB <= 1024 ? 'yes' : 'NO'}); ` +
      `after kill -9 under load (median of ${cycles}): listening ${summary.restart.listeningS} s, reads served ${summary.restart.servingReadsS} s, writes ${summary.restart.servingWritesS} s after the restart`,
  );
  if (!flags['no-save']) {
    const file = saveResults(
      { profile: 'restart', label: 'restart', startedAt, argv: process.argv.slice(2), machine, note: flags.note },
      { config: { members, cycles, killAfterS, shards: flags.shards ?? null }, summary, cycles: results, touch },
    );
    progress(`wrote ${file}`);
  }
}

/** Seconds from `since` until `call` succeeds (tried every 50 ms, 120 s at most). */
async function until(since: number, call: () => Promise<void>): Promise<number> {
  for (;;) {
    try {
      await call();
      return round((performance.now() - since) / 1000);
    } catch (err) {
      if (!isServiceError(err)) throw err;
      if (performance.now() - since > 120_000) throw new Error(`not served 120 s after the restart: ${err.message}`);
      await sleep(50);
    }
  }
}

function round(s: number): number {
  return Math.round(s * 100) / 100;
}

function positive(name: string, raw: string | undefined): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got ${raw}`);
  return n;
}

main().catch((err: unknown) => {
  console.error(`[restart] failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
