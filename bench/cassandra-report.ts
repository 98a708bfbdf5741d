// What each engine's measured windows cost besides their throughput: CPU seconds of every process on
// the shared cores (engine, load generator, the Cassandra JVM, redis-server, nats-server; utime +
// stime from /proc/<pid>/stat at the window's edges), the engine's /metrics over the window (earns,
// group commits, ops per shard message) and, for the cassandra engine, the node's counters: round trips,
// statements and partitions per group commit and per earn. Printed after the main table.
import type { NodeCounters } from './cassandra.js';
import type { SaleMetrics } from './flash-sale-report.js';
import { type Mode, median, type TargetRun } from './report.js';

/** CPU seconds used between the window's edges; null where a process was absent or unreadable. */
export interface WindowCpu {
  engine: number | null;
  generator: number | null;
  /** The Cassandra JVM, whichever engine is measured (idle work such as compaction shows here too). */
  ledgerNode: number | null;
  /** The measured engine's own private servers (redis-nats, velocity, cassandra profiles). */
  redis: number | null;
  nats: number | null;
}

/** One measured window (WINDOW open .. WINDOW closed of bench/load.ts) of one engine run. */
export interface WindowFigures {
  seconds: number;
  cpuS: WindowCpu;
  /**
   * The engine's CPU seconds by thread over the window: the main thread (gRPC, decode, route, encode),
   * the busiest other threads as many as it has shards (the shard threads: they are what keeps a core
   * busy besides main), and the rest (V8's GC and compiler helpers, libuv's pool). Linux only.
   */
  engineThreads?: { main: number; shards: number[]; other: number } | null;
  /** Engine counters over the window (all shards); null if /metrics could not be read. */
  engine: SaleMetrics | null;
  /** Cassandra engine only: what the node counted for the engine's keyspace. */
  node: NodeCounters | null;
}

/**
 * Tables the group commit writes as single-partition batches with exactly one row per accepted earn of
 * the bench's tenant (no program: one entry per earn, no referral): step 1 a key row and an order
 * version, step 2 the entry (src/ledger/cassandra/commit.ts). Their statements are rows; every other
 * table is written one statement per request (outbox envelope, cursor, snapshot), so its request count
 * is its statement count.
 */
const ONE_ROW_PER_EARN = ['idempotency_keys', 'orders', 'entries'];

export interface CostSummary {
  /** Repeats with figures. */
  runs: number;
  /** Earns the engine accepted per second of window (calls in flight at the edges included). */
  earnsPerSec: number | null;
  /** CPU µs per accepted earn. */
  cpuUsPerEarn: Record<keyof WindowCpu, number | null>;
  /** Share of one core over the window (1 = a whole core). */
  cores: Record<keyof WindowCpu, number | null>;
  earnsPerCommit: number | null;
  opsPerShardMessage: number | null;
  ledger: LedgerCost | null;
}

/** Medians of the per-window ratios. */
export interface LedgerCost {
  roundTripsPerCommit: number | null;
  statementsPerCommit: number | null;
  roundTripsPerEarn: number | null;
  statementsPerEarn: number | null;
  /** Partition writes (write requests) per earn, all tables, and per table. */
  writesPerEarn: number | null;
  readsPerEarn: number | null;
  writesPerEarnByTable: Record<string, number>;
  readsPerEarnByTable: Record<string, number>;
}

const CPU_KEYS: (keyof WindowCpu)[] = ['engine', 'ledgerNode', 'generator', 'redis', 'nats'];

/** Per engine variant and mode, the medians over its repeats; variants without window figures are left out. */
export function summarizeCosts(runs: TargetRun[]): Record<string, Partial<Record<Mode, CostSummary>>> {
  const out: Record<string, Partial<Record<Mode, CostSummary>>> = {};
  for (const run of runs) {
    if (!run.windows) continue;
    out[run.variant] ??= {};
  }
  for (const variant of Object.keys(out)) {
    for (const mode of ['unary', 'batch'] as const) {
      const windows = runs
        .filter((r) => r.variant === variant)
        .map((r) => r.windows?.[mode])
        .filter((w): w is WindowFigures => w !== undefined);
      if (windows.length) out[variant][mode] = summarizeWindows(windows);
    }
  }
  return out;
}

function summarizeWindows(windows: WindowFigures[]): CostSummary {
  const earnsOf = (w: WindowFigures) => w.engine?.commands['earn ok'] ?? null;
  const med = (pick: (w: WindowFigures) => number | null) => medianOrNull(windows.map(pick));
  const cpuUsPerEarn = {} as CostSummary['cpuUsPerEarn'];
  const cores = {} as CostSummary['cores'];
  for (const key of CPU_KEYS) {
    cpuUsPerEarn[key] = med((w) => per(w.cpuS[key], earnsOf(w), 1e6));
    cores[key] = med((w) => per(w.cpuS[key], w.seconds));
  }
  const ledgerWindows = windows.filter((w) => w.node && w.engine);
  return {
    runs: windows.length,
    earnsPerSec: med((w) => per(earnsOf(w), w.seconds)),
    cpuUsPerEarn,
    cores,
    earnsPerCommit: med((w) => per(earnsOf(w), w.engine?.commits ?? null)),
    opsPerShardMessage: med((w) => w.engine?.opsPerBatch ?? null),
    ledger: ledgerWindows.length ? ledgerCost(ledgerWindows) : null,
  };
}

function ledgerCost(windows: WindowFigures[]): LedgerCost {
  const figures = windows.map((w) => {
    const node = w.node as NodeCounters;
    const engine = w.engine as SaleMetrics;
    const earns = engine.commands['earn ok'] ?? 0;
    const writes = sum(Object.values(node.writes));
    const reads = sum(Object.values(node.reads));
    const rowsWritten = Object.entries(node.writes).reduce(
      (n, [table, requests]) => n + (ONE_ROW_PER_EARN.includes(table) ? earns : requests),
      0,
    );
    // Without the node's request count (older node), every request is a read or a write of the keyspace.
    const roundTrips = node.requests ?? writes + reads;
    const statements = rowsWritten + reads;
    return { node, earns, commits: engine.commits, writes, reads, roundTrips, statements };
  });
  const med = (pick: (f: (typeof figures)[number]) => number | null) => medianOrNull(figures.map(pick));
  const tables = (pick: (n: NodeCounters) => Record<string, number>) => {
    const names = new Set(figures.flatMap((f) => Object.keys(pick(f.node))));
    const out: Record<string, number> = {};
    for (const name of [...names].sort()) {
      const m = med((f) => per(pick(f.node)[name] ?? 0, f.earns));
      if (m !== null) out[name] = round(m, 3);
    }
    return out;
  };
  return {
    roundTripsPerCommit: med((f) => per(f.roundTrips, f.commits)),
    statementsPerCommit: med((f) => per(f.statements, f.commits)),
    roundTripsPerEarn: med((f) => per(f.roundTrips, f.earns)),
    statementsPerEarn: med((f) => per(f.statements, f.earns)),
    writesPerEarn: med((f) => per(f.writes, f.earns)),
    readsPerEarn: med((f) => per(f.reads, f.earns)),
    writesPerEarnByTable: tables((n) => n.writes),
    readsPerEarnByTable: tables((n) => n.reads),
  };
}

export function formatCosts(costs: Record<string, Partial<Record<Mode, CostSummary>>>): string {
  const rows: string[][] = [
    [
      'target',
      'mode',
      'earns/s',
      'engine µs/earn',
      'JVM µs/earn',
      'engine core',
      'JVM core',
      'redis+nats core',
      'load gen core',
      'earns/commit',
      'round trips/commit',
      'statements/commit',
      'round trips/earn',
      'statements/earn',
    ],
  ];
  const notes: string[] = [];
  for (const [variant, modes] of Object.entries(costs)) {
    for (const mode of ['unary', 'batch'] as const) {
      const c = modes[mode];
      if (!c) continue;
      const l = c.ledger;
      const redisNats = c.cores.redis === null && c.cores.nats === null ? null : (c.cores.redis ?? 0) + (c.cores.nats ?? 0);
      rows.push([
        variant,
        mode === 'unary' ? 'Earn' : 'SubmitBatch',
        fmt(c.earnsPerSec, 0),
        fmt(c.cpuUsPerEarn.engine, 0),
        fmt(c.cpuUsPerEarn.ledgerNode, 0),
        pct(c.cores.engine),
        pct(c.cores.ledgerNode),
        pct(redisNats),
        pct(c.cores.generator),
        fmt(c.earnsPerCommit, 1),
        fmt(l?.roundTripsPerCommit ?? null, 1),
        fmt(l?.statementsPerCommit ?? null, 1),
        fmt(l?.roundTripsPerEarn ?? null, 2),
        fmt(l?.statementsPerEarn ?? null, 2),
      ]);
      if (l)
        notes.push(
          `${variant} ${mode === 'unary' ? 'Earn' : 'SubmitBatch'} per earn: writes ${fmt(l.writesPerEarn, 2)} (${tableList(l.writesPerEarnByTable)}); reads ${fmt(l.readsPerEarn, 2)} (${tableList(l.readsPerEarnByTable)})`,
        );
    }
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const table = rows.map((r) => r.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n');
  return [
    'CPU and ledger traffic per measured window (medians; JVM = the Cassandra node, core = share of one core):',
    table,
    ...notes,
  ].join('\n');
}

function per(a: number | null, b: number | null, scale = 1): number | null {
  return a === null || b === null || b === 0 ? null : (a / b) * scale;
}

function medianOrNull(xs: (number | null)[]): number | null {
  const present = xs.filter((x): x is number => x !== null && Number.isFinite(x));
  return present.length ? median(present) : null;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
const fmt = (x: number | null, digits: number) =>
  x === null ? 'n/a' : x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const pct = (x: number | null) => (x === null ? 'n/a' : `${Math.round(x * 100)}%`);
const tableList = (byTable: Record<string, number>) =>
  Object.entries(byTable)
    .map(([t, n]) => `${t} ${n}`)
    .join(', ') || 'none';
