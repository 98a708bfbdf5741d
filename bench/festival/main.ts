// `npm run bench -- --profile festival`: the Double 11 rehearsal. Starts the engine (or takes
// --targets), funds members and puts the catalog, runs the generator processes on one shared
// schedule, merges what they measured, runs the correctness pass, and writes the report (JSON,
// HTML, a PNG per chart) and the verdict; the exit code is the verdict's (see verdict.ts).
import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gitCommit, machineInfo } from '../machine.js';
import { killChildrenOnExit, spawnManaged } from '../processes.js';
import { Clients } from './client.js';
import { peakRate, phases } from './curve.js';
import { type LocalEngine, startEngine } from './engine.js';
import type { GeneratorJob, GeneratorOutput, WriteOutcome } from './generator.js';
import type { reportHtml } from './html.js';
import { writeReportPages } from './report-files.js';
import { type FestivalProfile, parseProfile, withOverrides } from './profile.js';
import { Recorder } from './recorder.js';
import { fundMembers, putCatalog } from './setup.js';
import { type FestivalSummary, summarize } from './summary.js';
import { type Verdict, verdictOf } from './verdict.js';
import { type CorrectnessReport, correctnessPass } from './verify.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** From the last generator's READY to time zero. */
const START_LEAD_MS = 1000;

const progress = (msg: string) => console.error(`[festival] ${msg}`);

export async function runFestival(argv: string[]): Promise<number> {
  const { values: flags } = parseArgs({
    args: argv,
    options: {
      profile: { type: 'string' },
      'festival-profile': { type: 'string', default: join(ROOT, 'bench', 'profiles', 'festival.yaml') },
      targets: { type: 'string' },
      'baseline-rate': { type: 'string' },
      'peak-multiplier': { type: 'string' },
      generators: { type: 'string' },
      seed: { type: 'string' },
      shards: { type: 'string' },
      label: { type: 'string', default: 'festival' },
      note: { type: 'string' },
      'no-save': { type: 'boolean', default: false },
    },
  });
  const num = (x: string | undefined) => (x === undefined ? undefined : Number(x));
  const profileFile = flags['festival-profile'];
  const profile = withOverrides(parseProfile(readFileSync(profileFile, 'utf8'), relative(ROOT, profileFile)), {
    baselineRate: num(flags['baseline-rate']),
    peakMultiplier: num(flags['peak-multiplier']),
    generators: num(flags.generators),
    seed: num(flags.seed),
  });
  killChildrenOnExit();
  const startedAt = new Date();
  // Other work on the machine shows here: the 1/5/15-minute load average when the run starts.
  const loadAtStart = os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
  const workDir = mkdtempSync(join(os.tmpdir(), 'jifen-festival-'));
  const runId = startedAt.getTime().toString(36);
  let engine: LocalEngine | null = null;
  try {
    if (!flags.targets) {
      progress('starting the engine (embedded, JIFEN_PROGRAMS_DIR=deploy/programs)');
      engine = await startEngine(ROOT, num(flags.shards) ?? null, workDir);
    }
    const targets = flags.targets ? flags.targets.split(',').map((t) => t.trim()) : [(engine as LocalEngine).address];
    const run = await drive(profile, targets, runId, workDir);
    engine?.proc && progress(`engine log: ${join(workDir, 'engine.log')}`);
    const verdict = verdictOf(profile, run.summary, run.correctness);
    printSummary(run.summary, verdict, run.correctness);
    const head = {
      title: `Festival rehearsal (双11), peak ${peakRate(profile.curve)} sends/s`,
      startedAt: startedAt.toISOString(),
      command: `npm run bench -- ${argv.join(' ')}`,
      machine: `${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, load ${loadAtStart} at start, ${os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')} at the end`,
      targets: flags.targets ?? `one embedded engine started by the bench (${targets[0]})`,
      generators: run.generators,
      generatorCpu: run.generatorCpu.map((g) => `${g.sends} sends, ${g.cpuUsPerSend} µs CPU each`).join('; '),
      profileFile: relative(ROOT, profileFile),
    };
    if (!flags['no-save']) await saveReport(flags.label, startedAt, head, profile, run, verdict, flags.note);
    return verdict.exitCode;
  } finally {
    await engine?.stop();
  }
}

interface Driven {
  generators: number;
  /** Per generator process: sends issued, CPU seconds, CPU µs per send (is one process enough?). */
  generatorCpu: { sends: number; cpuSeconds: number; cpuUsPerSend: number }[];
  elapsedS: number;
  summary: FestivalSummary;
  correctness: CorrectnessReport | null;
}

async function drive(profile: FestivalProfile, targets: string[], runId: string, workDir: string): Promise<Driven> {
  const clients = new Clients(targets, 2);
  await clients.ready();
  progress(`funding ${profile.members.funded.toLocaleString('en-US')} members with ${profile.members.fundedPoints} points`);
  await fundMembers(clients, profile, runId);
  const count =
    profile.generators.count === 'auto'
      ? Math.ceil(peakRate(profile.curve) / profile.generators.maxRatePerGenerator)
      : profile.generators.count;
  const { durationS, midnightS } = phases(profile.curve);
  progress(
    `${count} generator(s), ${durationS} s: baseline ${profile.curve.baselineRate}/s, peak ${peakRate(profile.curve)}/s at ${midnightS} s`,
  );
  const outputs = await runGenerators(profile, targets, runId, count, workDir, async (startAtEpochMs) => {
    await putCatalog(clients, profile, startAtEpochMs + midnightS * 1000 - 500);
  });
  const recorder = new Recorder();
  for (const o of outputs) recorder.merge(o.recorder);
  const elapsedS = Math.max(...outputs.map((o) => o.endedMs)) / 1000;
  const summary = summarize(recorder, profile, elapsedS);
  const writes: WriteOutcome[] = outputs.flatMap((o) => o.writes);
  const members = [...new Set(outputs.flatMap((o) => o.members))];
  progress(
    `load done (${summary.sent.toLocaleString('en-US')} sends); correctness pass over ${members.length.toLocaleString('en-US')} members`,
  );
  // A pass that cannot finish fails the verdict (correctness null) but the report is still written.
  const correctness = await correctnessPass(clients, profile, runId, writes, members).catch((err: unknown) => {
    progress(`correctness pass could not finish: ${err instanceof Error ? err.message : String(err)}`);
    return null;
  });
  clients.close();
  const generatorCpu = outputs.map((o) => ({
    sends: o.sent,
    cpuSeconds: round(o.cpuSeconds),
    cpuUsPerSend: Math.round((o.cpuSeconds * 1e6) / Math.max(1, o.sent)),
  }));
  for (const [i, g] of generatorCpu.entries())
    progress(`generator ${i}: ${g.sends} sends, ${g.cpuSeconds} CPU s, ${g.cpuUsPerSend} µs per send`);
  return { generators: count, generatorCpu, elapsedS, summary, correctness };
}

/** Starts the generators, and once all are READY puts the catalog and writes the shared start instant. */
async function runGenerators(
  profile: FestivalProfile,
  targets: string[],
  runId: string,
  count: number,
  workDir: string,
  beforeStart: (startAtEpochMs: number) => Promise<void>,
): Promise<GeneratorOutput[]> {
  let ready = 0;
  let allReady: () => void = () => {};
  const readyAll = new Promise<void>((resolve) => {
    allReady = resolve;
  });
  const startFile = join(workDir, 'start');
  const runs = Array.from({ length: count }, (_, index) => {
    const job: GeneratorJob = { profile, runId, index, count, targets, startFile, outFile: join(workDir, `generator-${index}.json`) };
    const jobFile = join(workDir, `generator-${index}.job.json`);
    writeFileSync(jobFile, JSON.stringify(job));
    const proc = spawnManaged(`generator ${index}`, process.execPath, ['--import', 'tsx', 'bench/festival/generator.ts', jobFile], {
      cwd: ROOT,
      logFile: join(workDir, `generator-${index}.log`),
      onStdoutLine: (line) => {
        if (line === 'READY' && ++ready === count) allReady();
      },
      onStderrLine: (line) => progress(line),
    });
    return proc.exited.then((exit) => {
      if (exit.code !== 0) throw new Error(`generator ${index} failed (code ${exit.code}, signal ${exit.signal}):\n${proc.tail()}`);
      return JSON.parse(readFileSync(job.outFile, 'utf8')) as GeneratorOutput;
    });
  });
  await Promise.race([readyAll, Promise.all(runs)]);
  const startAtEpochMs = Date.now() + START_LEAD_MS;
  await beforeStart(startAtEpochMs);
  writeFileSync(`${startFile}.tmp`, String(startAtEpochMs));
  renameSync(`${startFile}.tmp`, startFile);
  return Promise.all(runs);
}

async function saveReport(
  label: string,
  startedAt: Date,
  head: Parameters<typeof reportHtml>[0],
  profile: FestivalProfile,
  run: Driven,
  verdict: Verdict,
  note?: string,
): Promise<void> {
  const stamp = startedAt
    .toISOString()
    .replace(/:/g, '-')
    .replace(/\.\d+Z$/, 'Z');
  const dir = join(ROOT, 'bench', 'results');
  const base = `${label}-${stamp}`;
  await writeReportPages(dir, base, head, run.summary, verdict, run.correctness, profile.thresholds.earnP99AtPeakMs);
  const record = {
    kind: 'festival',
    ...head,
    note,
    gitCommit: gitCommit(ROOT),
    machineInfo: machineInfo(),
    profile,
    verdict,
    generatorProcesses: run.generatorCpu,
    summary: run.summary,
    correctness: run.correctness,
  };
  writeFileSync(join(dir, `${base}.json`), `${JSON.stringify(record, null, 2)}\n`);
  progress(`report: bench/results/${base}.html, ${base}.json, ${base}/*.png`);
}

function printSummary(s: FestivalSummary, v: Verdict, c: CorrectnessReport | null): void {
  const peakSlice = s.timeline.filter((t) => t.second >= s.midnightS && t.second < s.peakEndS);
  const avg = (f: (t: FestivalSummary['timeline'][number]) => number) =>
    Math.round(peakSlice.reduce((x, t) => x + f(t), 0) / Math.max(1, peakSlice.length));
  console.log(
    `festival: ${s.sent} sends in ${s.durationS.toFixed(1)} s; late ${s.late} (${(s.lateShare * 100).toFixed(3)}%), max lateness ${s.maxLateMs} ms`,
  );
  console.log(
    `peak: scheduled ${s.peakRate}/s, offered ${avg((t) => t.offered)}/s, achieved ${avg((t) => t.achieved)}/s (means over the peak's seconds)`,
  );
  console.log('RPC             count     OK  refus  errors    p50     p99   p99.9  p99.99 | peak p50  p99  p99.9 (ms)');
  for (const [rpc, r] of Object.entries(s.rpcs)) {
    const l = r.latencyMs;
    const pk = r.peak.latencyMs;
    console.log(
      `${rpc.padEnd(14)} ${String(r.count).padStart(6)} ${String(r.ok).padStart(6)} ${String(r.refusals).padStart(6)} ${String(r.errors).padStart(7)} ${fmt(l?.p50)} ${fmt(l?.p99)} ${fmt(l?.p999)} ${fmt(l?.p9999)} | ${fmt(pk?.p50)} ${fmt(pk?.p99)} ${fmt(pk?.p999)}`,
    );
  }
  if (c)
    console.log(
      `correctness: ${c.ok ? 'ok' : 'FAILED'}; writes ${c.writes.presentOnce}/${c.writes.acknowledged} present once; conservation ${c.conservation.ok ? 'ok' : 'FAILED'}; stock ${c.stock.map((x) => `${x.id} ${x.sold}/${x.stock}${x.ok ? '' : ' FAILED'}`).join(', ')}; ` +
        `audit ${c.audit.ran ? `${c.audit.ok ? 'ok' : `FAILED ${JSON.stringify(c.audit.mismatchCounts)} ${c.audit.firstMismatches.join('; ')}`} (${c.audit.checked} members)` : `not run (${c.audit.why})`}`,
    );
  for (const k of v.checks) console.log(`  ${k.passed ? 'ok    ' : 'FAILED'} ${k.name}: ${k.measured} (limit ${k.limit})`);
  console.log(`VERDICT ${v.outcome}${v.failed.length ? `: ${v.failed.join('; ')}` : ''}`);
}

const round = (x: number) => Math.round(x * 100) / 100;
const fmt = (x: number | undefined) => (x === undefined ? '' : x.toFixed(1)).padStart(7);
