// `npm run bench -- --profile watchers`: 200 WatchEvents streams that never read (issue 15, "Done when":
// engine RSS growth under 256 MiB, other callers' p99 under 1 s). One engine (embedded, plaintext,
// authentication off: the stream quota in all, JIFEN_WATCH_MAX_STREAMS 1024, still applies), its RSS
// read from /proc every second, through these phases:
//   fill      SubmitBatch of --fill-items earns over --members members (the event hub's ring, 100,000
//             events, and the members' actors filled; the shards' SQLite page caches, up to 64 MiB
//             each, and heaps still grow with the load: see growthByPart and the 1-watcher control);
//   steady    unary Earn in --steady-window windows until a window's highest RSS is within --steady-mib
//             of the window before (at most --steady-max seconds; 0 skips): the engine's own warm-up
//             under this load (V8 heaps sizing to its allocation rate, page caches filling), which
//             is not the watchers', is over before the streams open;
//   baseline  unary Earn, --concurrency in flight, --baseline seconds measured: p99 without watchers;
//   watch     --watchers raw HTTP/2 streams (bench/security-watchers.ts: paused, 1 KiB window) on the
//             same tenant, from the last retained event (--watch-from tail, the default: a consumer
//             that had caught up, then stopped; ended once JIFEN_WATCH_MAX_BEHIND_BYTES of live
//             events came) or from the oldest (start: its place leaves the ring within ~100 events), then the same Earn load for --watch seconds: p99 with them; every event of
//             the tenant is pushed to every stream;
//   finish    each stream read briefly (ended by the engine: its trailers; still served: open), all
//             closed, --settle seconds idle, RSS after.
// RSS before = the last sample before the watchers open; peak = the highest sample from then to the end
// of the watch phase (and VmHWM); after = after the settle. The engine's own count of streams it ended
// (jifen_rpc_total{method="WatchEvents",code=…}) is read every second with the RSS. Authentication is off
// and JIFEN_WATCH_STREAMS_PER_KEY is raised to --watchers (the anonymous caller counts as one key, 16
// streams by default): the quota would stop one caller at 16; this measures what 200 streams cost.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseMetrics } from './flash-sale-report.js';
import { keyValues } from './cli-args.js';
import { machineInfo } from './machine.js';
import { killChildrenOnExit, readCpuSeconds, readMemory } from './processes.js';
import type { LoadResult } from './report.js';
import { MIB, median, runLoad, saveResults, startEngine } from './security-engine.js';
import { lastCursor, STALLED_WINDOW_BYTES, StalledWatchers, type StalledSummary } from './security-watchers.js';

const progress = (msg: string) => console.error(`[watchers] ${msg}`);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The issue's goals. */
export const WATCHER_GOALS = { rssGrowthBytes: 256 * MIB, p99Ms: 1000 };

interface Sample {
  /** Seconds since the engine was ready. */
  t: number;
  phase: string;
  rssBytes: number;
  /** jifen_watch_streams_open. */
  streamsOpen: number | null;
  /** WatchEvents calls the engine ended RESOURCE_EXHAUSTED so far. */
  endedTooSlow: number | null;
  /** Where the RSS is: the process's anonymous and file-backed pages (/proc/<pid>/status). */
  rssAnonBytes: number | null;
  rssFileBytes: number | null;
  /**
   * The main thread's V8 heap (used, and reserved) and its memory outside the heap (Buffers,
   * nodejs_external_memory_bytes), from /metrics: the front, gRPC and every WatchEvents stream live
   * here; the shards' actors and their SQLite page caches live in the worker threads (the rest).
   */
  mainHeapUsedBytes: number | null;
  mainHeapTotalBytes: number | null;
  mainExternalBytes: number | null;
}

/** RssAnon and RssFile of a process (bytes), or nulls once it is gone. */
function rssParts(pid: number): { rssAnonBytes: number | null; rssFileBytes: number | null } {
  let status = '';
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return { rssAnonBytes: null, rssFileBytes: null };
  }
  const kb = (field: string) => {
    const m = new RegExp(`^${field}:\\s*(\\d+)\\s*kB`, 'm').exec(status);
    return m ? Number(m[1]) * 1024 : null;
  };
  return { rssAnonBytes: kb('RssAnon'), rssFileBytes: kb('RssFile') };
}

/** The value of the first series of metric `name` (any labels). */
function gauge(metrics: Map<string, number> | null, name: string): number | null {
  if (!metrics) return null;
  for (const [series, value] of metrics) if (series === name || series.startsWith(`${name}{`)) return value;
  return null;
}

/** Earn calls the engine answered OK so far: each is one event pushed to every watcher of the tenant. */
function earnOk(metrics: Map<string, number> | null): number | null {
  if (!metrics) return null;
  let n = 0;
  for (const [series, value] of metrics)
    if (series.startsWith('jifen_rpc_total{') && series.includes('method="Earn"') && series.includes('code="OK"')) n += value;
  return n;
}

function watchCounts(metrics: Map<string, number>): { open: number | null; byCode: Record<string, number> } {
  const byCode: Record<string, number> = {};
  for (const [series, value] of metrics) {
    // Refused by the call gate's stream quota (per key, or in all) before the handler.
    if (series.startsWith('jifen_watch_streams_refused_total{') && value > 0)
      byCode[`refused ${/reason="([^"]*)"/.exec(series)?.[1] ?? '?'}`] = value;
    if (!series.startsWith('jifen_rpc_total{') || !series.includes('method="WatchEvents"')) continue;
    const code = /code="([^"]*)"/.exec(series)?.[1] ?? '?';
    byCode[code] = (byCode[code] ?? 0) + value;
  }
  return { open: metrics.get('jifen_watch_streams_open') ?? null, byCode };
}

export async function runWatchers(argv: string[]): Promise<number> {
  const { values: flags } = parseArgs({
    args: argv,
    options: {
      profile: { type: 'string' },
      watchers: { type: 'string', default: '200' },
      connections: { type: 'string', default: '200' },
      concurrency: { type: 'string', default: '16' },
      members: { type: 'string', default: '10000' },
      'fill-items': { type: 'string', default: '120000' },
      baseline: { type: 'string', default: '20' },
      watch: { type: 'string', default: '30' },
      'watch-from': { type: 'string', default: 'tail' },
      'watch-max': { type: 'string', default: '180' },
      segment: { type: 'string', default: '15' },
      warmup: { type: 'string', default: '2' },
      'steady-window': { type: 'string', default: '30' },
      'steady-mib': { type: 'string', default: '16' },
      'steady-max': { type: 'string', default: '600' },
      settle: { type: 'string', default: '10' },
      tenant: { type: 'string', default: 't1' },
      shards: { type: 'string' },
      'engine-env': { type: 'string', multiple: true, default: [] },
      label: { type: 'string', default: 'watchers' },
      note: { type: 'string' },
      'no-save': { type: 'boolean', default: false },
    },
  });
  const num = (name: string, raw: string, min = 0) => {
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name}: expected a number >= ${min}, got ${raw}`);
    return n;
  };
  const config = {
    watchers: num('watchers', flags.watchers, 1),
    connections: num('connections', flags.connections, 1),
    concurrency: num('concurrency', flags.concurrency, 1),
    members: num('members', flags.members, 1),
    fillItems: num('fill-items', flags['fill-items']),
    baselineS: num('baseline', flags.baseline, 1),
    watchS: num('watch', flags.watch, 1),
    watchMaxS: num('watch-max', flags['watch-max'], 1),
    segmentS: num('segment', flags.segment, 1),
    watchFrom: flags['watch-from'],
    warmupS: num('warmup', flags.warmup),
    steadyWindowS: num('steady-window', flags['steady-window'], 1),
    steadyMiB: num('steady-mib', flags['steady-mib']),
    steadyMaxS: num('steady-max', flags['steady-max']),
    settleS: num('settle', flags.settle),
    tenant: flags.tenant,
    shards: flags.shards === undefined ? null : num('shards', flags.shards, 1),
    stalledWindowBytes: STALLED_WINDOW_BYTES,
    engineEnv: keyValues('engine-env', flags['engine-env']),
  };
  if (config.watchFrom !== 'tail' && config.watchFrom !== 'start')
    throw new Error(`--watch-from: expected tail or start, got ${config.watchFrom}`);
  killChildrenOnExit();
  const startedAt = new Date();
  const machine = machineInfo();
  if (machine.loadavg[0] > machine.cpuCount / 2)
    progress(`warning: load average ${machine.loadavg[0]} on ${machine.cpuCount} CPUs; other work will skew the numbers`);
  const workDir = mkdtempSync(join(os.tmpdir(), 'jifen-bench-watchers-'));
  let keepWorkDir = false;
  process.on('exit', () => {
    if (!keepWorkDir) rmSync(workDir, { recursive: true, force: true });
  });

  progress(`starting the engine (plaintext, authentication off${config.shards === null ? '' : `, ${config.shards} shards`})`);
  const engine = await startEngine({
    name: 'engine',
    workDir,
    env: {
      // Authentication off, the anonymous caller is one key to the stream quota (16 per key by default):
      // room for every watcher, so the engine's per-stream bounds are what is measured.
      JIFEN_WATCH_STREAMS_PER_KEY: String(Math.max(16, config.watchers)),
      ...config.engineEnv,
      ...(config.shards === null ? {} : { JIFEN_SHARDS: String(config.shards) }),
    },
  });
  const pid = engine.proc.pid;
  const t0 = performance.now();
  let phase = 'start';
  const samples: Sample[] = [];
  const scrape = () =>
    fetch(`http://${engine.metricsAddr}/metrics`)
      .then((r) => r.text())
      .then(parseMetrics)
      .catch(() => null);
  let sampling = Promise.resolve();
  const sample = () => {
    const memory = readMemory(pid);
    if (!memory) return;
    const at = { t: Math.round((performance.now() - t0) / 100) / 10, phase, rssBytes: memory.rssBytes, ...rssParts(pid) };
    sampling = scrape().then((metrics) => {
      const counts = metrics ? watchCounts(metrics) : null;
      samples.push({
        ...at,
        streamsOpen: counts?.open ?? null,
        endedTooSlow: counts ? (counts.byCode.RESOURCE_EXHAUSTED ?? 0) : null,
        mainHeapUsedBytes: gauge(metrics, 'nodejs_heap_size_used_bytes'),
        mainHeapTotalBytes: gauge(metrics, 'nodejs_heap_size_total_bytes'),
        mainExternalBytes: gauge(metrics, 'nodejs_external_memory_bytes'),
      });
    });
  };
  const timer = setInterval(sample, 1000);
  const lastRss = () => readMemory(pid)?.rssBytes ?? null;
  const cpu = () => readCpuSeconds(pid);

  let watchers: StalledWatchers | undefined;
  try {
    const load = (label: string, durationS: number, warmupS: number, extra: string[] = [], mode: 'unary' | 'batch' = 'unary') =>
      runLoad(engine.address, {
        label,
        mode,
        tenant: config.tenant,
        concurrency: mode === 'unary' ? config.concurrency : 8,
        batchSize: 100,
        durationS,
        warmupS,
        enginePid: pid,
        extra: ['--members', String(config.members), ...extra],
      });
    const alive = () => {
      if (engine.proc.child.exitCode !== null || engine.proc.child.signalCode !== null)
        throw new Error(`the engine died (${phase}):\n${engine.proc.tail()}`);
    };
    sample();
    let fill: LoadResult | null = null;
    if (config.fillItems > 0) {
      phase = 'fill';
      progress(`fill: ${config.fillItems} earns by SubmitBatch over ${config.members} members`);
      fill = (await load('fill', 300, 0, ['--items', String(config.fillItems)], 'batch')).result;
      alive();
    }
    // steady: the same Earn load, in windows, until a window's highest RSS is within --steady-mib of
    // the window before (the engine's own warm-up: V8 heaps reaching their size under this allocation
    // rate, the shards' SQLite page caches filling), so the watch phase's growth is the watchers'.
    const steady: { t: number; peakMiB: number; callsPerSec: number }[] = [];
    if (config.steadyMaxS > 0) {
      phase = 'steady';
      const steadyStart = performance.now();
      for (;;) {
        const from = samples.length;
        progress(
          `steady: Earn x${config.concurrency} in flight, window ${steady.length + 1} of ${config.steadyWindowS}s (RSS ${Math.round((lastRss() ?? 0) / MIB)} MiB)`,
        );
        const { result } = await load(`steady ${steady.length + 1}`, config.steadyWindowS, 0);
        alive();
        await sampling;
        const peak = Math.max(...samples.slice(from).map((s) => s.rssBytes));
        steady.push({ t: samples.at(-1)?.t ?? 0, peakMiB: Math.round(peak / MIB), callsPerSec: result.callsPerSec });
        const grew = steady.length >= 2 ? steady.at(-1)!.peakMiB - steady.at(-2)!.peakMiB : Number.POSITIVE_INFINITY;
        if (grew < config.steadyMiB) break;
        if ((performance.now() - steadyStart) / 1000 >= config.steadyMaxS) {
          progress(`steady: RSS still grew ${grew} MiB in the last window after ${config.steadyMaxS}s; going on`);
          break;
        }
      }
    }
    await sampling;
    const rssBaselineStart = lastRss();
    phase = 'baseline';
    progress(`baseline: Earn x${config.concurrency} in flight, ${config.warmupS}s warmup + ${config.baselineS}s, no watchers`);
    const baseline = await load('baseline', config.baselineS, config.warmupS);
    alive();
    // tail: each stream asks for the events after the last retained one (a consumer that had read
    // everything, then stopped); it is ended once JIFEN_WATCH_MAX_BEHIND_BYTES of live events came.
    // start: from the ring's oldest (after = 0); its place leaves the ring after a few hundred events.
    const after = config.watchFrom === 'tail' ? await lastCursor(engine.address, config.tenant) : 0;
    sample();
    await sampling;
    const rssBefore = lastRss();
    const earnOkBefore = earnOk(await scrape());
    const cpuBefore = cpu();
    phase = 'watch';
    progress(
      `watch: opening ${config.watchers} never-reading WatchEvents streams over ${config.connections} connections, after cursor ${after} (${config.watchFrom})`,
    );
    watchers = new StalledWatchers(engine.address, config.tenant, config.watchers, config.connections, [], after);
    // Segments of --segment seconds until the engine holds no watcher any more (each ended, the
    // memory they held measured at its worst) or --watch-max, and at least --watch seconds.
    const segments: { result: LoadResult; engineCpuS: number | null }[] = [];
    const watchStart = performance.now();
    for (;;) {
      const elapsed = (performance.now() - watchStart) / 1000;
      const open = samples.at(-1)?.streamsOpen ?? null;
      if (segments.length > 0 && elapsed >= config.watchS && (open === 0 || elapsed >= config.watchMaxS)) break;
      progress(
        `watch: Earn x${config.concurrency} in flight, ${segments.length === 0 ? `${config.warmupS}s warmup + ` : ''}${config.segmentS}s with the watchers (${Math.round(elapsed)} s in, ${open ?? '?'} streams open)`,
      );
      const { result, window } = await load(`watch ${segments.length + 1}`, config.segmentS, segments.length === 0 ? config.warmupS : 0);
      segments.push({ result, engineCpuS: window?.engineCpuS ?? null });
      alive();
    }
    const calls = segments.reduce((n, s) => n + s.result.calls, 0);
    const segSeconds = segments.reduce((n, s) => n + s.result.seconds, 0);
    const engineCpuS = segments.every((s) => s.engineCpuS !== null) ? segments.reduce((n, s) => n + (s.engineCpuS ?? 0), 0) : null;
    const withWatchers = {
      segments: segments.length,
      /** The worst segment's p99 (conservative) and the median of the segments'. */
      p99Ms: Math.max(...segments.map((s) => s.result.p99Ms)),
      p99MedianMs: median(segments.map((s) => s.result.p99Ms)),
      p50Ms: median(segments.map((s) => s.result.p50Ms)),
      callsPerSec: Math.round(calls / segSeconds),
      engineCpuUsPerCall: engineCpuS === null || calls === 0 ? null : Math.round((engineCpuS / calls) * 1e6),
      errors: Object.fromEntries(
        Object.entries(
          segments.reduce<Record<string, number>>((acc, s) => {
            for (const [k, n] of Object.entries(s.result.errors)) acc[k] = (acc[k] ?? 0) + n;
            return acc;
          }, {}),
        ),
      ),
      results: segments.map((s) => s.result),
    };
    await sampling;
    sample();
    await sampling;
    const cpuWatch = cpu();
    const earnOkAfter = earnOk(await scrape());
    const peakSampled = Math.max(...samples.filter((s) => s.phase === 'watch').map((s) => s.rssBytes));
    const hwm = readMemory(pid)?.peakRssBytes ?? null;
    const refusedAtOpen = watchers.refusedAtOpen();
    phase = 'finish';
    progress('finish: reading each stream briefly (ended or still served), closing them');
    const streams: StalledSummary = await watchers.finish();
    watchers = undefined;
    phase = 'settle';
    await sleep(config.settleS * 1000);
    await sampling;
    sample();
    await sampling;
    const rssAfter = lastRss();
    clearInterval(timer);
    const metrics = await scrape();
    const engineCounts = metrics ? watchCounts(metrics) : null;

    const mib = (b: number | null) => (b === null ? null : Math.round((b / MIB) * 10) / 10);
    const growth = rssBefore === null ? null : peakSampled - rssBefore;
    // Where the growth is, between two samples: the main thread's heap and external memory (the
    // streams, gRPC, HTTP/2) against the rest of the anonymous memory (the shard threads' actors and
    // SQLite page caches, native allocations) and file-backed pages.
    const lastOf = (phases: string[]) => samples.filter((s) => phases.includes(s.phase)).at(-1) ?? null;
    const peakOf = (phase: string) =>
      samples.filter((s) => s.phase === phase).reduce<Sample | null>((a, s) => (a === null || s.rssBytes > a.rssBytes ? s : a), null);
    const breakdown = (from: Sample | null, to: Sample | null) => {
      if (!from || !to) return null;
      const d = (f: (s: Sample) => number | null) => {
        const a = f(from);
        const b = f(to);
        return a === null || b === null ? null : mib(b - a);
      };
      const rest = (s: Sample) =>
        s.rssAnonBytes === null || s.mainHeapTotalBytes === null || s.mainExternalBytes === null
          ? null
          : s.rssAnonBytes - s.mainHeapTotalBytes - s.mainExternalBytes;
      return {
        fromT: from.t,
        toT: to.t,
        rssMiB: d((s) => s.rssBytes),
        rssAnonMiB: d((s) => s.rssAnonBytes),
        rssFileMiB: d((s) => s.rssFileBytes),
        mainHeapUsedMiB: d((s) => s.mainHeapUsedBytes),
        mainHeapTotalMiB: d((s) => s.mainHeapTotalBytes),
        mainExternalMiB: d((s) => s.mainExternalBytes),
        restAnonMiB: d(rest),
      };
    };
    const firstEnded = samples.find((s) => s.phase === 'watch' && (s.endedTooSlow ?? 0) > 0);
    const watchOpenedAt = samples.find((s) => s.phase === 'watch')?.t ?? null;
    const summary = {
      watchFrom: config.watchFrom,
      watchAfterCursor: after,
      rssBeforeMiB: mib(rssBefore),
      rssPeakMiB: mib(peakSampled),
      vmHwmMiB: mib(hwm),
      rssAfterMiB: mib(rssAfter),
      rssGrowthMiB: mib(growth),
      /** The engine's own warm-up under the load before the baseline: each window's highest RSS. */
      steadyWindows: steady,
      /** The control: what the same Earn load alone grew the process by in the baseline phase (warmup + measured). */
      rssBaselineGrowthMiB: rssBefore === null || rssBaselineStart === null ? null : mib(rssBefore - rssBaselineStart),
      /** The growth by part: in the baseline (load alone), and from before the streams to the watch phase's peak and end. */
      growthByPart: {
        baseline: breakdown(samples.find((s) => s.phase === 'baseline') ?? null, lastOf(['baseline'])),
        watchPeak: breakdown(lastOf(['baseline']), peakOf('watch')),
        watchEnd: breakdown(lastOf(['baseline']), lastOf(['watch'])),
        afterSettle: breakdown(lastOf(['baseline']), lastOf(['settle'])),
      },
      p99WithoutMs: baseline.result.p99Ms,
      p99WithMs: withWatchers.p99Ms,
      p99WithMedianOfSegmentsMs: Math.round(withWatchers.p99MedianMs * 1000) / 1000,
      watchSegments: withWatchers.segments,
      p99Ratio: Math.round((withWatchers.p99Ms / baseline.result.p99Ms) * 100) / 100,
      p50WithoutMs: baseline.result.p50Ms,
      p50WithMs: Math.round(withWatchers.p50Ms * 1000) / 1000,
      earnCallsPerSecWithout: baseline.result.callsPerSec,
      earnCallsPerSecWith: withWatchers.callsPerSec,
      earnThroughputRatio: Math.round((withWatchers.callsPerSec / baseline.result.callsPerSec) * 1000) / 1000,
      earnErrorsWith: withWatchers.errors,
      engineCpuUsPerEarnWithout:
        baseline.window?.engineCpuS == null ? null : Math.round((baseline.window.engineCpuS / baseline.result.calls) * 1e6),
      engineCpuUsPerEarnWith: withWatchers.engineCpuUsPerCall,
      streamsOpened: streams.opened,
      streamsRefusedAtOpen: refusedAtOpen,
      streamsByStatusAtEnd: streams.byStatus,
      streamEndMessages: streams.messages,
      engineWatchEventsCodes: engineCounts?.byCode ?? null,
      /** Earn events pushed to each watcher (same tenant) while they were open. */
      eventsPerWatcher: earnOkBefore === null || earnOkAfter === null ? null : earnOkAfter - earnOkBefore,
      /** RSS growth per event queued per watcher (bytes): what a stream behind costs the engine per event. */
      growthBytesPerEventPerWatcher:
        growth === null || earnOkBefore === null || earnOkAfter === null || earnOkAfter === earnOkBefore
          ? null
          : Math.round(growth / ((earnOkAfter - earnOkBefore) * config.watchers)),
      secondsToFirstEnded: firstEnded && watchOpenedAt !== null ? Math.round((firstEnded.t - watchOpenedAt) * 10) / 10 : null,
      engineCpuSecondsWatchPhase: cpuBefore === null || cpuWatch === null ? null : Math.round((cpuWatch - cpuBefore) * 100) / 100,
    };
    const goals = {
      rssGrowth: {
        goalMiB: WATCHER_GOALS.rssGrowthBytes / MIB,
        measuredMiB: summary.rssGrowthMiB,
        met: growth !== null && growth < WATCHER_GOALS.rssGrowthBytes,
      },
      p99: { goalMs: WATCHER_GOALS.p99Ms, measuredMs: summary.p99WithMs, met: summary.p99WithMs < WATCHER_GOALS.p99Ms },
    };
    const ok = (b: boolean) => (b ? 'pass' : 'FAIL');
    console.log(
      [
        `engine RSS: before ${summary.rssBeforeMiB} MiB, peak ${summary.rssPeakMiB} MiB (VmHWM ${summary.vmHwmMiB}), after ${summary.rssAfterMiB} MiB; growth ${summary.rssGrowthMiB} MiB (< 256: ${ok(goals.rssGrowth.met)}); the load alone grew it ${summary.rssBaselineGrowthMiB} MiB in the baseline (${config.warmupS + config.baselineS} s)`,
        `other callers (Earn x${config.concurrency}): p99 ${summary.p99WithoutMs} ms without -> ${summary.p99WithMs} ms with ${config.watchers} watchers (worst of ${withWatchers.segments} segments of ${config.segmentS} s, median ${summary.p99WithMedianOfSegmentsMs} ms; < 1000: ${ok(goals.p99.met)}); p50 ${summary.p50WithoutMs} -> ${summary.p50WithMs} ms; calls/s ${summary.earnCallsPerSecWithout} -> ${summary.earnCallsPerSecWith} (${summary.earnThroughputRatio}x)`,
        `streams: ${streams.opened} opened, ${refusedAtOpen} refused at open; at the end ${JSON.stringify(streams.byStatus)}; engine's count ${JSON.stringify(summary.engineWatchEventsCodes)}; first ended ${summary.secondsToFirstEnded ?? 'n/a'} s after opening`,
        `steady: ${steady.length} windows of ${config.steadyWindowS} s before the baseline, highest RSS per window ${steady.map((w) => w.peakMiB).join(' -> ')} MiB`,
        `growth by part (MiB), before the streams -> watch peak: ${JSON.stringify(summary.growthByPart.watchPeak)}; baseline: ${JSON.stringify(summary.growthByPart.baseline)}`,
        `engine CPU per Earn: ${summary.engineCpuUsPerEarnWithout} us without, ${summary.engineCpuUsPerEarnWith} us with the watchers; ${summary.eventsPerWatcher} events pushed to each watcher, RSS growth ${summary.growthBytesPerEventPerWatcher} bytes per event per watcher`,
      ].join('\n'),
    );
    if (!flags['no-save']) {
      const file = saveResults(
        { profile: 'watchers', label: flags.label, startedAt, argv, machine, note: flags.note },
        { config, summary, goals, phases: { fill, baseline, withWatchers }, rssSamples: samples },
      );
      progress(`wrote ${file}`);
    }
    return 0;
  } catch (err) {
    keepWorkDir = true;
    progress(`failed: ${err instanceof Error ? err.message : String(err)}`);
    progress(`engine log kept in ${workDir}`);
    return 1;
  } finally {
    clearInterval(timer);
    watchers?.close();
    await engine.stop();
  }
}
