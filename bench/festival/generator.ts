// A generator process of the festival run: node --import tsx bench/festival/generator.ts <job.json>.
// Takes every count-th send of the schedule (send index % count = index), prints READY once
// connected with its tables built, waits for the start file (the shared wall-clock instant of time
// zero, written when every generator is ready), runs the open loop against the targets and writes
// what it measured and every write's outcome (for the correctness pass) to the job's outFile.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { type Answer, Clients } from './client.js';
import { phases, sendTimes } from './curve.js';
import { type Call, type Plan, Planner } from './mix.js';
import { type Scheduled, runOpenLoop } from './open-loop.js';
import type { FestivalProfile } from './profile.js';
import { Recorder, type RecorderSnapshot } from './recorder.js';
import { MergedSchedule } from './schedule.js';

export interface GeneratorJob {
  profile: FestivalProfile;
  runId: string;
  index: number;
  count: number;
  targets: string[];
  /** Written by the driver once every generator is READY: Date.now() of time zero, the same for all. */
  startFile: string;
  outFile: string;
}

/** One write's outcome: rpc, member, idempotency key, status, entry id (hold id for Hold), reward id. */
export type WriteOutcome = [rpc: string, member: string, key: string, status: string, id: string, reward: string];

export interface GeneratorOutput {
  index: number;
  sent: number;
  late: number;
  maxLateMs: number;
  recorder: RecorderSnapshot;
  writes: WriteOutcome[];
  members: string[];
  endedMs: number;
  /** This process' CPU (user + system) from time zero to the end of its loop, seconds. */
  cpuSeconds: number;
}

async function main(): Promise<void> {
  const job = JSON.parse(readFileSync(process.argv[2], 'utf8')) as GeneratorJob;
  const { profile } = job;
  const { midnightS, peakEndS } = phases(profile.curve);
  const recorder = new Recorder([{ name: 'peak', fromMs: midnightS * 1000, toMs: peakEndS * 1000 }]);
  const planner = new Planner(profile, job.runId);
  const clients = new Clients(job.targets, profile.generators.channels);
  await clients.ready();
  const writes: WriteOutcome[] = [];
  const members = new Set<string>();
  console.log('READY');
  const startAtEpochMs = await startInstant(job.startFile);
  const zero = startAtEpochMs - performance.timeOrigin;
  const clock = () => performance.now() - zero;

  const schedule: MergedSchedule = new MergedSchedule(mainSends());
  function* mainSends(): Generator<Scheduled> {
    let i = 0;
    for (const t of sendTimes(profile.curve)) {
      if (i % job.count === job.index) yield scheduledFor(planner.plan(i, t), t);
      i++;
    }
  }

  function scheduledFor(plan: Plan | null, atMs: number, call: Call = (plan as Plan).call): Scheduled {
    let answer: Answer = { status: 'UNSENT' };
    return {
      atMs,
      rpc: call.rpc,
      fire: async () => {
        if (call.stampOccurredAt && call.request.occurred_at === undefined) call.request.occurred_at = timestamp(Date.now());
        members.add(call.member);
        if (plan?.retryDelayMs != null) schedule.add(scheduledFor(null, atMs + plan.retryDelayMs, call));
        answer = await clients.call(call.rpc, call.request, profile.deadlineMs);
        const r = answer.response;
        const id = r ? String(call.rpc === 'Hold' ? r.hold_id : (r.entry_id ?? '')) : '';
        writes.push([call.rpc, call.member, call.key, answer.status, id, String(call.request.reward_id ?? '')]);
        return answer.status;
      },
      onAnswer: (status, doneMs) => {
        if (status !== 'OK' || !plan?.followUp) return;
        const next = planner.followUpCall(call, plan.followUp, answer.response ?? {});
        schedule.add(scheduledFor(null, doneMs + plan.followUp.delayMs, next));
      },
    };
  }

  const waitMs = startAtEpochMs - Date.now();
  if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
  const cpuAtStart = process.cpuUsage();
  const ticker = setInterval(
    () => console.error(`[festival gen ${job.index}] t=${(clock() / 1000).toFixed(0)}s late=${recorder.late}`),
    10_000,
  );
  const result = await runOpenLoop({ schedule, recorder, clock, lateThresholdMs: profile.late.thresholdMs });
  clearInterval(ticker);
  const cpu = process.cpuUsage(cpuAtStart);
  clients.close();
  const out: GeneratorOutput = {
    index: job.index,
    ...result,
    recorder: recorder.snapshot(),
    writes,
    members: [...members],
    endedMs: clock(),
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
  writeFileSync(job.outFile, JSON.stringify(out));
}

async function startInstant(file: string): Promise<number> {
  for (;;) {
    if (existsSync(file)) {
      const text = readFileSync(file, 'utf8').trim();
      if (text) return Number(text);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

const timestamp = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 });

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
