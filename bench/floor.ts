// The floor ladder: the batched echo (the ceiling), the durable floor (bench/floor-server.ts: route,
// decide in memory, one log append and fdatasync per group commit), the floor with the embedded
// ledger's rows, and the engine, each under the same SubmitBatch load, interleaved within each repeat
// (the order rotates), a fresh server and data for every run. It says what share of the echo the
// engine's architecture and storage leave before any of its business work, i.e. how far an engine of
// this design can go on this machine (bench/README.md "The floor ladder").
//
// Usage: npx tsx bench/floor.ts [--servers echo,floor,floor-entry,floor-rows,engine] [--repeat 3]
//          [--concurrency 8,16] [--duration 8] [--warmup 2] [--batch-size 100] [--shards 2]
//          [--label floor] [--note TEXT] [--no-save]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { count } from './cli-args.js';
import { machineInfo } from './machine.js';
import {
  freePort,
  killChildrenOnExit,
  type Managed,
  readThreadCpuSeconds,
  spawnManaged,
  stopProcess,
  threadSplit,
  waitUntilReady,
} from './processes.js';
import { HOST, median, ROOT, runLoad, saveResults, startEngine } from './security-engine.js';

/** How each rung starts: a bench server script with its flags, or the engine (embedded). */
const RUNGS: Record<string, { script: string; args: string[]; what: string } | 'engine'> = {
  echo: { script: 'bench/echo-server.ts', args: [], what: 'the batched echo: decode, answer, no work (the ceiling)' },
  floor: {
    script: 'bench/floor-server.ts',
    args: [],
    what: 'route to 2 shard threads, decide in memory, one log append + fdatasync per group commit',
  },
  'floor-entry': {
    script: 'bench/floor-server.ts',
    args: ['--rows', 'sqlite-entry'],
    what: 'the floor + one SQLite row per earn (its entry), as the embedded ledger writes it',
  },
  'floor-rows': {
    script: 'bench/floor-server.ts',
    args: ['--rows', 'sqlite'],
    what: "the floor + the embedded ledger's rows of an earn: entry, idempotency key, order (a member snapshot every 64 entries)",
  },
  engine: 'engine',
};

const { values: flags } = parseArgs({
  options: {
    servers: { type: 'string', default: 'echo,floor,floor-entry,floor-rows,engine' },
    repeat: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '8,16' },
    duration: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '2' },
    'batch-size': { type: 'string', default: '100' },
    shards: { type: 'string', default: '2' },
    label: { type: 'string', default: 'floor' },
    note: { type: 'string' },
    'no-save': { type: 'boolean', default: false },
  },
});
const servers = (flags.servers as string).split(',').filter(Boolean);
for (const s of servers) if (!(s in RUNGS)) throw new Error(`--servers: unknown ${s} (known: ${Object.keys(RUNGS).join(', ')})`);
if (servers[0] !== 'echo') throw new Error('--servers: the first must be echo (the ratios are against it)');
const repeat = count('repeat', flags.repeat as string, 1);
const depths = (flags.concurrency as string).split(',').map((c) => count('concurrency', c, 1));
const durationS = count('duration', flags.duration as string, 1);
const warmupS = count('warmup', flags.warmup as string, 0);
const batchSize = count('batch-size', flags['batch-size'] as string, 1);
/** Shard threads of every server: the floor's --workers and the engine's JIFEN_SHARDS (its default is the core count). */
const shards = count('shards', flags.shards as string, 1);
const startedAt = new Date();

interface Run {
  server: string;
  depth: number;
  repeat: number;
  itemsPerSec: number;
  p99Ms: number;
  serverCpuUsPerItem: number | null;
  /** The server's CPU µs per item by thread: main (gRPC, routing), the shard threads (the busiest others), the rest (V8's helpers, libuv). */
  threads: { main: number; shards: number[]; other: number } | null;
  generatorCpuUsPerItem: number | null;
}

interface Started {
  pid: number;
  address: string;
  stop: () => Promise<void>;
}

async function start(server: string, workDir: string): Promise<Started> {
  const rung = RUNGS[server];
  if (rung === 'engine') {
    const engine = await startEngine({ name: 'engine', workDir, env: { JIFEN_SHARDS: String(shards) } });
    return { pid: engine.proc.pid, address: engine.address, stop: engine.stop };
  }
  const port = await freePort(HOST);
  let ready = false;
  const proc: Managed = spawnManaged(
    server,
    process.execPath,
    [
      '--import',
      'tsx',
      rung.script,
      `${HOST}:${port}`,
      ...rung.args,
      ...(rung.script.includes('floor') ? ['--workers', String(shards)] : []),
    ],
    {
      cwd: ROOT,
      logFile: join(workDir, `${server}.log`),
      onStdoutLine: (line) => {
        if (/^READY \d+/.test(line)) ready = true;
      },
    },
  );
  await waitUntilReady(proc, { host: HOST, port, sawReadyLine: () => ready, timeoutMs: 30_000 });
  return {
    pid: proc.pid,
    address: `${HOST}:${port}`,
    stop: async () => {
      await stopProcess(proc);
    },
  };
}

killChildrenOnExit();
const runs: Run[] = [];
const workDir = mkdtempSync(join(tmpdir(), 'jifen-floor-ladder-'));
try {
  for (let r = 0; r < repeat; r++) {
    for (const depth of depths) {
      // Rotate the order each repeat so no rung always runs first (or after the same one).
      const order = servers.map((_, i) => servers[(i + r) % servers.length]);
      for (const server of order) {
        const s = await start(server, workDir);
        try {
          const edges: Record<string, Record<number, number> | null> = {};
          const { result, window } = await runLoad(s.address, {
            label: `${server} c${depth}`,
            mode: 'batch',
            tenant: 't1',
            concurrency: depth,
            batchSize,
            durationS,
            warmupS,
            enginePid: s.pid,
            onWindow: (edge) => {
              edges[edge] = readThreadCpuSeconds(s.pid);
            },
          });
          const per = (cpuS: number | null | undefined) =>
            cpuS == null || result.items === 0 ? null : Math.round((cpuS * 1e6 * 10) / result.items) / 10;
          const run: Run = {
            server,
            depth,
            repeat: r + 1,
            itemsPerSec: result.itemsPerSec,
            p99Ms: result.p99Ms,
            serverCpuUsPerItem: per(window?.engineCpuS),
            threads: threadsPerItem(edges.open, edges.closed, s.pid, result.items),
            generatorCpuUsPerItem: per(window?.generatorCpuS),
          };
          runs.push(run);
          console.log(
            `[floor] repeat ${r + 1}/${repeat} c${depth} ${server}: ${run.itemsPerSec} items/s, p99 ${run.p99Ms} ms, ` +
              `server ${run.serverCpuUsPerItem} µs CPU/item (${formatThreads(run.threads)}), generator ${run.generatorCpuUsPerItem}`,
          );
        } finally {
          await s.stop();
        }
      }
    }
  }
} finally {
  rmSync(workDir, { recursive: true, force: true });
}

function threadsPerItem(
  open: Record<number, number> | null | undefined,
  closed: Record<number, number> | null | undefined,
  pid: number,
  items: number,
): Run['threads'] {
  if (!open || !closed || items === 0) return null;
  const split = threadSplit(open, closed, pid, shards);
  const us = (s: number) => Math.round((s * 1e6 * 10) / items) / 10;
  return { main: us(split.main), shards: split.shards.map(us), other: us(split.other) };
}

function formatThreads(t: Run['threads'] | undefined): string {
  return t ? `main ${t.main}, shards ${t.shards.join(' + ')}, other ${t.other}` : 'threads -';
}

/** Per depth and rung: medians over the repeats, the ratio as the median of each repeat's ratio to its echo. */
const summary = depths.flatMap((depth) =>
  servers.map((server) => {
    const mine = runs.filter((x) => x.server === server && x.depth === depth);
    const ratios = mine.map(
      (x) =>
        x.itemsPerSec / (runs.find((e) => e.server === 'echo' && e.depth === depth && e.repeat === x.repeat)?.itemsPerSec ?? Number.NaN),
    );
    const cpu = mine.map((x) => x.serverCpuUsPerItem).filter((x): x is number => x !== null);
    const threads = mine.map((x) => x.threads).filter((x): x is NonNullable<Run['threads']> => x !== null);
    const med = (xs: number[]) => Math.round(median(xs) * 10) / 10;
    return {
      depth,
      server,
      itemsPerSec: Math.round(median(mine.map((x) => x.itemsPerSec))),
      ratio: Math.round(median(ratios) * 100) / 100,
      ratios: ratios.map((x) => Math.round(x * 100) / 100),
      p99Ms: median(mine.map((x) => x.p99Ms)),
      serverCpuUsPerItem: cpu.length ? med(cpu) : null,
      threads: threads.length
        ? {
            main: med(threads.map((t) => t.main)),
            shards: threads[0].shards.map((_, i) => med(threads.map((t) => t.shards[i] ?? 0))),
            other: med(threads.map((t) => t.other)),
          }
        : null,
    };
  }),
);
console.log('\ncalls in flight | server | items/s | ratio to echo (per repeat) | p99 ms | server CPU µs per item (by thread)');
for (const s of summary) {
  console.log(
    `${s.depth} | ${s.server} | ${s.itemsPerSec} | ${s.ratio.toFixed(2)}× (${s.ratios.join(' / ')}) | ${s.p99Ms} | ${s.serverCpuUsPerItem ?? '-'} (${formatThreads(s.threads)})`,
  );
}
if (!flags['no-save']) {
  const file = saveResults(
    { profile: 'floor', label: flags.label as string, startedAt, argv: process.argv.slice(2), machine: machineInfo(), note: flags.note },
    {
      rungs: Object.fromEntries(
        servers.map((s) => [s, RUNGS[s] === 'engine' ? 'the engine, embedded' : (RUNGS[s] as { what: string }).what]),
      ),
      summary,
      runs,
    },
  );
  console.log(`[floor] wrote ${file}`);
}
