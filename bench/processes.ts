// Child-process plumbing for the orchestrator: spawn with output capture, wait until a server
// is ready, stop it, read its memory, and make sure no child outlives the bench (Ctrl-C included).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync, type WriteStream } from 'node:fs';
import net from 'node:net';
import { createInterface } from 'node:readline';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Managed {
  name: string;
  child: ChildProcess;
  pid: number;
  /** Resolves when the process has exited (never rejects). */
  exited: Promise<Exit>;
  /** Last lines of stdout+stderr, for error messages. */
  tail(): string;
}

export interface SpawnOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Full stdout+stderr goes here as well (the tail alone may miss the cause of a failure). */
  logFile?: string;
  /** Called for every stdout line. */
  onStdoutLine?: (line: string) => void;
  /** Called for every stderr line (not with inheritStderr). */
  onStderrLine?: (line: string) => void;
  /** Forward stderr to ours (load generators), instead of only capturing it. */
  inheritStderr?: boolean;
}

const TAIL_LINES = 40;
const live = new Set<ChildProcess>();

export function spawnManaged(name: string, command: string, args: string[], opts: SpawnOptions): Managed {
  const child = spawn(command, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', opts.inheritStderr ? 'inherit' : 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`${name}: spawn failed (${command})`);
  live.add(child);

  const tail: string[] = [];
  const log: WriteStream | undefined = opts.logFile ? createWriteStream(opts.logFile) : undefined;
  const keep = (line: string) => {
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
    log?.write(`${line}\n`);
  };
  // Both pipes must be drained continuously: a chatty server blocks on a full pipe otherwise.
  if (child.stdout) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      keep(line);
      opts.onStdoutLine?.(line);
    });
  }
  if (child.stderr) {
    createInterface({ input: child.stderr }).on('line', (line) => {
      keep(line);
      opts.onStderrLine?.(line);
    });
  }

  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      log?.end();
      resolve({ code, signal });
    });
    child.once('error', (err) => {
      keep(`spawn error: ${err.message}`);
      live.delete(child);
      log?.end();
      resolve({ code: null, signal: null });
    });
  });

  return { name, child, pid: child.pid, exited, tail: () => tail.join('\n') };
}

function tcpConnects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(500, () => done(false));
  });
}

/**
 * Resolves once the server is ready: a stdout line matched `readyLine` (seen by `sawReadyLine`)
 * or its port accepts TCP connections, whichever comes first. Rejects if it exits or times out.
 */
export async function waitUntilReady(
  proc: Managed,
  opts: {
    host: string;
    port: number;
    sawReadyLine: () => boolean;
    timeoutMs: number;
  },
): Promise<void> {
  let exit: Exit | undefined;
  void proc.exited.then((e) => {
    exit = e;
  });
  const deadline = Date.now() + opts.timeoutMs;
  while (Date.now() < deadline) {
    if (exit) {
      throw new Error(`${proc.name} exited before it was ready (code ${exit.code}, signal ${exit.signal}):\n${proc.tail()}`);
    }
    if (opts.sawReadyLine() || (await tcpConnects(opts.host, opts.port))) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${proc.name} not ready after ${opts.timeoutMs} ms:\n${proc.tail()}`);
}

/** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
export async function stopProcess(proc: Managed, graceMs = 10_000): Promise<Exit> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return proc.exited;
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), graceMs);
  const exit = await proc.exited;
  clearTimeout(timer);
  return exit;
}

/** Asks the OS for a port that is free right now (it could be taken again before use; unlikely on loopback). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export interface Memory {
  /** Resident set size now, bytes. */
  rssBytes: number;
  /** Peak resident set size over the process' life (VmHWM), bytes. */
  peakRssBytes: number;
}

/** Linux only (/proc); null elsewhere or if the process is gone. Counts this pid only, not its children. */
export function readMemory(pid: number): Memory | null {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s*(\\d+)\\s*kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
  const rssBytes = kb('VmRSS');
  const peakRssBytes = kb('VmHWM');
  return Number.isFinite(rssBytes) && Number.isFinite(peakRssBytes) ? { rssBytes, peakRssBytes } : null;
}

let cleanupInstalled = false;

/**
 * Ensures children die with us: on SIGINT/SIGTERM they get SIGTERM (then SIGKILL after a grace
 * period) before we exit; on any other exit path whatever is still alive gets SIGKILL.
 */
export function killChildrenOnExit(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return; // second Ctrl-C: the exit handler below still SIGKILLs
    interrupted = true;
    console.error(`\n${signal}: stopping ${live.size} child process(es)...`);
    for (const child of live) child.kill('SIGTERM');
    const waitAll = Promise.all([...live].map((c) => new Promise((r) => c.once('exit', r))));
    const timeout = new Promise((r) => setTimeout(r, 3000));
    void Promise.race([waitAll, timeout]).then(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

let clockTicks: number | undefined;

/** CPU seconds (user + system, all threads) a process has used so far; Linux only, null elsewhere or if it is gone. */
export function readCpuSeconds(pid: number): number | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  return cpuSecondsOfStat(stat);
}

/** CPU seconds each thread of a process has used so far, by thread id; Linux only, null elsewhere. */
export function readThreadCpuSeconds(pid: number): Record<number, number> | null {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return null;
  }
  const out: Record<number, number> = {};
  for (const tid of tids) {
    try {
      const seconds = cpuSecondsOfStat(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'));
      if (seconds !== null) out[Number(tid)] = seconds;
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

/** A process's CPU seconds over a window by thread: the main thread (tid = pid), the `busiest` other threads, the rest. */
export function threadSplit(
  open: Record<number, number>,
  closed: Record<number, number>,
  pid: number,
  busiest: number,
): { main: number; shards: number[]; other: number } {
  const used = Object.entries(closed).map(([tid, s]) => ({ tid: Number(tid), s: s - (open[Number(tid)] ?? 0) }));
  const round = (s: number) => Math.round(s * 100) / 100;
  const others = used.filter((t) => t.tid !== pid).sort((a, b) => b.s - a.s);
  return {
    main: round(used.find((t) => t.tid === pid)?.s ?? 0),
    shards: others.slice(0, busiest).map((t) => round(t.s)),
    other: round(others.slice(busiest).reduce((sum, t) => sum + t.s, 0)),
  };
}

function cpuSecondsOfStat(stat: string): number | null {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  // Fields after the command name (which is in parentheses and may hold spaces): state is field 3,
  // utime 14 and stime 15.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(rest[11]) + Number(rest[12]);
  return Number.isFinite(ticks) ? ticks / clockTicks : null;
}
