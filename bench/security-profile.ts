// Where the engine's CPU goes with and without TLS and keys: each variant of bench/tls.ts in turn
// (fresh data dir, as there) with V8's sampling profiler on (node --cpu-prof), one load of
// --mode against it, then the profile's self time grouped by where the code lives (TLS and crypto,
// HTTP/2, grpc-js, the call gate and keys, protobuf, the engine, GC, …) and its top functions, per call.
//
//   npx tsx bench/security-profile.ts [--variants plain,tls-key] [--mode unary|batch] [--duration 8] [--warmup 2]
//
// A profiled engine runs slower; compare the variants' shares and µs per call, not their throughput.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { makeTestCa, SERVER_SANS } from '../test/support/certs.js';
import { gitCommit, machineInfo } from './machine.js';
import { killChildrenOnExit } from './processes.js';
import { createKey, ROOT, runLoad, startEngine } from './security-engine.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code lives, coarsely. */
export function categoryOf(url: string, functionName: string): string {
  if (functionName === '(garbage collector)') return 'gc';
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(program)') return 'program (native, unattributed)';
  if (/_tls_|node:tls|node:crypto|internal\/crypto|TLSWrap|tls_wrap/.test(url) || /^(TLSWrap|encrypt|decrypt)/.test(functionName))
    return 'tls/crypto';
  if (/src\/api\/call-gate|src\/auth\//.test(url)) return 'call gate + keys';
  if (/internal\/http2|node:http2/.test(url)) return 'node http2';
  if (/@grpc\/grpc-js/.test(url)) return 'grpc-js';
  if (/protobufjs|@grpc\/proto-loader/.test(url)) return 'protobuf';
  if (/better-sqlite3/.test(url)) return 'sqlite';
  if (/prom-client/.test(url)) return 'metrics';
  if (/\/src\//.test(url)) return 'engine (src/)';
  if (/^node:|internal\//.test(url)) return 'node core (other)';
  if (url === '') return `native: ${functionName}`;
  return 'other';
}

/** Self time (ms) by category and by function, from a .cpuprofile. */
export function selfTimes(profile: CpuProfile): {
  totalMs: number;
  byCategory: Map<string, number>;
  byFunction: Map<string, number>;
  byFile: Map<string, number>;
} {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++)
    selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const byCategory = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let totalMs = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const ms = us / 1000;
    const category = categoryOf(url, functionName);
    if (category === 'idle') continue;
    totalMs += ms;
    byCategory.set(category, (byCategory.get(category) ?? 0) + ms);
    const where = `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(`file://${ROOT}`, '')}:${lineNumber + 1}`;
    byFunction.set(where, (byFunction.get(where) ?? 0) + ms);
    const file = url ? url.replace(/^.*node_modules\//, '').replace(`file://${ROOT}`, '') : `(native) ${functionName}`;
    byFile.set(file, (byFile.get(file) ?? 0) + ms);
  }
  return { totalMs, byCategory, byFunction, byFile };
}

async function main(): Promise<void> {
  const { values: flags } = parseArgs({
    options: {
      variants: { type: 'string', default: 'plain,tls-key' },
      mode: { type: 'string', default: 'unary' },
      duration: { type: 'string', default: '8' },
      warmup: { type: 'string', default: '2' },
      concurrency: { type: 'string' },
      top: { type: 'string', default: '25' },
      keep: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const mode = flags.mode === 'batch' ? 'batch' : 'unary';
  killChildrenOnExit();
  const workDir = mkdtempSync(join(os.tmpdir(), 'jifen-bench-profile-'));
  process.on('exit', () => rmSync(workDir, { recursive: true, force: true }));
  const ca = makeTestCa('jifen-bench-ca', mkdtempSync(join(workDir, 'tls-')));
  const server = ca.issue('server', SERVER_SANS);
  const report: Record<string, unknown> = {};
  for (const variant of flags.variants.split(',')) {
    const auth = variant !== 'plain';
    const tls = variant === 'tls-key';
    const profDir = join(workDir, `${variant}-prof`);
    mkdirSync(profDir);
    let key: string | undefined;
    const engine = await startEngine({
      name: variant,
      workDir,
      nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profDir}`],
      env: {
        ...(auth ? { JIFEN_AUTH: 'on' } : {}),
        ...(tls ? { JIFEN_TLS_CERT: server.certFile, JIFEN_TLS_KEY: server.keyFile } : {}),
      },
      prepare: auth
        ? async (dataDir) => {
            key = (await createKey(dataDir, 't1')).secret;
          }
        : undefined,
    });
    let calls = 0;
    try {
      const { result, window } = await runLoad(engine.address, {
        label: `${variant} profiled`,
        mode,
        tenant: 't1',
        concurrency: Number(flags.concurrency ?? (mode === 'unary' ? 64 : 8)),
        batchSize: 100,
        durationS: Number(flags.duration),
        warmupS: Number(flags.warmup),
        caFile: tls ? ca.certFile : undefined,
        servername: tls ? 'localhost' : undefined,
        apiKey: key,
        enginePid: engine.proc.pid,
      });
      calls = result.calls;
      console.error(
        `[profile] ${variant}: ${result.callsPerSec} calls/s (profiled), engine ${window?.engineCpuS} s CPU, generator ${window?.generatorCpuS} s CPU in ${window?.seconds} s`,
      );
    } finally {
      await engine.stop();
    }
    // The engine writes its profile (the main thread's, and one per worker) on exit.
    const files = readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile'));
    if (!files.length) throw new Error(`${variant}: no .cpuprofile written in ${profDir}`);
    if (flags.keep) {
      mkdirSync(flags.keep, { recursive: true });
      for (const f of files) copyFileSync(join(profDir, f), join(flags.keep, `${variant}-${mode}-${f}`));
    }
    // One file per thread: the main thread (gRPC, TLS, the call gate) and each worker (shards, tsx's loader).
    const top = (m: Map<string, number>, n: number, totalMs: number) =>
      [...m.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, n)
        .map(([k, ms]) => ({ where: k, ms: Math.round(ms), share: Math.round((ms / totalMs) * 1000) / 10 }));
    const threads = files
      .map((f) => ({
        file: f,
        thread: /\.(\d+)\.\d+\.cpuprofile$/.exec(f)?.[1] ?? '?',
        ...selfTimes(JSON.parse(readFileSync(join(profDir, f), 'utf8')) as CpuProfile),
      }))
      .sort((a, b) => b.totalMs - a.totalMs);
    const perCall = (ms: number) => (calls ? Math.round((ms * 1000) / calls) : null);
    const out: unknown[] = [];
    for (const t of threads.filter((x) => x.totalMs >= 100)) {
      console.log(
        `\n== ${variant} (${mode}), thread ${t.thread}${t.thread === '0' ? ' (main)' : ''}: ${Math.round(t.totalMs)} ms busy, ${perCall(t.totalMs)} us per call`,
      );
      for (const c of top(t.byCategory, 30, t.totalMs))
        console.log(
          `  ${String(c.share).padStart(5)}%  ${String(c.ms).padStart(6)} ms  ${String(perCall(c.ms)).padStart(5)} us/call  ${c.where}`,
        );
      console.log('  by file (self):');
      for (const f of top(t.byFile, Number(flags.top), t.totalMs))
        console.log(
          `  ${String(f.share).padStart(5)}%  ${String(f.ms).padStart(6)} ms  ${String(perCall(f.ms)).padStart(5)} us/call  ${f.where}`,
        );
      console.log('  top functions (self):');
      for (const f of top(t.byFunction, Number(flags.top), t.totalMs))
        console.log(`  ${String(f.share).padStart(5)}%  ${String(f.ms).padStart(6)} ms  ${f.where}`);
      out.push({
        thread: t.thread,
        busyMs: Math.round(t.totalMs),
        byCategory: top(t.byCategory, 30, t.totalMs),
        byFile: top(t.byFile, Number(flags.top), t.totalMs),
        topFunctions: top(t.byFunction, Number(flags.top), t.totalMs),
      });
    }
    report[variant] = { calls, threads: out };
  }
  if (flags.out) {
    const record = {
      profile: 'security-profile',
      mode,
      createdAt: new Date().toISOString(),
      command: ['npx tsx bench/security-profile.ts', ...process.argv.slice(2)].join(' '),
      git: gitCommit(ROOT),
      machine: machineInfo(),
      report,
    };
    writeFileSync(flags.out, `${JSON.stringify(record, null, 2)}\n`);
  }
}

main().catch((err: unknown) => {
  console.error(`[profile] failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
