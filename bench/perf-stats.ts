// Pure part of bench/perf-profile.ts: `perf script -F tid,ip,sym,dso` output parsed into call stacks
// and summed per thread. perf samples a thread only while it runs on a CPU (cpu-clock), so a share
// here is CPU, unlike `node --cpu-prof`, which samples wall time and charges a preempted thread's wait
// to the function it was in (bench/README.md "Hot path, step 6").

/** One sample: the thread and its frames, innermost first, each `symbol [dso file name]`. */
export interface Sample {
  tid: number;
  frames: string[];
}

/** What a leaf frame is, for the per-thread split. */
export type Kind = 'sqlite' | 'json' | 'clone' | 'gc' | 'kernel' | 'js' | 'v8 builtins' | 'other native';

export interface ThreadSummary {
  tid: number;
  role: 'front' | 'worker' | 'helper';
  samples: number;
  /** Of all the process's samples. */
  share: number;
  byKind: [Kind, number][];
  /** Leaf frames, share of this thread's samples. */
  self: [string, number][];
  /** JavaScript frames anywhere on the stack (each counted once per sample), share of this thread's samples. */
  jsInclusive: [string, number][];
}

/** Parses `perf script -F tid,ip,sym,dso` (with call graphs: one header line, then one line per frame). */
export function parsePerfScript(text: string): Sample[] {
  const samples: Sample[] = [];
  let current: Sample | undefined;
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      current = undefined;
      continue;
    }
    if (!/^\s/.test(line) || /^\s*\d+\s*$/.test(line)) {
      const tid = Number(line.trim().split(/\s+/)[0]);
      if (!Number.isInteger(tid)) continue;
      current = { tid, frames: [] };
      samples.push(current);
      continue;
    }
    const frame = /^\s*[0-9a-f]+ (.*) \((.*)\)\s*$/.exec(line);
    if (frame && current) current.frames.push(`${frame[1]} [${frame[2].split('/').pop()}]`);
  }
  return samples;
}

export function kindOf(leaf: string): Kind {
  if (leaf.includes('[kernel.kallsyms]')) return 'kernel';
  if (leaf.includes('better_sqlite3')) return 'sqlite';
  if (/Json(Stringifier|Parser)|JsonStringify|JsonParse/.test(leaf)) return 'json';
  if (/Value(Serializer|Deserializer)/.test(leaf)) return 'clone';
  if (/Scaveng|MarkCompact|ConcurrentMarking|Sweeper|Heap::|MinorMark|Evacuat/.test(leaf)) return 'gc';
  if (leaf.startsWith('JS:')) return 'js';
  if (leaf.startsWith('Builtins_')) return 'v8 builtins';
  return 'other native';
}

/**
 * Per thread, most samples first: the main thread (tid = pid) is the front; a thread with JavaScript on
 * at least a fifth of its stacks is a worker (a shard thread); the rest are V8's and libuv's helpers.
 */
export function summarizeThreads(samples: Sample[], pid: number, top = 15): ThreadSummary[] {
  const byTid = new Map<number, Sample[]>();
  for (const s of samples) {
    const list = byTid.get(s.tid) ?? [];
    list.push(s);
    byTid.set(s.tid, list);
  }
  const summaries: ThreadSummary[] = [];
  for (const [tid, list] of byTid) {
    const n = list.length;
    const kinds = new Map<Kind, number>();
    const self = new Map<string, number>();
    const js = new Map<string, number>();
    let withJs = 0;
    for (const s of list) {
      const leaf = s.frames[0] ?? '(no frame)';
      kinds.set(kindOf(leaf), (kinds.get(kindOf(leaf)) ?? 0) + 1);
      self.set(leaf, (self.get(leaf) ?? 0) + 1);
      const seen = new Set(s.frames.filter((f) => f.startsWith('JS:')).map(jsFrameName));
      if (seen.size > 0) withJs++;
      for (const f of seen) js.set(f, (js.get(f) ?? 0) + 1);
    }
    const share = (m: Map<string, number>): [string, number][] =>
      [...m]
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(([k, v]) => [k, v / n]);
    summaries.push({
      tid,
      role: tid === pid ? 'front' : withJs >= n / 5 ? 'worker' : 'helper',
      samples: n,
      share: n / samples.length,
      byKind: [...kinds].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, v / n]),
      self: share(self),
      jsInclusive: share(js),
    });
  }
  return summaries.sort((a, b) => b.samples - a.samples);
}

/** A JIT frame's function and file, without the optimization marker, column and perf map name. */
function jsFrameName(frame: string): string {
  const m = /^JS:[*^~]?(\S*) (\S+?)(?::\d+)*(?: \[.*\])?$/.exec(frame);
  if (!m) return frame;
  const file = m[2].replace(/^file:\/\//, '').replace(/^.*?\/(node_modules|src|bench|test)\//, '$1/');
  return `${m[1] || '(anonymous)'} ${file}`;
}
