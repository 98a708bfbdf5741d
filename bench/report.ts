// Turns raw per-run measurements into medians, engine/echo and redis-nats/embedded ratios and a
// printable table.
import type { WindowFigures } from './cassandra-report.js';
import type { Memory } from './processes.js';

export type Mode = 'unary' | 'batch';
export type TargetName = 'echo' | 'engine';
/**
 * Engine profiles: embedded (memory balances, in-process events, tenant without a program: the bare
 * base rate), private Redis + NATS JetStream, or embedded with deploy/programs/example.yaml (tenant
 * `example`, ~20 rules, campaigns and behaviours), or the ledger on a real Cassandra node with Redis +
 * NATS (cassandra).
 */
export type Profile = 'embedded' | 'redis-nats' | 'example-program' | 'velocity' | 'cassandra';
export const PROFILES: readonly Profile[] = ['embedded', 'redis-nats', 'example-program', 'velocity', 'cassandra'];
/** Row and summary name of an engine run with this profile ("engine" alone is embedded, as before). */
export const engineVariant = (p: Profile) => (p === 'embedded' ? 'engine' : `engine-${p}`);

/** The JSON line printed by bench/load.ts. */
export interface LoadResult {
  mode: Mode;
  concurrency: number;
  batchSize: number;
  calls: number;
  items: number;
  seconds: number;
  callsPerSec: number;
  itemsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
  errors: Record<string, number>;
  /** Members with at least one item acknowledged without error in a call that counts. */
  distinctMembers: number;
  /** Absent in results recorded before these fields existed. */
  membersOrder?: 'zipf' | 'sequential';
  members?: number;
  /** --items (0 = none). */
  itemsTarget?: number;
  /** What ended the measured window. */
  stoppedBy?: 'duration' | 'items';
}

export const ONE_GIB = 2 ** 30;

/** The engine's --touch-members phase: N items to members m1..mN in order, RSS sampled each second. */
export interface TouchRun {
  members: number;
  result: LoadResult;
  /** Every member acknowledged (items and distinct members both reached N). */
  complete: boolean;
  /** Highest VmRSS among the 1 s samples. */
  maxSampledRssBytes: number;
  /** VmRSS and VmHWM right after the phase. */
  endRssBytes: number | null;
  endPeakRssBytes: number | null;
  /** max(sampled VmRSS, VmHWM at the end): VmHWM is the process' lifetime peak, earlier phases included. */
  peakRssBytes: number | null;
  withinOneGiB: boolean | null;
  /** Seconds since the phase started, VmRSS bytes. */
  rssSamples: { t: number; rssBytes: number }[];
}

export interface TargetRun {
  target: TargetName;
  /** "echo", "engine" (embedded) or "engine-redis-nats": the key of its summary and table rows. */
  variant: string;
  /** Engine runs only. */
  profile?: Profile;
  repeat: number;
  results: Record<Mode, LoadResult>;
  /** Server memory sampled after the unary and batch phases (before any touch phase). */
  memory: Memory | null;
  touch?: TouchRun;
  /** redis-nats only: the private servers' ports and memory after the load (before the touch phase). */
  backingServers?: {
    redisPort: number;
    natsPort: number;
    redisMemory: Memory | null;
    natsMemory: Memory | null;
    /** CPU seconds used during the unary + batch modes (warmups included). */
    redisCpuS: number | null;
    natsCpuS: number | null;
  };
  /** Engine runs: CPU per process and ledger traffic over each measured window (bench/cassandra-report.ts). */
  windows?: Partial<Record<Mode, WindowFigures>>;
}

export interface ModeSummary {
  concurrency: number;
  batchSize: number;
  callsPerSec: number;
  itemsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  /** Summed over all repeats, not a median: any error matters. */
  errors: Record<string, number>;
  distinctMembers: number;
}

export interface TouchSummary {
  members: number;
  runs: number;
  /** Medians over the repeats. */
  itemsPerSec: number;
  seconds: number;
  /** The lowest over the repeats. */
  distinctMembers: number;
  complete: boolean;
  /** The highest over the repeats. */
  peakRssBytes: number | null;
  peakRssMB: number | null;
  /** Every repeat's peak ≤ 1 GiB. */
  withinOneGiB: boolean | null;
  mode: ModeSummary;
}

export interface TargetSummary {
  runs: number;
  unary: ModeSummary;
  batch: ModeSummary;
  rssBytes: number | null;
  peakRssBytes: number | null;
  touch?: TouchSummary;
}

export interface Ratios {
  unaryCallsPerSec: number;
  batchItemsPerSec: number;
  unaryP99: number;
  batchP99: number;
}

export function median(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function summarizeMode(results: LoadResult[]): ModeSummary {
  const med = (pick: (r: LoadResult) => number) => median(results.map(pick));
  const errors: Record<string, number> = {};
  for (const r of results) for (const [k, n] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + n;
  return {
    concurrency: results[0].concurrency,
    batchSize: results[0].batchSize,
    callsPerSec: med((r) => r.callsPerSec),
    itemsPerSec: med((r) => r.itemsPerSec),
    p50Ms: med((r) => r.p50Ms),
    p99Ms: med((r) => r.p99Ms),
    p999Ms: med((r) => r.p999Ms),
    errors,
    distinctMembers: med((r) => r.distinctMembers),
  };
}

function summarizeTouch(touches: TouchRun[]): TouchSummary {
  const peaks = touches.map((t) => t.peakRssBytes).filter((b): b is number => b !== null);
  const peak = peaks.length === touches.length ? Math.max(...peaks) : null;
  return {
    members: touches[0].members,
    runs: touches.length,
    itemsPerSec: median(touches.map((t) => t.result.itemsPerSec)),
    seconds: median(touches.map((t) => t.result.seconds)),
    distinctMembers: Math.min(...touches.map((t) => t.result.distinctMembers)),
    complete: touches.every((t) => t.complete),
    peakRssBytes: peak,
    peakRssMB: peak === null ? null : Math.round(peak / 2 ** 20),
    withinOneGiB: peak === null ? null : peak <= ONE_GIB,
    mode: summarizeMode(touches.map((t) => t.result)),
  };
}

export function summarize(runs: TargetRun[]): TargetSummary {
  const mems = runs.map((r) => r.memory).filter((m): m is Memory => m !== null);
  const touches = runs.map((r) => r.touch).filter((t): t is TouchRun => t !== undefined);
  return {
    runs: runs.length,
    unary: summarizeMode(runs.map((r) => r.results.unary)),
    batch: summarizeMode(runs.map((r) => r.results.batch)),
    rssBytes: mems.length ? median(mems.map((m) => m.rssBytes)) : null,
    peakRssBytes: mems.length ? median(mems.map((m) => m.peakRssBytes)) : null,
    ...(touches.length ? { touch: summarizeTouch(touches) } : {}),
  };
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** a/b, e.g. engine/echo: throughput ratios (1.0 = as fast as b) and p99 ratios (1.0 = no added latency). */
type Rates = Record<Mode, { callsPerSec: number; itemsPerSec: number; p99Ms: number }>;

export function ratios(a: Rates, b: Rates): Ratios {
  return {
    unaryCallsPerSec: round2(a.unary.callsPerSec / b.unary.callsPerSec),
    batchItemsPerSec: round2(a.batch.itemsPerSec / b.batch.itemsPerSec),
    unaryP99: round2(a.unary.p99Ms / b.unary.p99Ms),
    batchP99: round2(a.batch.p99Ms / b.batch.p99Ms),
  };
}

/** A labelled ratio line of the report, e.g. "engine/echo". */
export interface RatioLine {
  label: string;
  ratios: Ratios;
}

/** Acceptance criteria of the production backends: redis-nats throughput / embedded throughput. */
export const ACCEPTANCE = { unaryCallsPerSec: 0.85, batchItemsPerSec: 0.75 };

/** engine-redis-nats vs engine (embedded), from the same invocation. */
export interface BackendComparison {
  numerator: string;
  denominator: string;
  /** Ratios of the medians (what the criteria are checked against). */
  ratios: Ratios;
  /** The same ratios within each repeat (runs of one repeat ran back to back). */
  perRepeat: Ratios[];
  /** Median p99s, ms. */
  p99Ms: Record<Mode, { embedded: number; redisNats: number }>;
  acceptance: {
    unaryCallsPerSec: { min: number; ratio: number; pass: boolean };
    batchItemsPerSec: { min: number; ratio: number; pass: boolean };
    pass: boolean;
  };
}

export function compareBackends(runs: TargetRun[], summaries: Record<string, TargetSummary>): BackendComparison | null {
  const denominator = engineVariant('embedded');
  const numerator = engineVariant('redis-nats');
  const emb = summaries[denominator];
  const rn = summaries[numerator];
  if (!emb || !rn) return null;
  const r = ratios(rn, emb);
  const perRepeat: Ratios[] = [];
  for (const a of runs) {
    if (a.variant !== numerator) continue;
    const b = runs.find((x) => x.variant === denominator && x.repeat === a.repeat);
    if (b) perRepeat.push(ratios(a.results, b.results));
  }
  const check = (min: number, ratio: number) => ({ min, ratio, pass: ratio >= min });
  const unary = check(ACCEPTANCE.unaryCallsPerSec, r.unaryCallsPerSec);
  const batch = check(ACCEPTANCE.batchItemsPerSec, r.batchItemsPerSec);
  return {
    numerator,
    denominator,
    ratios: r,
    perRepeat,
    p99Ms: {
      unary: { embedded: emb.unary.p99Ms, redisNats: rn.unary.p99Ms },
      batch: { embedded: emb.batch.p99Ms, redisNats: rn.batch.p99Ms },
    },
    acceptance: {
      unaryCallsPerSec: unary,
      batchItemsPerSec: batch,
      pass: unary.pass && batch.pass,
    },
  };
}

const mb = (bytes: number | null) => (bytes === null ? 'n/a' : `${Math.round(bytes / 2 ** 20)} MB`);
const errorCount = (e: Record<string, number>) => Object.values(e).reduce((a, b) => a + b, 0);

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  // Numbers right-aligned, the two name columns left-aligned.
  return rows.map((r) => r.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n');
}

export function formatReport(
  summaries: Record<string, TargetSummary>,
  ratioLines: RatioLine[],
  comparison: BackendComparison | null,
): string {
  const rows: string[][] = [['target', 'mode', 'in flight', 'calls/s', 'items/s', 'p50 ms', 'p99 ms', 'p99.9 ms', 'errors', 'peak RSS']];
  for (const [target, s] of Object.entries(summaries)) {
    for (const mode of ['unary', 'batch'] as const) {
      const m = s[mode];
      rows.push([
        target,
        mode === 'unary' ? 'Earn' : `SubmitBatch x${m.batchSize}`,
        String(m.concurrency),
        Math.round(m.callsPerSec).toLocaleString('en-US'),
        Math.round(m.itemsPerSec).toLocaleString('en-US'),
        m.p50Ms.toFixed(2),
        m.p99Ms.toFixed(2),
        m.p999Ms.toFixed(2),
        String(errorCount(m.errors)),
        mode === 'unary' ? mb(s.peakRssBytes) : '',
      ]);
    }
    if (s.touch) {
      const m = s.touch.mode;
      rows.push([
        target,
        `touch ${s.touch.members.toLocaleString('en-US')} x${m.batchSize}`,
        String(m.concurrency),
        Math.round(m.callsPerSec).toLocaleString('en-US'),
        Math.round(m.itemsPerSec).toLocaleString('en-US'),
        m.p50Ms.toFixed(2),
        m.p99Ms.toFixed(2),
        m.p999Ms.toFixed(2),
        String(errorCount(m.errors)),
        mb(s.touch.peakRssBytes),
      ]);
    }
  }
  const lines = [table(rows)];
  for (const [target, s] of Object.entries(summaries)) {
    for (const mode of ['unary', 'batch'] as const) {
      if (errorCount(s[mode].errors) > 0) lines.push(`WARNING ${target} ${mode} errors: ${JSON.stringify(s[mode].errors)}`);
    }
    if (s.touch && errorCount(s.touch.mode.errors) > 0)
      lines.push(`WARNING ${target} touch errors: ${JSON.stringify(s.touch.mode.errors)}`);
  }
  for (const [target, s] of Object.entries(summaries)) {
    const t = s.touch;
    if (!t) continue;
    const within = t.withinOneGiB === null ? 'n/a' : t.withinOneGiB ? 'yes' : 'NO';
    lines.push(
      '',
      `${target} touch: ${t.distinctMembers.toLocaleString('en-US')} of ${t.members.toLocaleString('en-US')} distinct members` +
        ` in ${t.seconds} s (${Math.round(t.itemsPerSec).toLocaleString('en-US')} items/s)` +
        `${t.complete ? '' : ' INCOMPLETE'}; peak RSS ${mb(t.peakRssBytes)}, <= 1 GiB: ${within}` +
        (t.runs > 1 ? ` (${t.runs} runs: median time, fewest members, highest peak)` : ''),
    );
  }
  if (ratioLines.length) lines.push('');
  const width = Math.max(...ratioLines.map((l) => l.label.length));
  for (const { label, ratios: r } of ratioLines) {
    lines.push(
      `${label.padEnd(width)}  Earn calls/s ${r.unaryCallsPerSec}x  SubmitBatch items/s ${r.batchItemsPerSec}x` +
        `  |  p99 Earn ${r.unaryP99}x  SubmitBatch ${r.batchP99}x`,
    );
  }
  if (comparison) {
    const c = comparison;
    const a = c.acceptance;
    const verdict = (x: { min: number; ratio: number; pass: boolean }) => `${x.ratio}x (>= ${x.min}: ${x.pass ? 'pass' : 'FAIL'})`;
    const p99 = (m: Mode) => `${c.p99Ms[m].embedded.toFixed(2)} -> ${c.p99Ms[m].redisNats.toFixed(2)} ms`;
    lines.push(
      '',
      `redis-nats/embedded  Earn calls/s ${verdict(a.unaryCallsPerSec)}  SubmitBatch items/s ${verdict(a.batchItemsPerSec)}`,
      `                     p99 Earn ${p99('unary')} (${c.ratios.unaryP99}x)  SubmitBatch ${p99('batch')} (${c.ratios.batchP99}x)`,
    );
    if (c.perRepeat.length > 1) {
      const list = (pick: (r: Ratios) => number) => c.perRepeat.map((r) => pick(r).toFixed(2)).join(' ');
      lines.push(
        `                     per repeat: Earn ${list((r) => r.unaryCallsPerSec)}; SubmitBatch ${list((r) => r.batchItemsPerSec)}`,
      );
    }
  }
  return lines.join('\n');
}
