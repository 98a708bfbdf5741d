// A closed-loop sender for comparison (what bench/load.ts does): N workers, each sending its next
// call when the previous one answers, latency measured from the actual send. A stall then delays the
// next sends instead of showing in their latency, which is why the festival run is open-loop.
import type { Recorder } from './recorder.js';

export interface ClosedLoopOptions {
  concurrency: number;
  durationMs: number;
  rpc: string;
  fire(): Promise<string>;
  recorder: Recorder;
  clock(): number;
}

export async function runClosedLoop(o: ClosedLoopOptions): Promise<number> {
  let calls = 0;
  const worker = async () => {
    while (o.clock() < o.durationMs) {
      const sentMs = o.clock();
      o.recorder.sent(sentMs, 0, Number.POSITIVE_INFINITY);
      const status = await o.fire();
      o.recorder.done(o.rpc, sentMs, (o.clock() - sentMs) * 1000, status);
      calls++;
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  return calls;
}
