// `npm run bench -- --profile cluster --nodes 1,2,3` (issue 13, part 7 "Scale"): N engine nodes with
// JIFEN_CLUSTER=etcd on loopback, one private etcd (test/support/etcd-server.ts), one Cassandra node
// (bench/cassandra.ts, a fresh keyspace per cluster run), one private Redis + NATS shared by the nodes
// (bench/servers.ts, as the cassandra profile; --backing none leaves balances and events in the
// engines). For every N and repeat: the cluster starts (first node alone, then the others) and serves
// all 4096 slots; unary Earn, then SubmitBatch, each sent by bench/cluster/load.ts to a random node and
// to the slot's owner (owner-aware client), back to back, with every process' CPU read at the measured
// window's edges; then (N ≥ 2) kill -9 of the last node under Earn load, timed to the first
// acknowledged write on a slot it owned. See bench/README.md "Cluster".
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startEtcdServer } from '../../test/support/etcd-server.js';
import { type CommitlogSync, type LedgerNode, startLedgerNode } from '../cassandra.js';
import { keyValues } from '../cli-args.js';
import { machineInfo } from '../machine.js';
import { killChildrenOnExit, readCpuSeconds, spawnManaged } from '../processes.js';
import { ROOT, saveResults } from '../security-engine.js';
import { type BackingServers, backingServerVersions, startRedisNats } from '../servers.js';
import { type Cluster, type NodeReading, startCluster } from './nodes.js';
import {
  type ClusterLoadResult,
  forwardingCosts,
  formatClusterReport,
  type Mode,
  type PhaseRun,
  type Route,
  summarizeFailovers,
  summarizeIdle,
  summarizePhases,
  type WindowCosts,
} from './report.js';

const progress = (msg: string) => console.error(`[cluster] ${msg}`);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface Settings {
  nodeCounts: number[];
  repeat: number;
  durationS: number;
  warmupS: number;
  concurrency: number;
  batchConcurrency: number;
  batchSize: number;
  members: number;
  zipfS: number;
  tenant: string;
  modes: Mode[];
  failover: boolean;
  failoverDurationS: number;
  killAfterS: number;
  /** Unmeasured SubmitBatch load on the first cluster before anything is measured: the JVM's first load. */
  jvmWarmupS: number;
  backing: 'redis-nats' | 'none';
  engineEnv: Record<string, string>;
}

/** The processes around the cluster whose CPU every window reads. */
interface Around {
  etcd: { endpoint: string; pid: number; version: string };
  ledger: LedgerNode;
}

export async function runCluster(argv: string[]): Promise<number> {
  const { values: flags } = parseArgs({
    args: argv,
    options: {
      profile: { type: 'string' },
      nodes: { type: 'string', default: '1,2,3' },
      repeat: { type: 'string', default: '3' },
      duration: { type: 'string', default: '8' },
      warmup: { type: 'string', default: '2' },
      concurrency: { type: 'string', default: '64' },
      'batch-concurrency': { type: 'string', default: '8' },
      'batch-size': { type: 'string', default: '100' },
      members: { type: 'string', default: '1000000' },
      'zipf-s': { type: 'string', default: '1.0' },
      tenant: { type: 'string', default: 't1' },
      modes: { type: 'string', default: 'unary,batch' },
      'no-failover': { type: 'boolean', default: false },
      'failover-duration': { type: 'string', default: '20' },
      'kill-after': { type: 'string', default: '4' },
      'jvm-warmup': { type: 'string', default: '20' },
      'lease-ttl': { type: 'string', default: '5' },
      threads: { type: 'string' },
      backing: { type: 'string', default: 'redis-nats' },
      'cassandra-commitlog': { type: 'string', default: 'periodic' },
      'engine-env': { type: 'string', multiple: true, default: [] },
      label: { type: 'string', default: 'cluster' },
      note: { type: 'string' },
      'no-save': { type: 'boolean', default: false },
    },
  });
  const settings = parseSettings(flags);
  const commitlog = flags['cassandra-commitlog'] as CommitlogSync;
  if (commitlog !== 'periodic' && commitlog !== 'batch') throw new Error('--cassandra-commitlog: periodic or batch');
  const machine = machineInfo();
  const startedAt = new Date();
  killChildrenOnExit();
  progress(`nodes ${settings.nodeCounts.join(',')}, ${settings.repeat} repeat(s), load average ${machine.loadavg.join(' ')}`);
  if (machine.loadavg[0] > machine.cpuCount)
    progress(`WARNING: load average ${machine.loadavg[0]} > ${machine.cpuCount} cores: figures are upper bounds`);

  const workDir = mkdtempSync(join(os.tmpdir(), 'jifen-bench-cluster-'));
  const etcd = await startEtcdServer();
  let ledger: LedgerNode | undefined;
  const runs: PhaseRun[] = [];
  const failoverRuns: PhaseRun[] = [];
  let jvmIdleCores: number | null = null;
  try {
    ledger = await startLedgerNode(commitlog, (line) => progress(`cassandra: ${line}`));
    progress(`Cassandra ${ledger.version} up in ${ledger.startSeconds.toFixed(1)} s; etcd ${etcd.version}`);
    jvmIdleCores = await idleCores(ledger.pid, 5_000);
    const around: Around = { etcd, ledger };
    let jvmWarmupS = settings.jvmWarmupS;
    for (let repeat = 1; repeat <= settings.repeat; repeat++) {
      // Odd repeats go 1, 2, 3 and even ones 3, 2, 1, so the machine's drift does not favour one N.
      const counts = repeat % 2 === 1 ? settings.nodeCounts : [...settings.nodeCounts].reverse();
      for (const n of counts) {
        const { phases, failover } = await runOnce(n, repeat, { ...settings, jvmWarmupS }, around, workDir);
        jvmWarmupS = 0;
        runs.push(...phases);
        if (failover) failoverRuns.push(failover);
      }
    }
  } catch (err) {
    if (ledger) progress(`Cassandra log tail:\n${ledger.logTail()}`);
    progress(`logs kept in ${workDir}`);
    throw err;
  } finally {
    await ledger?.stop();
    await etcd.stop();
  }
  rmSync(workDir, { recursive: true, force: true });

  const summaries = summarizePhases(runs, jvmIdleCores);
  const forwarding = forwardingCosts(runs, summaries);
  const failovers = summarizeFailovers(failoverRuns);
  const idle = summarizeIdle(runs);
  console.log(formatClusterReport(summaries, forwarding, failovers, idle));
  const loadavgAtEnd = os.loadavg().map((x) => Math.round(x * 100) / 100);
  console.log(
    `\nload average at start ${machine.loadavg.join(' ')}, at end ${loadavgAtEnd.join(' ')}; ${machine.cpuCount} cores: total throughput cannot grow with N here, read CPU per earn`,
  );
  if (!flags['no-save']) {
    const file = saveResults(
      { profile: 'cluster', label: flags.label, startedAt, argv, machine, note: flags.note },
      {
        settings,
        versions: { cassandra: ledger?.version, etcd: etcd.version, ...(settings.backing === 'redis-nats' ? backingServerVersions() : {}) },
        jvmIdleCores,
        summaries,
        forwarding,
        failovers,
        idle,
        runs,
        failoverRuns,
      },
    );
    console.log(`results: ${file}`);
  }
  return 0;
}

function parseSettings(flags: Record<string, string | boolean | string[] | undefined>): Settings {
  const str = (name: string) => String(flags[name]);
  const num = (name: string, min = 0) => {
    const n = Number(str(name));
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name}: expected a number >= ${min}, got ${str(name)}`);
    return n;
  };
  const nodeCounts = str('nodes')
    .split(',')
    .map((x) => Number(x.trim()));
  if (nodeCounts.some((n) => !Number.isInteger(n) || n < 1 || n > 8)) throw new Error(`--nodes: node counts 1..8, got ${str('nodes')}`);
  const modes = str('modes').split(',') as Mode[];
  if (modes.some((m) => m !== 'unary' && m !== 'batch')) throw new Error('--modes: unary, batch or both');
  const backing = str('backing');
  if (backing !== 'redis-nats' && backing !== 'none') throw new Error('--backing: redis-nats or none');
  const engineEnv = keyValues('engine-env', flags['engine-env'] as string[]);
  engineEnv.JIFEN_CLUSTER_LEASE_TTL_S = String(num('lease-ttl', 2));
  if (flags.threads !== undefined) engineEnv.JIFEN_CLUSTER_THREADS = String(num('threads', 1));
  return {
    nodeCounts,
    repeat: num('repeat', 1),
    durationS: num('duration', 1),
    warmupS: num('warmup'),
    concurrency: num('concurrency', 1),
    batchConcurrency: num('batch-concurrency', 1),
    batchSize: num('batch-size', 1),
    members: num('members', 1),
    zipfS: num('zipf-s', 0.01),
    tenant: str('tenant'),
    modes,
    failover: flags['no-failover'] !== true,
    failoverDurationS: num('failover-duration', 1),
    killAfterS: num('kill-after'),
    jvmWarmupS: num('jvm-warmup'),
    backing,
    engineEnv,
  };
}

/** One cluster of n nodes on a fresh keyspace and prefix: every mode × route, then the failover. */
async function runOnce(
  n: number,
  repeat: number,
  settings: Settings,
  around: Around,
  workDir: string,
): Promise<{ phases: PhaseRun[]; failover: PhaseRun | undefined }> {
  const hex = randomBytes(3).toString('hex');
  const keyspace = `jifen_bench_cluster_${n}_${repeat}_${hex}`;
  const ledgerEnv = await around.ledger.newKeyspace(keyspace);
  let backing: BackingServers | undefined;
  let cluster: Cluster | undefined;
  const phases: PhaseRun[] = [];
  let failover: PhaseRun | undefined;
  try {
    if (settings.backing === 'redis-nats') backing = await startRedisNats(join(workDir, `${n}-${repeat}`));
    const started = Date.now();
    cluster = await startCluster({
      count: n,
      workDir: join(workDir, `${n}-${repeat}-${hex}`),
      etcdEndpoint: around.etcd.endpoint,
      prefix: `/jifen/bench-${n}-${repeat}-${hex}/`,
      backendEnv: { ...ledgerEnv, ...(backing?.env ?? {}) },
      extraEnv: settings.engineEnv,
    });
    progress(`repeat ${repeat}: ${n} node(s) serve all slots after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (settings.jvmWarmupS > 0) {
      const warm = { ...settings, durationS: settings.jvmWarmupS, warmupS: 0 };
      const w = await runPhase(cluster, around, backing, warm, { nodes: n, repeat: 0, mode: 'batch', route: 'random' });
      progress(`JVM warm-up (not measured): ${w.load.itemsPerSec} items/s for ${settings.jvmWarmupS} s`);
    }
    const idle = await idleOf(cluster, around, backing, IDLE_WINDOW_MS);
    progress(`idle: engines ${idle.nodes.map((x) => x.cpuS?.toFixed(3)).join(' / ')} cores, JVM ${idle.jvmCpuS?.toFixed(3)}`);
    const routes: Route[] = repeat % 2 === 1 ? ['random', 'owner'] : ['owner', 'random'];
    for (const mode of settings.modes) {
      for (const route of routes) {
        const phase = { ...(await runPhase(cluster, around, backing, settings, { nodes: n, repeat, mode, route })), idle };
        phases.push(phase);
        progress(
          `repeat ${repeat}, ${n} node(s), ${mode} via ${route}: ${phase.load.callsPerSec} calls/s, ${phase.load.itemsPerSec} items/s, p99 ${phase.load.p99Ms} ms, retries ${phase.load.retries}`,
        );
      }
    }
    if (settings.failover && n >= 2) {
      failover = await runPhase(cluster, around, backing, settings, { nodes: n, repeat, mode: 'unary', route: 'random' }, true);
      const f = failover.load.failover;
      progress(
        `repeat ${repeat}, ${n} node(s), kill -9 ${f?.node}: first ack on its slots ${f?.killToFirstAckOnVictimSlotMs} ms after the kill (first slot re-claimed ${f?.killToFirstVictimSlotReclaimedMs} ms), ${f?.gaveUp} calls given up`,
      );
    }
  } finally {
    await cluster?.stop();
    await backing?.stop();
    await around.ledger.dropKeyspace(keyspace).catch((err: unknown) => progress(`drop ${keyspace}: ${String(err)}`));
  }
  return { phases, failover };
}

/** One bench/cluster/load.ts process against the cluster; the window's CPU and node counters around it. */
async function runPhase(
  cluster: Cluster,
  around: Around,
  backing: BackingServers | undefined,
  settings: Settings,
  phase: { nodes: number; repeat: number; mode: Mode; route: Route },
  withKill = false,
): Promise<PhaseRun> {
  const victim = cluster.nodes[cluster.nodes.length - 1];
  const durationS = withKill ? settings.failoverDurationS : settings.durationS;
  const args = [
    '--max-semi-space-size=32',
    '--import',
    'tsx',
    'bench/cluster/load.ts',
    ...['--targets', cluster.nodes.map((x) => x.address).join(','), '--etcd', around.etcd.endpoint, '--prefix', cluster.prefix],
    ...['--route', phase.route, '--mode', phase.mode, '--tenant', settings.tenant],
    ...['--concurrency', String(phase.mode === 'unary' ? settings.concurrency : settings.batchConcurrency)],
    ...['--batch-size', String(settings.batchSize), '--members', String(settings.members), '--zipf-s', String(settings.zipfS)],
    ...['--duration', String(durationS), '--warmup', String(settings.warmupS)],
    ...(withKill ? ['--kill-pid', String(victim.proc.pid), '--kill-node', victim.id, '--kill-after', String(settings.killAfterS)] : []),
  ];
  let lastJson: string | undefined;
  const edges: Partial<Record<'open' | 'closed', Promise<Edge>>> = {};
  const proc = spawnManaged(`cluster load ${phase.route}`, process.execPath, args, {
    cwd: ROOT,
    inheritStderr: true,
    onStdoutLine: (line) => {
      if (line.startsWith('{')) lastJson = line;
      const edge = /^WINDOW (open|closed)$/.exec(line)?.[1] as 'open' | 'closed' | undefined;
      if (edge) edges[edge] = readEdge(cluster, around, backing, proc.pid);
    },
  });
  const killer = setTimeout(() => proc.child.kill('SIGKILL'), (settings.warmupS + durationS) * 1000 + 90_000);
  const exit = await proc.exited;
  clearTimeout(killer);
  if (exit.code !== 0 || !lastJson) throw new Error(`cluster load failed (code ${exit.code}, signal ${exit.signal}):\n${proc.tail()}`);
  const [open, closed] = [await edges.open, await edges.closed];
  return { ...phase, load: JSON.parse(lastJson) as ClusterLoadResult, window: open && closed ? windowCosts(cluster, open, closed) : null };
}

interface Edge {
  at: number;
  nodes: NodeReading[];
  jvm: number | null;
  etcd: number | null;
  redis: number | null;
  nats: number | null;
  generator: number | null;
}

/** Every CPU at once (synchronously, before the nodes' /metrics are fetched), then the counters. */
function readEdge(cluster: Cluster, around: Around, backing: BackingServers | undefined, generatorPid: number): Promise<Edge> {
  const at = performance.now();
  const backingCpu = backing?.cpuSeconds();
  const cpu = {
    jvm: readCpuSeconds(around.ledger.pid),
    etcd: readCpuSeconds(around.etcd.pid),
    redis: backingCpu?.redis ?? null,
    nats: backingCpu?.nats ?? null,
    generator: readCpuSeconds(generatorPid),
  };
  return cluster.read().then((nodes) => ({ at, nodes, ...cpu }));
}

function windowCosts(cluster: Cluster, open: Edge, closed: Edge): WindowCosts {
  const used = (a: number | null, b: number | null) => (a === null || b === null ? null : Math.round((b - a) * 1000) / 1000);
  return {
    seconds: Math.round(closed.at - open.at) / 1000,
    nodes: cluster.nodes.map((node, i) => {
      const [a, b] = [open.nodes[i], closed.nodes[i]];
      // The failover's victim has no closing reading (its counters read 0): its window is cut at the kill.
      return {
        id: node.id,
        cpuS: used(a.cpuS, b.cpuS),
        mainThreadCpuS: used(a.mainThreadCpuS, b.mainThreadCpuS),
        earnsApplied: Math.max(0, b.earnsApplied - a.earnsApplied),
        forwarded: Math.max(0, b.forwarded - a.forwarded),
        commits: Math.max(0, b.commits - a.commits),
      };
    }),
    jvmCpuS: used(open.jvm, closed.jvm),
    etcdCpuS: used(open.etcd, closed.etcd),
    redisCpuS: used(open.redis, closed.redis),
    natsCpuS: used(open.nats, closed.nats),
    generatorCpuS: used(open.generator, closed.generator),
  };
}

/** How long the cluster is read idle (no calls) after it serves every slot: the nodes' own background cost. */
const IDLE_WINDOW_MS = 5_000;

/** Every process' cores (CPU seconds per second) over `ms` with no load: leases, watches, config refresh, relays. */
async function idleOf(cluster: Cluster, around: Around, backing: BackingServers | undefined, ms: number): Promise<WindowCosts> {
  const open = await readEdge(cluster, around, backing, process.pid);
  await sleep(ms);
  const closed = await readEdge(cluster, around, backing, process.pid);
  const costs = windowCosts(cluster, open, closed);
  const perSecond = (x: number | null) => (x === null ? null : Math.round((x / costs.seconds) * 1000) / 1000);
  return {
    ...costs,
    nodes: costs.nodes.map((x) => ({ ...x, cpuS: perSecond(x.cpuS), mainThreadCpuS: perSecond(x.mainThreadCpuS) })),
    jvmCpuS: perSecond(costs.jvmCpuS),
    etcdCpuS: perSecond(costs.etcdCpuS),
    redisCpuS: perSecond(costs.redisCpuS),
    natsCpuS: perSecond(costs.natsCpuS),
    generatorCpuS: null,
  };
}

/** Cores a process uses while nothing calls it (the JVM's own housekeeping), over `ms`. */
async function idleCores(pid: number, ms: number): Promise<number | null> {
  const a = readCpuSeconds(pid);
  await sleep(ms);
  const b = readCpuSeconds(pid);
  return a === null || b === null ? null : Math.round(((b - a) / (ms / 1000)) * 1000) / 1000;
}
