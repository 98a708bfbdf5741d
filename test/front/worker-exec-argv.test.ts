// A shard thread's Node flags: the engine started with V8 or per-process flags (GC tuning an operator
// gives with `node --single-threaded-gc …`) must still start its threads, which keep the loader flags
// they need to run from source.

import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { workerExecArgv } from '../../src/front/worker-exec-argv.js';

describe('workerExecArgv', () => {
  it.each([
    ['from source', ['--import', 'tsx'], true, ['--import', 'tsx']],
    ['built, no flags', [], false, []],
    ['built, tsx not needed', ['--enable-source-maps'], false, ['--enable-source-maps']],
    ['TypeScript worker without tsx: added', ['--no-warnings'], true, ['--no-warnings', '--import', 'tsx']],
    ['V8 GC flags dropped', ['--single-threaded-gc', '--max-semi-space-size=64', '--import', 'tsx'], true, ['--import', 'tsx']],
    ['per-process flags dropped', ['--v8-pool-size=1', '--title=jifen', '--import=tsx'], true, ['--import=tsx']],
    ['inspector dropped', ['--inspect=9229', '--import', 'tsx'], true, ['--import', 'tsx']],
    [
      'profiling kept with its values',
      ['--cpu-prof', '--cpu-prof-dir', '/tmp/p', '--heap-prof-interval=1024', '--import', 'tsx'],
      true,
      ['--cpu-prof', '--cpu-prof-dir', '/tmp/p', '--heap-prof-interval=1024', '--import', 'tsx'],
    ],
    [
      'a loader value that looks like a flag stays a value',
      ['--require', './x.cjs', '--max-old-space-size=512'],
      false,
      ['--require', './x.cjs'],
    ],
  ])('%s', (_name, argv, ts, want) => {
    expect(workerExecArgv(argv, ts)).toEqual(want);
  });

  /** Starts a thread with these flags and resolves with its first message (or rejects with its error). */
  function threadWith(execArgv: string[]): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const w = new Worker("require('node:worker_threads').parentPort.postMessage('up')", { eval: true, execArgv });
      w.once('message', (m) => {
        resolve(m);
        void w.terminate();
      });
      w.once('error', reject);
    });
  }

  it('a thread starts with the flags kept from an engine started with V8 and per-process flags', async () => {
    const engineArgv = ['--single-threaded-gc', '--max-semi-space-size=32', '--v8-pool-size=2', '--no-warnings'];
    // The fault this guards against: those flags passed on as they are.
    expect(() => new Worker('0', { eval: true, execArgv: engineArgv })).toThrow(/invalid execArgv/);
    await expect(threadWith(workerExecArgv(engineArgv, false))).resolves.toBe('up');
  });
});
