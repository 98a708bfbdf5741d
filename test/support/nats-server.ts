// Runs a private `nats-server -js` (binary from PATH) on a free loopback port with its own store dir,
// for tests that need real JetStream. It never touches a shared server on 4222. stop() then start()
// brings it back on the same port and store dir, so streams and their messages survive the outage.

import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort, onNewPortsIfTaken } from './ports.js';

export interface NatsServer {
  url: string;
  port: number;
  storeDir: string;
  /** Starts the server again after stop() or kill(), same port and store dir. */
  start(): Promise<void>;
  /** SIGTERM and wait for exit: clients see the connection close. */
  stop(): Promise<void>;
  /** SIGKILL and wait for exit. */
  kill(): Promise<void>;
  /** Kills the server and removes its store dir; call it in afterAll. */
  destroy(): Promise<void>;
}

/**
 * Whether nats-server is on PATH. Missing under CI=true is an error (the tests must run there);
 * elsewhere it warns loudly so a skipped suite is never mistaken for a passing one.
 */
export function natsServerOnPath(): boolean {
  if (findOnPath('nats-server') !== undefined) return true;
  if (process.env.CI === 'true') throw new Error('nats-server not on PATH, and CI=true requires the NATS tests');
  console.warn('\n!!! NATS TESTS SKIPPED: nats-server not on PATH !!!\n');
  return false;
}

export function startNatsServer(startTimeoutMs = 10_000): Promise<NatsServer> {
  return onNewPortsIfTaken(() => startNatsServerOnce(startTimeoutMs));
}

async function startNatsServerOnce(startTimeoutMs: number): Promise<NatsServer> {
  const port = await freePort();
  const storeDir = mkdtempSync(join(tmpdir(), 'jifen-nats-'));
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let log = '';

  const start = async () => {
    if (child !== undefined) throw new Error('nats-server is already running');
    log = '';
    const proc = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout?.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
    proc.stderr?.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
    child = proc;
    exited = new Promise((resolve) =>
      proc.once('exit', () => {
        if (child === proc) child = undefined;
        resolve();
      }),
    );
    await waitForAccepting(
      port,
      startTimeoutMs,
      () => child !== proc,
      () => log,
    );
  };

  const signal = async (sig: NodeJS.Signals) => {
    if (child === undefined) return;
    child.kill(sig);
    await exited;
  };

  try {
    await start();
  } catch (err) {
    rmSync(storeDir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    start,
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
    destroy: async () => {
      await signal('SIGKILL');
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this dir
    }
  }
  return undefined;
}

// A TCP accept is enough: nats-server enables JetStream (and recovers its store) before it listens.
async function waitForAccepting(port: number, timeoutMs: number, gone: () => boolean, log: () => string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gone()) throw new Error(`nats-server exited before accepting connections; output:\n${log()}`);
    if (await canConnect(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nats-server did not accept connections on ${port} within ${timeoutMs} ms; output:\n${log()}`);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
