// Benchmark orchestrator (`npm run bench`). For each target, first the echo server (the
// ceiling: same messages, no work) and then the engine, it starts the server as a child process,
// drives it with bench/load.ts (unary Earn, then SubmitBatch) in a separate process, stops it,
// and reports throughput, latency and engine/echo ratios. With --touch-members N the engine gets a
// third phase in the same process: N batch items to N distinct members (m1..mN in order) while its
// RSS is sampled every second. With --profile redis-nats the engine runs against a private
// redis-server and nats-server (bench/servers.ts) started before and stopped after each engine run;
// --profile both runs the engine with each profile and compares them. --profile flash-sale runs a
// different workload on the embedded engine: bench/flash-sale.ts seeds N contenders and fires their
// RedeemReward at one reward of U units the instant it goes on sale (with --ledger cassandra on the
// Cassandra ledger, then the partition sizes it left, bench/cassandra-partitions.ts). With --profile cassandra the
// engine's ledger is a real Cassandra node (bench/cassandra.ts: one node per bench, a keyspace per
// engine run) next to the embedded run, and every engine's measured windows also record the CPU of
// each process on the cores and the ledger's round trips (bench/cassandra-report.ts). See bench/README.md.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { stockActorOf } from '../src/rules/rewards.js';
import { type CommitlogSync, countersDelta, type LedgerNode, type NodeCounters, startLedgerNode } from './cassandra.js';
import { keyValues } from './cli-args.js';
import { formatPartitions, type PartitionReport } from './cassandra-partitions.js';
import { formatCosts, summarizeCosts, type WindowCpu, type WindowFigures } from './cassandra-report.js';
import { type FlashSaleEngine, type FlashSaleResult, formatFlashSale, parseMetrics, saleMetrics } from './flash-sale-report.js';
import { type LoadOptions, runLoadGenerator, type WindowEdge } from './load-process.js';
import { gitCommit, machineInfo } from './machine.js';
import {
  freePort,
  killChildrenOnExit,
  type Managed,
  readCpuSeconds,
  readThreadCpuSeconds,
  threadSplit,
  readMemory,
  spawnManaged,
  stopProcess,
  waitUntilReady,
} from './processes.js';
import {
  compareBackends,
  engineVariant,
  formatReport,
  type LoadResult,
  type Mode,
  median,
  ONE_GIB,
  PROFILES,
  type Profile,
  type RatioLine,
  ratios,
  summarize,
  type TargetName,
  type TargetRun,
  type TargetSummary,
  type TouchRun,
} from './report.js';
import { type BackingServers, backingServerVersions, startRedisNats } from './servers.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const HOST = '127.0.0.1';

const USAGE = `usage: npm run bench -- [flags]
  --duration S            measured seconds per mode (default 10)
  --warmup S              unmeasured seconds before each mode (default 3)
  --concurrency N         Earn calls in flight (default 64; flash-sale: RedeemReward, 2000)
  --batch-concurrency N   SubmitBatch calls in flight (default 8)
  --batch-size N          earn commands per SubmitBatch (default 100)
  --repeat N              repeat the whole sequence, report medians (default 1)
  --shards N              passed to the engine as JIFEN_SHARDS
  --profile P             engine backends: embedded (default), redis-nats (private redis-server +
                          nats-server -js started per engine run; runs embedded next to it, i.e.
                          both), both (= embedded,redis-nats: each repeat runs the engine with
                          each, ratios redis-nats/embedded)
  --profiles P,P          a comma-separated list, each profile as named (redis-nats alone too)
  --profile cassandra     embedded next to the engine on a real Cassandra 5.0 node (started by the
                          bench, jars via Maven the first time) + private Redis + NATS; adds the CPU
                          split (engine vs the Cassandra JVM) and round trips per group commit
    --cassandra-commitlog periodic|batch   the node's commitlog_sync (default periodic, 10 s)
  --profile festival      open-loop Double 11 rehearsal with a verdict (runs alone; bench/profiles/festival.yaml, see bench/README.md)
  --profile tls           Earn and SubmitBatch: plaintext vs plaintext + API key vs TLS + key (runs alone; bench/tls.ts)
  --profile watchers      200 never-reading WatchEvents streams under Earn load: RSS, p99, streams ended (runs alone; bench/watchers.ts)
  --profile cluster       N engine nodes (JIFEN_CLUSTER=etcd) on one Cassandra node: --nodes 1,2,3; random node vs slot owner,
                          CPU per earn per node, kill -9 failover (runs alone; bench/cluster/main.ts, see bench/README.md)
  --profile flash-sale    积分秒杀 on the embedded engine (runs alone; see bench/README.md):
    --contenders N        members seeded and each firing RedeemReward once (default 100000)
    --units N             stock of the reward (default 10000)
    --concurrency N       RedeemReward calls in flight (default 2000 with this profile)
    --channels N          gRPC channels (connections) for the calls (default 8)
    --sale-delay S        seconds between PutReward and available_from (default 2)
    --note TEXT           free text stored in the results file (e.g. what else ran)
    --ledger embedded|cassandra   the engine's ledger (default embedded); cassandra: a real
                          Cassandra node + private Redis + NATS as in --profile cassandra, smaller
                          defaults (--contenders 20000 --units 2000), and after the sale the
                          partition sizes of the tables it wrote (rows, estimated bytes, tombstones)
  --label NAME            results file name prefix (default: the profile, or
                          embedded-vs-redis-nats for both)
  --target all|echo|engine  which servers to run (default all; echo alone tests the harness)
  --engine-env K=V        extra environment for the engine (repeatable)
  --tenant ID             tenant_id of the generated commands (default t1)
  --touch-members N       engine only: after batch, submit N items to members m1..mN in order
                          (SubmitBatch, no warmup, up to --touch-max-seconds) and record the
                          engine's peak RSS against 1 GiB (default 0 = off)
  --touch-max-seconds S   time cap of the touch phase (default 600)
  --no-save               print only, do not write bench/results/*.json`;

// --profile festival: the open-loop Double 11 rehearsal, its own flags and report (bench/festival/main.ts).
const argv = process.argv.slice(2);
if (argv.some((a, i) => a === '--profile=festival' || (a === '--profile' && argv[i + 1] === 'festival'))) {
  const { runFestival } = await import('./festival/main.js');
  process.exit(await runFestival(argv));
}
// --profile tls / watchers: what TLS and keys cost, and 200 never-reading WatchEvents streams (bench/tls.ts, bench/watchers.ts).
const profileArg = argv.find((a, i) => a.startsWith('--profile=') || argv[i - 1] === '--profile')?.replace(/^--profile=/, '');
if (profileArg === 'tls') {
  const { runTls } = await import('./tls.js');
  process.exit(await runTls(argv));
}
if (profileArg === 'watchers') {
  const { runWatchers } = await import('./watchers.js');
  process.exit(await runWatchers(argv));
}
// --profile cluster: N engine nodes on etcd + one Cassandra node, random node vs the slot's owner, kill -9 (bench/cluster/main.ts).
if (profileArg === 'cluster') {
  const { runCluster } = await import('./cluster/main.js');
  process.exit(await runCluster(argv));
}

const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    // No default here: 64 Earn calls, or 2000 RedeemReward calls with --profile flash-sale.
    concurrency: { type: 'string' },
    'batch-concurrency': { type: 'string', default: '8' },
    'batch-size': { type: 'string', default: '100' },
    repeat: { type: 'string', default: '1' },
    shards: { type: 'string' },
    profile: { type: 'string' },
    profiles: { type: 'string' },
    label: { type: 'string' },
    target: { type: 'string', default: 'all' },
    'engine-env': { type: 'string', multiple: true, default: [] },
    tenant: { type: 'string', default: 't1' },
    'touch-members': { type: 'string', default: '0' },
    'touch-max-seconds': { type: 'string', default: '600' },
    // No defaults here: 100000 / 10000, or 20000 / 2000 with --ledger cassandra.
    contenders: { type: 'string' },
    units: { type: 'string' },
    ledger: { type: 'string', default: 'embedded' },
    channels: { type: 'string', default: '8' },
    'sale-delay': { type: 'string', default: '2' },
    note: { type: 'string' },
    'cassandra-commitlog': { type: 'string', default: 'periodic' },
    'no-save': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (flags.help) {
  console.log(USAGE);
  process.exit(0);
}

function count(name: string, raw: string, min = 1): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name}: expected an integer >= ${min}, got ${raw}\n${USAGE}`);
  return n;
}

function seconds(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name}: expected seconds >= 0, got ${raw}`);
  return n;
}

const targetsByFlag: Record<string, TargetName[]> = {
  all: ['echo', 'engine'],
  echo: ['echo'],
  engine: ['engine'],
};

if (flags.profile !== undefined && flags.profiles !== undefined) throw new Error('give --profile or --profiles, not both');
// `--profile redis-nats` is the issue's comparison: the same workloads with Redis + NATS next to the
// embedded run (= both); `--profiles redis-nats` runs the redis-nats engine alone. The same for
// `--profile cassandra`.
const pairedWithEmbedded: Record<string, string> = { 'redis-nats': 'both', cassandra: 'embedded,cassandra' };
const rawProfiles =
  flags.profiles ?? (flags.profile === undefined ? undefined : (pairedWithEmbedded[flags.profile] ?? flags.profile)) ?? 'embedded';
/** --profile flash-sale: its own workload, alone (see runFlashSale). */
const flashSale = rawProfiles.split(',').some((p) => p.trim() === 'flash-sale');
if (flashSale && rawProfiles.trim() !== 'flash-sale') throw new Error('--profile flash-sale runs alone (not with other profiles)');

function parseProfiles(): Profile[] {
  if (flashSale) return ['embedded'];
  const raw = rawProfiles;
  const names = raw
    .split(',')
    .map((p) => p.trim())
    .flatMap((p) => (p === 'both' ? ['embedded', 'redis-nats'] : [p]));
  for (const p of names) {
    if (!(PROFILES as readonly string[]).includes(p))
      throw new Error(`--profile: expected ${PROFILES.join(', ')} or both, got ${p} (a free label for the results file is --label)`);
  }
  return PROFILES.filter((p) => names.includes(p));
}
const profiles = parseProfiles();
const config = {
  durationS: seconds('duration', flags.duration),
  warmupS: seconds('warmup', flags.warmup),
  concurrency: count('concurrency', flags.concurrency ?? '64'),
  batchConcurrency: count('batch-concurrency', flags['batch-concurrency']),
  batchSize: count('batch-size', flags['batch-size']),
  repeat: count('repeat', flags.repeat),
  shards: flags.shards === undefined ? null : count('shards', flags.shards),
  /** Results file prefix. */
  profile:
    flags.label ??
    (flashSale
      ? flags.ledger === 'cassandra'
        ? 'flash-sale-cassandra'
        : 'flash-sale'
      : profiles.length > 1
        ? profiles.join('-vs-')
        : profiles[0]),
  profiles,
  targets: targetsByFlag[flags.target],
  engineEnv: keyValues('engine-env', flags['engine-env']),
  tenant: flags.tenant,
  cassandraCommitlog: flags['cassandra-commitlog'] as CommitlogSync,
  touchMembers: count('touch-members', flags['touch-members'], 0),
  touchMaxS: seconds('touch-max-seconds', flags['touch-max-seconds']),
};
if (!config.targets) throw new Error(`--target: expected all, echo or engine, got ${flags.target}`);
if (config.durationS === 0) throw new Error('--duration must be > 0');
if (config.cassandraCommitlog !== 'periodic' && config.cassandraCommitlog !== 'batch')
  throw new Error(`--cassandra-commitlog: expected periodic or batch, got ${config.cassandraCommitlog}`);

if (flags.ledger !== 'embedded' && flags.ledger !== 'cassandra')
  throw new Error(`--ledger: expected embedded or cassandra, got ${flags.ledger}`);
if (!flashSale && (flags.ledger !== 'embedded' || flags.contenders !== undefined || flags.units !== undefined))
  throw new Error('--ledger, --contenders and --units go with --profile flash-sale (the cassandra profile is --profile cassandra)');
/**
 * The engine on Cassandra does ~1k ledger writes/s on the 2-core VM, so the full sale (100,000
 * contenders) would take well over 5 minutes there: a fifth of it by default.
 */
const flashLedgerCassandra = flags.ledger === 'cassandra';
/** --profile flash-sale only. */
const flashConfig = flashSale
  ? {
      ledger: flags.ledger as 'embedded' | 'cassandra',
      contenders: count('contenders', flags.contenders ?? (flashLedgerCassandra ? '20000' : '100000')),
      units: count('units', flags.units ?? (flashLedgerCassandra ? '2000' : '10000')),
      concurrency: count('concurrency', flags.concurrency ?? '2000'),
      channels: count('channels', flags.channels),
      saleDelayS: seconds('sale-delay', flags['sale-delay']),
      note: flags.note ?? null,
    }
  : null;
if (flashConfig) {
  if (flashConfig.units > flashConfig.contenders) throw new Error('--units must not exceed --contenders');
  if (flashConfig.saleDelayS < 0.5) throw new Error('--sale-delay must be >= 0.5 s');
  if (config.repeat > 1) throw new Error('--profile flash-sale: --repeat is not supported');
  if (flags.target === 'echo') throw new Error('--profile flash-sale runs the engine only');
}
if (config.touchMembers > 0 && config.touchMaxS === 0) throw new Error('--touch-max-seconds must be > 0');

const progress = (msg: string) => console.error(`[bench] ${msg}`);

// Server logs and engine data dirs live here; removed at exit unless a run failed (logs are evidence).
const workDir = mkdtempSync(join(os.tmpdir(), 'jifen-bench-'));
let keepWorkDir = false;
killChildrenOnExit();
process.on('exit', () => {
  if (!keepWorkDir) rmSync(workDir, { recursive: true, force: true });
});

// ---- one load-generator process ------------------------------------------------------------
const defaultLoad = (mode: Mode): LoadOptions => ({
  label: mode,
  concurrency: mode === 'unary' ? config.concurrency : config.batchConcurrency,
  durationS: config.durationS,
  warmupS: config.warmupS,
});

/** Devices the velocity comparison spreads its members over (device_id = d<member id mod N>). */
const VELOCITY_DEVICES = 20_000;

/**
 * The example-program profile sends its commands to the example program's tenant; the velocity
 * profile to the bench program with velocity limits, with a device id on every earn — and so does
 * redis-nats when it is the velocity run's baseline, so the two differ only in the limits.
 */
function loadFor(variant: Variant, mode: Mode): LoadOptions {
  const load = defaultLoad(mode);
  const devices = ['--device-ids', String(VELOCITY_DEVICES)];
  if (variant.profile === 'example-program') return { ...load, extra: ['--tenant', 'example'] };
  if (variant.profile === 'velocity') return { ...load, extra: ['--tenant', 'velocity', ...devices] };
  if (variant.profile === 'redis-nats' && config.profiles.includes('velocity')) return { ...load, extra: devices };
  return load;
}

function runLoad(address: string, mode: Mode, opts: LoadOptions = defaultLoad(mode)): Promise<LoadResult> {
  return runLoadGenerator(ROOT, address, mode, config, opts);
}

// ---- one server lifetime ---------------------------------------------------------------------
/** One server configuration: echo, or the engine with one profile. */
interface Variant {
  name: string;
  target: TargetName;
  profile?: Profile;
}

/**
 * The engine's backend variables per profile. They override --engine-env and the inherited
 * environment, so a shell that exports JIFEN_BALANCES, JIFEN_LEDGER or REDIS_URL cannot mislabel a
 * run; the embedded values are the engine's defaults.
 */
function profileEnv(profile: Profile, servers: BackingServers | null, ledgerEnv: Record<string, string> | null): Record<string, string> {
  const embeddedLedger = { JIFEN_LEDGER: 'embedded' };
  if (profile === 'embedded') return { ...embeddedLedger, JIFEN_BALANCES: 'memory', JIFEN_EVENTS: 'memory' };
  if (profile === 'example-program')
    return {
      ...embeddedLedger,
      JIFEN_BALANCES: 'memory',
      JIFEN_EVENTS: 'memory',
      JIFEN_PROGRAMS_DIR: join(ROOT, 'deploy', 'programs'),
    };
  if (!servers) throw new Error(`${profile}: servers not started`);
  if (profile === 'cassandra') {
    if (!ledgerEnv) throw new Error('cassandra: no keyspace made');
    return { ...servers.env, ...ledgerEnv };
  }
  if (profile === 'velocity') return { ...embeddedLedger, ...servers.env, JIFEN_PROGRAMS_DIR: join(ROOT, 'bench', 'programs') };
  return { ...embeddedLedger, ...servers.env };
}

async function startServer(
  variant: Variant,
  repeat: number,
  servers: BackingServers | null,
  ledgerEnv: Record<string, string> | null = null,
): Promise<{
  proc: Managed;
  address: string;
  dataDir?: string;
  /** Engine only: its Prometheus endpoint, host:port. */
  metricsAddr?: string;
}> {
  const { target, name } = variant;
  const port = await freePort(HOST);
  const address = `${HOST}:${port}`;
  const logFile = join(workDir, `${name}-${repeat}.log`);
  let sawReadyLine = false;
  const readyLine = target === 'echo' ? /^READY \d+/ : /listening/i;
  const onStdoutLine = (line: string) => {
    if (readyLine.test(line)) sawReadyLine = true;
  };

  let proc: Managed;
  let dataDir: string | undefined;
  const metricsAddr = target === 'engine' ? `${HOST}:${await freePort(HOST)}` : undefined;
  if (target === 'echo') {
    proc = spawnManaged('echo server', process.execPath, ['--import', 'tsx', 'bench/echo-server.ts', address], {
      cwd: ROOT,
      logFile,
      onStdoutLine,
    });
  } else {
    if (!existsSync(join(ROOT, 'src/main.ts'))) throw new Error('src/main.ts not found: the engine is not there yet (try --target echo)');
    dataDir = join(workDir, `${name}-data-${repeat}`);
    mkdirSync(dataDir);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      JIFEN_GRPC_ADDR: address,
      JIFEN_METRICS_ADDR: metricsAddr,
      JIFEN_DATA_DIR: dataDir,
      ...(config.shards !== null ? { JIFEN_SHARDS: String(config.shards) } : {}),
      ...config.engineEnv,
      ...profileEnv(variant.profile ?? 'embedded', servers, ledgerEnv),
    };
    proc = spawnManaged('engine', process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env, logFile, onStdoutLine });
  }
  try {
    await waitUntilReady(proc, {
      host: HOST,
      port,
      sawReadyLine: () => sawReadyLine,
      timeoutMs: 60_000,
    });
  } catch (err) {
    await stopProcess(proc);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  return { proc, address, dataDir, metricsAddr };
}

/** One variant's server (and, for redis-nats, its private Redis and NATS), up for one repeat. */
interface Running {
  variant: Variant;
  repeat: number;
  proc: Managed;
  address: string;
  dataDir?: string;
  /** Engine only: its Prometheus endpoint, host:port. */
  metricsAddr?: string;
  /** cassandra only: the engine's keyspace on the ledger node, dropped when the run stops. */
  keyspace?: string;
  servers: BackingServers | null;
  serversCpuAtStart?: { redis: number | null; nats: number | null };
  results: Partial<Record<Mode, LoadResult>>;
  windows: Partial<Record<Mode, WindowFigures>>;
}

/**
 * --profile cassandra: one node for the whole bench, started with the first cassandra run (a JVM start
 * takes tens of seconds) and stopped at the end; each engine run gets a fresh keyspace on it.
 */
let ledgerNode: Promise<LedgerNode> | undefined;

async function stopLedgerNode(): Promise<void> {
  const node = await ledgerNode?.catch(() => undefined);
  ledgerNode = undefined;
  await node?.stop();
}

/** redis-nats and cassandra: the private servers (and keyspace) live exactly as long as this one engine run. */
async function startVariant(variant: Variant, repeat: number): Promise<Running> {
  let servers: BackingServers | null = null;
  let keyspace: string | undefined;
  const label = `${variant.name} #${repeat + 1}`;
  try {
    let ledgerEnv: Record<string, string> | null = null;
    if (variant.profile === 'cassandra') {
      if (!ledgerNode) progress(`${label}: starting the Cassandra node (${config.cassandraCommitlog} commitlog)`);
      ledgerNode ??= startLedgerNode(config.cassandraCommitlog, progress);
      const node = await ledgerNode;
      keyspace = `jifen_bench_${repeat}_${randomBytes(4).toString('hex')}`;
      ledgerEnv = await node.newKeyspace(keyspace);
      progress(`${label}: keyspace ${keyspace} on ${node.contactPoint} (Cassandra ${node.version}, pid ${node.pid})`);
    }
    if (variant.profile === 'redis-nats' || variant.profile === 'velocity' || variant.profile === 'cassandra') {
      progress(`${label}: starting private redis-server and nats-server -js`);
      servers = await startRedisNats(join(workDir, `${variant.name}-${repeat}`));
      progress(`${label}: ${servers.env.REDIS_URL}, ${servers.env.NATS_URL}`);
    }
    progress(`${label}: starting`);
    const { proc, address, dataDir, metricsAddr } = await startServer(variant, repeat, servers, ledgerEnv);
    return {
      variant,
      repeat,
      proc,
      address,
      dataDir,
      metricsAddr,
      keyspace,
      servers,
      serversCpuAtStart: servers?.cpuSeconds(),
      results: {},
      windows: {},
    };
  } catch (err) {
    await servers?.stop();
    if (keyspace) await dropKeyspace(keyspace);
    throw err;
  }
}

async function dropKeyspace(keyspace: string): Promise<void> {
  try {
    await (await ledgerNode)?.dropKeyspace(keyspace);
  } catch (err) {
    progress(`warning: could not drop keyspace ${keyspace}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function measure(run: Running, mode: Mode): Promise<void> {
  const { variant, repeat } = run;
  progress(
    mode === 'unary'
      ? `${variant.name} #${repeat + 1}: Earn x${config.concurrency} in flight, ${config.warmupS}s warmup + ${config.durationS}s`
      : `${variant.name} #${repeat + 1}: SubmitBatch x${config.batchSize}, ${config.batchConcurrency} in flight`,
  );
  const node = await ledgerNode?.catch(() => undefined);
  const edges: Partial<Record<WindowEdge, Edge>> = {};
  const onWindow =
    variant.target === 'engine'
      ? (edge: WindowEdge, generatorPid: number) => {
          edges[edge] = readEdge(run, generatorPid, node);
        }
      : undefined;
  run.results[mode] = await runLoad(run.address, mode, { ...loadFor(variant, mode), onWindow });
  checkAlive(run);
  if (edges.open && edges.closed) run.windows[mode] = await windowFigures(edges.open, edges.closed, run.proc.pid);
}

/** What is read at one edge of a measured window: CPU at once, the counters as soon as they answer. */
interface Edge {
  at: number;
  cpuS: WindowCpu;
  engineThreads: Record<number, number> | null;
  metrics: Promise<Map<string, number> | null>;
  node: Promise<NodeCounters | null>;
}

function readEdge(run: Running, generatorPid: number, node: LedgerNode | undefined): Edge {
  const servers = run.servers;
  return {
    at: performance.now(),
    cpuS: {
      engine: readCpuSeconds(run.proc.pid),
      generator: readCpuSeconds(generatorPid),
      ledgerNode: node ? readCpuSeconds(node.pid) : null,
      redis: servers ? readCpuSeconds(servers.redis.pid) : null,
      nats: servers ? readCpuSeconds(servers.nats.pid) : null,
    },
    engineThreads: readThreadCpuSeconds(run.proc.pid),
    metrics: run.metricsAddr ? scrapeMetrics(run.metricsAddr) : Promise.resolve(null),
    node: node && run.keyspace ? node.counters(run.keyspace).catch(() => null) : Promise.resolve(null),
  };
}

async function windowFigures(open: Edge, closed: Edge, enginePid: number): Promise<WindowFigures> {
  const used = (key: keyof WindowCpu) => {
    const a = open.cpuS[key];
    const b = closed.cpuS[key];
    return a === null || b === null ? null : Math.round((b - a) * 100) / 100;
  };
  const [metricsA, metricsB, nodeA, nodeB] = await Promise.all([open.metrics, closed.metrics, open.node, closed.node]);
  return {
    seconds: Math.round(closed.at - open.at) / 1000,
    cpuS: {
      engine: used('engine'),
      generator: used('generator'),
      ledgerNode: used('ledgerNode'),
      redis: used('redis'),
      nats: used('nats'),
    },
    engineThreads: threadsOver(open.engineThreads, closed.engineThreads, enginePid),
    engine: metricsA && metricsB ? saleMetrics(metricsA, metricsB) : null,
    node: nodeA && nodeB ? countersDelta(nodeA, nodeB) : null,
  };
}

/** Medians over the repeats of the engine's CPU µs per acknowledged earn, by thread (main, shard threads, the rest). */
function threadCosts(runs: TargetRun[]): string[] {
  const lines: string[] = [];
  for (const variant of [...new Set(runs.filter((r) => r.windows).map((r) => r.variant))]) {
    for (const mode of ['unary', 'batch'] as const) {
      const per = runs.flatMap((r) => {
        const w = r.variant === variant ? r.windows?.[mode] : undefined;
        const earns = w?.engine?.commands['earn ok'];
        if (!w?.engineThreads || !earns) return [];
        const us = (s: number) => (s * 1e6) / earns;
        return [{ main: us(w.engineThreads.main), shards: w.engineThreads.shards.map(us), other: us(w.engineThreads.other) }];
      });
      if (!per.length) continue;
      const med = (xs: number[]) => Math.round(median(xs));
      const shards = per[0].shards.map((_, i) => med(per.map((p) => p.shards[i] ?? 0)));
      lines.push(
        `${variant} ${mode === 'unary' ? 'Earn' : 'SubmitBatch'} CPU µs per earn by thread (median of ${per.length}): main ${med(per.map((p) => p.main))}, shard threads ${shards.join(' + ')}, other (GC/JIT helpers, libuv) ${med(per.map((p) => p.other))}`,
      );
    }
  }
  return lines;
}

/** The engine's CPU by thread over a window: main, the shard threads (see WindowFigures), the rest. */
function threadsOver(
  open: Record<number, number> | null,
  closed: Record<number, number> | null,
  pid: number,
): WindowFigures['engineThreads'] {
  if (!open || !closed) return null;
  const shardCount = Number(config.engineEnv.JIFEN_SHARDS ?? config.shards ?? os.cpus().length);
  return threadSplit(open, closed, pid, shardCount);
}

const scrapeMetrics = (metricsAddr: string): Promise<Map<string, number> | null> =>
  fetch(`http://${metricsAddr}/metrics`)
    .then((r) => r.text())
    .then(parseMetrics)
    .catch(() => null);

function checkAlive({ proc, variant }: Running): void {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null)
    throw new Error(`${variant.name} died during the run:\n${proc.tail()}`);
}

/** Samples memory and the backing servers' CPU, runs the touch phase if asked, and stops everything. */
async function finishVariant(run: Running): Promise<TargetRun> {
  const { variant, repeat, proc, servers } = run;
  const target = variant.name;
  try {
    const { unary, batch } = run.results;
    if (!unary || !batch) throw new Error(`${target} #${repeat + 1}: a mode was not measured`);
    // Sampled after the load (before the touch phase, so the figure stays comparable with runs
    // without one), before SIGTERM: VmRSS is what it holds now, VmHWM its peak.
    const memory = readMemory(proc.pid);
    const serversMemory = servers?.memory();
    const serversCpu = servers?.cpuSeconds();
    const cpuUsed = (end?: number | null, start?: number | null) =>
      end != null && start != null ? Math.round((end - start) * 100) / 100 : null;
    let touch: TouchRun | undefined;
    if (variant.target === 'engine' && config.touchMembers > 0) {
      touch = await runTouch(proc, run.address, repeat, target);
      checkAlive(run);
    }
    return {
      target: variant.target,
      variant: variant.name,
      ...(variant.profile ? { profile: variant.profile } : {}),
      repeat,
      results: { unary, batch },
      memory,
      ...(touch ? { touch } : {}),
      ...(Object.keys(run.windows).length ? { windows: run.windows } : {}),
      ...(servers && serversMemory
        ? {
            backingServers: {
              redisPort: servers.redis.port,
              natsPort: servers.nats.port,
              redisMemory: serversMemory.redis,
              natsMemory: serversMemory.nats,
              redisCpuS: cpuUsed(serversCpu?.redis, run.serversCpuAtStart?.redis),
              natsCpuS: cpuUsed(serversCpu?.nats, run.serversCpuAtStart?.nats),
            },
          }
        : {}),
    };
  } finally {
    await stopVariant(run);
  }
}

async function stopVariant({ proc, variant, dataDir, servers, keyspace }: Running): Promise<void> {
  const exit = await stopProcess(proc);
  if (exit.code !== 0 && exit.signal !== 'SIGTERM') {
    progress(`warning: ${variant.name} exited with code ${exit.code} signal ${exit.signal} on SIGTERM`);
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  await servers?.stop();
  // Its data would otherwise be compacted on the node's CPU during the next repeat.
  if (keyspace) await dropKeyspace(keyspace);
}

/**
 * One repeat. Every variant's server is started first and stays up (idle) while the others are
 * measured, so each mode runs back to back across the variants: a ratio between variants then
 * compares runs seconds apart, not the length of a whole variant's run, which matters on a shared
 * machine whose speed drifts. Odd repeats take the variants in reverse order, so neither profile
 * always runs first.
 */
async function runRepeat(variants: Variant[], repeat: number): Promise<TargetRun[]> {
  const order = repeat % 2 === 0 ? variants : [...variants].reverse();
  const running: Running[] = [];
  try {
    for (const variant of order) running.push(await startVariant(variant, repeat));
    for (const mode of ['unary', 'batch'] as const) {
      for (const run of running) await measure(run, mode);
    }
  } catch (err) {
    await Promise.allSettled(running.map(stopVariant));
    throw err;
  }
  const finished: TargetRun[] = [];
  try {
    for (const run of running) finished.push(await finishVariant(run));
  } catch (err) {
    // finishVariant stopped its own run; the ones after it are still up.
    await Promise.allSettled(running.slice(finished.length + 1).map(stopVariant));
    throw err;
  }
  // Reported in the variants' own order, whichever ran first.
  return variants.map((v) => finished.find((f) => f.variant === v.name) as TargetRun);
}

/**
 * The touch phase: --touch-members items, one per member m1..mN in order, as SubmitBatch with the
 * configured size and batch concurrency, no warmup, ending when all are acknowledged (or at
 * --touch-max-seconds). The server's VmRSS is read every second; VmHWM at the end covers the
 * peaks between samples (and the earlier phases of the same process).
 */
async function runTouch(proc: Managed, address: string, repeat: number, name: string): Promise<TouchRun> {
  const n = config.touchMembers;
  progress(
    `${name} #${repeat + 1}: touch ${n.toLocaleString('en-US')} members in order, SubmitBatch x${config.batchSize}, ${config.batchConcurrency} in flight (cap ${config.touchMaxS}s)`,
  );
  const samples: { t: number; rssBytes: number }[] = [];
  let maxSampledRss = 0;
  const t0 = Date.now();
  const sample = () => {
    const m = readMemory(proc.pid);
    if (!m) return;
    samples.push({
      t: Math.round((Date.now() - t0) / 100) / 10,
      rssBytes: m.rssBytes,
    });
    maxSampledRss = Math.max(maxSampledRss, m.rssBytes);
  };
  sample();
  let lastReport = Date.now();
  const timer = setInterval(() => {
    sample();
    if (Date.now() - lastReport >= 30_000) {
      lastReport = Date.now();
      const last = samples[samples.length - 1];
      if (last) progress(`${name} #${repeat + 1}: touch ${last.t}s, RSS ${Math.round(last.rssBytes / 2 ** 20)} MB`);
    }
  }, 1000);
  let result: LoadResult;
  try {
    result = await runLoad(address, 'batch', {
      label: 'touch',
      concurrency: config.batchConcurrency,
      durationS: config.touchMaxS,
      warmupS: 0,
      extra: [...['--members-order', 'sequential', '--members', String(n)], ...['--items', String(n)]],
    });
  } finally {
    clearInterval(timer);
  }
  sample();
  const end = readMemory(proc.pid);
  const peakRssBytes = Math.max(maxSampledRss, end?.peakRssBytes ?? 0);
  return {
    members: n,
    result,
    complete: result.items >= n && result.distinctMembers >= n,
    maxSampledRssBytes: maxSampledRss,
    endRssBytes: end?.rssBytes ?? null,
    endPeakRssBytes: end?.peakRssBytes ?? null,
    peakRssBytes: samples.length || end ? peakRssBytes : null,
    withinOneGiB: samples.length || end ? peakRssBytes <= ONE_GIB : null,
    rssSamples: samples,
  };
}

// ---- flash sale ----------------------------------------------------------------------------
/** What runFlashSale returns: the generator's result, the engine as seen from outside, and on Cassandra the partitions. */
interface FlashSaleRun {
  result: FlashSaleResult;
  engine: FlashSaleEngine;
  /** --ledger cassandra: the keyspace measured after the engine stopped. */
  partitions: PartitionReport | null;
}

/**
 * --profile flash-sale: one engine, bench/flash-sale.ts in its own process against it (seeding, the
 * sale, verification). The engine's CPU (and the Cassandra node's) is read at the generator's PHASE
 * lines and its RSS every second. With --ledger cassandra the engine runs as in --profile cassandra
 * (a keyspace on the bench's node, private Redis + NATS), and once it has stopped the keyspace's
 * partitions are measured (bench/cassandra-partitions.ts) before it is dropped.
 */
async function runFlashSale(fc: NonNullable<typeof flashConfig>): Promise<FlashSaleRun> {
  const onCassandra = fc.ledger === 'cassandra';
  const variant: Variant = {
    name: 'engine-flash-sale',
    target: 'engine',
    profile: onCassandra ? 'cassandra' : 'embedded',
  };
  let servers: BackingServers | null = null;
  let keyspace: string | undefined;
  try {
    let ledgerEnv: Record<string, string> | null = null;
    let node: LedgerNode | undefined;
    if (onCassandra) {
      progress(`flash-sale: starting the Cassandra node (${config.cassandraCommitlog} commitlog)`);
      ledgerNode ??= startLedgerNode(config.cassandraCommitlog, progress);
      node = await ledgerNode;
      keyspace = `jifen_flash_${randomBytes(4).toString('hex')}`;
      ledgerEnv = await node.newKeyspace(keyspace);
      progress(`flash-sale: keyspace ${keyspace} on ${node.contactPoint} (Cassandra ${node.version}, pid ${node.pid})`);
      servers = await startRedisNats(join(workDir, 'flash-sale'));
      progress(`flash-sale: ${servers.env.REDIS_URL}, ${servers.env.NATS_URL}`);
    }
    const engineFromMs = Date.now();
    const { result, engine } = await driveFlashSale(fc, variant, servers, ledgerEnv, node);
    const engineToMs = Date.now();
    let partitions: PartitionReport | null = null;
    if (node && keyspace) {
      progress(`flash-sale: measuring the partitions of ${keyspace} (full scans, traced reads)`);
      partitions = await node.partitions(keyspace, {
        tenant: config.tenant,
        stockActor: stockActorOf(result.rewardId),
        buyerPrefix: 'c',
        shards: config.shards ?? os.cpus().length,
        engineFromMs,
        engineToMs,
      });
    }
    return { result, engine, partitions };
  } finally {
    await servers?.stop();
    if (keyspace) await dropKeyspace(keyspace);
  }
}

/** The engine's lifetime in a flash sale: started, driven by the generator, stopped (SIGTERM). */
async function driveFlashSale(
  fc: NonNullable<typeof flashConfig>,
  variant: Variant,
  servers: BackingServers | null,
  ledgerEnv: Record<string, string> | null,
  node: LedgerNode | undefined,
): Promise<{ result: FlashSaleResult; engine: FlashSaleEngine }> {
  progress(
    `flash-sale: starting the engine (${variant.profile}${config.shards !== null ? `, ${config.shards} shards` : ', default shards'})`,
  );
  const { proc, address, dataDir, metricsAddr } = await startServer(variant, 0, servers, ledgerEnv);
  const scrape = (): Promise<Map<string, number> | null> =>
    fetch(`http://${metricsAddr}/metrics`)
      .then((r) => r.text())
      .then(parseMetrics)
      .catch(() => null);
  // "armed": the reward is put, the sale opens in --sale-delay; "sale-end": every contender answered.
  const scrapes: Record<string, Promise<Map<string, number> | null>> = {};
  let maxRss = 0;
  const sample = () => {
    const m = readMemory(proc.pid);
    if (m) maxRss = Math.max(maxRss, m.rssBytes);
  };
  const timer = setInterval(sample, 1000);
  const cpuAt: Record<string, number | null> = { start: readCpuSeconds(proc.pid) };
  const nodeCpuAt: Record<string, number | null> = { start: node ? readCpuSeconds(node.pid) : null };
  let rssAfterSale: number | null = null;
  try {
    let lastJson: string | undefined;
    const gen = spawnManaged(
      'flash-sale generator',
      process.execPath,
      [
        '--max-semi-space-size=32',
        '--import',
        'tsx',
        'bench/flash-sale.ts',
        ...['--target', address, '--tenant', config.tenant],
        ...['--contenders', String(fc.contenders), '--units', String(fc.units)],
        ...['--concurrency', String(fc.concurrency), '--channels', String(fc.channels)],
        ...['--sale-delay', String(fc.saleDelayS)],
      ],
      {
        cwd: ROOT,
        inheritStderr: true,
        onStdoutLine: (line) => {
          if (line.startsWith('{')) lastJson = line;
          const phase = /^PHASE (\S+)/.exec(line)?.[1];
          if (phase) {
            cpuAt[phase] = readCpuSeconds(proc.pid);
            if (node) nodeCpuAt[phase] = readCpuSeconds(node.pid);
            if (phase === 'armed' || phase === 'sale-end') scrapes[phase] = scrape();
            sample();
            if (phase === 'sale-end') rssAfterSale = readMemory(proc.pid)?.rssBytes ?? null;
          }
        },
      },
    );
    // Bounded by the generator's own call deadlines; this only catches a wedged process.
    const killer = setTimeout(() => gen.child.kill('SIGKILL'), 3_600_000);
    const exit = await gen.exited;
    clearTimeout(killer);
    if (proc.child.exitCode !== null || proc.child.signalCode !== null)
      throw new Error(`the engine died during the flash sale:\n${proc.tail()}`);
    if (exit.code !== 0 || !lastJson)
      throw new Error(`flash-sale generator failed (code ${exit.code}, signal ${exit.signal}):\n${gen.tail()}`);
    sample();
    const end = readMemory(proc.pid);
    const [armed, ended] = await Promise.all([scrapes.armed ?? null, scrapes['sale-end'] ?? null]);
    const used = (a?: number | null, b?: number | null) => (a != null && b != null ? Math.round((b - a) * 100) / 100 : null);
    return {
      result: JSON.parse(lastJson) as FlashSaleResult,
      engine: {
        ledger: variant.profile === 'cassandra' ? 'cassandra' : 'embedded',
        shards: config.shards !== null ? String(config.shards) : `default (${os.cpus().length} cores)`,
        cpuSecondsSeeding: used(cpuAt.start, cpuAt.seeded),
        cpuSecondsSale: used(cpuAt['sale-start'], cpuAt['sale-end']),
        ...(node
          ? {
              ledgerNodeCpuSecondsSeeding: used(nodeCpuAt.start, nodeCpuAt.seeded),
              ledgerNodeCpuSecondsSale: used(nodeCpuAt['sale-start'], nodeCpuAt['sale-end']),
            }
          : {}),
        peakRssBytes: Math.max(maxRss, end?.peakRssBytes ?? 0) || null,
        rssAfterSaleBytes: rssAfterSale,
        saleMetrics: armed && ended ? saleMetrics(armed, ended) : null,
      },
    };
  } finally {
    clearInterval(timer);
    const exit = await stopProcess(proc);
    if (exit.code !== 0 && exit.signal !== 'SIGTERM')
      progress(`warning: engine exited with code ${exit.code} signal ${exit.signal} on SIGTERM`);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The command as typed, arguments with spaces or quotes quoted again. */
function commandLine(): string {
  const args = process.argv.slice(2).map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`));
  return `npm run bench -- ${args.join(' ')}`.trim();
}

function resultsFile(startedAt: Date): string {
  const dir = join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  // Colons are not portable in file names.
  const stamp = startedAt
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replaceAll(':', '-');
  return join(dir, `${config.profile}-${stamp}.json`);
}

async function mainFlashSale(fc: NonNullable<typeof flashConfig>, startedAt: Date, machine: ReturnType<typeof machineInfo>): Promise<void> {
  const { result, engine, partitions } = await runFlashSale(fc);
  const node = await ledgerNode;
  const ledgerNodeInfo = node
    ? { version: node.version, startSeconds: node.startSeconds, commitlogSync: node.commitlogSync, replicationFactor: 1 }
    : null;
  await stopLedgerNode();
  console.log(formatFlashSale(result, engine));
  if (partitions) console.log(`\n${formatPartitions(partitions)}`);
  if (!flags['no-save']) {
    const record = {
      ...recordHeader(config.profile, startedAt, machine),
      ...(ledgerNodeInfo ? { ledgerNode: ledgerNodeInfo, backingServerVersions: backingServerVersions() } : {}),
      loadavgAtEnd: os.loadavg().map((x) => Math.round(x * 100) / 100),
      note: fc.note,
      config: { ...fc, shards: config.shards, tenant: config.tenant, engineEnv: config.engineEnv },
      pass: result.verification.pass,
      summary: {
        seedingSeconds: result.seeding.seconds,
        seedingMembersPerSec: result.seeding.membersPerSec,
        sellOutSeconds: result.sale.sellOutSeconds,
        redemptionsPerSec: result.sale.redemptionsPerSec,
        allAnsweredSeconds: result.sale.allAnsweredSeconds,
        requestsPerSec: result.sale.requestsPerSec,
        successP50Ms: result.sale.latency.success.p50Ms,
        successP99Ms: result.sale.latency.success.p99Ms,
        refusalP50Ms: result.sale.latency.refusal.p50Ms,
        refusalP99Ms: result.sale.latency.refusal.p99Ms,
        engineCpuSecondsSale: engine.cpuSecondsSale,
        enginePeakRssMB: engine.peakRssBytes === null ? null : Math.round(engine.peakRssBytes / 2 ** 20),
      },
      engine,
      ...(partitions ? { partitions } : {}),
      result,
    };
    const file = resultsFile(startedAt);
    writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
    progress(`wrote ${file}`);
  }
  if (!result.verification.pass) {
    keepWorkDir = true;
    console.error(`[bench] FLASH SALE VERIFICATION FAILED: ${result.verification.problems.join('; ')}`);
    console.error(`[bench] server logs kept in ${workDir}`);
    process.exit(2);
  }
}

// ---- main ----------------------------------------------------------------------------------
async function main(): Promise<void> {
  const startedAt = new Date();
  const machine = machineInfo();
  if (machine.loadavg[0] > machine.cpuCount / 2) {
    progress(`warning: load average ${machine.loadavg[0]} on ${machine.cpuCount} CPUs; other work will skew the numbers`);
  }
  if (flashConfig) return mainFlashSale(flashConfig, startedAt, machine);
  const variants = config.targets.flatMap((target): Variant[] =>
    target === 'echo'
      ? [{ name: 'echo', target }]
      : config.profiles.map((profile) => ({
          name: engineVariant(profile),
          target,
          profile,
        })),
  );
  const runs: TargetRun[] = [];
  for (let r = 0; r < config.repeat; r++) runs.push(...(await runRepeat(variants, r)));
  const node = await ledgerNode;
  const ledgerNodeInfo = node
    ? { version: node.version, startSeconds: node.startSeconds, commitlogSync: node.commitlogSync, replicationFactor: 1 }
    : null;
  await stopLedgerNode();

  const summary: Record<string, TargetSummary> = {};
  for (const { name } of variants) summary[name] = summarize(runs.filter((run) => run.variant === name));
  // Every engine variant against the echo ceiling; `ratios` keeps the first (as before: engine/echo).
  const ratioLines: RatioLine[] = summary.echo
    ? variants
        .filter((v) => v.target === 'engine')
        .map((v) => ({
          label: `${v.name}/echo`,
          ratios: ratios(summary[v.name], summary.echo),
        }))
    : [];
  const comparison = compareBackends(runs, summary);

  console.log(formatReport(summary, ratioLines, comparison));
  // The private servers' CPU, as a share of one core over the two modes (warmups included).
  const loadSeconds = 2 * (config.warmupS + config.durationS);
  const cores = (pick: (b: NonNullable<TargetRun['backingServers']>) => number | null) => {
    const xs = runs.map((r) => (r.backingServers ? pick(r.backingServers) : null)).filter((x): x is number => x !== null);
    return xs.length ? `${Math.round((median(xs) / loadSeconds) * 100)}%` : 'n/a';
  };
  if (runs.some((r) => r.backingServers))
    console.log(
      `redis-nats servers' CPU during Earn + SubmitBatch (median, % of one core): redis-server ${cores((b) => b.redisCpuS)}, nats-server ${cores((b) => b.natsCpuS)}`,
    );
  const bare = summary[engineVariant('embedded')];
  const rules = summary[engineVariant('example-program')];
  if (bare && rules) {
    const r = ratios(rules, bare);
    console.log(
      `example-program/embedded  SubmitBatch items/s ${r.batchItemsPerSec.toFixed(2)}x (>= 0.80: ${r.batchItemsPerSec >= 0.8 ? 'pass' : 'FAIL'})  Earn calls/s ${r.unaryCallsPerSec.toFixed(2)}x`,
    );
  }
  const withoutLimits = summary[engineVariant('redis-nats')];
  const withLimits = summary[engineVariant('velocity')];
  if (withoutLimits && withLimits) {
    const r = ratios(withLimits, withoutLimits);
    console.log(
      `velocity/redis-nats  Earn calls/s ${r.unaryCallsPerSec.toFixed(2)}x  SubmitBatch items/s ${r.batchItemsPerSec.toFixed(2)}x (>= 0.85: ${r.unaryCallsPerSec >= 0.85 && r.batchItemsPerSec >= 0.85 ? 'pass' : 'FAIL'})`,
    );
  }
  const onCassandra = summary[engineVariant('cassandra')];
  if (bare && onCassandra) {
    const r = ratios(onCassandra, bare);
    console.log(
      `cassandra/embedded  Earn calls/s ${r.unaryCallsPerSec.toFixed(2)}x  SubmitBatch items/s ${r.batchItemsPerSec.toFixed(2)}x  |  p99 Earn ${r.unaryP99}x  SubmitBatch ${r.batchP99}x`,
    );
  }
  const costs = summarizeCosts(runs);
  if (Object.keys(costs).length) console.log(`\n${formatCosts(costs)}`);
  const threads = threadCosts(runs);
  if (threads.length) console.log(`\n${threads.join('\n')}`);
  if (config.touchMembers > 0 && !config.targets.includes('engine')) progress('--touch-members: skipped (engine only)');

  if (flags['no-save']) return;
  const record = {
    ...recordHeader(config.profile, startedAt, machine),
    ...((config.profiles.includes('redis-nats') || config.profiles.includes('cassandra')) && config.targets.includes('engine')
      ? { backingServerVersions: backingServerVersions() }
      : {}),
    ...(ledgerNodeInfo ? { ledgerNode: ledgerNodeInfo } : {}),
    config,
    summary,
    ratios: ratioLines[0]?.ratios ?? null,
    ratiosByVariant: Object.fromEntries(ratioLines.map((l) => [l.label, l.ratios])),
    ...(comparison ? { redisNatsVsEmbedded: comparison } : {}),
    costs,
    runs,
  };
  const file = resultsFile(startedAt);
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  progress(`wrote ${file}`);
}

main().catch(async (err: unknown) => {
  keepWorkDir = true;
  console.error(`[bench] failed: ${err instanceof Error ? err.message : String(err)}`);
  const node = await ledgerNode?.catch(() => undefined);
  if (node) console.error(`[bench] Cassandra node log:\n${node.logTail()}`);
  await stopLedgerNode().catch(() => undefined);
  console.error(`[bench] server logs kept in ${workDir}`);
  process.exit(1);
});

/** What every results file starts with: the run, its command line, the commit and the machine. */
function recordHeader(profile: string, startedAt: Date, machine: unknown): Record<string, unknown> {
  return {
    profile,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    command: commandLine(),
    argv: process.argv.slice(2),
    git: gitCommit(ROOT),
    machine,
  };
}
