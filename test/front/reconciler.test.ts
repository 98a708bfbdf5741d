// The reconciler's sample of recently written members: each member once, oldest first, at most the
// last 10,000 distinct members kept (the longest ago dropped), and a member written again after it was
// sampled is sampled again. Rounds run against an engine that records which members it audits (the
// audit itself runs through the real engine in test/e2e/audit.test.ts).

import { describe, expect, it } from 'vitest';
import type { ShardOp } from '../../src/actor/commands.js';
import type { OpResult } from '../../src/actor/results.js';
import type { AuditedEngine } from '../../src/front/ledger-audit.js';
import { Reconciler } from '../../src/front/reconciler.js';

const KEPT = 10_000;

function recordingEngine(): AuditedEngine & { audited: string[][] } {
  const audited: string[][] = [];
  return {
    audited,
    shardCount: 1,
    listMembers: async () => [],
    rollForwardHeads: async () => [],
    submitAll: async (ops: ShardOp[]): Promise<OpResult[]> => {
      audited.push(ops.map((op) => op.memberId));
      return ops.map(() => ({ ok: true, value: { exists: true, mismatches: [], outstanding: 0, underReview: 0, repaired: false } }));
    },
  };
}

function reconciler(engine: AuditedEngine, sample: number): Reconciler {
  const options = { intervalMs: 0, sample, sweep: 0, graceMs: 0, sharedLedger: false };
  return new Reconciler(engine, options, { checked: () => {}, mismatch: () => {} });
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `m${from + i}`);

describe('Reconciler: the recently written sample', () => {
  it.each([
    { name: 'each member once, oldest first', writes: ['a', 'b', 'a', 'c', 'b'], sample: 10, rounds: [['a', 'b', 'c']] },
    { name: 'a round takes at most the sample size', writes: ['a', 'b', 'c'], sample: 2, rounds: [['a', 'b'], ['c']] },
    { name: 'past 10,000 members the oldest are dropped', writes: range(0, KEPT + 5), sample: 3, rounds: [range(5, 8)] },
  ])('$name', async ({ writes, sample, rounds }) => {
    const engine = recordingEngine();
    const r = reconciler(engine, sample);
    for (const m of writes) r.noteWritten('t1', m);
    for (const _ of rounds) await r.round();
    expect(engine.audited).toEqual(rounds);
  });

  it('a member sampled and written again is kept in its new place when the ring passes its old one', async () => {
    const engine = recordingEngine();
    const r = reconciler(engine, KEPT);
    for (const m of range(0, 5)) r.noteWritten('t1', m);
    await r.round(); // takes m0..m4
    r.noteWritten('t1', 'm0'); // written again: now the newest
    // Wrap the ring past m0's first place: that place's turn must not drop m0 from its new one.
    for (const m of range(5, KEPT)) r.noteWritten('t1', m);
    await r.round();
    expect(engine.audited).toEqual([range(0, 5), ['m0', ...range(5, KEPT)]]);
  });
});
