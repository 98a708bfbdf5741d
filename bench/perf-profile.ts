// Where the engine's CPU goes, per thread, from Linux perf (real CPU samples, kernel and native code
// included), under the bench's load. `node --cpu-prof` samples wall time: a thread the scheduler has
// preempted is charged to the function it was in, which on 2 busy cores put a quarter of the front
// thread's profile in a call that costs it ~21 µs per batch (bench/README.md "Hot path, step 6").
//
// Usage: npx tsx bench/perf-profile.ts [--mode batch|unary] [--concurrency N] [--batch-size 100]
//          [--seconds 5] [--warmup 3] [--tenant t1] [--env K=V]... [--redis-nats] [--top 15]
//          [--keep DIR] [--label perf] [--no-save]
//   Needs `perf` (Debian: apt-get install linux-perf) and permission to profile the engine's process
//   (root, or kernel.perf_event_paranoid <= 1). The engine runs with `node --perf-basic-prof`, so
//   JIT-compiled JavaScript is named in the samples.
//
// Prints, per thread (front = the main thread; worker = a shard thread; helper = V8's and libuv's
// threads): its share of the process's samples and its CPU µs per item, the split by kind of leaf
// frame (SQLite, JSON, structured clone, GC, kernel, JIT-compiled JavaScript, V8 builtins, other
// native), the hottest leaf frames and the JavaScript functions on most stacks. Writes
// bench/results/<label>-<date>.json unless --no-save.

import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gitCommit, machineInfo } from './machine.js';
import { count, keyValues } from './cli-args.js';
import { runLoadGenerator } from './load-process.js';
import { type ThreadSummary, parsePerfScript, summarizeThreads } from './perf-stats.js';
import { killChildrenOnExit, stopProcess } from './processes.js';
import { startEngine } from './security-engine.js';
import type { Mode } from './report.js';
import { type BackingServers, startRedisNats } from './servers.js';

const ROOT = resolve(import.meta.dirname, '..');
/** Samples per second and thread; an odd rate does not beat in step with the engine's timers. */
const FREQUENCY = 997;

const { values } = parseArgs({
  options: {
    mode: { type: 'string', default: 'batch' },
    concurrency: { type: 'string' },
    'batch-size': { type: 'string', default: '100' },
    seconds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '3' },
    tenant: { type: 'string', default: 't1' },
    env: { type: 'string', multiple: true, default: [] },
    'redis-nats': { type: 'boolean', default: false },
    top: { type: 'string', default: '15' },
    keep: { type: 'string' },
    label: { type: 'string', default: 'perf' },
    'no-save': { type: 'boolean', default: false },
  },
});

if (values.mode !== 'batch' && values.mode !== 'unary') throw new Error(`--mode: batch or unary, got ${values.mode}`);
const mode: Mode = values.mode;
const config = {
  mode,
  concurrency: count('concurrency', values.concurrency ?? (mode === 'unary' ? '64' : '8'), 1),
  batchSize: count('batch-size', values['batch-size'], 1),
  seconds: count('seconds', values.seconds, 1),
  warmup: count('warmup', values.warmup, 0),
  tenant: values.tenant,
  top: count('top', values.top, 1),
  env: keyValues('env', values.env),
};

function requirePerf(): void {
  try {
    execFileSync('perf', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error('perf not found: install it (Debian: apt-get install linux-perf) and run again');
  }
}

/** `perf record` of every thread of `pid` for `seconds`; resolves once perf has written its file. */
function recordPerf(pid: number, seconds: number, file: string): Promise<void> {
  return new Promise((resolveRecord, reject) => {
    const args = ['record', '-F', String(FREQUENCY), '-g', '-p', String(pid), '-o', file, '--', 'sleep', String(seconds)];
    const perf = spawn('perf', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    perf.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    perf.on('error', reject);
    perf.on('exit', (code) => (code === 0 ? resolveRecord() : reject(new Error(`perf record exited with ${code}:\n${stderr}`))));
  });
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1).padStart(5)} %`;
}

function printThread(t: ThreadSummary, usPerItem: number | null): void {
  const cost = usPerItem === null ? '' : `, ${usPerItem.toFixed(1)} µs of CPU per item`;
  console.log(`\n== ${t.role} (tid ${t.tid}): ${pct(t.share).trim()} of the samples${cost}`);
  console.log(`   by kind: ${t.byKind.map(([k, v]) => `${k} ${(100 * v).toFixed(0)} %`).join(', ')}`);
  for (const [frame, share] of t.self) console.log(`   self ${pct(share)}  ${frame}`);
  for (const [fn, share] of t.jsInclusive) console.log(`   on stack ${pct(share)}  ${fn}`);
}

async function main(): Promise<void> {
  requirePerf();
  killChildrenOnExit();
  const workDir = values.keep ? resolve(values.keep) : mkdtempSync(join(tmpdir(), 'jifen-perf-'));
  mkdirSync(workDir, { recursive: true });
  const servers: BackingServers | null = values['redis-nats'] ? await startRedisNats(join(workDir, 'servers')) : null;
  const engine = await startEngine({
    name: 'engine',
    workDir,
    nodeArgs: ['--perf-basic-prof'],
    env: { ...servers?.env, ...config.env },
  }).catch(async (err: unknown) => {
    await servers?.stop();
    throw err;
  });
  const perfFile = join(workDir, 'perf.data');
  try {
    let recording: Promise<void> | undefined;
    // The generator measures for the perf window plus a second on each side; perf starts as its window opens.
    const load = await runLoadGenerator(ROOT, engine.address, mode, config, {
      label: mode,
      concurrency: config.concurrency,
      durationS: config.seconds + 2,
      warmupS: config.warmup,
      onWindow: (edge) => {
        if (edge === 'open')
          recording = new Promise((r) => setTimeout(r, 1000)).then(() => recordPerf(engine.proc.pid, config.seconds, perfFile));
      },
    });
    if (!recording) throw new Error('the load generator never opened its measured window');
    await recording;
    await stopProcess(engine.proc); // the JIT map is complete once the engine has stopped
    const script = execFileSync('perf', ['script', '-i', perfFile, '-F', 'tid,ip,sym,dso'], {
      cwd: workDir,
      maxBuffer: 1024 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'ignore'],
    }).toString();
    const samples = parsePerfScript(script);
    const threads = summarizeThreads(samples, engine.proc.pid, config.top);
    const items = load.itemsPerSec * config.seconds;
    const usPerItem = (t: ThreadSummary) => (items > 0 ? (t.samples / FREQUENCY / items) * 1e6 : null);
    console.log(
      `${mode === 'unary' ? 'Earn' : `SubmitBatch x${config.batchSize}`} at ${config.concurrency} in flight: ${Math.round(load.itemsPerSec)} items/s; ` +
        `${samples.length} samples over ${config.seconds} s (${(samples.length / FREQUENCY / config.seconds).toFixed(2)} cores)`,
    );
    for (const t of threads.filter((t) => t.role !== 'helper')) printThread(t, usPerItem(t));
    const helpers = threads.filter((t) => t.role === 'helper');
    const helperSamples = helpers.reduce((sum, t) => sum + t.samples, 0);
    console.log(
      `\n== helpers (${helpers.length} threads): ${pct(helperSamples / Math.max(1, samples.length)).trim()} of the samples` +
        (items > 0 ? `, ${((helperSamples / FREQUENCY / items) * 1e6).toFixed(1)} µs of CPU per item` : ''),
    );
    if (!values['no-save']) {
      const file = join(ROOT, 'bench', 'results', `${values.label}-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}Z.json`);
      writeFileSync(
        file,
        `${JSON.stringify(
          {
            profile: 'perf',
            command: `npx tsx bench/perf-profile.ts ${process.argv.slice(2).join(' ')}`,
            git: gitCommit(ROOT),
            machine: machineInfo(),
            config: { ...config, frequency: FREQUENCY, redisNats: values['redis-nats'] },
            load,
            threads: threads.map((t) => ({ ...t, usPerItem: usPerItem(t) })),
          },
          null,
          2,
        )}\n`,
      );
      console.error(`[perf] wrote ${file}`);
    }
  } finally {
    await engine.stop();
    await servers?.stop();
    // V8 writes the JIT symbol map for perf here (--perf-basic-prof); it only grows.
    rmSync(`/tmp/perf-${engine.proc.pid}.map`, { force: true });
    if (!values.keep) rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
