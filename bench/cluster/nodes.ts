// The cluster profile's engine nodes: N engine processes with JIFEN_CLUSTER=etcd on one keyspace, each
// on free loopback ports with its own data directory, under a key prefix of their own in the bench's
// etcd (so a run never sees an earlier run's leases). Started the way the cluster tests start them (the
// first alone, then the others together), ready once all 4096 slots are served, and read at the edges
// of each measured window: every node's CPU (/proc) and its counters (/metrics).
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseMetrics } from '../flash-sale-report.js';
import { freePort, type Managed, readCpuSeconds, spawnManaged, stopProcess, waitUntilReady } from '../processes.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HOST = '127.0.0.1';
const SLOTS = 4096;
/** Backend settings a shell may export, which must not reach the nodes: each run sets its own. */
const INHERITED = /^(JIFEN_|CASSANDRA_|REDIS_|NATS_)/;

export interface ClusterNode {
  id: string;
  address: string;
  metricsUrl: string;
  proc: Managed;
}

/** What a node had done at one instant (cumulative). */
export interface NodeReading {
  cpuS: number | null;
  /**
   * The main thread alone (/proc/<pid>/task/<pid>/stat): gRPC, the front, forwarding. One thread, so
   * it bounds what one engine process can take however many cores its shard threads get.
   */
  mainThreadCpuS: number | null;
  /** jifen_commands_total{kind="earn",outcome="ok"}: earns this node's shards applied (as the owner). */
  earnsApplied: number;
  /** jifen_cluster_forwarded_ops_total, all peers and outcomes: commands this node sent to an owner. */
  forwarded: number;
  /** Group commits of this node's ledger shards. */
  commits: number;
}

export interface Cluster {
  nodes: ClusterNode[];
  prefix: string;
  read(): Promise<NodeReading[]>;
  /** SIGKILL every node still running (nothing to keep: the keyspace is dropped after). */
  stop(): Promise<void>;
}

export async function startCluster(opts: {
  count: number;
  workDir: string;
  etcdEndpoint: string;
  prefix: string;
  /** Ledger (and Redis/NATS) variables, shared by every node. */
  backendEnv: Record<string, string>;
  /** --engine-env and the profile's cluster settings. */
  extraEnv: Record<string, string>;
}): Promise<Cluster> {
  const nodes: ClusterNode[] = [];
  const start = async (i: number) => {
    const node = await startNode(`n${i}`, opts);
    nodes.push(node);
  };
  const cluster: Cluster = {
    nodes,
    prefix: opts.prefix,
    read: () => Promise.all(nodes.map(readNode)),
    async stop() {
      await Promise.all(nodes.map((n) => stopProcess(n.proc, 0)));
    },
  };
  try {
    await start(1);
    await Promise.all(Array.from({ length: opts.count - 1 }, (_, i) => start(i + 2)));
    nodes.sort((a, b) => (a.id < b.id ? -1 : 1));
    await allSlotsServed(nodes);
  } catch (err) {
    const tails = nodes.map((n) => `--- ${n.id}:\n${n.proc.tail()}`).join('\n');
    await cluster.stop();
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n${tails}`);
  }
  return cluster;
}

async function startNode(
  id: string,
  opts: { workDir: string; etcdEndpoint: string; prefix: string; backendEnv: Record<string, string>; extraEnv: Record<string, string> },
): Promise<ClusterNode> {
  const port = await freePort(HOST);
  const metricsAddr = `${HOST}:${await freePort(HOST)}`;
  const address = `${HOST}:${port}`;
  const dataDir = join(opts.workDir, `${id}-data`);
  mkdirSync(dataDir, { recursive: true });
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !INHERITED.test(k)));
  Object.assign(env, opts.extraEnv, opts.backendEnv, {
    JIFEN_CLUSTER: 'etcd',
    JIFEN_CLUSTER_NODE_ID: id,
    JIFEN_CLUSTER_ETCD_ENDPOINTS: opts.etcdEndpoint,
    JIFEN_CLUSTER_PREFIX: opts.prefix,
    JIFEN_GRPC_ADDR: address,
    JIFEN_METRICS_ADDR: metricsAddr,
    JIFEN_DATA_DIR: dataDir,
  });
  let sawReadyLine = false;
  const proc = spawnManaged(`engine ${id}`, process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env,
    logFile: join(opts.workDir, `${id}.log`),
    onStdoutLine: (line) => {
      if (/listening/i.test(line)) sawReadyLine = true;
    },
  });
  try {
    await waitUntilReady(proc, { host: HOST, port, sawReadyLine: () => sawReadyLine, timeoutMs: 120_000 });
  } catch (err) {
    await stopProcess(proc, 0);
    throw err;
  }
  return { id, address, metricsUrl: `http://${metricsAddr}/metrics`, proc };
}

/** Waits until the nodes together serve all 4096 slots (jifen_cluster_slots_served), 90 s at most. */
async function allSlotsServed(nodes: ClusterNode[]): Promise<void> {
  const deadline = Date.now() + 90_000;
  let served: number[] = [];
  while (Date.now() < deadline) {
    served = await Promise.all(nodes.map(async (n) => (await scrape(n))?.get('jifen_cluster_slots_served') ?? 0));
    if (served.reduce((a, b) => a + b, 0) === SLOTS) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the nodes serve ${served.join(' + ')} slots, not ${SLOTS}, after 90 s`);
}

async function scrape(node: ClusterNode): Promise<Map<string, number> | null> {
  try {
    const res = await fetch(node.metricsUrl, { signal: AbortSignal.timeout(5_000) });
    return parseMetrics(await res.text());
  } catch {
    return null; // a node that is gone (the failover victim) reads as nothing
  }
}

async function readNode(node: ClusterNode): Promise<NodeReading> {
  const cpuS = readCpuSeconds(node.proc.pid);
  const mainThreadCpuS = threadCpuSeconds(node.proc.pid, node.proc.pid);
  const metrics = (await scrape(node)) ?? new Map<string, number>();
  let forwarded = 0;
  for (const [series, value] of metrics) if (series.startsWith('jifen_cluster_forwarded_ops_total{')) forwarded += value;
  return {
    cpuS,
    mainThreadCpuS,
    earnsApplied: metrics.get('jifen_commands_total{kind="earn",outcome="ok"}') ?? 0,
    forwarded,
    commits: metrics.get('jifen_ledger_commit_duration_seconds_count') ?? 0,
  };
}

/** utime + stime of one thread of a process, seconds (clock ticks of 1/100 s, as readCpuSeconds assumes on Linux); null once gone. */
function threadCpuSeconds(pid: number, tid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(rest[11]) + Number(rest[12]);
    return Number.isFinite(ticks) ? ticks / 100 : null;
  } catch {
    return null;
  }
}
