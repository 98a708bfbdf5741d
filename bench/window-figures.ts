// What one measured load window comes to, as every load generator reports it (bench/load.ts,
// bench/cluster/load.ts): counts, rates and the latency percentiles, in this order.

import type * as hdr from 'hdr-histogram-js';

export function windowFigures(calls: number, items: number, seconds: number, latencyUs: hdr.Histogram) {
  const ms = (us: number) => Math.round(us) / 1000;
  return {
    calls,
    items,
    seconds: Math.round(seconds * 1000) / 1000,
    callsPerSec: Math.round(calls / seconds),
    itemsPerSec: Math.round(items / seconds),
    p50Ms: ms(latencyUs.getValueAtPercentile(50)),
    p99Ms: ms(latencyUs.getValueAtPercentile(99)),
    p999Ms: ms(latencyUs.getValueAtPercentile(99.9)),
    maxMs: ms(latencyUs.maxValue),
  };
}
