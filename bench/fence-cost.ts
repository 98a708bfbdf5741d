// What fencing at the ledger costs (issue 13, item 2; deploy/CLUSTER.md "Fencing at the ledger"): group
// commits through CassandraLedgerStore unfenced (the single node, today) vs fenced (takeover at an epoch,
// one conditional batch in shard_heads per group commit), on one private Cassandra node
// (test/support/cassandra-server.ts, commitlog_sync batch as in bench/lease-compare.ts). Two commit
// shapes at the bench's rates (bench/README.md): an Earn group commit (14 members, one entry each) and a
// SubmitBatch one (165 members, 220 entries). Several shards commit at once, each one commit at a time as
// a shard thread does. Per phase: commits (= fence LWTs) per second, commit latency p50/p99 (fenced: also
// the commit point's own, from the store's beforeCommitPoint hook to the commit's end), the JVM's CPU per
// commit and per entry (utime + stime of the node, /proc, net of its idle use). Phases alternate
// unfenced / fenced per round, so a busy machine hits both alike. Then the commit point alone (the
// conditional batch with 14 or 165 member heads, ShardFence.commitPoint), to price the LWT by itself.
//
//   npx tsx bench/fence-cost.ts [--rounds 2] [--shards 4] [--seconds 8] [--no-save]
// Writes bench/results/fence-cost-<time>.json; see bench/README.md "Fencing at the ledger".

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { LedgerEntry } from '../src/actor/entries.js';
import { migrateLedger } from '../src/cli/migrate.js';
import { Client, types } from 'cassandra-driver';
import { CassandraLedgerStore } from '../src/ledger/cassandra/cassandra-store.js';
import { ShardFence } from '../src/ledger/cassandra/fence.js';
import type { CommitBatch, OutboxRecord } from '../src/ledger/store.js';
import { startCassandraServer } from '../test/support/cassandra-server.js';
import { gitCommit, machineInfo } from './machine.js';
import { killChildrenOnExit, readCpuSeconds } from './processes.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const KEYSPACE = 'fence_bench';

const { values: flags } = parseArgs({
  options: {
    rounds: { type: 'string', default: '2' },
    shards: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '8' },
    'no-save': { type: 'boolean', default: false },
  },
});
const ROUNDS = Number(flags.rounds);
const SHARDS = Number(flags.shards);
const SECONDS = Number(flags.seconds);

interface Shape {
  name: 'earn' | 'submit-batch';
  members: number;
  entries: number;
}
const SHAPES: Shape[] = [
  { name: 'earn', members: 14, entries: 14 },
  { name: 'submit-batch', members: 165, entries: 220 },
];
/** Members per shard: commits cycle through them, so each member gets a next seq every few commits. */
const MEMBERS_PER_SHARD = 5_000;

interface PhaseResult {
  round: number;
  shape: Shape['name'];
  /** 'commit-point': the LWT alone, no commit around it. */
  fenced: boolean | 'commit-point';
  commits: number;
  seconds: number;
  commitsPerSecond: number;
  entriesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Fenced commits: the commit point's latency (LWT and what follows it; nothing does in these batches). */
  pointP50Ms?: number;
  pointP99Ms?: number;
  jvmCpuMsPerCommit: number;
  jvmCpuUsPerEntry: number;
  jvmCores: number;
}

const log = (line: string) => console.log(line);
killChildrenOnExit();
const startedAt = new Date();
const machine = machineInfo();
const server = await startCassandraServer({ commitlogSync: 'batch', log });
const results: PhaseResult[] = [];
let idleCores = 0;
try {
  const settings = { contactPoints: [server.contactPoint], localDataCenter: server.localDataCenter, keyspace: KEYSPACE };
  await migrateLedger({ ...settings, replication: "{'class':'SimpleStrategy','replication_factor':1}" });
  idleCores = await measureIdle(server.pid);
  log(`cassandra ${server.version} pid ${server.pid}, idle ${idleCores} core`);
  let nextShard = 0;
  let epoch = 100;
  // Unmeasured warm-up of both paths (the JVM compiles its write and Paxos paths).
  const shards = () => {
    nextShard += SHARDS;
    return nextShard;
  };
  for (const fenced of [false, true]) await phase(0, SHAPES[0], fenced, 3, shards(), epoch++);
  for (let round = 1; round <= ROUNDS; round++) {
    for (const shape of SHAPES) {
      for (const fenced of round % 2 === 1 ? [false, true] : [true, false]) {
        results.push(report(await phase(round, shape, fenced, SECONDS, shards(), epoch++)));
      }
    }
    for (const shape of SHAPES) results.push(report(await pointsOnly(round, shape, SECONDS / 2, shards(), epoch++)));
  }
} finally {
  await server.stop();
}

if (!flags['no-save']) {
  const dir = join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `fence-cost-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  const body = { bench: 'fence-cost', startedAt, machine, commit: gitCommit(ROOT), shards: SHARDS, seconds: SECONDS, idleCores, results };
  writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
  log(`results: ${file}`);
}

function report(r: PhaseResult): PhaseResult {
  const kind = r.fenced === 'commit-point' ? 'LWT only' : r.fenced ? 'fenced  ' : 'unfenced';
  const point = r.pointP50Ms === undefined ? '' : ` (commit point p50 ${r.pointP50Ms.toFixed(1)} p99 ${r.pointP99Ms?.toFixed(1)} ms)`;
  log(
    `round ${r.round} ${r.shape.padEnd(12)} ${kind} ${r.commitsPerSecond.toFixed(1).padStart(7)} /s ` +
      `p50 ${r.p50Ms.toFixed(1)} ms p99 ${r.p99Ms.toFixed(1)} ms${point}, JVM ${r.jvmCpuMsPerCommit.toFixed(2)} ms each ` +
      `${r.jvmCpuUsPerEntry.toFixed(0)} µs/entry (${r.jvmCores.toFixed(2)} cores)`,
  );
  return r;
}

/** SHARDS fences (one client) run commit points alone, each one at a time: the LWT's own rate, latency and JVM CPU. */
async function pointsOnly(round: number, shape: Shape, seconds: number, firstShard: number, epoch: number): Promise<PhaseResult> {
  const client = new Client({
    contactPoints: [server.contactPoint],
    localDataCenter: server.localDataCenter,
    keyspace: KEYSPACE,
    queryOptions: { consistency: types.consistencies.localQuorum, prepare: true },
  });
  await client.connect();
  try {
    const fences = await Promise.all(
      Array.from({ length: SHARDS }, (_, i) => ShardFence.takeOver(client, firstShard + i, { epoch }, 1000)),
    );
    const latencies: number[] = [];
    const cpu0 = readCpuSeconds(server.pid) ?? 0;
    const t0 = performance.now();
    const until = t0 + seconds * 1000;
    await Promise.all(
      fences.map(async (fence, i) => {
        for (let n = 1; performance.now() < until; n++) {
          const heads = Array.from({ length: shape.members }, (_, m): [string, string, number] => ['bench', `s${firstShard + i}-m${m}`, n]);
          const start = performance.now();
          await fence.commitPoint(heads, n);
          latencies.push(performance.now() - start);
        }
      }),
    );
    const elapsed = (performance.now() - t0) / 1000;
    const cpu = (readCpuSeconds(server.pid) ?? 0) - cpu0 - idleCores * elapsed;
    return summary(round, shape, 'commit-point', latencies, [], latencies.length * shape.entries, elapsed, cpu);
  } finally {
    await client.shutdown();
  }
}

function summary(
  round: number,
  shape: Shape,
  fenced: PhaseResult['fenced'],
  latencies: number[],
  points: number[],
  entries: number,
  elapsed: number,
  cpu: number,
): PhaseResult {
  latencies.sort((a, b) => a - b);
  points.sort((a, b) => a - b);
  const commits = latencies.length;
  return {
    round,
    shape: shape.name,
    fenced,
    commits,
    seconds: round3(elapsed),
    commitsPerSecond: round3(commits / elapsed),
    entriesPerSecond: round3(entries / elapsed),
    p50Ms: round3(quantile(latencies, 0.5)),
    p99Ms: round3(quantile(latencies, 0.99)),
    ...(points.length > 0 ? { pointP50Ms: round3(quantile(points, 0.5)), pointP99Ms: round3(quantile(points, 0.99)) } : {}),
    jvmCpuMsPerCommit: round3((cpu * 1000) / commits),
    jvmCpuUsPerEntry: round3((cpu * 1e6) / entries),
    jvmCores: round3(cpu / elapsed),
  };
}

/** SHARDS stores (fenced or not) commit group batches of the shape for `seconds`, each one commit at a time. */
async function phase(
  round: number,
  shape: Shape,
  fenced: boolean,
  seconds: number,
  firstShard: number,
  epoch: number,
): Promise<PhaseResult> {
  const settings = { contactPoints: [server.contactPoint], localDataCenter: server.localDataCenter, keyspace: KEYSPACE };
  const pointStarts: number[] = Array(SHARDS).fill(0);
  // The fenced stores' hook only notes when a commit reaches its commit point (the store's test hook, used to time it).
  const hooks = (i: number) => ({
    beforeCommitPoint: async () => {
      pointStarts[i] = performance.now();
    },
  });
  const stores = await Promise.all(
    Array.from({ length: SHARDS }, (_, i) =>
      CassandraLedgerStore.open({ ...settings, shard: firstShard + i, ...(fenced ? { fence: { epoch, testHooks: hooks(i) } } : {}) }),
    ),
  );
  const latencies: number[] = [];
  const points: number[] = [];
  let entries = 0;
  const cpu0 = readCpuSeconds(server.pid) ?? 0;
  const t0 = performance.now();
  const until = t0 + seconds * 1000;
  await Promise.all(
    stores.map(async (store, i) => {
      const seqs = new Map<number, number>();
      let nextMember = 0;
      let outboxId = 0;
      while (performance.now() < until) {
        const batch = commitOf(firstShard + i, shape, seqs, () => nextMember++ % MEMBERS_PER_SHARD, ++outboxId);
        const start = performance.now();
        await store.commit(batch);
        const end = performance.now();
        latencies.push(end - start);
        if (fenced) points.push(end - pointStarts[i]);
        entries += batch.entries.length;
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = (readCpuSeconds(server.pid) ?? 0) - cpu0 - idleCores * elapsed;
  await Promise.all(stores.map((s) => s.close()));
  return summary(round, shape, fenced, latencies, points, entries, elapsed, cpu);
}

/** One group commit of the shape: entries of `members` members (some with two), their keys and orders, one outbox record. */
function commitOf(shard: number, shape: Shape, seqs: Map<number, number>, nextMember: () => number, outboxId: number): CommitBatch {
  const entries: LedgerEntry[] = [];
  const members = Array.from({ length: shape.members }, nextMember);
  for (let i = 0; i < shape.entries; i++) {
    const m = members[i % members.length];
    const seq = (seqs.get(m) ?? 0) + 1;
    seqs.set(m, seq);
    const key = `s${shard}-m${m}-${seq}`;
    entries.push({
      tenantId: 'bench',
      memberId: `s${shard}-m${m}`,
      seq,
      type: 'earn',
      points: 10,
      balanceAfter: seq * 10,
      idempotencyKey: key,
      orderId: `o-${key}`,
      reason: '',
      operator: '',
      amountMinor: 1_000,
      createdAt: Date.now(),
      expiresAt: 0,
      payloadHash: key.padStart(16, '0'),
    });
  }
  const orders = entries.map((e) => ({
    tenantId: e.tenantId,
    memberId: e.memberId,
    orderId: e.orderId,
    amountMinor: 1_000,
    points: 10,
    refundedMinor: 0,
    reversedPoints: 0,
  }));
  const outbox: OutboxRecord = {
    id: outboxId,
    envelope: {
      batchId: `${shard}-${outboxId}-earned`,
      tenantId: 'bench',
      event: 'earned',
      events: entries.map((e) => ({
        entryId: `${e.tenantId}:${e.memberId}:${e.seq}`,
        tenantId: e.tenantId,
        memberId: e.memberId,
        seq: e.seq,
        event: 'earned',
        points: e.points,
        balanceAfter: e.balanceAfter,
        orderId: e.orderId,
        idempotencyKey: e.idempotencyKey,
        reason: '',
        createdAt: e.createdAt,
      })),
    },
  };
  return { entries, orders, snapshots: [], outbox: [outbox] };
}

async function measureIdle(pid: number): Promise<number> {
  const c0 = readCpuSeconds(pid) ?? 0;
  await new Promise((r) => setTimeout(r, 3000));
  return round3(((readCpuSeconds(pid) ?? 0) - c0) / 3);
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
