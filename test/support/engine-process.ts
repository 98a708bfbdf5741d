// Starts the real engine (`node --import tsx src/main.ts`) as a child process on free loopback ports,
// for end-to-end tests over real sockets. Every process and temp dir it makes is tracked, so one
// `cleanupEngines()` in afterAll leaves nothing behind even when a test failed half-way.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePorts, onNewPortsIfTaken } from './ports.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface EngineOptions {
  /** Reuse a data dir (restart on the same ledger); a fresh temp dir when absent. */
  dataDir?: string;
  /** Extra JIFEN_* settings, e.g. { JIFEN_SHARDS: '2' }. */
  env?: Record<string, string>;
  startTimeoutMs?: number;
  /**
   * Drop the JIFEN_*, REDIS_*, NATS_* and CASSANDRA_* variables this test process inherited, so only
   * `env` configures the engine (a developer's shell exporting REDIS_URL must not change a test).
   */
  isolateEnv?: boolean;
}

export interface EngineProcess {
  grpcAddr: string;
  metricsUrl: string;
  dataDir: string;
  pid: number;
  /** Everything the process printed so far (stdout and stderr interleaved), for failure messages. */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal) once the process has exited. */
  readonly exited: Promise<number | null>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL (kill -9): no chance to drain or flush anything. */
  kill9(): Promise<void>;
}

const running = new Set<ChildProcess>();
const tempDirs = new Set<string>();

export function makeDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'jifen-e2e-'));
  tempDirs.add(dir);
  return dir;
}

/**
 * Production backends for every engine a test file starts (the `cassandra` project runs e2e files
 * on the Cassandra ledger with Redis and NATS this way): settings per data dir, so an engine
 * restarted on the same data dir finds the same ledger. The test's own `env` still wins.
 */
export interface EngineBackend {
  envFor(dataDir: string): Promise<Record<string, string>>;
}

let backend: EngineBackend | undefined;

export function setEngineBackend(next: EngineBackend | undefined): void {
  backend = next;
}

/** An engine that exits with EADDRINUSE before listening is started again on new ports (ports.ts). */
export function startEngine(options: EngineOptions = {}): Promise<EngineProcess> {
  const dataDir = options.dataDir ?? makeDataDir();
  return onNewPortsIfTaken(() => startEngineOnce(options, dataDir));
}

async function startEngineOnce(options: EngineOptions, dataDir: string): Promise<EngineProcess> {
  const [grpcPort, metricsPort] = await freePorts(2);
  const grpcAddr = `127.0.0.1:${grpcPort}`;
  const metricsAddr = `127.0.0.1:${metricsPort}`;
  const backendEnv = (await backend?.envFor(dataDir)) ?? {};
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: REPO_ROOT,
    env: {
      ...inheritedEnv(options),
      ...backendEnv,
      JIFEN_GRPC_ADDR: grpcAddr,
      JIFEN_METRICS_ADDR: metricsAddr,
      JIFEN_DATA_DIR: dataDir,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let log = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );

  try {
    await waitForListening(child, () => log, exited, options.startTimeoutMs ?? 60_000);
  } catch (err) {
    child.kill('SIGKILL');
    await exited;
    throw err;
  }

  return {
    grpcAddr,
    metricsUrl: `http://${metricsAddr}/metrics`,
    dataDir,
    pid: child.pid as number,
    output: () => log,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

export interface RefusedStart {
  /** Exit code; null when it ended by a signal. */
  code: number | null;
  /** stdout and stderr interleaved. */
  output: string;
}

/**
 * Starts the engine expecting it to refuse to start (bad configuration): resolves with its exit code
 * and output once it exits. Rejects if it starts listening instead, or neither exits nor listens
 * within timeoutMs; either way the process is killed.
 */
export async function startEngineExpectingExit(options: EngineOptions = {}, timeoutMs = 20_000): Promise<RefusedStart> {
  const dataDir = options.dataDir ?? makeDataDir();
  const [grpcPort, metricsPort] = await freePorts(2);
  const backendEnv = (await backend?.envFor(dataDir)) ?? {};
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: REPO_ROOT,
    env: {
      ...inheritedEnv(options),
      ...backendEnv,
      JIFEN_GRPC_ADDR: `127.0.0.1:${grpcPort}`,
      JIFEN_METRICS_ADDR: `127.0.0.1:${metricsPort}`,
      JIFEN_DATA_DIR: dataDir,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let log = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
  // 'close', not 'exit': it comes after stdout and stderr are drained, so the output is complete.
  const exited = new Promise<number | null>((resolve) =>
    child.once('close', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    exited.then((code) => ({ kind: 'exited' as const, code })),
    new Promise<{ kind: 'listening' | 'timeout' }>((resolve) => {
      const onData = () => {
        if (log.includes('listening on')) resolve({ kind: 'listening' });
      };
      child.stdout?.on('data', onData);
      timer = setTimeout(() => resolve({ kind: 'timeout' }), timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  if (outcome.kind === 'exited') return { code: outcome.code, output: log };
  child.kill('SIGKILL');
  await exited;
  throw new Error(
    outcome.kind === 'listening'
      ? `engine started listening although a refusal was expected; output:\n${log}`
      : `engine neither exited nor listened within ${timeoutMs} ms; output:\n${log}`,
  );
}

const BACKEND_ENV = /^(JIFEN_|REDIS_|NATS_|CASSANDRA_)/;

function inheritedEnv(options: EngineOptions): NodeJS.ProcessEnv {
  if (!options.isolateEnv) return process.env;
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !BACKEND_ENV.test(name)));
}

/** Kills every engine still running and removes every temp data dir; call it in afterAll. */
export async function cleanupEngines(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          if (!child.kill('SIGKILL')) resolve();
        }),
    ),
  );
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

async function waitForListening(child: ChildProcess, log: () => string, exited: Promise<number | null>, timeoutMs: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`engine did not print "listening on" within ${timeoutMs} ms; output:\n${log()}`));
    }, timeoutMs);
    const onData = () => {
      if (log().includes('listening on')) {
        finish();
        resolve();
      }
    };
    const finish = () => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
    };
    // Registered after the capture listener, so log() already holds the chunk.
    child.stdout?.on('data', onData);
    void exited.then((code) => {
      finish();
      reject(new Error(`engine exited (code ${code}) before listening; output:\n${log()}`));
    });
  });
}
