// The redis-nats profile's backing servers: a private redis-server and a private `nats-server -js`
// (binaries from PATH), each on a free loopback port with its own temporary directory, started
// before one engine run and stopped (directories removed) after it. Never the shared servers on
// 6379/4222. They are spawned through processes.ts, so Ctrl-C stops them like any other child; the
// exit hook below kills what is left and removes the directories on every other way out.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { freePort, type Managed, readMemory, spawnManaged, stopProcess } from './processes.js';

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 20_000;

export interface BackingServers {
  /** Engine environment: JIFEN_BALANCES=redis, REDIS_URL, JIFEN_EVENTS=nats, NATS_URL. */
  env: Record<string, string>;
  redis: { port: number; pid: number; dir: string };
  nats: { port: number; pid: number; dir: string };
  /** VmRSS/VmHWM of both servers now (Linux only; null where unreadable). */
  memory(): { redis: ReturnType<typeof readMemory>; nats: ReturnType<typeof readMemory> };
  /** CPU seconds (user + system) each server has used since it started (Linux only). */
  cpuSeconds(): { redis: number | null; nats: number | null };
  /** SIGTERM both (SIGKILL after 5 s), then remove their directories. Safe to call twice. */
  stop(): Promise<void>;
}

// Directories of servers not stopped yet, with their processes, for the exit hook.
const pending = new Map<string, Managed | undefined>();
process.on('exit', () => {
  for (const [dir, proc] of pending) {
    proc?.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * Starts one server and resolves once it printed `ready` (stdout or stderr): a TCP accept alone
 * could come from another process that took the port after freePort() released it.
 */
async function startOne(
  name: string,
  args: (port: number, dir: string) => string[],
  ready: RegExp,
  logFile: string,
): Promise<{ proc: Managed; port: number; dir: string }> {
  const dir = mkdtempSync(join(os.tmpdir(), `jifen-bench-${name}-`));
  pending.set(dir, undefined);
  let proc: Managed | undefined;
  try {
    const port = await freePort(HOST);
    let sawReady = false;
    const onLine = (line: string) => {
      if (ready.test(line)) sawReady = true;
    };
    proc = spawnManaged(name, name, args(port, dir), {
      cwd: dir,
      logFile,
      onStdoutLine: onLine,
      onStderrLine: onLine,
    });
    pending.set(dir, proc);
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!sawReady) {
      if (proc.child.exitCode !== null || proc.child.signalCode !== null)
        throw new Error(`${name} exited before it was ready:\n${proc.tail()}`);
      if (Date.now() > deadline) throw new Error(`${name} not ready after ${READY_TIMEOUT_MS} ms:\n${proc.tail()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return { proc, port, dir };
  } catch (err) {
    if (proc) await stopProcess(proc, 1000);
    rmSync(dir, { recursive: true, force: true });
    pending.delete(dir);
    if (err instanceof Error && /spawn failed|ENOENT/.test(err.message))
      throw new Error(`${name}: could not start it; is it on PATH? (${err.message})`);
    throw err;
  }
}

/** Private redis-server + nats-server -js for one engine run; logs go to `${logPrefix}-{redis,nats}.log`. */
export async function startRedisNats(logPrefix: string): Promise<BackingServers> {
  const started: { proc: Managed; dir: string }[] = [];
  const stop = async () => {
    const all = started.splice(0);
    await Promise.all(all.map(({ proc }) => stopProcess(proc, 5000)));
    for (const { dir } of all) {
      rmSync(dir, { recursive: true, force: true });
      pending.delete(dir);
    }
  };
  try {
    const redis = await startOne(
      'redis-server',
      (port, dir) => [...['--port', String(port), '--bind', HOST], ...['--save', '', '--appendonly', 'no', '--dir', dir]],
      /Ready to accept connections/,
      `${logPrefix}-redis.log`,
    );
    started.push(redis);
    const nats = await startOne(
      'nats-server',
      (port, dir) => ['-js', '-a', HOST, '-p', String(port), '-sd', dir],
      /Server is ready/,
      `${logPrefix}-nats.log`,
    );
    started.push(nats);
    return {
      env: {
        JIFEN_BALANCES: 'redis',
        REDIS_URL: `redis://${HOST}:${redis.port}`,
        JIFEN_EVENTS: 'nats',
        NATS_URL: `nats://${HOST}:${nats.port}`,
      },
      redis: { port: redis.port, pid: redis.proc.pid, dir: redis.dir },
      nats: { port: nats.port, pid: nats.proc.pid, dir: nats.dir },
      memory: () => ({
        redis: readMemory(redis.proc.pid),
        nats: readMemory(nats.proc.pid),
      }),
      cpuSeconds: () => ({
        redis: cpuSeconds(redis.proc.pid),
        nats: cpuSeconds(nats.proc.pid),
      }),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** utime + stime from /proc/<pid>/stat (fields 14 and 15, in clock ticks of 1/100 s on Linux). */
function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/** `redis-server --version` and `nats-server --version`, for the results file (null if absent). */
export function backingServerVersions(): { redis: string | null; nats: string | null } {
  const version = (cmd: string) => {
    try {
      return execFileSync(cmd, ['--version'], { encoding: 'utf8' }).trim();
    } catch {
      return null;
    }
  };
  return { redis: version('redis-server'), nats: version('nats-server') };
}
