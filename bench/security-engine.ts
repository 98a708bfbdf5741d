// What the security benches (bench/tls.ts, bench/watchers.ts) share, and the engine start that
// bench/restart-time.ts, bench/ab.ts and bench/perf-profile.ts use too: an engine started as a child
// process on a fresh data directory with the environment they give it (auth, TLS), an API key made by
// the real `keys` CLI in that data directory, one bench/load.ts process against it with the key and the
// CA it is to trust (CPU of the engine and the generator read at the measured window's edges), and the
// results file.
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { runLoadGenerator, type WindowEdge } from './load-process.js';
import { freePort, type Managed, readCpuSeconds, spawnManaged, stopProcess, waitUntilReady } from './processes.js';
import type { LoadResult, Mode } from './report.js';
import { gitCommit, type MachineInfo } from './machine.js';

export { median } from './report.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const HOST = '127.0.0.1';

/** Settings of the security work that must not leak in from the shell: each variant sets its own. */
const SECURITY_VARIABLES = [
  'JIFEN_AUTH',
  'JIFEN_TLS',
  'JIFEN_TLS_CERT',
  'JIFEN_TLS_KEY',
  'JIFEN_TLS_CLIENT_CA',
  'JIFEN_TLS_CLIENT_CERT',
  'JIFEN_RATE_LIMITS',
  'JIFEN_WATCH_STREAMS_PER_KEY',
  'JIFEN_WATCH_MAX_STREAMS',
  'JIFEN_WATCH_MAX_BEHIND_BYTES',
  'JIFEN_API_KEY',
];

/** The embedded profile's backends (the engine's defaults), pinned as bench/run.ts pins them. */
const EMBEDDED = { JIFEN_LEDGER: 'embedded', JIFEN_BALANCES: 'memory', JIFEN_EVENTS: 'memory' };

export interface Engine {
  name: string;
  proc: Managed;
  address: string;
  dataDir: string;
  metricsAddr: string;
  stop(): Promise<void>;
}

/** The engine's environment without the inherited security settings, plus `env`. */
function engineEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of SECURITY_VARIABLES) delete env[name];
  return { ...env, ...EMBEDDED, ...extra };
}

/**
 * A fresh data directory under workDir, `prepare(dataDir)` (keys made there before the start), then
 * the engine, ready when it prints `listening` or its port accepts connections.
 */
export async function startEngine(opts: {
  name: string;
  workDir: string;
  env: Record<string, string>;
  prepare?: (dataDir: string) => Promise<void>;
  /** Node flags before the script (--cpu-prof, which NODE_OPTIONS does not take). */
  nodeArgs?: string[];
  /** The tree the engine runs from (default: this one; bench/ab.ts: a worktree of another revision). */
  cwd?: string;
}): Promise<Engine> {
  const port = await freePort(HOST);
  const address = `${HOST}:${port}`;
  const metricsAddr = `${HOST}:${await freePort(HOST)}`;
  const dataDir = join(opts.workDir, `${opts.name}-data`);
  mkdirSync(dataDir, { recursive: true });
  await opts.prepare?.(dataDir);
  let sawReadyLine = false;
  const proc = spawnManaged(`engine ${opts.name}`, process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', 'src/main.ts'], {
    cwd: opts.cwd ?? ROOT,
    env: engineEnv({ ...opts.env, JIFEN_GRPC_ADDR: address, JIFEN_METRICS_ADDR: metricsAddr, JIFEN_DATA_DIR: dataDir }),
    logFile: join(opts.workDir, `${opts.name}.log`),
    onStdoutLine: (line) => {
      if (/listening/i.test(line)) sawReadyLine = true;
    },
  });
  const stop = async () => {
    await stopProcess(proc);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(proc, { host: HOST, port, sawReadyLine: () => sawReadyLine, timeoutMs: 60_000 });
  } catch (err) {
    await stop();
    throw err;
  }
  return { name: opts.name, proc, address, dataDir, metricsAddr, stop };
}

/** `npm run keys -- create --tenant <t> --role <role> --json` in dataDir: the key's id and secret. */
export async function createKey(dataDir: string, tenant: string, role = 'integration'): Promise<{ id: string; secret: string }> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'src/cli/keys.ts', 'create', '--tenant', tenant, '--role', role, '--json'],
    { cwd: ROOT, env: engineEnv({ JIFEN_DATA_DIR: dataDir }) },
  );
  const line = stdout
    .trim()
    .split('\n')
    .find((l) => l.startsWith('{'));
  const key = line ? (JSON.parse(line) as { id?: string; secret?: string }) : {};
  if (!key.id || !key.secret) throw new Error(`keys create printed no key: ${stdout}`);
  return { id: key.id, secret: key.secret };
}

export interface LoadOptions {
  label: string;
  mode: Mode;
  tenant: string;
  concurrency: number;
  batchSize: number;
  durationS: number;
  warmupS: number;
  /** --ca for the generator (TLS). */
  caFile?: string;
  /** --servername for the generator (TLS: the name the certificate is checked for). */
  servername?: string;
  /** JIFEN_API_KEY for the generator. */
  apiKey?: string;
  /** Other pids whose CPU is read at the window's edges (the engine). */
  enginePid?: number;
  /** More bench/load.ts flags (--members, --items). */
  extra?: string[];
  /** Called when the generator opens and closes its measured window. */
  onWindow?: (edge: 'open' | 'closed') => void;
}

/** CPU seconds used inside the measured window. */
export interface WindowCpu {
  seconds: number;
  engineCpuS: number | null;
  generatorCpuS: number | null;
}

/** One bench/load.ts process (its own, so its CPU is not the engine's); its JSON line and the window's CPU. */
export async function runLoad(address: string, opts: LoadOptions): Promise<{ result: LoadResult; window: WindowCpu | null }> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.JIFEN_API_KEY;
  if (opts.apiKey) env.JIFEN_API_KEY = opts.apiKey;
  const edges: Partial<Record<WindowEdge, { at: number; engine: number | null; generator: number | null }>> = {};
  const result = await runLoadGenerator(ROOT, address, opts.mode, opts, {
    ...opts,
    env,
    extra: [
      ...(opts.caFile ? ['--ca', opts.caFile] : []),
      ...(opts.servername ? ['--servername', opts.servername] : []),
      ...(opts.extra ?? []),
    ],
    onWindow: (edge, generatorPid) => {
      opts.onWindow?.(edge);
      edges[edge] = {
        at: performance.now(),
        engine: opts.enginePid === undefined ? null : readCpuSeconds(opts.enginePid),
        generator: readCpuSeconds(generatorPid),
      };
    },
  });
  const { open, closed } = edges;
  const used = (a: number | null | undefined, b: number | null | undefined) =>
    a == null || b == null ? null : Math.round((b - a) * 100) / 100;
  return {
    result,
    window:
      open && closed
        ? {
            seconds: Math.round(closed.at - open.at) / 1000,
            engineCpuS: used(open.engine, closed.engine),
            generatorCpuS: used(open.generator, closed.generator),
          }
        : null,
  };
}

/** The command as typed, arguments with spaces or quotes quoted again. */
export function commandLine(argv: string[]): string {
  const args = argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`));
  return `npm run bench -- ${args.join(' ')}`.trim();
}

/** bench/results/<label>-<ISO date-time>.json (colons are not portable in file names). */
export function resultsFile(label: string, startedAt: Date): string {
  const dir = join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const stamp = startedAt
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replaceAll(':', '-');
  return join(dir, `${label}-${stamp}.json`);
}

/**
 * Writes a run's results to resultsFile(label, startedAt): when and how it ran (command, commit,
 * machine, load average at the end, the note) and then the bench's own fields; answers the path.
 */
export function saveResults(
  run: { profile: string; label: string; startedAt: Date; argv: string[]; machine: MachineInfo; note: string | undefined },
  fields: Record<string, unknown>,
): string {
  const record = {
    profile: run.profile,
    startedAt: run.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    command: commandLine(run.argv),
    argv: run.argv,
    git: gitCommit(ROOT),
    machine: run.machine,
    loadavgAtEnd: os.loadavg().map((x) => Math.round(x * 100) / 100),
    note: run.note ?? null,
    ...fields,
  };
  const file = resultsFile(run.label, run.startedAt);
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  return file;
}

export const MIB = 2 ** 20;
