// Paired A/B of two engines on this machine: A = the engine at a git revision (or a directory, or this
// tree with other settings), B = this working tree. Each pair runs A and B back to back, alternating
// which goes first, with the same load generator (this tree's bench/load.ts); the verdict comes from
// the per-pair ratios (bench/ab-stats.ts), so a machine whose speed drifts by ±15 % between minutes can
// still tell a 5 % change from none.
//
// Usage: npx tsx bench/ab.ts --base <rev|dir|.> [--pairs 5] [--modes unary,batch] [--duration 6]
//          [--warmup 2] [--concurrency 64] [--batch-concurrency 8] [--batch-size 100] [--shards N]
//          [--tenant t1] [--env-a K=V]... [--env-b K=V]... [--node-a FLAG]... [--node-b FLAG]...
//          [--redis-nats] [--label ab] [--no-save]
//   --node-a=FLAG/--node-b=FLAG (with '=', as the value starts with --): a Node or V8 flag for that side's
//   engine process (e.g. --node-b=--single-threaded-gc, which NODE_OPTIONS refuses); V8 flags are per
//   process, so they apply to the shard threads too.
//   --tenant example with --env-a and --env-b JIFEN_PROGRAMS_DIR=deploy/programs: the example program.
//   --redis-nats: each run on its own private Redis and NATS JetStream (bench/servers.ts), as the
//   redis-nats profile of bench/run.ts.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type Pair, type PairedSummary, pairOrder, summarizePairs } from './ab-stats.js';
import { count, keyValues } from './cli-args.js';
import { gitCommit, machineInfo } from './machine.js';
import { killChildrenOnExit, readCpuSeconds, readThreadCpuSeconds } from './processes.js';
import { runLoadGenerator, type WindowEdge } from './load-process.js';
import type { LoadResult, Mode } from './report.js';
import { startEngine } from './security-engine.js';
import { type BackingServers, startRedisNats } from './servers.js';

const ROOT = resolve(import.meta.dirname, '..');

const { values } = parseArgs({
  options: {
    base: { type: 'string' },
    pairs: { type: 'string', default: '5' },
    modes: { type: 'string', default: 'unary,batch' },
    duration: { type: 'string', default: '6' },
    warmup: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '64' },
    'batch-concurrency': { type: 'string', default: '8' },
    'batch-size': { type: 'string', default: '100' },
    shards: { type: 'string' },
    tenant: { type: 'string', default: 't1' },
    'env-a': { type: 'string', multiple: true, default: [] },
    'env-b': { type: 'string', multiple: true, default: [] },
    'node-a': { type: 'string', multiple: true, default: [] },
    'node-b': { type: 'string', multiple: true, default: [] },
    'redis-nats': { type: 'boolean', default: false },
    label: { type: 'string', default: 'ab' },
    'no-save': { type: 'boolean', default: false },
  },
});

function flagsOf(flag: string, flags: string[]): string[] {
  for (const f of flags) if (!f.startsWith('--')) throw new Error(`--${flag}: expected a flag starting with --, got ${f}`);
  return flags;
}

if (!values.base) throw new Error('--base is required: a git revision, a directory holding src/main.ts, or . (this tree)');
const config = {
  pairs: count('pairs', values.pairs, 1),
  modes: values.modes.split(',').map((m) => {
    if (m !== 'unary' && m !== 'batch') throw new Error(`--modes: unary and/or batch, got ${m}`);
    return m as Mode;
  }),
  durationS: count('duration', values.duration, 1),
  warmupS: count('warmup', values.warmup, 0),
  concurrency: count('concurrency', values.concurrency, 1),
  batchConcurrency: count('batch-concurrency', values['batch-concurrency'], 1),
  batchSize: count('batch-size', values['batch-size'], 1),
  shards: values.shards === undefined ? undefined : count('shards', values.shards, 1),
  env: { a: keyValues('env-a', values['env-a']), b: keyValues('env-b', values['env-b']) },
  nodeFlags: { a: flagsOf('node-a', values['node-a']), b: flagsOf('node-b', values['node-b']) },
  redisNats: values['redis-nats'],
  tenant: values.tenant,
};

type Side = 'a' | 'b';

/** What one engine run measured in one mode. */
interface ModeRun {
  load: LoadResult;
  /** The engine's CPU over the measured window per item the generator counted in it: all threads, the main thread, the rest. */
  cpuUsPerItem: { all: number; main: number; others: number } | null;
}

interface EngineRun {
  side: Side;
  pair: number;
  modes: Partial<Record<Mode, ModeRun>>;
}

killChildrenOnExit();
process.on('exit', () => cleanUp());
const workDir = mkdtempSync(join(tmpdir(), 'jifen-ab-'));
let worktree: string | undefined;

/** The directory the A engine runs from: a detached worktree of the revision (its node_modules this tree's). */
function baseDir(base: string): string {
  if (base === '.') return ROOT;
  if (existsSync(join(base, 'src/main.ts'))) return resolve(base);
  const rev = execFileSync('git', ['rev-parse', '--verify', `${base}^{commit}`], { cwd: ROOT, encoding: 'utf8' }).trim();
  worktree = join(workDir, 'base');
  execFileSync('git', ['worktree', 'add', '--detach', worktree, rev], { cwd: ROOT, stdio: 'ignore' });
  symlinkSync(join(ROOT, 'node_modules'), join(worktree, 'node_modules'));
  return worktree;
}

let cleaned = false;
/** Removes the worktree and the data; also on Ctrl-C (the exit handler), once. */
function cleanUp(): void {
  if (cleaned) return;
  cleaned = true;
  if (worktree) {
    try {
      execFileSync('git', ['worktree', 'remove', '--force', worktree], { cwd: ROOT, stdio: 'ignore' });
    } catch {
      // removed with the directory below; `git worktree prune` forgets it
    }
  }
  rmSync(workDir, { recursive: true, force: true });
}

async function runEngine(side: Side, dir: string, pair: number): Promise<EngineRun> {
  const name = `${side.toUpperCase()}-${pair}`;
  const servers: BackingServers | null = config.redisNats ? await startRedisNats(join(workDir, name)) : null;
  const run: EngineRun = { side, pair, modes: {} };
  try {
    const engine = await startEngine({
      name,
      workDir,
      cwd: dir,
      nodeArgs: config.nodeFlags[side],
      env: {
        ...(config.shards === undefined ? {} : { JIFEN_SHARDS: String(config.shards) }),
        ...servers?.env,
        ...config.env[side],
      },
    });
    try {
      for (const mode of config.modes) run.modes[mode] = await runLoad(engine.address, mode, engine.proc.pid);
    } finally {
      await engine.stop();
    }
  } finally {
    await servers?.stop();
  }
  return run;
}

/** The engine's CPU at one edge of the generator's measured window. */
interface Edge {
  at: number;
  all: number | null;
  threads: Record<number, number> | null;
}

async function runLoad(target: string, mode: Mode, enginePid: number): Promise<ModeRun> {
  const edges: Partial<Record<WindowEdge, Edge>> = {};
  const load = await runLoadGenerator(ROOT, target, mode, config, {
    label: mode,
    concurrency: mode === 'unary' ? config.concurrency : config.batchConcurrency,
    durationS: config.durationS,
    warmupS: config.warmupS,
    onWindow: (edge) => {
      edges[edge] = { at: performance.now(), all: readCpuSeconds(enginePid), threads: readThreadCpuSeconds(enginePid) };
    },
  });
  const { open, closed } = edges;
  return { load, cpuUsPerItem: open && closed ? cpuPerItem(open, closed, load, enginePid) : null };
}

function cpuPerItem(open: Edge, closed: Edge, load: LoadResult, enginePid: number): ModeRun['cpuUsPerItem'] {
  if (open.all === null || closed.all === null || load.itemsPerSec <= 0) return null;
  const items = (load.itemsPerSec * (closed.at - open.at)) / 1000;
  const us = (seconds: number) => Math.round((seconds * 1e6 * 10) / items) / 10;
  const main = open.threads && closed.threads ? (closed.threads[enginePid] ?? 0) - (open.threads[enginePid] ?? 0) : 0;
  const all = closed.all - open.all;
  return { all: us(all), main: us(main), others: us(all - main) };
}

interface ModeReport {
  mode: Mode;
  throughput: PairedSummary;
  p99: PairedSummary;
  cpuUsPerItem: PairedSummary | null;
}

function reportOf(runs: EngineRun[], mode: Mode): ModeReport {
  const pairs = (pick: (r: ModeRun) => number | undefined): Pair[] =>
    Array.from({ length: config.pairs }, (_, pair) => {
      const of = (side: Side) => {
        const m = runs.find((r) => r.pair === pair && r.side === side)?.modes[mode];
        return m ? pick(m) : undefined;
      };
      return { a: of('a') ?? Number.NaN, b: of('b') ?? Number.NaN };
    });
  const cpu = pairs((m) => m.cpuUsPerItem?.all);
  return {
    mode,
    throughput: summarizePairs(
      pairs((m) => m.load.itemsPerSec),
      'higher',
    ),
    p99: summarizePairs(
      pairs((m) => m.load.p99Ms),
      'lower',
    ),
    cpuUsPerItem: cpu.every((p) => p.a > 0 && p.b > 0) ? summarizePairs(cpu, 'lower') : null,
  };
}

function line(name: string, s: PairedSummary, digits: number): string {
  const f = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: digits });
  return `  ${name.padEnd(16)} A ${f(s.medianA).padStart(9)}  B ${f(s.medianB).padStart(9)}  B/A ${s.medianRatio.toFixed(3)} (${s.minRatio.toFixed(2)}–${s.maxRatio.toFixed(2)})  B better in ${s.bBetter} of ${s.pairs}, p ${s.signTestP.toFixed(3)}: ${s.verdict}`;
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const aDir = baseDir(values.base as string);
  const runs: EngineRun[] = [];
  for (let pair = 0; pair < config.pairs; pair++) {
    for (const side of pairOrder(pair)) {
      process.stderr.write(`[ab] pair ${pair + 1}/${config.pairs}: ${side.toUpperCase()}\n`);
      const run = await runEngine(side, side === 'a' ? aDir : ROOT, pair);
      runs.push(run);
      for (const [mode, m] of Object.entries(run.modes))
        process.stderr.write(
          `[ab]   ${mode}: ${Math.round(m.load.itemsPerSec)} items/s, p99 ${m.load.p99Ms} ms, ${m.cpuUsPerItem?.all ?? '?'} µs CPU per item\n`,
        );
    }
  }
  const reports = config.modes.map((mode) => reportOf(runs, mode));
  const commits = { a: gitCommit(aDir), b: gitCommit(ROOT) };
  console.log(
    `A: ${values.base} (${commits.a}) ${JSON.stringify(config.env.a)} ${config.nodeFlags.a.join(' ')}   ` +
      `B: this tree (${commits.b}) ${JSON.stringify(config.env.b)} ${config.nodeFlags.b.join(' ')}`,
  );
  for (const r of reports) {
    console.log(
      `${r.mode === 'unary' ? 'Earn' : `SubmitBatch x${config.batchSize}`} (${r.mode === 'unary' ? config.concurrency : config.batchConcurrency} in flight), medians of ${config.pairs} pairs:`,
    );
    console.log(line('items/s', r.throughput, 0));
    console.log(line('p99 ms', r.p99, 1));
    if (r.cpuUsPerItem) console.log(line('CPU µs per item', r.cpuUsPerItem, 1));
  }
  if (!values['no-save']) {
    const file = join(ROOT, 'bench/results', `${values.label}-${startedAt.toISOString().replace(/[:.]/g, '-').slice(0, 19)}Z.json`);
    const record = {
      kind: 'ab',
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      command: `npx tsx bench/ab.ts ${process.argv.slice(2).join(' ')}`,
      machine: machineInfo(),
      base: values.base,
      commits,
      config,
      reports,
      runs,
    };
    writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
    process.stderr.write(`[ab] wrote ${file}\n`);
  }
}

try {
  await main();
} finally {
  cleanUp();
}
