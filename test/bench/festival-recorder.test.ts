// Generator processes measure apart and the driver merges their snapshots: the merged figures must
// be those of one recorder that saw every call.
import { describe, expect, it } from 'vitest';
import { Recorder } from '../../bench/festival/recorder.js';

const windows = [{ name: 'peak', fromMs: 1000, toMs: 2000 }];
const calls: [rpc: string, intendedMs: number, latencyUs: number, status: string][] = [
  ['Earn', 10, 1_500, 'OK'],
  ['Earn', 1_200, 250_000, 'OK'],
  ['Hold', 1_500, 9_000, 'FAILED_PRECONDITION'],
  ['Earn', 1_900, 5_000_000, 'DEADLINE_EXCEEDED'],
  ['Earn', 2_500, 3_000, 'OK'],
];

describe('recorder snapshots from several generator processes', () => {
  it('merge into the same counts, percentiles, statuses and late sends as one recorder', () => {
    const whole = new Recorder(windows);
    const parts = [new Recorder(windows), new Recorder(windows)];
    calls.forEach(([rpc, at, us, status], i) => {
      for (const r of [whole, parts[i % 2]]) {
        r.sent(at, i === 3 ? 50 : 0, 20);
        r.done(rpc, at, us, status);
      }
    });
    const merged = new Recorder(windows);
    for (const p of parts) merged.merge(JSON.parse(JSON.stringify(p.snapshot())));

    for (const rpc of ['Earn', 'Hold']) {
      expect(merged.overall.get(rpc)?.totalCount).toBe(whole.overall.get(rpc)?.totalCount);
      for (const q of [50, 99, 100])
        expect(merged.overall.get(rpc)?.getValueAtPercentile(q)).toBe(whole.overall.get(rpc)?.getValueAtPercentile(q));
    }
    expect(merged.byWindow.get('peak')?.get('Earn')?.totalCount).toBe(2);
    // A second without answers is a hole in one and {} in the other: the same thing.
    const dense = <T>(list: T[]) => Array.from(list, (x) => x ?? {});
    expect(dense(merged.statusBySecond)).toEqual(dense(whole.statusBySecond));
    expect(dense(merged.answeredBySecond)).toEqual(dense(whole.answeredBySecond));
    expect(merged.sentBySecond).toEqual([1, 3, 1]);
    expect(merged.late).toBe(1);
    expect(merged.lateBySecond[1]).toBe(1);
    expect(merged.perSecondEarn[1]?.totalCount).toBe(2);
  });
});
