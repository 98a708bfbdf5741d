// What the generators measure, in a form that merges across processes: per RPC an overall HDR
// histogram and one per named window (the peak), per second of intended send time a histogram of
// all calls and one of Earn, status counts per second and RPC, sends and late sends per second.
// Latency is in microseconds from a call's intended send time to its answer.
import * as hdr from 'hdr-histogram-js';

/** A named span of intended send times (ms from the start), e.g. the peak. */
export interface Window {
  name: string;
  fromMs: number;
  toMs: number;
}

export interface RecorderSnapshot {
  windows: Window[];
  overall: Record<string, string>;
  byWindow: Record<string, Record<string, string>>;
  perSecond: { all: (string | null)[]; Earn: (string | null)[] };
  statusBySecond: Record<string, Record<string, number>>[];
  /** Answers per second of answer time, by status (the achieved rate). */
  answeredBySecond: Record<string, number>[];
  sentBySecond: number[];
  lateBySecond: number[];
  late: number;
  maxLateMs: number;
}

/** Up to 10 minutes in µs, 3 significant digits; per-second histograms 2 digits to keep them small. */
const newHistogram = (digits: 2 | 3 = 3) =>
  hdr.build({
    bitBucketSize: 'packed',
    lowestDiscernibleValue: 1,
    highestTrackableValue: 600_000_000,
    numberOfSignificantValueDigits: digits,
  });

export class Recorder {
  readonly overall = new Map<string, hdr.Histogram>();
  readonly byWindow = new Map<string, Map<string, hdr.Histogram>>();
  readonly perSecondAll: (hdr.Histogram | null)[] = [];
  readonly perSecondEarn: (hdr.Histogram | null)[] = [];
  readonly statusBySecond: Record<string, Record<string, number>>[] = [];
  readonly answeredBySecond: Record<string, number>[] = [];
  readonly sentBySecond: number[] = [];
  readonly lateBySecond: number[] = [];
  late = 0;
  maxLateMs = 0;

  constructor(readonly windows: Window[] = []) {
    for (const w of windows) this.byWindow.set(w.name, new Map());
  }

  /** A send issued `lateMs` after its intended time. */
  sent(intendedMs: number, lateMs: number, lateThresholdMs: number): void {
    const s = second(intendedMs);
    this.sentBySecond[s] = (this.sentBySecond[s] ?? 0) + 1;
    if (lateMs > this.maxLateMs) this.maxLateMs = lateMs;
    if (lateMs > lateThresholdMs) {
      this.late++;
      this.lateBySecond[s] = (this.lateBySecond[s] ?? 0) + 1;
    }
  }

  /** An answered (or failed) call: its RPC, intended send time, latency and gRPC status name. */
  done(rpc: string, intendedMs: number, latencyUs: number, status: string): void {
    bump(recordAt(this.answeredBySecond, second(intendedMs + latencyUs / 1000)), status, 1);
    const us = Math.max(1, Math.round(latencyUs));
    entry(this.overall, rpc, () => newHistogram()).recordValue(us);
    for (const w of this.windows) {
      if (intendedMs >= w.fromMs && intendedMs < w.toMs)
        entry(this.byWindow.get(w.name) as Map<string, hdr.Histogram>, rpc, () => newHistogram()).recordValue(us);
    }
    const s = second(intendedMs);
    slot(this.perSecondAll, s).recordValue(us);
    if (rpc === 'Earn') slot(this.perSecondEarn, s).recordValue(us);
    bump(recordOf(recordAt(this.statusBySecond, s), rpc), status, 1);
  }

  snapshot(): RecorderSnapshot {
    const enc = (h: hdr.Histogram | null | undefined) => (h ? hdr.encodeIntoCompressedBase64(h) : null);
    const encMap = (m: Map<string, hdr.Histogram>) => Object.fromEntries([...m].map(([k, h]) => [k, hdr.encodeIntoCompressedBase64(h)]));
    return {
      windows: this.windows,
      overall: encMap(this.overall),
      byWindow: Object.fromEntries([...this.byWindow].map(([k, m]) => [k, encMap(m)])),
      perSecond: { all: Array.from(this.perSecondAll, enc), Earn: Array.from(this.perSecondEarn, enc) },
      statusBySecond: Array.from(this.statusBySecond, (x) => x ?? {}),
      answeredBySecond: Array.from(this.answeredBySecond, (x) => x ?? {}),
      sentBySecond: Array.from(this.sentBySecond, (x) => x ?? 0),
      lateBySecond: Array.from(this.lateBySecond, (x) => x ?? 0),
      late: this.late,
      maxLateMs: this.maxLateMs,
    };
  }

  /** Adds another process' snapshot into this recorder (same windows). */
  merge(s: RecorderSnapshot): void {
    const dec = (b64: string) => hdr.decodeFromCompressedBase64(b64, 'packed');
    for (const [rpc, b64] of Object.entries(s.overall)) entry(this.overall, rpc, () => newHistogram()).add(dec(b64));
    for (const [name, m] of Object.entries(s.byWindow)) {
      const target = this.byWindow.get(name) ?? new Map<string, hdr.Histogram>();
      this.byWindow.set(name, target);
      for (const [rpc, b64] of Object.entries(m)) entry(target, rpc, () => newHistogram()).add(dec(b64));
    }
    s.perSecond.all.forEach((b64, i) => {
      if (b64) slot(this.perSecondAll, i).add(dec(b64));
    });
    s.perSecond.Earn.forEach((b64, i) => {
      if (b64) slot(this.perSecondEarn, i).add(dec(b64));
    });
    s.statusBySecond.forEach((bySecond, i) => {
      const statuses = recordAt(this.statusBySecond, i);
      for (const [rpc, counts] of Object.entries(bySecond)) {
        const byStatus = recordOf(statuses, rpc);
        for (const [status, n] of Object.entries(counts)) bump(byStatus, status, n);
      }
    });
    s.answeredBySecond.forEach((counts, i) => {
      const answered = recordAt(this.answeredBySecond, i);
      for (const [status, n] of Object.entries(counts)) bump(answered, status, n);
    });
    s.sentBySecond.forEach((n, i) => {
      this.sentBySecond[i] = (this.sentBySecond[i] ?? 0) + n;
    });
    s.lateBySecond.forEach((n, i) => {
      this.lateBySecond[i] = (this.lateBySecond[i] ?? 0) + n;
    });
    this.late += s.late;
    this.maxLateMs = Math.max(this.maxLateMs, s.maxLateMs);
  }
}

const second = (ms: number) => Math.max(0, Math.floor(ms / 1000));

function entry<K, V>(m: Map<K, V>, k: K, make: () => V): V {
  let v = m.get(k);
  if (v === undefined) {
    v = make();
    m.set(k, v);
  }
  return v;
}

function recordAt<T>(list: Record<string, T>[], i: number): Record<string, T> {
  let r = list[i];
  if (r === undefined) {
    r = {};
    list[i] = r;
  }
  return r;
}

function recordOf(r: Record<string, Record<string, number>>, k: string): Record<string, number> {
  let v = r[k];
  if (v === undefined) {
    v = {};
    r[k] = v;
  }
  return v;
}

function bump(r: Record<string, number>, k: string, n: number): void {
  r[k] = (r[k] ?? 0) + n;
}

function slot(list: (hdr.Histogram | null)[], i: number): hdr.Histogram {
  for (let j = list.length; j <= i; j++) list[j] = null;
  let h = list[i];
  if (!h) {
    h = newHistogram(2);
    list[i] = h;
  }
  return h;
}
