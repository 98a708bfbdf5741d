// bench/perf-stats.ts: `perf script` output read into stacks, leaf frames sorted into kinds, and the
// per-thread split the perf bench prints (front = the main thread, worker = JavaScript on its stacks).

import { describe, expect, it } from 'vitest';
import { kindOf, parsePerfScript, summarizeThreads } from '../../bench/perf-stats.js';

/** Three samples of the main thread 100, two of a shard thread 101, one of a GC helper 102. */
const SCRIPT = `
 100 
\t    7f01 Builtins_LoadIC (/usr/bin/node)
\t    7f02 JS:*submitBatch file:///work/main/src/api/points-service.ts:1:2248 (/tmp/perf-100.map)
\t    7f03 JS:^emit node:events:471:44 (/tmp/perf-100.map)

 100 
\t    7f04 v8::internal::ValueDeserializer::ReadObject (/usr/bin/node)
\t    7f02 JS:*submitBatch file:///work/main/src/api/points-service.ts:1:2248 (/tmp/perf-100.map)

 100 
\t    7f05 v8::internal::Scavenger::ScavengeObject<v8::internal::FullHeapObjectSlot> (/usr/bin/node)

 101 
\t    7f06 sqlite3BtreeIndexMoveto (/work/main/node_modules/better-sqlite3/build/Release/better_sqlite3.node)
\t    7f07 JS:*writeBatch /work/main/src/ledger/embedded/sqlite-store.ts:8:4725 (/tmp/perf-100.map)
\t    7f08 JS:*commit /work/main/src/shard/shard-core.ts:2:8475 (/tmp/perf-100.map)

 101 
\t    ffff1 blk_mq_submit_bio ([kernel.kallsyms])
\t    7f09 fdatasync (/usr/lib/x86_64-linux-gnu/libc.so.6)
\t    7f08 JS:*commit /work/main/src/shard/shard-core.ts:2:8475 (/tmp/perf-100.map)

 102 
\t    7f0a v8::internal::Scavenger::ScavengePage (/usr/bin/node)
`;

describe('perf-stats', () => {
  it.each([
    ['sqlite3BtreeIndexMoveto [better_sqlite3.node]', 'sqlite'],
    ['v8::internal::JsonStringifier::SerializeString [node]', 'json'],
    ['v8::internal::ValueSerializer::WriteString [node]', 'clone'],
    ['v8::internal::ValueDeserializer::ReadObject [node]', 'clone'],
    ['v8::internal::Scavenger::ScavengePage [node]', 'gc'],
    ['v8::internal::ConcurrentMarking::RunMajor [node]', 'gc'],
    ['blk_mq_submit_bio [[kernel.kallsyms]]', 'kernel'],
    ['JS:*decideEarn /work/main/src/actor/decide-earn.ts:2:1525 [perf-100.map]', 'js'],
    ['Builtins_FindOrderedHashMapEntry [node]', 'v8 builtins'],
    ['__memmove_avx512_unaligned_erms [libc.so.6]', 'other native'],
  ] as const)('%s is %s', (leaf, kind) => {
    expect(kindOf(leaf)).toBe(kind);
  });

  it('reads each sample with its thread and frames, innermost first', () => {
    const samples = parsePerfScript(SCRIPT);
    expect(samples.map((s) => s.tid)).toEqual([100, 100, 100, 101, 101, 102]);
    expect(samples[3].frames).toEqual([
      'sqlite3BtreeIndexMoveto [better_sqlite3.node]',
      'JS:*writeBatch /work/main/src/ledger/embedded/sqlite-store.ts:8:4725 [perf-100.map]',
      'JS:*commit /work/main/src/shard/shard-core.ts:2:8475 [perf-100.map]',
    ]);
  });

  it('splits the samples per thread: roles, shares, kinds, leaves and the JavaScript on the stacks', () => {
    const [front, worker, helper] = summarizeThreads(parsePerfScript(SCRIPT), 100);
    expect([front.tid, front.role, front.samples, front.share]).toEqual([100, 'front', 3, 0.5]);
    expect([worker.tid, worker.role, worker.samples]).toEqual([101, 'worker', 2]);
    expect([helper.tid, helper.role, helper.samples]).toEqual([102, 'helper', 1]);
    expect(Object.fromEntries(front.byKind)).toEqual({ 'v8 builtins': 1 / 3, clone: 1 / 3, gc: 1 / 3 });
    expect(Object.fromEntries(worker.byKind)).toEqual({ sqlite: 0.5, kernel: 0.5 });
    // A function counts once per sample however often it recurs; names lose the JIT marker, column and map.
    expect(front.jsInclusive).toEqual([
      ['submitBatch src/api/points-service.ts', 2 / 3],
      ['emit node:events', 1 / 3],
    ]);
    expect(worker.jsInclusive).toEqual([
      ['commit src/shard/shard-core.ts', 1],
      ['writeBatch src/ledger/embedded/sqlite-store.ts', 0.5],
    ]);
    expect(worker.self[0]).toEqual(['sqlite3BtreeIndexMoveto [better_sqlite3.node]', 0.5]);
  });
});
