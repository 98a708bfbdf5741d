// `npm run bench -- --profile tls`: what TLS and API keys cost the engine (issue 15, "Done when").
// The same engine, the same flags, three ways, each on a fresh data directory:
//   plain     plaintext, JIFEN_AUTH unset (the README's quick start: authentication off on loopback);
//   plain-key plaintext, JIFEN_AUTH=on, the generator sending an integration key on every call;
//   tls-key   TLS (a server certificate for 127.0.0.1/localhost from a CA made here with openssl,
//             test/support/certs.ts) with JIFEN_AUTH=on and the key; the generator trusts that CA.
// Each repeat starts the three engines (keys made with the real `keys` CLI in their data directories
// before the start), then runs unary Earn against each in turn, then SubmitBatch against each, then
// stops them; so the runs a ratio compares lie seconds apart on this drifting shared VM. The order of
// the three rotates per repeat (abc, bca, cab, …) so no variant always runs first. Reported: medians of
// calls/s, items/s, p50/p99 per variant and mode, the ratios plain-key/plain and tls-key/plain (of
// the medians, and per repeat), and CPU per call of the engine and of the generator in the window.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { makeTestCa, SERVER_SANS } from '../test/support/certs.js';
import { machineInfo } from './machine.js';
import { killChildrenOnExit, readMemory } from './processes.js';
import type { LoadResult, Mode } from './report.js';
import { createKey, type Engine, median, runLoad, saveResults, startEngine, type WindowCpu } from './security-engine.js';

const progress = (msg: string) => console.error(`[tls] ${msg}`);

export const TLS_VARIANTS = ['plain', 'plain-key', 'tls-key'] as const;
export type TlsVariant = (typeof TLS_VARIANTS)[number];
const DESCRIPTION: Record<TlsVariant, string> = {
  plain: '(a) plaintext, JIFEN_AUTH unset (quick start: authentication off)',
  'plain-key': '(b) plaintext, JIFEN_AUTH=on, integration key on every call',
  'tls-key': '(c) TLS (JIFEN_TLS_CERT/KEY), JIFEN_AUTH=on, integration key on every call',
};
/** The issue's goals: TLS and a key cost at most 10 % of Earn calls/s and 5 % of SubmitBatch items/s. */
export const TLS_GOALS = { unaryCallsPerSec: 0.9, batchItemsPerSec: 0.95 };

interface ModeRun {
  result: LoadResult;
  window: WindowCpu | null;
  /** Engine and generator CPU per call in the window, microseconds. */
  engineCpuUsPerCall: number | null;
  generatorCpuUsPerCall: number | null;
}

export interface TlsRun {
  variant: TlsVariant;
  repeat: number;
  /** Position in this repeat's order (0 = first). */
  position: number;
  unary: ModeRun;
  batch: ModeRun;
  engineRssBytes: number | null;
  enginePeakRssBytes: number | null;
}

export interface TlsModeSummary {
  callsPerSec: number;
  itemsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  engineCpuUsPerCall: number | null;
  generatorCpuUsPerCall: number | null;
  errors: Record<string, number>;
}

export type TlsSummary = Record<TlsVariant, { unary: TlsModeSummary; batch: TlsModeSummary }>;

export interface TlsRatios {
  /** Of the medians. */
  unaryCallsPerSec: number;
  batchItemsPerSec: number;
  unaryP99: number;
  batchP99: number;
  /** Same-repeat ratios (both runs seconds apart), and their median. */
  perRepeat: { unaryCallsPerSec: number[]; batchItemsPerSec: number[] };
  perRepeatMedian: { unaryCallsPerSec: number; batchItemsPerSec: number };
  /**
   * Engine CPU per call, this variant over the base, same repeat, and their median: the cost itself,
   * steadier than throughput when other work on the machine takes the cores the engine could use.
   */
  engineCpuPerCall: { unary: number[]; batch: number[]; unaryMedian: number | null; batchMedian: number | null };
  /** The same for the load generator's CPU per call (the client's side of TLS, on the same cores here). */
  generatorCpuPerCall: { unary: number[]; batch: number[]; unaryMedian: number | null; batchMedian: number | null };
}

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;
const perCall = (cpuS: number | null | undefined, calls: number) => (cpuS == null || calls === 0 ? null : Math.round((cpuS / calls) * 1e6));

function modeRun(result: LoadResult, window: WindowCpu | null): ModeRun {
  return {
    result,
    window,
    engineCpuUsPerCall: perCall(window?.engineCpuS, result.calls),
    generatorCpuUsPerCall: perCall(window?.generatorCpuS, result.calls),
  };
}

export function summarizeTls(runs: TlsRun[]): TlsSummary {
  const summary = {} as TlsSummary;
  for (const variant of TLS_VARIANTS) {
    const mine = runs.filter((r) => r.variant === variant);
    const mode = (m: Mode): TlsModeSummary => {
      const rs = mine.map((r) => r[m]);
      const med = (pick: (r: ModeRun) => number) => median(rs.map(pick));
      const medOrNull = (pick: (r: ModeRun) => number | null) => {
        const xs = rs.map(pick).filter((x): x is number => x !== null);
        return xs.length ? median(xs) : null;
      };
      const errors: Record<string, number> = {};
      for (const r of rs) for (const [k, n] of Object.entries(r.result.errors)) errors[k] = (errors[k] ?? 0) + n;
      return {
        callsPerSec: med((r) => r.result.callsPerSec),
        itemsPerSec: med((r) => r.result.itemsPerSec),
        p50Ms: med((r) => r.result.p50Ms),
        p99Ms: med((r) => r.result.p99Ms),
        engineCpuUsPerCall: medOrNull((r) => r.engineCpuUsPerCall),
        generatorCpuUsPerCall: medOrNull((r) => r.generatorCpuUsPerCall),
        errors,
      };
    };
    summary[variant] = { unary: mode('unary'), batch: mode('batch') };
  }
  return summary;
}

export function tlsRatios(runs: TlsRun[], summary: TlsSummary, variant: TlsVariant, base: TlsVariant = 'plain'): TlsRatios {
  const repeats = [...new Set(runs.map((r) => r.repeat))].sort((a, b) => a - b);
  const perRepeat = { unaryCallsPerSec: [] as number[], batchItemsPerSec: [] as number[] };
  const cpu = (pick: 'engineCpuUsPerCall' | 'generatorCpuUsPerCall') => {
    const out = { unary: [] as number[], batch: [] as number[], unaryMedian: null as number | null, batchMedian: null as number | null };
    for (const repeat of repeats) {
      const a = runs.find((r) => r.repeat === repeat && r.variant === base);
      const b = runs.find((r) => r.repeat === repeat && r.variant === variant);
      for (const m of ['unary', 'batch'] as const) {
        const x = a?.[m][pick];
        const y = b?.[m][pick];
        if (x && y) out[m].push(round(y / x));
      }
    }
    out.unaryMedian = out.unary.length ? median(out.unary) : null;
    out.batchMedian = out.batch.length ? median(out.batch) : null;
    return out;
  };
  for (const repeat of repeats) {
    const a = runs.find((r) => r.repeat === repeat && r.variant === base);
    const b = runs.find((r) => r.repeat === repeat && r.variant === variant);
    if (!a || !b) continue;
    perRepeat.unaryCallsPerSec.push(round(b.unary.result.callsPerSec / a.unary.result.callsPerSec));
    perRepeat.batchItemsPerSec.push(round(b.batch.result.itemsPerSec / a.batch.result.itemsPerSec));
  }
  const s = summary[variant];
  const b = summary[base];
  return {
    unaryCallsPerSec: round(s.unary.callsPerSec / b.unary.callsPerSec),
    batchItemsPerSec: round(s.batch.itemsPerSec / b.batch.itemsPerSec),
    unaryP99: round(s.unary.p99Ms / b.unary.p99Ms, 2),
    batchP99: round(s.batch.p99Ms / b.batch.p99Ms, 2),
    perRepeat,
    perRepeatMedian: { unaryCallsPerSec: median(perRepeat.unaryCallsPerSec), batchItemsPerSec: median(perRepeat.batchItemsPerSec) },
    engineCpuPerCall: cpu('engineCpuUsPerCall'),
    generatorCpuPerCall: cpu('generatorCpuUsPerCall'),
  };
}

export function formatTls(summary: TlsSummary, ratios: Record<string, TlsRatios>): string {
  const lines: string[] = [];
  const pad = (s: string, n: number) => s.padEnd(n);
  const num = (x: number | null, unit = '') => (x === null ? 'n/a' : `${x.toLocaleString('en-US')}${unit}`);
  lines.push(
    `${pad('variant', 10)} ${pad('mode', 12)} ${'calls/s'.padStart(8)} ${'items/s'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'engine CPU/call'.padStart(16)} ${'gen CPU/call'.padStart(13)}  errors`,
  );
  for (const variant of TLS_VARIANTS) {
    for (const m of ['unary', 'batch'] as const) {
      const s = summary[variant][m];
      lines.push(
        `${pad(variant, 10)} ${pad(m === 'unary' ? 'Earn' : 'SubmitBatch', 12)} ${String(s.callsPerSec).padStart(8)} ${String(s.itemsPerSec).padStart(9)} ${String(s.p50Ms).padStart(8)} ${String(s.p99Ms).padStart(8)} ${num(s.engineCpuUsPerCall, ' us').padStart(16)} ${num(s.generatorCpuUsPerCall, ' us').padStart(13)}  ${Object.keys(s.errors).length ? JSON.stringify(s.errors) : '-'}`,
      );
    }
  }
  lines.push('');
  for (const [label, r] of Object.entries(ratios)) {
    const goal =
      label === 'tls-key/plain'
        ? `  goals (>= ${TLS_GOALS.unaryCallsPerSec} / >= ${TLS_GOALS.batchItemsPerSec}): Earn ${r.unaryCallsPerSec >= TLS_GOALS.unaryCallsPerSec ? 'pass' : 'FAIL'}, SubmitBatch ${r.batchItemsPerSec >= TLS_GOALS.batchItemsPerSec ? 'pass' : 'FAIL'}`
        : '';
    lines.push(
      `${pad(label, 16)} Earn calls/s ${r.unaryCallsPerSec.toFixed(3)}x  SubmitBatch items/s ${r.batchItemsPerSec.toFixed(3)}x  |  p99 Earn ${r.unaryP99}x  SubmitBatch ${r.batchP99}x${goal}`,
    );
    lines.push(
      `${pad('', 16)} per repeat: Earn ${r.perRepeat.unaryCallsPerSec.join(', ')} (median ${r.perRepeatMedian.unaryCallsPerSec})  SubmitBatch ${r.perRepeat.batchItemsPerSec.join(', ')} (median ${r.perRepeatMedian.batchItemsPerSec})`,
    );
    const e = r.engineCpuPerCall;
    const g = r.generatorCpuPerCall;
    lines.push(
      `${pad('', 16)} CPU per call (same repeat): engine Earn ${e.unary.join(', ')} (median ${e.unaryMedian}), SubmitBatch ${e.batch.join(', ')} (median ${e.batchMedian}); generator Earn median ${g.unaryMedian}, SubmitBatch median ${g.batchMedian}`,
    );
  }
  return lines.join('\n');
}

export async function runTls(argv: string[]): Promise<number> {
  const { values: flags } = parseArgs({
    args: argv,
    options: {
      profile: { type: 'string' },
      repeat: { type: 'string', default: '3' },
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '3' },
      concurrency: { type: 'string', default: '64' },
      'batch-concurrency': { type: 'string', default: '8' },
      'batch-size': { type: 'string', default: '100' },
      tenant: { type: 'string', default: 't1' },
      shards: { type: 'string' },
      label: { type: 'string', default: 'tls' },
      note: { type: 'string' },
      'no-save': { type: 'boolean', default: false },
    },
  });
  const int = (name: string, raw: string, min = 1) => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name}: expected an integer >= ${min}, got ${raw}`);
    return n;
  };
  const secs = (name: string, raw: string, min = 0) => {
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name}: expected seconds >= ${min}, got ${raw}`);
    return n;
  };
  const config = {
    repeat: int('repeat', flags.repeat),
    durationS: secs('duration', flags.duration, 0.1),
    warmupS: secs('warmup', flags.warmup),
    concurrency: int('concurrency', flags.concurrency),
    batchConcurrency: int('batch-concurrency', flags['batch-concurrency']),
    batchSize: int('batch-size', flags['batch-size']),
    tenant: flags.tenant,
    shards: flags.shards === undefined ? null : int('shards', flags.shards),
  };
  killChildrenOnExit();
  const startedAt = new Date();
  const machine = machineInfo();
  if (machine.loadavg[0] > machine.cpuCount / 2)
    progress(`warning: load average ${machine.loadavg[0]} on ${machine.cpuCount} CPUs; other work will skew the numbers`);
  const workDir = mkdtempSync(join(os.tmpdir(), 'jifen-bench-tls-'));
  let keepWorkDir = false;
  process.on('exit', () => {
    if (!keepWorkDir) rmSync(workDir, { recursive: true, force: true });
  });

  progress('making a CA and a server certificate for 127.0.0.1 / localhost (openssl, test/support/certs.ts)');
  const ca = makeTestCa('jifen-bench-ca', mkdtempSync(join(workDir, 'tls-')));
  const server = ca.issue('server', SERVER_SANS);
  const shardsEnv: Record<string, string> = config.shards === null ? {} : { JIFEN_SHARDS: String(config.shards) };
  const keyOf = new Map<TlsVariant, string>();
  const start = async (variant: TlsVariant, repeat: number): Promise<Engine> => {
    const auth = variant !== 'plain';
    const env: Record<string, string> = {
      ...shardsEnv,
      ...(auth ? { JIFEN_AUTH: 'on' } : {}),
      ...(variant === 'tls-key' ? { JIFEN_TLS_CERT: server.certFile, JIFEN_TLS_KEY: server.keyFile } : {}),
    };
    return startEngine({
      name: `${variant}-${repeat}`,
      workDir,
      env,
      prepare: auth
        ? async (dataDir) => {
            keyOf.set(variant, (await createKey(dataDir, config.tenant)).secret);
          }
        : undefined,
    });
  };

  const runs: TlsRun[] = [];
  try {
    for (let repeat = 0; repeat < config.repeat; repeat++) {
      const order = TLS_VARIANTS.map((_, i) => TLS_VARIANTS[(i + repeat) % TLS_VARIANTS.length]);
      progress(`repeat ${repeat + 1}/${config.repeat}: starting ${order.join(', ')}`);
      const engines = new Map<TlsVariant, Engine>();
      try {
        for (const variant of order) engines.set(variant, await start(variant, repeat));
        const results = new Map<TlsVariant, Partial<Record<Mode, ModeRun>>>();
        for (const mode of ['unary', 'batch'] as const) {
          for (const variant of order) {
            const engine = engines.get(variant) as Engine;
            progress(
              `${variant} #${repeat + 1}: ${mode === 'unary' ? `Earn x${config.concurrency} in flight` : `SubmitBatch x${config.batchSize}, ${config.batchConcurrency} in flight`}, ${config.warmupS}s warmup + ${config.durationS}s`,
            );
            const { result, window } = await runLoad(engine.address, {
              label: `${variant} ${mode}`,
              mode,
              tenant: config.tenant,
              concurrency: mode === 'unary' ? config.concurrency : config.batchConcurrency,
              batchSize: config.batchSize,
              durationS: config.durationS,
              warmupS: config.warmupS,
              caFile: variant === 'tls-key' ? ca.certFile : undefined,
              // The certificate names 127.0.0.1 too, but Node warns on an IP as TLS server name (RFC 6066).
              servername: variant === 'tls-key' ? 'localhost' : undefined,
              apiKey: keyOf.get(variant),
              enginePid: engine.proc.pid,
            });
            if (engine.proc.child.exitCode !== null || engine.proc.child.signalCode !== null)
              throw new Error(`${variant} died during the run:\n${engine.proc.tail()}`);
            if (Object.keys(result.errors).length) progress(`warning: ${variant} ${mode}: errors ${JSON.stringify(result.errors)}`);
            results.set(variant, { ...results.get(variant), [mode]: modeRun(result, window) });
          }
        }
        for (const variant of TLS_VARIANTS) {
          const memory = readMemory((engines.get(variant) as Engine).proc.pid);
          const r = results.get(variant) as Record<Mode, ModeRun>;
          runs.push({
            variant,
            repeat,
            position: order.indexOf(variant),
            unary: r.unary,
            batch: r.batch,
            engineRssBytes: memory?.rssBytes ?? null,
            enginePeakRssBytes: memory?.peakRssBytes ?? null,
          });
        }
      } finally {
        await Promise.allSettled([...engines.values()].map((e) => e.stop()));
      }
    }
  } catch (err) {
    keepWorkDir = true;
    progress(`failed: ${err instanceof Error ? err.message : String(err)}`);
    progress(`engine logs kept in ${workDir}`);
    return 1;
  }

  const summary = summarizeTls(runs);
  const ratios = {
    'plain-key/plain': tlsRatios(runs, summary, 'plain-key'),
    'tls-key/plain': tlsRatios(runs, summary, 'tls-key'),
    'tls-key/plain-key': tlsRatios(runs, summary, 'tls-key', 'plain-key'),
  };
  console.log(formatTls(summary, ratios));
  const tlsVsPlain = ratios['tls-key/plain'];
  const goals = {
    unaryCallsPerSec: {
      goal: TLS_GOALS.unaryCallsPerSec,
      ratio: tlsVsPlain.unaryCallsPerSec,
      met: tlsVsPlain.unaryCallsPerSec >= TLS_GOALS.unaryCallsPerSec,
    },
    batchItemsPerSec: {
      goal: TLS_GOALS.batchItemsPerSec,
      ratio: tlsVsPlain.batchItemsPerSec,
      met: tlsVsPlain.batchItemsPerSec >= TLS_GOALS.batchItemsPerSec,
    },
  };
  if (!flags['no-save']) {
    const file = saveResults(
      { profile: 'tls', label: flags.label, startedAt, argv, machine, note: flags.note },
      { config, variants: DESCRIPTION, summary, ratios, goals, runs },
    );
    progress(`wrote ${file}`);
  }
  return 0;
}
