// The process's Node flags a shard thread is started with. A Worker refuses per-process options and
// V8 flags (ERR_WORKER_INVALID_EXEC_ARGV), yet those are exactly the tuning flags an operator gives
// the engine (`node --single-threaded-gc`, `--max-semi-space-size=…`): they already apply to every
// thread, as V8's flags are per process. So a thread gets only the flags it needs of its own — the
// loaders that let it run from source, profiling, warnings — and the engine starts with any flag.

/** Flags a thread takes as they are; with '=' or without a value. */
const THREAD_FLAGS = [
  '--import',
  '--require',
  '-r',
  '--loader',
  '--experimental-loader',
  '--conditions',
  '-C',
  '--enable-source-maps',
  '--cpu-prof',
  '--cpu-prof-dir',
  '--cpu-prof-name',
  '--cpu-prof-interval',
  '--heap-prof',
  '--heap-prof-dir',
  '--heap-prof-name',
  '--heap-prof-interval',
  '--no-warnings',
  '--no-deprecation',
  '--trace-warnings',
  '--trace-deprecation',
  '--trace-uncaught',
  '--unhandled-rejections',
];

/** Of those, the ones whose value may be the next argument (`--import tsx`). */
const TAKES_VALUE = new Set([
  '--import',
  '--require',
  '-r',
  '--loader',
  '--experimental-loader',
  '--conditions',
  '-C',
  '--cpu-prof-dir',
  '--cpu-prof-name',
  '--cpu-prof-interval',
  '--heap-prof-dir',
  '--heap-prof-name',
  '--heap-prof-interval',
  '--unhandled-rejections',
]);

/**
 * The flags of `execArgv` a worker thread accepts and needs, in their order; `tsx` is added for a
 * TypeScript worker file when the process was not started with it.
 */
export function workerExecArgv(execArgv: readonly string[], typeScriptWorker: boolean): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i];
    const name = arg.includes('=') ? arg.slice(0, arg.indexOf('=')) : arg;
    const takesNext = !arg.includes('=') && TAKES_VALUE.has(name);
    if (THREAD_FLAGS.includes(name)) {
      kept.push(arg);
      if (takesNext && i + 1 < execArgv.length) kept.push(execArgv[i + 1]);
    }
    if (takesNext) i++;
  }
  if (typeScriptWorker && !kept.some((a) => a.includes('tsx'))) kept.push('--import', 'tsx');
  return kept;
}
