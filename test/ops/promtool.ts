// promtool (Prometheus's checker, Debian package `prometheus`) for the ops tests: whether it is on
// PATH, and running it. Missing with CI=true is a failure; elsewhere the suites skip, loudly.

import { spawnSync } from 'node:child_process';

export function promtoolOnPath(): boolean {
  const probe = spawnSync('promtool', ['--version'], { stdio: 'ignore' });
  if (!probe.error) return true;
  if (process.env.CI === 'true') {
    throw new Error('promtool not on PATH (apt-get install --no-install-recommends prometheus), and CI=true requires the ops tests');
  }
  console.warn('\n*** PROMTOOL TESTS SKIPPED: promtool not on PATH (apt-get install --no-install-recommends prometheus) ***\n');
  return false;
}

export interface PromtoolRun {
  code: number | null;
  output: string;
}

/** Runs promtool with `args` (and `input` on stdin), in `cwd`. */
export function promtool(args: string[], options: { cwd?: string; input?: string } = {}): PromtoolRun {
  const run = spawnSync('promtool', args, { cwd: options.cwd, input: options.input, encoding: 'utf8', timeout: 60_000 });
  return { code: run.status, output: `${run.stdout ?? ''}${run.stderr ?? ''}` };
}
