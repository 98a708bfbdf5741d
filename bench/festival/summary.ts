// The run's figures from the merged recorder, in the shape of ghz's JSON report: per RPC the count,
// rate, latency percentiles to p99.99 and the status distribution; plus what the charts draw (the
// per-second timeline and the percentile spectrum). Pure.
import type * as hdr from 'hdr-histogram-js';
import { offeredPerSecond, phases } from './curve.js';
import type { FestivalProfile } from './profile.js';
import type { Recorder } from './recorder.js';

export interface LatencyMs {
  min: number;
  mean: number;
  p50: number;
  p75: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  p9999: number;
  max: number;
}

export interface RpcSummary {
  count: number;
  /** Calls per second over the run. */
  rate: number;
  ok: number;
  refusals: number;
  errors: number;
  statusDistribution: Record<string, number>;
  latencyMs: LatencyMs | null;
  /** Calls scheduled in the peak (midnight .. midnight + peakSeconds). */
  peak: { count: number; latencyMs: LatencyMs | null };
}

export interface TimelinePoint {
  second: number;
  /** Main sends the curve schedules in this second (follow-ups and retries not included). */
  scheduled: number;
  /** Sends issued for this second, follow-ups and retries included. */
  offered: number;
  /** Calls answered without an error in this second (by answer time). */
  achieved: number;
  errors: number;
  late: number;
  p50Ms: number | null;
  p99Ms: number | null;
  p999Ms: number | null;
  earnP99Ms: number | null;
  /** Calls scheduled in this second by their final status. */
  statuses: Record<string, number>;
}

export interface SpectrumPoint {
  rpc: string;
  percentile: number;
  latencyMs: number;
}

export interface FestivalSummary {
  durationS: number;
  midnightS: number;
  peakEndS: number;
  peakRate: number;
  sent: number;
  late: number;
  lateShare: number;
  maxLateMs: number;
  overall: RpcSummary;
  rpcs: Record<string, RpcSummary>;
  timeline: TimelinePoint[];
  spectrum: SpectrumPoint[];
}

export const SPECTRUM_PERCENTILES = [0, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 99.999];

export function summarize(r: Recorder, p: FestivalProfile, elapsedS: number): FestivalSummary {
  const refusal = new Set(p.refusals);
  const { midnightS, peakEndS } = phases(p.curve);
  const statusTotals = new Map<string, Record<string, number>>();
  for (const bySecond of r.statusBySecond)
    for (const [rpc, counts] of Object.entries(bySecond ?? {})) {
      const t = statusTotals.get(rpc) ?? {};
      for (const [s, n] of Object.entries(counts)) t[s] = (t[s] ?? 0) + n;
      statusTotals.set(rpc, t);
    }
  const rpcs: Record<string, RpcSummary> = {};
  for (const [rpc, h] of [...r.overall].sort(([a], [b]) => a.localeCompare(b)))
    rpcs[rpc] = rpcSummary(h, r.byWindow.get('peak')?.get(rpc), statusTotals.get(rpc) ?? {}, refusal, elapsedS);
  const allStatuses: Record<string, number> = {};
  for (const t of statusTotals.values()) for (const [s, n] of Object.entries(t)) allStatuses[s] = (allStatuses[s] ?? 0) + n;
  const overall = combine(Object.values(rpcs), allStatuses, elapsedS);
  const sent = r.sentBySecond.reduce((s, n) => s + (n ?? 0), 0);
  return {
    durationS: elapsedS,
    midnightS,
    peakEndS,
    peakRate: p.curve.baselineRate * p.curve.peakMultiplier,
    sent,
    late: r.late,
    lateShare: sent === 0 ? 0 : r.late / sent,
    maxLateMs: round(r.maxLateMs),
    overall,
    rpcs,
    timeline: timeline(r, p, refusal),
    spectrum: Object.entries(Object.fromEntries(r.overall)).flatMap(([rpc, h]) =>
      SPECTRUM_PERCENTILES.map((q) => ({ rpc, percentile: q, latencyMs: ms(h.getValueAtPercentile(q)) })),
    ),
  };
}

export function latencyMs(h: hdr.Histogram | undefined | null): LatencyMs | null {
  if (!h || h.totalCount === 0) return null;
  const at = (q: number) => ms(h.getValueAtPercentile(q));
  return {
    min: ms(h.minNonZeroValue),
    mean: ms(h.mean),
    p50: at(50),
    p75: at(75),
    p90: at(90),
    p95: at(95),
    p99: at(99),
    p999: at(99.9),
    p9999: at(99.99),
    max: ms(h.maxValue),
  };
}

function rpcSummary(
  h: hdr.Histogram,
  peak: hdr.Histogram | undefined,
  statuses: Record<string, number>,
  refusal: Set<string>,
  elapsedS: number,
): RpcSummary {
  const ok = statuses.OK ?? 0;
  const refusals = Object.entries(statuses).reduce((s, [k, n]) => s + (refusal.has(k) ? n : 0), 0);
  const count = h.totalCount;
  return {
    count,
    rate: round(count / elapsedS),
    ok,
    refusals,
    errors: count - ok - refusals,
    statusDistribution: statuses,
    latencyMs: latencyMs(h),
    peak: { count: peak?.totalCount ?? 0, latencyMs: latencyMs(peak) },
  };
}

/** Totals over all RPCs; latency percentiles of the union are not the sum of parts, so left to the timeline. */
function combine(parts: RpcSummary[], statuses: Record<string, number>, elapsedS: number): RpcSummary {
  const sum = (f: (x: RpcSummary) => number) => parts.reduce((s, x) => s + f(x), 0);
  const count = sum((x) => x.count);
  return {
    count,
    rate: round(count / elapsedS),
    ok: sum((x) => x.ok),
    refusals: sum((x) => x.refusals),
    errors: sum((x) => x.errors),
    statusDistribution: statuses,
    latencyMs: null,
    peak: { count: sum((x) => x.peak.count), latencyMs: null },
  };
}

function timeline(r: Recorder, p: FestivalProfile, refusal: Set<string>): TimelinePoint[] {
  const scheduled = offeredPerSecond(p.curve);
  const seconds = Math.max(scheduled.length, r.sentBySecond.length, r.answeredBySecond.length);
  const points: TimelinePoint[] = [];
  for (let s = 0; s < seconds; s++) {
    const answered = r.answeredBySecond[s] ?? {};
    const isError = (k: string) => k !== 'OK' && !refusal.has(k);
    const statuses: Record<string, number> = {};
    for (const counts of Object.values(r.statusBySecond[s] ?? {}))
      for (const [k, n] of Object.entries(counts)) statuses[k] = (statuses[k] ?? 0) + n;
    const all = r.perSecondAll[s];
    const earn = r.perSecondEarn[s];
    const q = (h: hdr.Histogram | null | undefined, x: number) => (h && h.totalCount > 0 ? ms(h.getValueAtPercentile(x)) : null);
    points.push({
      second: s,
      scheduled: scheduled[s] ?? 0,
      offered: r.sentBySecond[s] ?? 0,
      achieved: Object.entries(answered).reduce((t, [k, n]) => t + (isError(k) ? 0 : n), 0),
      errors: Object.entries(answered).reduce((t, [k, n]) => t + (isError(k) ? n : 0), 0),
      late: r.lateBySecond[s] ?? 0,
      p50Ms: q(all, 50),
      p99Ms: q(all, 99),
      p999Ms: q(all, 99.9),
      earnP99Ms: q(earn, 99),
      statuses,
    });
  }
  return points;
}

const ms = (us: number) => Math.round(us) / 1000;
const round = (x: number) => Math.round(x * 100) / 100;
