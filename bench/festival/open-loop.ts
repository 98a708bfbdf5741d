// The open-loop sender: every call goes out at its scheduled time whether or not earlier calls have
// answered, and its latency counts from that scheduled (intended) time, so a stalled server shows
// as latency of every call it held up instead of as fewer calls (coordinated omission). A send the
// generator itself issued late (event loop busy, CPU starved) is counted: many of them void the run.
import type { Recorder } from './recorder.js';

/** One call to make at `atMs` (ms from the start); `fire` resolves to its gRPC status name. */
export interface Scheduled {
  atMs: number;
  rpc: string;
  fire(): Promise<string>;
  /** Called with the status once answered, to schedule follow-ups (a capture after a hold …). */
  onAnswer?(status: string, doneMs: number): void;
}

/** The schedule, pulled in time order; follow-ups may be added while it runs (see FollowUpQueue). */
export interface Schedule {
  peek(): Scheduled | undefined;
  take(): Scheduled | undefined;
  /** True once nothing more can be added (the main schedule is spent). */
  closed(): boolean;
}

export interface OpenLoopOptions {
  schedule: Schedule;
  recorder: Recorder;
  /** Milliseconds since the run's start (time zero of the schedule). */
  clock(): number;
  lateThresholdMs: number;
  /** Issue at most this many sends before letting answers in (one event-loop turn). */
  burst?: number;
}

export interface OpenLoopResult {
  sent: number;
  late: number;
  maxLateMs: number;
}

export async function runOpenLoop(o: OpenLoopOptions): Promise<OpenLoopResult> {
  const { schedule, recorder, clock } = o;
  const burst = o.burst ?? 64;
  let sent = 0;
  let inFlight = 0;
  let settle: (() => void) | undefined;
  for (;;) {
    const next = schedule.peek();
    if (!next) {
      if (schedule.closed() && inFlight === 0) break;
      // Follow-ups come from answers: wait for one, or poll the queue shortly.
      await new Promise<void>((resolve) => {
        settle = resolve;
        setTimeout(resolve, 5);
      });
      continue;
    }
    const now = clock();
    if (next.atMs > now) {
      await sleep(Math.min(next.atMs - now, 20));
      continue;
    }
    let issued = 0;
    for (let item = schedule.peek(); item && item.atMs <= clock() && issued < burst; item = schedule.peek()) {
      schedule.take();
      issued++;
      sent++;
      inFlight++;
      const s = item;
      recorder.sent(s.atMs, clock() - s.atMs, o.lateThresholdMs);
      s.fire().then((status) => {
        const doneMs = clock();
        recorder.done(s.rpc, s.atMs, (doneMs - s.atMs) * 1000, status);
        inFlight--;
        s.onAnswer?.(status, doneMs);
        settle?.();
      });
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return { sent, late: recorder.late, maxLateMs: recorder.maxLateMs };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));
