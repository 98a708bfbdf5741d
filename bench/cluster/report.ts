// The cluster profile's figures: per phase (nodes, mode, route) the load's result and what every
// process spent in its measured window, summarized as medians over the repeats; the forwarding cost
// (random node against the slot's owner) and the failover times; and the table printed at the end.
import { type LoadResult, type Mode, median } from '../report.js';
import type { NodeReading } from './nodes.js';

export type Route = 'random' | 'owner';
export type { Mode } from '../report.js';

/** The JSON line of bench/cluster/load.ts. */
export interface ClusterLoadResult
  extends Pick<
    LoadResult,
    'mode' | 'calls' | 'items' | 'seconds' | 'callsPerSec' | 'itemsPerSec' | 'p50Ms' | 'p99Ms' | 'p999Ms' | 'maxMs' | 'errors'
  > {
  route: Route;
  nodes: number;
  attempts: number;
  retries: number;
  sentToOwnerShare: number | null;
  failover: FailoverResult | null;
}

export interface FailoverResult {
  node: string;
  /** Absent in the first runs, which took any answer ≥ 250 ms after the kill (one late answer of the dead node passed). */
  rule?: string;
  victimSlots: number;
  killToFirstAckOnVictimSlotMs: number | null;
  killToFirstAckAnyMs: number | null;
  killToFirstVictimSlotReclaimedMs: number | null;
  ackedAfterKill: number;
  ackedAfterKillOnVictimSlots: number;
  gaveUp: number;
}

/** CPU seconds each process used in the window, and what each node did in it. */
export interface WindowCosts {
  seconds: number;
  nodes: ({ id: string } & NodeReading)[];
  jvmCpuS: number | null;
  etcdCpuS: number | null;
  redisCpuS: number | null;
  natsCpuS: number | null;
  generatorCpuS: number | null;
}

export interface PhaseRun {
  nodes: number;
  repeat: number;
  mode: Mode;
  route: Route;
  load: ClusterLoadResult;
  window: WindowCosts | null;
  /** The cluster idle for a few seconds before its phases, CPU fields in cores (absent in runs before it was read). */
  idle?: WindowCosts;
}

export interface PhaseSummary {
  nodes: number;
  mode: Mode;
  route: Route;
  repeats: number;
  callsPerSec: number;
  itemsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Earns the nodes' shards applied in the window, per second (the engine's count). */
  earnsPerSec: number | null;
  /** Σ engine CPU / earns applied, µs. */
  engineUsPerEarn: number | null;
  /** The same less what the nodes used idle (their background: leases, watches, config refresh, relays). */
  engineNetUsPerEarn: number | null;
  /** Per node (n1…nN), its CPU / all earns applied, µs: they add up to engineUsPerEarn. */
  perNodeUsPerEarn: (number | null)[];
  /** Per node, cores it used over the window. */
  perNodeCores: (number | null)[];
  /** Per node, its main thread's CPU / the earns its own shards applied, µs (absent in runs before it was read). */
  perNodeMainThreadUsPerOwnEarn: (number | null)[];
  /** Per node, its main thread's share of one core over the window. */
  perNodeMainThreadCores: (number | null)[];
  jvmUsPerEarn: number | null;
  /** The JVM net of its idle rate (measured before the runs). */
  jvmNetUsPerEarn: number | null;
  etcdUsPerEarn: number | null;
  redisNatsUsPerEarn: number | null;
  generatorUsPerEarn: number | null;
  engineCores: number | null;
  jvmCores: number | null;
  earnsPerCommit: number | null;
  /** Commands the nodes forwarded to an owner, per earn applied. */
  forwardedPerEarn: number | null;
  retries: number;
  errors: Record<string, number>;
}

export interface ForwardingCost {
  nodes: number;
  mode: Mode;
  /** owner-aware / random, throughput (earns applied per second): median of the per-repeat ratios. */
  throughputOwnerOverRandom: number | null;
  /** random / owner-aware, engine CPU per earn (Σ nodes): the forwarding's CPU price. */
  engineCpuRandomOverOwner: number | null;
  jvmCpuRandomOverOwner: number | null;
  /** random − owner-aware, engine µs per earn (medians). */
  engineUsPerEarnAdded: number | null;
}

export interface FailoverSummary {
  nodes: number;
  runs: number;
  victimSlots: number[];
  killToFirstAckOnVictimSlotMs: (number | null)[];
  killToFirstVictimSlotReclaimedMs: (number | null)[];
  killToFirstAckAnyMs: (number | null)[];
  gaveUp: number[];
  median: { killToFirstAckOnVictimSlotMs: number | null; killToFirstVictimSlotReclaimedMs: number | null };
}

const round = (x: number | null, digits = 0) => (x === null || !Number.isFinite(x) ? null : Math.round(x * 10 ** digits) / 10 ** digits);
const medianOf = (xs: (number | null)[]) => {
  const known = xs.filter((x): x is number => x !== null && Number.isFinite(x));
  return known.length === 0 ? null : median(known);
};

/** Figures of one run's window: earns the engine applied, and every process' CPU per earn. */
export function windowFigures(run: PhaseRun, jvmIdleCores: number | null) {
  const w = run.window;
  if (!w) return null;
  const earns = w.nodes.reduce((s, n) => s + n.earnsApplied, 0);
  const per = (cpuS: number | null) => (cpuS === null || earns === 0 ? null : (cpuS / earns) * 1e6);
  const engineCpu = w.nodes.every((n) => n.cpuS !== null) ? w.nodes.reduce((s, n) => s + (n.cpuS as number), 0) : null;
  const commits = w.nodes.reduce((s, n) => s + n.commits, 0);
  const redisNats = w.redisCpuS === null && w.natsCpuS === null ? null : (w.redisCpuS ?? 0) + (w.natsCpuS ?? 0);
  const idleCores = run.idle?.nodes.every((n) => n.cpuS !== null) ? run.idle.nodes.reduce((s, n) => s + (n.cpuS as number), 0) : null;
  return {
    earns,
    earnsPerSec: earns / w.seconds,
    engineUsPerEarn: per(engineCpu),
    engineNetUsPerEarn: engineCpu === null || idleCores === null ? null : per(engineCpu - idleCores * w.seconds),
    perNodeUsPerEarn: w.nodes.map((n) => per(n.cpuS)),
    perNodeCores: w.nodes.map((n) => (n.cpuS === null ? null : n.cpuS / w.seconds)),
    perNodeMainThreadUsPerOwnEarn: w.nodes.map((n) =>
      n.mainThreadCpuS == null || n.earnsApplied === 0 ? null : (n.mainThreadCpuS / n.earnsApplied) * 1e6,
    ),
    perNodeMainThreadCores: w.nodes.map((n) => (n.mainThreadCpuS == null ? null : n.mainThreadCpuS / w.seconds)),
    jvmUsPerEarn: per(w.jvmCpuS),
    jvmNetUsPerEarn: w.jvmCpuS === null || jvmIdleCores === null ? null : per(w.jvmCpuS - jvmIdleCores * w.seconds),
    etcdUsPerEarn: per(w.etcdCpuS),
    redisNatsUsPerEarn: per(redisNats),
    generatorUsPerEarn: per(w.generatorCpuS),
    engineCores: engineCpu === null ? null : engineCpu / w.seconds,
    jvmCores: w.jvmCpuS === null ? null : w.jvmCpuS / w.seconds,
    earnsPerCommit: commits === 0 ? null : earns / commits,
    forwardedPerEarn: earns === 0 ? null : w.nodes.reduce((s, n) => s + n.forwarded, 0) / earns,
  };
}

export function summarizePhases(runs: PhaseRun[], jvmIdleCores: number | null): PhaseSummary[] {
  const keys = [...new Set(runs.map((r) => `${r.nodes}|${r.mode}|${r.route}`))];
  return keys.map((key) => {
    const group = runs.filter((r) => `${r.nodes}|${r.mode}|${r.route}` === key);
    const figures = group.map((r) => windowFigures(r, jvmIdleCores));
    const pick = (f: (x: NonNullable<(typeof figures)[number]>) => number | null) => round(medianOf(figures.map((x) => (x ? f(x) : null))));
    const pick2 = (f: (x: NonNullable<(typeof figures)[number]>) => number | null) =>
      round(medianOf(figures.map((x) => (x ? f(x) : null))), 2);
    const errors: Record<string, number> = {};
    for (const r of group) for (const [k, v] of Object.entries(r.load.errors)) errors[k] = (errors[k] ?? 0) + v;
    const nodes = group[0].nodes;
    return {
      nodes,
      mode: group[0].mode,
      route: group[0].route,
      repeats: group.length,
      callsPerSec: median(group.map((r) => r.load.callsPerSec)),
      itemsPerSec: median(group.map((r) => r.load.itemsPerSec)),
      p50Ms: median(group.map((r) => r.load.p50Ms)),
      p99Ms: median(group.map((r) => r.load.p99Ms)),
      earnsPerSec: pick((x) => x.earnsPerSec),
      engineUsPerEarn: pick((x) => x.engineUsPerEarn),
      engineNetUsPerEarn: pick((x) => x.engineNetUsPerEarn),
      perNodeUsPerEarn: Array.from({ length: nodes }, (_, i) => pick((x) => x.perNodeUsPerEarn[i] ?? null)),
      perNodeCores: Array.from({ length: nodes }, (_, i) => pick2((x) => x.perNodeCores[i] ?? null)),
      perNodeMainThreadUsPerOwnEarn: Array.from({ length: nodes }, (_, i) => pick((x) => x.perNodeMainThreadUsPerOwnEarn[i] ?? null)),
      perNodeMainThreadCores: Array.from({ length: nodes }, (_, i) => pick2((x) => x.perNodeMainThreadCores[i] ?? null)),
      jvmUsPerEarn: pick((x) => x.jvmUsPerEarn),
      jvmNetUsPerEarn: pick((x) => x.jvmNetUsPerEarn),
      etcdUsPerEarn: pick((x) => x.etcdUsPerEarn),
      redisNatsUsPerEarn: pick((x) => x.redisNatsUsPerEarn),
      generatorUsPerEarn: pick((x) => x.generatorUsPerEarn),
      engineCores: pick2((x) => x.engineCores),
      jvmCores: pick2((x) => x.jvmCores),
      earnsPerCommit: pick2((x) => x.earnsPerCommit),
      forwardedPerEarn: pick2((x) => x.forwardedPerEarn),
      retries: group.reduce((s, r) => s + r.load.retries, 0),
      errors,
    };
  });
}

/** Random node against the slot's owner, per node count and mode: ratios taken per repeat, then the median. */
export function forwardingCosts(runs: PhaseRun[], summaries: PhaseSummary[]): ForwardingCost[] {
  const out: ForwardingCost[] = [];
  const pairs = new Set(runs.map((r) => `${r.nodes}|${r.mode}`));
  for (const pair of pairs) {
    const [nodesRaw, mode] = pair.split('|') as [string, Mode];
    const nodes = Number(nodesRaw);
    const repeats = [...new Set(runs.filter((r) => r.nodes === nodes && r.mode === mode).map((r) => r.repeat))];
    const perRepeat = repeats.map((repeat) => {
      const find = (route: Route) => runs.find((r) => r.nodes === nodes && r.mode === mode && r.route === route && r.repeat === repeat);
      const [random, owner] = [find('random'), find('owner')];
      if (!random || !owner) return null;
      const [fr, fo] = [windowFigures(random, null), windowFigures(owner, null)];
      const ratio = (a: number | null | undefined, b: number | null | undefined) => (a == null || b == null || b === 0 ? null : a / b);
      return {
        // Earns the shards applied in the window: a client's count of calls that started and ended
        // inside it misses more of the longer calls (SubmitBatch takes seconds here).
        throughput: ratio(fo?.earnsPerSec ?? owner.load.itemsPerSec, fr?.earnsPerSec ?? random.load.itemsPerSec),
        engineCpu: ratio(fr?.engineUsPerEarn, fo?.engineUsPerEarn),
        jvmCpu: ratio(fr?.jvmUsPerEarn, fo?.jvmUsPerEarn),
      };
    });
    if (perRepeat.every((p) => p === null)) continue;
    const s = (route: Route) => summaries.find((x) => x.nodes === nodes && x.mode === mode && x.route === route);
    const [sr, so] = [s('random'), s('owner')];
    out.push({
      nodes,
      mode,
      throughputOwnerOverRandom: round(medianOf(perRepeat.map((p) => p?.throughput ?? null)), 3),
      engineCpuRandomOverOwner: round(medianOf(perRepeat.map((p) => p?.engineCpu ?? null)), 3),
      jvmCpuRandomOverOwner: round(medianOf(perRepeat.map((p) => p?.jvmCpu ?? null)), 3),
      engineUsPerEarnAdded:
        sr?.engineUsPerEarn == null || so?.engineUsPerEarn == null ? null : Math.round(sr.engineUsPerEarn - so.engineUsPerEarn),
    });
  }
  return out.sort((a, b) => a.nodes - b.nodes || a.mode.localeCompare(b.mode));
}

export interface IdleSummary {
  nodes: number;
  /** Per node n1…nN, median over repeats, cores with no calls. */
  engineCores: (number | null)[];
  mainThreadCores: (number | null)[];
  jvmCores: number | null;
  etcdCores: number | null;
}

/** The clusters' idle readings (one per cluster run, repeated on each of its phases), per node count. */
export function summarizeIdle(runs: PhaseRun[]): IdleSummary[] {
  const counts = [...new Set(runs.filter((r) => r.idle).map((r) => r.nodes))].sort((a, b) => a - b);
  return counts.map((nodes) => {
    const idles = [...new Map(runs.filter((r) => r.nodes === nodes && r.idle).map((r) => [r.repeat, r.idle as WindowCosts])).values()];
    const at = (f: (w: WindowCosts) => number | null) => round(medianOf(idles.map(f)), 3);
    return {
      nodes,
      engineCores: Array.from({ length: nodes }, (_, i) => at((w) => w.nodes[i]?.cpuS ?? null)),
      mainThreadCores: Array.from({ length: nodes }, (_, i) => at((w) => w.nodes[i]?.mainThreadCpuS ?? null)),
      jvmCores: at((w) => w.jvmCpuS),
      etcdCores: at((w) => w.etcdCpuS),
    };
  });
}

export function summarizeFailovers(runs: PhaseRun[]): FailoverSummary[] {
  const counts = [...new Set(runs.map((r) => r.nodes))].sort((a, b) => a - b);
  return counts.map((nodes) => {
    const f = runs.filter((r) => r.nodes === nodes).map((r) => r.load.failover as FailoverResult);
    // Runs before `rule` took any answer ≥ 250 ms after the kill: one that came before any of the dead
    // node's slots had a new owner was its own late answer, not a failover, and is left out.
    const first = f.map((x) =>
      x.rule === undefined &&
      x.killToFirstAckOnVictimSlotMs !== null &&
      (x.killToFirstVictimSlotReclaimedMs === null || x.killToFirstAckOnVictimSlotMs < x.killToFirstVictimSlotReclaimedMs)
        ? null
        : x.killToFirstAckOnVictimSlotMs,
    );
    const reclaimed = f.map((x) => x.killToFirstVictimSlotReclaimedMs);
    return {
      nodes,
      runs: f.length,
      victimSlots: f.map((x) => x.victimSlots),
      killToFirstAckOnVictimSlotMs: first,
      killToFirstVictimSlotReclaimedMs: reclaimed,
      killToFirstAckAnyMs: f.map((x) => x.killToFirstAckAnyMs),
      gaveUp: f.map((x) => x.gaveUp),
      median: { killToFirstAckOnVictimSlotMs: round(medianOf(first)), killToFirstVictimSlotReclaimedMs: round(medianOf(reclaimed)) },
    };
  });
}

const fmt = (x: number | null | undefined, digits = 0) =>
  x == null ? '–' : x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export function formatClusterReport(
  summaries: PhaseSummary[],
  forwarding: ForwardingCost[],
  failovers: FailoverSummary[],
  idle: IdleSummary[] = [],
): string {
  const lines = [
    '| nodes | mode | route | calls/s | items/s | earns applied/s | p50 / p99 ms | engine µs/earn Σ (net of idle) | per node µs/earn | per node cores | main thread µs per own earn | JVM µs/earn (net) | etcd / redis+nats / generator µs/earn | earns/commit | fwd/earn | retries | errors |',
    '|---:|---|---|---:|---:|---:|---|---:|---|---|---|---:|---|---:|---:|---:|---|',
  ];
  for (const s of summaries) {
    const errors = Object.entries(s.errors)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    lines.push(
      `| ${s.nodes} | ${s.mode === 'unary' ? 'Earn' : 'SubmitBatch'} | ${s.route} | ${fmt(s.callsPerSec)} | ${fmt(s.itemsPerSec)} | ${fmt(s.earnsPerSec)} | ${fmt(s.p50Ms, 1)} / ${fmt(s.p99Ms, 1)} | ${fmt(s.engineUsPerEarn)} (${fmt(s.engineNetUsPerEarn)}) | ${s.perNodeUsPerEarn.map((x) => fmt(x)).join(' / ')} | ${s.perNodeCores.map((x) => fmt(x, 2)).join(' / ')} | ${s.perNodeMainThreadUsPerOwnEarn.map((x) => fmt(x)).join(' / ')} | ${fmt(s.jvmUsPerEarn)} (${fmt(s.jvmNetUsPerEarn)}) | ${fmt(s.etcdUsPerEarn)} / ${fmt(s.redisNatsUsPerEarn)} / ${fmt(s.generatorUsPerEarn)} | ${fmt(s.earnsPerCommit, 1)} | ${fmt(s.forwardedPerEarn, 2)} | ${s.retries} | ${errors || '–'} |`,
    );
  }
  lines.push(
    '',
    '| nodes | mode | throughput owner/random | engine CPU per earn random/owner | added µs/earn | JVM CPU per earn random/owner |',
    '|---:|---|---:|---:|---:|---:|',
  );
  for (const f of forwarding)
    lines.push(
      `| ${f.nodes} | ${f.mode === 'unary' ? 'Earn' : 'SubmitBatch'} | ${fmt(f.throughputOwnerOverRandom, 2)}× | ${fmt(f.engineCpuRandomOverOwner, 2)}× | ${fmt(f.engineUsPerEarnAdded)} | ${fmt(f.jvmCpuRandomOverOwner, 2)}× |`,
    );
  if (failovers.length > 0) {
    lines.push(
      '',
      "| nodes | kill -9 → first ack on a dead node's slot, ms (median; runs) | kill → first slot re-claimed (watch), ms | dead node's slots | calls given up |",
      '|---:|---|---|---|---:|',
    );
    for (const f of failovers)
      lines.push(
        `| ${f.nodes} | ${fmt(f.median.killToFirstAckOnVictimSlotMs)} (${f.killToFirstAckOnVictimSlotMs.map((x) => fmt(x)).join(', ')}) | ${fmt(f.median.killToFirstVictimSlotReclaimedMs)} (${f.killToFirstVictimSlotReclaimedMs.map((x) => fmt(x)).join(', ')}) | ${f.victimSlots.join(', ')} | ${f.gaveUp.reduce((a, b) => a + b, 0)} |`,
      );
  }
  if (idle.length > 0) {
    lines.push('', '| nodes | idle cores per node (main thread) | JVM idle cores | etcd idle cores |', '|---:|---|---:|---:|');
    for (const x of idle)
      lines.push(
        `| ${x.nodes} | ${x.engineCores.map((c, i) => `${fmt(c, 3)} (${fmt(x.mainThreadCores[i], 3)})`).join(' / ')} | ${fmt(x.jvmCores, 3)} | ${fmt(x.etcdCores, 3)} |`,
      );
  }
  return lines.join('\n');
}
