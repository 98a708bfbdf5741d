// Real redis-server processes for integration tests: each on a free loopback port, no persistence,
// in a temp dir, stopped after. Never the machine's shared Redis on 6379: a test may FLUSHALL or kill it.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePorts, onNewPortsIfTaken } from './ports.js';

export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** Kills the server and starts an empty one on the same port: Redis restarted without persistence. */
  restartEmpty(): Promise<void>;
  flushAll(): Promise<void>;
}

export interface RedisClusterServers {
  /** `host:port` of every master, for `new Cluster(nodes)`. */
  nodes: string[];
  stop(): Promise<void>;
}

/**
 * Whether redis-server is on PATH. Missing in CI is a failure (throws); elsewhere the caller skips
 * its suite and this warns loudly, so a skipped suite is never mistaken for a passing one.
 */
export function redisServerOnPath(): boolean {
  const probe = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  if (!probe.error) return true;
  if (process.env.CI === 'true') throw new Error('redis-server not on PATH (required when CI=true)');
  console.warn('\n*** REDIS TESTS SKIPPED: redis-server not on PATH ***\n');
  return false;
}

export function startRedisServer(): Promise<RedisServer> {
  return onNewPortsIfTaken(startRedisServerOnce);
}

async function startRedisServerOnce(): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'jifen-redis-'));
  const [port] = await freePorts(1);
  let child: ChildProcess;
  try {
    child = await launch(port, dir, []);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      await kill(child);
      rmSync(dir, { recursive: true, force: true });
    },
    async restartEmpty() {
      await kill(child);
      child = await launch(port, dir, []);
    },
    async flushAll() {
      await withClient(port, (c) => c.flushall());
    },
  };
}

/** A Cluster of `masters` nodes without replicas, all 16384 slots assigned, state ok. */
export async function startRedisCluster(masters = 3): Promise<RedisClusterServers> {
  const dir = mkdtempSync(join(tmpdir(), 'jifen-redis-cluster-'));
  // Explicit bus ports: the default (port + 10000) may be taken or exceed 65535.
  const ports = await freePorts(masters * 2);
  const nodes = Array.from({ length: masters }, (_, i) => ({ port: ports[2 * i], bus: ports[2 * i + 1] }));
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(children.map(kill));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const [i, n] of nodes.entries()) {
      const args = ['--cluster-enabled', 'yes', '--cluster-port', String(n.bus), '--cluster-config-file', `nodes-${i}.conf`];
      children.push(await launch(n.port, dir, args));
    }
    const perNode = Math.ceil(16384 / masters);
    for (const [i, n] of nodes.entries()) {
      const last = Math.min(16383, (i + 1) * perNode - 1);
      await withClient(n.port, async (c) => {
        await c.call('CLUSTER', 'ADDSLOTSRANGE', i * perNode, last);
        if (i > 0) await c.call('CLUSTER', 'MEET', '127.0.0.1', nodes[0].port, nodes[0].bus);
      });
    }
    await waitUntil(`cluster state ok on ${masters} nodes`, async () => {
      const infos = await Promise.all(nodes.map((n) => withClient(n.port, (c) => c.call('CLUSTER', 'INFO'))));
      return infos.every((info) => String(info).includes('cluster_state:ok') && String(info).includes(`cluster_known_nodes:${masters}`));
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return { nodes: nodes.map((n) => `127.0.0.1:${n.port}`), stop };
}

// Safety net: a test that failed before its afterAll must not leave servers running.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

async function launch(port: number, dir: string, extra: string[]): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extra];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitUntil(`redis-server on port ${port} answering PING`, async () => {
      if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}):\n${output}`);
      return (await withClient(port, (c) => c.ping())) === 'PONG';
    });
  } catch (err) {
    child.kill('SIGKILL');
    await exited;
    running.delete(child);
    throw err;
  }
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }
  running.delete(child);
}

/** One short-lived connection that never retries, so a server that is not up yet just fails fast. */
async function withClient<T>(port: number, use: (c: Redis) => Promise<T>): Promise<T> {
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  client.on('error', () => {});
  try {
    await client.connect();
    return await use(client);
  } finally {
    client.disconnect();
  }
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (err) {
      if (err instanceof Error && err.message.startsWith('redis-server exited')) throw err;
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`, { cause: lastError });
    await new Promise((r) => setTimeout(r, 50));
  }
}
