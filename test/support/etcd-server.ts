// A private etcd (binary from PATH: Debian's etcd-server) for the cluster tests: one member on free
// loopback ports (client and peer), its data in a temp dir, stopped and removed after. Never the
// machine's etcd on 2379. pause()/resume() stop and continue the process (SIGSTOP/SIGCONT).

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts, onNewPortsIfTaken } from './ports.js';

export interface EtcdServer {
  /** http://127.0.0.1:<port>, for JIFEN_CLUSTER_ETCD_ENDPOINTS or `new Etcd3({ hosts })`. */
  endpoint: string;
  pid: number;
  version: string;
  pause(): void;
  resume(): void;
  /** SIGKILL, wait for exit, remove the data dir; call it in afterAll. */
  stop(): Promise<void>;
}

/**
 * Whether etcd is on PATH. Missing under CI=true is an error (the cluster tests must run there);
 * elsewhere it warns loudly so a skipped suite is never mistaken for a passing one.
 */
export function etcdOnPath(): boolean {
  const probe = spawnSync('etcd', ['--version'], { stdio: 'ignore' });
  if (!probe.error) return true;
  if (process.env.CI === 'true') throw new Error('etcd not on PATH (apt-get install etcd-server), and CI=true requires the cluster tests');
  console.warn('\n!!! CLUSTER TESTS SKIPPED: etcd not on PATH (apt-get install etcd-server) !!!\n');
  return false;
}

export function startEtcdServer(startTimeoutMs = 15_000): Promise<EtcdServer> {
  return onNewPortsIfTaken(() => startEtcdServerOnce(startTimeoutMs));
}

async function startEtcdServerOnce(startTimeoutMs: number): Promise<EtcdServer> {
  const version = /etcd Version: (\S+)/.exec(spawnSync('etcd', ['--version'], { encoding: 'utf8' }).stdout)?.[1] ?? '?';
  const dir = mkdtempSync(join(tmpdir(), 'jifen-etcd-'));
  const [clientPort, peerPort] = await freePorts(2);
  const endpoint = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const args = [
    '--name=test',
    `--data-dir=${join(dir, 'data')}`,
    `--listen-client-urls=${endpoint}`,
    `--advertise-client-urls=${endpoint}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=test=${peer}`,
    '--log-level=warn',
    '--logger=zap',
  ];
  const child = spawn('etcd', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
      await exited;
    }
    running.delete(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForHealth(endpoint, child, () => output, startTimeoutMs);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    endpoint,
    pid: child.pid as number,
    version,
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    stop,
  };
}

// Safety net: a test that failed before its afterAll must not leave etcd running.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** etcd answers GET /health on its client URL with {"health":"true"} once it has a leader. */
async function waitForHealth(endpoint: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`etcd exited (${child.exitCode}):\n${output()}`);
    try {
      const res = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(1_000) });
      if (res.ok && ((await res.json()) as { health?: string }).health === 'true') return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`etcd on ${endpoint} not healthy within ${timeoutMs} ms:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
