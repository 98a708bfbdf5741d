// The process's Node flags a shard thread is started with. A Worker refuses per-process options and
// V8 flags (ERR_WORKER_INVALID_EXEC_ARGV), yet those are exactly the tuning flags an operator gives
// the engine (`node --single-threaded-gc`, `--max-semi-space-size=…`): they already apply to every
// thread, as V8's flags are per process. So a thread gets only the flags it needs of its own — the
// loaders that let it run from source, profiling, warnings — and the engine starts with any flag.

/** Flags a thread takes as they are, and whether their value may be the next argument (`--import tsx`). */
const THREAD_FLAGS = new Map<string, 'value' | 'switch'>([
  ['--import', 'value'],
  ['--require', 'value'],
  ['-r', 'value'],
  ['--loader', 'value'],
  ['--experimental-loader', 'value'],
  ['--conditions', 'value'],
  ['-C', 'value'],
  ['--enable-source-maps', 'switch'],
  ['--cpu-prof', 'switch'],
  ['--cpu-prof-dir', 'value'],
  ['--cpu-prof-name', 'value'],
  ['--cpu-prof-interval', 'value'],
  ['--heap-prof', 'switch'],
  ['--heap-prof-dir', 'value'],
  ['--heap-prof-name', 'value'],
  ['--heap-prof-interval', 'value'],
  ['--no-warnings', 'switch'],
  ['--no-deprecation', 'switch'],
  ['--trace-warnings', 'switch'],
  ['--trace-deprecation', 'switch'],
  ['--trace-uncaught', 'switch'],
  ['--unhandled-rejections', 'value'],
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
    const kind = THREAD_FLAGS.get(name);
    const takesNext = !arg.includes('=') && kind === 'value';
    if (kind !== undefined) {
      kept.push(arg);
      if (takesNext && i + 1 < execArgv.length) kept.push(execArgv[i + 1]);
    }
    if (takesNext) i++;
  }
  if (typeScriptWorker && !kept.some((a) => a.includes('tsx'))) kept.push('--import', 'tsx');
  return kept;
}
