// One bench/load.ts process, as every harness that compares a server against another runs it: the same
// generator flags, its measured window reported as it opens and closes, its result line parsed, and a
// bound on how long it may take (a wedged generator must not hang the whole bench).

import { spawnManaged } from './processes.js';
import type { LoadResult, Mode } from './report.js';

export type WindowEdge = 'open' | 'closed';

export interface LoadOptions {
  /** Label for progress and errors. */
  label: string;
  concurrency: number;
  durationS: number;
  warmupS: number;
  /** Extra bench/load.ts flags (after the ones below, so they win). */
  extra?: string[];
  /** The generator's environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Called, synchronously, when the generator opens and closes its measured window. */
  onWindow?: (edge: WindowEdge, generatorPid: number) => void;
}

/** Runs the generator from `root` against `address` and resolves with its result line. */
export async function runLoadGenerator(
  root: string,
  address: string,
  mode: Mode,
  shared: { tenant: string; batchSize: number },
  opts: LoadOptions,
): Promise<LoadResult> {
  let lastJson: string | undefined;
  const args = [
    // A larger young generation cuts the generator's GC time (it allocates a lot of short-lived
    // request objects); the generator, not the server, is tuned, so the ceiling is not capped by it.
    '--max-semi-space-size=32',
    '--import',
    'tsx',
    'bench/load.ts',
    ...['--target', address, '--mode', mode, '--tenant', shared.tenant],
    ...['--concurrency', String(opts.concurrency)],
    ...['--duration', String(opts.durationS), '--warmup', String(opts.warmupS)],
    ...['--batch-size', String(shared.batchSize)],
    ...(opts.extra ?? []),
  ];
  const proc = spawnManaged(`load ${opts.label}`, process.execPath, args, {
    cwd: root,
    ...(opts.env ? { env: opts.env } : {}),
    inheritStderr: true,
    onStdoutLine: (line) => {
      if (line.startsWith('{')) lastJson = line;
      const edge = /^WINDOW (open|closed)$/.exec(line)?.[1] as WindowEdge | undefined;
      if (edge) opts.onWindow?.(edge, proc.pid);
    },
  });
  // Generous bound: a wedged generator must not hang the whole bench.
  const limitMs = (opts.warmupS + opts.durationS) * 1000 + 60_000;
  const killer = setTimeout(() => proc.child.kill('SIGKILL'), limitMs);
  const exit = await proc.exited;
  clearTimeout(killer);
  if (exit.code !== 0 || !lastJson) {
    throw new Error(`load generator (${opts.label}) failed (code ${exit.code}, signal ${exit.signal}):\n${proc.tail()}`);
  }
  return JSON.parse(lastJson) as LoadResult;
}
