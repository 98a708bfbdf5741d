// Lease store for the cluster (issue 13, item 1): etcd leases vs Cassandra lightweight transactions,
// measured briefly on this machine. Starts a private etcd (Debian's etcd-server, installed with
// apt-get when missing) and a private Cassandra node (test/support/cassandra-server.ts), then per
// backend: acquiring 4096 slot leases one by one vs 16 shard leases (32 rounds), renewing them, the
// server's CPU per operation (/proc/<pid>/stat), and failover (owner A stops renewing, B takes over
// after the 5 s TTL); then what fencing at the ledger would cost in LWTs (deploy/CLUSTER.md).
// Writes bench/results/lease-compare-<time>.json; see bench/README.md.
//
//   npx tsx bench/lease-compare.ts [--cassandra-commitlog batch|periodic] [--failovers 3] [--no-save]
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client, types } from 'cassandra-driver';
import { Etcd3, type Lease } from 'etcd3';
import { freePorts } from '../test/support/ports.js';
import { startCassandraServer } from '../test/support/cassandra-server.js';
import { gitCommit, machineInfo } from './machine.js';
import { killChildrenOnExit, type Managed, readCpuSeconds, spawnManaged, stopProcess, waitUntilReady } from './processes.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SLOTS = 4096;
const SHARDS = 16;
/** Rounds of the per-shard phases: 16 operations are too few for a p99 or a CPU reading. */
const SHARD_ROUNDS = 32;
/** Operations in flight in the bulk (per-slot) phases, as a node taking its share would issue them. */
const IN_FLIGHT = 32;
const HEARTBEATS = 500;
const WARMUP_OPS = 2000;
/** Group commits per fencing phase (two shards in flight). */
const FENCE_COMMITS = 100;
const TTL_S = 5;
/** Renewal period of a holder: a third of the TTL, so two renewals may fail before the lease lapses. */
const RENEW_EVERY_MS = (TTL_S * 1000) / 3;
/** How often a Cassandra contender reads the lease rows (it has no watch). */
const POLL_MS = 250;
const KEYSPACE = 'lease_bench';

// Cassandra's compare-and-set statements (declared before the top-level run below uses them).
const CAS_ACQUIRE = `UPDATE ${KEYSPACE}.leases SET owner = ?, epoch = ?, expires_at = ? WHERE unit = ? IF epoch = ?`;
const CAS_RENEW = `UPDATE ${KEYSPACE}.leases SET expires_at = ? WHERE unit = ? IF owner = ? AND epoch = ?`;
const CAS_HEARTBEAT = `UPDATE ${KEYSPACE}.lease_holders SET expires_at = ? WHERE node = ? IF incarnation = ?`;

const { values: flags } = parseArgs({
  options: {
    'cassandra-commitlog': { type: 'string', default: 'batch' },
    failovers: { type: 'string', default: '3' },
    'no-save': { type: 'boolean', default: false },
  },
});
const commitlogSync = flags['cassandra-commitlog'] === 'periodic' ? 'periodic' : 'batch';
const FAILOVERS = Number(flags.failovers);

interface Phase {
  backend: 'etcd' | 'cassandra';
  grouping: string;
  op: string;
  ops: number;
  seconds: number;
  opsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  serverCpuUsPerOp: number;
  /** serverCpuUsPerOp less what the server burned idle over the same window (background threads). */
  serverCpuUsPerOpNetOfIdle: number;
  clientCpuUsPerOp: number;
}

interface Failover {
  backend: 'etcd' | 'cassandra';
  variant: string;
  /** From A's last acknowledged renewal to B's first / last (16th) acquisition, ms. */
  firstMs: number;
  lastMs: number;
  epochsGrew: boolean;
}

killChildrenOnExit();
const startedAt = new Date();
const machine = machineInfo();
const phases: Phase[] = [];
/** Per server pid, the share of a core it used idle; subtracted for `serverCpuUsPerOpNetOfIdle`. */
const idleCoresOf = new Map<number, number>();
const failovers: Failover[] = [];

const etcd = await startEtcd();
log(`etcd ${etcd.version} on ${etcd.endpoint} (pid ${etcd.proc.pid})`);
const cassandra = await startCassandraServer({ commitlogSync, log });
const cql = new Client({
  contactPoints: [cassandra.contactPoint],
  localDataCenter: cassandra.localDataCenter,
  queryOptions: { consistency: types.consistencies.localQuorum, serialConsistency: types.consistencies.localSerial, prepare: true },
});
try {
  await cql.connect();
  const paxosVariant = await cassandraSetting(cql, 'paxos_variant');
  await createLeaseTables(cql);
  await warmUp(etcd.endpoint, cql);
  const idle = { etcdCores: await idleCores(etcd.proc.pid), cassandraCores: await idleCores(cassandra.pid) };
  idleCoresOf.set(etcd.proc.pid, idle.etcdCores).set(cassandra.pid, idle.cassandraCores);
  await measureEtcd(etcd.endpoint, etcd.proc.pid);
  await measureCassandra(cql, cassandra.pid);
  await measureFencing(cql, cassandra.pid);
  for (let i = 0; i < FAILOVERS; i++) {
    failovers.push(await etcdFailover(etcd.endpoint));
    failovers.push(await cassandraUnitFailover(cql, i));
    failovers.push(await cassandraHeartbeatFailover(cql, i));
  }
  report({ paxosVariant, idle });
} finally {
  await cql.shutdown().catch(() => undefined);
  await cassandra.stop();
  await etcd.stop();
}

// ---- etcd ------------------------------------------------------------------------------------

async function startEtcd(): Promise<{ endpoint: string; version: string; proc: Managed; stop(): Promise<void> }> {
  if (!onPath('etcd')) {
    log('etcd not on PATH: apt-get install etcd-server');
    execFileSync('apt-get', ['install', '-y', '-qq', 'etcd-server'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  }
  const version = /etcd Version: (\S+)/.exec(execFileSync('etcd', ['--version'], { encoding: 'utf8' }))?.[1] ?? '?';
  const dir = mkdtempSync(join(os.tmpdir(), 'jifen-etcd-'));
  const [clientPort, peerPort] = await freePorts(2);
  const endpoint = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  // Defaults otherwise (fsync on every commit, as production would run it).
  const args = [
    '--name=bench',
    `--data-dir=${dir}`,
    `--listen-client-urls=${endpoint}`,
    `--advertise-client-urls=${endpoint}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=bench=${peer}`,
    '--log-level=warn',
    '--logger=zap',
  ];
  const proc = spawnManaged('etcd', 'etcd', args, { cwd: dir });
  await waitUntilReady(proc, { host: '127.0.0.1', port: clientPort, sawReadyLine: () => false, timeoutMs: 30_000 });
  const probe = new Etcd3({ hosts: endpoint });
  await retry(() => probe.put('/jifen/ready').value('1').exec());
  probe.close();
  return {
    endpoint,
    version,
    proc,
    async stop() {
      await stopProcess(proc);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Acquire = one transaction per lease key: if the key's mod revision is the one the contender last
 * saw (0: absent, its holder's lease expired), put it under the contender's lease. The commit
 * revision is the fencing epoch: etcd's revision only grows, cluster-wide.
 */
async function etcdAcquire(client: Etcd3, key: string, seenRevision: number, lease: Lease, owner: string): Promise<number | null> {
  const leaseId = await lease.grant();
  const res = await client.if(key, 'Mod', '==', seenRevision).then(client.put(key).value(owner).lease(leaseId)).commit();
  return res.succeeded ? Number(res.header.revision) : null;
}

async function measureEtcd(endpoint: string, pid: number): Promise<void> {
  const a = new Etcd3({ hosts: endpoint });
  const b = new Etcd3({ hosts: endpoint });
  const leaseA = a.lease(60, { autoKeepAlive: false });
  const leaseB = b.lease(60, { autoKeepAlive: false });
  await Promise.all([leaseA.grant(), leaseB.grant()]);

  const slotKeys = Array.from({ length: SLOTS }, (_, u) => `/jifen/slots/${u}`);
  const slotRev = await timed('etcd', 'per slot (4096 keys)', 'acquire (txn on mod revision + put under the node lease)', pid, SLOTS, (i) =>
    etcdAcquire(a, slotKeys[i], 0, leaseA, 'A').then(must),
  );
  void slotRev;

  const shardRev = new Array<number>(SHARDS).fill(0);
  await timedRounds(
    'etcd',
    `per shard (${SHARDS} keys)`,
    'acquire (txn on mod revision + put under the node lease)',
    pid,
    async (i, round) => {
      const [client, lease, owner] = round % 2 === 0 ? [a, leaseA, 'A'] : [b, leaseB, 'B'];
      shardRev[i] = must(await etcdAcquire(client, `/jifen/shards/${i}`, shardRev[i], lease, owner));
    },
  );

  // One keepalive renews every key under the node's lease, whether it holds 16 keys or 4096.
  await timed('etcd', 'per node (any number of keys)', 'renew (lease keepalive)', pid, HEARTBEATS, () => leaseA.keepaliveOnce(), 1);
  await Promise.all([leaseA.revoke(), leaseB.revoke()]);
  a.close();
  b.close();
}

/** A holds 16 shard keys under a 5 s lease, renews twice and stops; B watches and takes each key as it is deleted. */
async function etcdFailover(endpoint: string): Promise<Failover> {
  const a = new Etcd3({ hosts: endpoint });
  const b = new Etcd3({ hosts: endpoint });
  const prefix = `/jifen/failover/`;
  const leaseA = a.lease(TTL_S, { autoKeepAlive: false });
  const leaseB = b.lease(60, { autoKeepAlive: false });
  await leaseB.grant();
  const epochsA = await Promise.all(Array.from({ length: SHARDS }, (_, i) => etcdAcquire(a, `${prefix}${i}`, 0, leaseA, 'A').then(must)));
  const acquired: number[] = [];
  const epochsB: number[] = [];
  const watcher = await b.watch().prefix(prefix).create();
  watcher.on('delete', (kv) => {
    void etcdAcquire(b, kv.key.toString(), 0, leaseB, 'B').then((epoch) => {
      if (epoch === null) return;
      acquired.push(performance.now());
      epochsB.push(epoch);
    });
  });
  let lastRenew = 0;
  for (let i = 0; i < 2; i++) {
    await sleep(RENEW_EVERY_MS);
    await leaseA.keepaliveOnce();
    lastRenew = performance.now();
  }
  await waitFor(() => acquired.length === SHARDS, (TTL_S + 10) * 1000);
  await watcher.cancel();
  await leaseB.revoke();
  a.close();
  b.close();
  return {
    backend: 'etcd',
    variant: 'one lease per node, 16 shard keys under it; B watches the prefix',
    firstMs: Math.min(...acquired) - lastRenew,
    lastMs: Math.max(...acquired) - lastRenew,
    epochsGrew: Math.min(...epochsB) > Math.max(...epochsA),
  };
}

// ---- Cassandra -------------------------------------------------------------------------------

async function createLeaseTables(client: Client): Promise<void> {
  await client.execute(
    `CREATE KEYSPACE IF NOT EXISTS ${KEYSPACE} WITH replication = {'class':'SimpleStrategy','replication_factor':1}`,
    [],
    { prepare: false },
  );
  // unit: a slot (0..4095), a shard (100000 + shard) or a failover unit (200000 + run * 100 + shard).
  await client.execute(
    `CREATE TABLE IF NOT EXISTS ${KEYSPACE}.leases (unit int PRIMARY KEY, owner text, epoch bigint, expires_at bigint)`,
    [],
    { prepare: false },
  );
  // The heartbeat variant: one row per node, renewed by CAS on its incarnation; units name node#incarnation.
  await client.execute(
    `CREATE TABLE IF NOT EXISTS ${KEYSPACE}.lease_holders (node text PRIMARY KEY, incarnation bigint, expires_at bigint)`,
    [],
    { prepare: false },
  );
  // For deploy/CLUSTER.md's options: (a) a shard's fence (static epoch) and member heads in one
  // partition, advanced by one conditional batch per group commit; (b) an entry per member insert IF NOT EXISTS.
  await client.execute(
    `CREATE TABLE IF NOT EXISTS ${KEYSPACE}.shard_heads (shard int, member text, head_seq bigint, head_txn bigint, epoch bigint static, PRIMARY KEY (shard, member))`,
    [],
    { prepare: false },
  );
  await client.execute(
    `CREATE TABLE IF NOT EXISTS ${KEYSPACE}.member_entries (member text, seq bigint, points bigint, idempotency_key text, PRIMARY KEY (member, seq))`,
    [],
    { prepare: false },
  );
  const seed = `INSERT INTO ${KEYSPACE}.leases (unit, owner, epoch, expires_at) VALUES (?, '', 0, 0)`;
  const failoverUnits = range(FAILOVERS).flatMap((run) =>
    range(SHARDS).flatMap((s) => [200_000 + run * 100 + s, 200_000 + run * 100 + 50 + s]),
  );
  const units = [...range(SLOTS), ...range(SHARDS).map((s) => 100_000 + s), ...failoverUnits];
  await inBatches(units, IN_FLIGHT, (u) => client.execute(seed, [u]));
}

async function casAcquire(client: Client, unit: number, seenEpoch: number, owner: string): Promise<number | null> {
  const epoch = seenEpoch + 1;
  const res = await client.execute(CAS_ACQUIRE, [owner, epoch, Date.now() + TTL_S * 1000, unit, seenEpoch]);
  return res.wasApplied() ? epoch : null;
}

async function casRenew(client: Client, unit: number, owner: string, epoch: number): Promise<void> {
  const res = await client.execute(CAS_RENEW, [Date.now() + TTL_S * 1000, unit, owner, epoch]);
  if (!res.wasApplied()) throw new Error(`renew of unit ${unit} refused: lease lost`);
}

async function measureCassandra(client: Client, pid: number): Promise<void> {
  const grouping = `per slot (${SLOTS} rows)`;
  await timed('cassandra', grouping, 'acquire (LWT: UPDATE ... IF epoch = seen)', pid, SLOTS, (u) =>
    casAcquire(client, u, 0, 'A').then(must),
  );
  await timed('cassandra', grouping, 'renew (one LWT per unit)', pid, SLOTS, (u) => casRenew(client, u, 'A', 1));

  const shardEpoch = new Array<number>(SHARDS).fill(0);
  const shardGrouping = `per shard (${SHARDS} rows)`;
  await timedRounds('cassandra', shardGrouping, 'acquire (LWT: UPDATE ... IF epoch = seen)', pid, async (s, round) => {
    shardEpoch[s] = must(await casAcquire(client, 100_000 + s, shardEpoch[s], round % 2 === 0 ? 'A' : 'B'));
  });
  const lastOwner = SHARD_ROUNDS % 2 === 1 ? 'A' : 'B';
  await timedRounds('cassandra', shardGrouping, 'renew (one LWT per unit)', pid, (s) =>
    casRenew(client, 100_000 + s, lastOwner, shardEpoch[s]),
  );

  await client.execute(`INSERT INTO ${KEYSPACE}.lease_holders (node, incarnation, expires_at) VALUES ('A', 1, 0)`, []);
  await timed(
    'cassandra',
    'per node (heartbeat row, units name node#incarnation)',
    'renew (one LWT on the node row)',
    pid,
    HEARTBEATS,
    async () => {
      const res = await client.execute(CAS_HEARTBEAT, [Date.now() + TTL_S * 1000, 'A', 1]);
      if (!res.wasApplied()) throw new Error('heartbeat refused');
    },
    1,
  );
}

/**
 * What fencing at the ledger would cost (deploy/CLUSTER.md): (a) one conditional batch per group
 * commit in the shard's partition, `IF epoch = mine` plus the head row of each member the commit
 * wrote (165 members: a SubmitBatch group commit of ~220 earns; 14: an Earn group commit), next to the
 * same batch without the condition; (b) one `INSERT ... IF NOT EXISTS` per member entry.
 */
async function measureFencing(client: Client, pid: number): Promise<void> {
  for (const shard of [0, 1]) await client.execute(`INSERT INTO ${KEYSPACE}.shard_heads (shard, epoch) VALUES (?, 1)`, [shard]);
  let txn = 0;
  for (const members of [165, 14]) {
    for (const conditional of [true, false]) {
      const op = conditional
        ? `commit point: LWT batch IF epoch = mine + ${members} head rows`
        : `same batch without IF (${members} head rows)`;
      await timed(
        'cassandra',
        'per shard (fence + heads in one partition)',
        op,
        pid,
        FENCE_COMMITS,
        async (i) => {
          const shard = i % 2;
          txn++;
          const heads = range(members).map((k) => ({
            query: `UPDATE ${KEYSPACE}.shard_heads SET head_seq = ?, head_txn = ? WHERE shard = ? AND member = ?`,
            params: [txn, txn, shard, `m${(txn * 7919 + k * 104_729) % 100_000}`],
          }));
          const fence = conditional
            ? [{ query: `UPDATE ${KEYSPACE}.shard_heads SET epoch = ? WHERE shard = ? IF epoch = ?`, params: [1, shard, 1] }]
            : [];
          const res = await client.batch([...fence, ...heads], { prepare: true, logged: false });
          if (conditional && !res.wasApplied()) throw new Error('fence refused');
        },
        2,
      );
    }
  }
  const insert = `INSERT INTO ${KEYSPACE}.member_entries (member, seq, points, idempotency_key) VALUES (?, ?, ?, ?) IF NOT EXISTS`;
  await timed('cassandra', 'per member partition', 'entry insert IF NOT EXISTS (one LWT per member per commit)', pid, SLOTS, async (i) => {
    const res = await client.execute(insert, [`m${i}`, 1, 100, `k${i}`]);
    if (!res.wasApplied()) throw new Error('entry existed');
  });
}

/** A holds 16 unit rows, renews each twice (an LWT per unit) and stops; B polls the rows and takes each expired one. */
async function cassandraUnitFailover(client: Client, run: number): Promise<Failover> {
  const units = range(SHARDS).map((s) => 200_000 + run * 100 + s);
  const epochsA = await Promise.all(units.map((u) => casAcquire(client, u, 0, 'A').then(must)));
  let lastRenew = 0;
  for (let i = 0; i < 2; i++) {
    await sleep(RENEW_EVERY_MS);
    await Promise.all(units.map((u, k) => casRenew(client, u, 'A', epochsA[k])));
    lastRenew = performance.now();
  }
  const { acquired, epochs } = await pollAndTake(client, units, async () => true);
  return {
    backend: 'cassandra',
    variant: `one LWT row per unit (16 units), each renewed by LWT; B polls every ${POLL_MS} ms`,
    firstMs: Math.min(...acquired) - lastRenew,
    lastMs: Math.max(...acquired) - lastRenew,
    epochsGrew: Math.min(...epochs) > Math.max(...epochsA),
  };
}

/**
 * A renews one heartbeat row (CAS on its incarnation) for 16 units that name it; B polls the row, and
 * once it has expired deposes A (incarnation + 1 by CAS: A's next renewal fails) and takes each unit.
 */
async function cassandraHeartbeatFailover(client: Client, run: number): Promise<Failover> {
  const units = range(SHARDS).map((s) => 200_000 + run * 100 + 50 + s);
  const node = `A${run}`;
  await client.execute(`INSERT INTO ${KEYSPACE}.lease_holders (node, incarnation, expires_at) VALUES (?, 1, ?)`, [
    node,
    Date.now() + TTL_S * 1000,
  ]);
  const epochsA = await Promise.all(units.map((u) => casAcquire(client, u, 0, `${node}#1`).then(must)));
  let lastRenew = 0;
  for (let i = 0; i < 2; i++) {
    await sleep(RENEW_EVERY_MS);
    const res = await client.execute(CAS_HEARTBEAT, [Date.now() + TTL_S * 1000, node, 1]);
    if (!res.wasApplied()) throw new Error('heartbeat refused');
    lastRenew = performance.now();
  }
  let deposed = false;
  const depose = async () => {
    if (deposed) return true;
    const row = (await client.execute(`SELECT incarnation, expires_at FROM ${KEYSPACE}.lease_holders WHERE node = ?`, [node])).first();
    if (num(row.expires_at) >= Date.now()) return false;
    const res = await client.execute(`UPDATE ${KEYSPACE}.lease_holders SET incarnation = ? WHERE node = ? IF incarnation = ?`, [
      2,
      node,
      1,
    ]);
    deposed = res.wasApplied();
    return deposed;
  };
  const { acquired, epochs } = await pollAndTake(client, units, depose, true);
  return {
    backend: 'cassandra',
    variant: `one heartbeat row per node renewed by CAS, 16 units name it; B polls it every ${POLL_MS} ms, deposes, takes the units`,
    firstMs: Math.min(...acquired) - lastRenew,
    lastMs: Math.max(...acquired) - lastRenew,
    epochsGrew: Math.min(...epochs) > Math.max(...epochsA),
  };
}

/**
 * B's side: every POLL_MS read the units (one multi-partition read); once `ready` says the holder is
 * gone, take each expired unit (or, with `ignoreExpiry`, each unit) by CAS on the epoch it read.
 * In production "expired" would also wait out the clock skew between nodes; here both share a clock.
 */
async function pollAndTake(client: Client, units: number[], ready: () => Promise<boolean>, ignoreExpiry = false) {
  const acquired: number[] = [];
  const epochs: number[] = [];
  const pending = new Set(units);
  const deadline = Date.now() + (TTL_S + 10) * 1000;
  // B's polls are not in step with A's renewals: start at a random phase of the period.
  await sleep(Math.random() * POLL_MS);
  while (pending.size > 0 && Date.now() < deadline) {
    if (await ready()) {
      const rows = (await client.execute(`SELECT unit, epoch, expires_at FROM ${KEYSPACE}.leases WHERE unit IN ?`, [[...pending]])).rows;
      const now = Date.now();
      await Promise.all(
        rows
          .filter((r) => ignoreExpiry || num(r.expires_at) < now)
          .map(async (r) => {
            const epoch = await casAcquire(client, r.unit as number, num(r.epoch), 'B');
            if (epoch === null) return;
            acquired.push(performance.now());
            epochs.push(epoch);
            pending.delete(r.unit as number);
          }),
      );
    }
    if (pending.size > 0) await sleep(POLL_MS);
  }
  if (pending.size > 0) throw new Error(`B did not take ${pending.size} units in time`);
  return { acquired, epochs };
}

async function cassandraSetting(client: Client, name: string): Promise<string | null> {
  const row = (await client.execute('SELECT value FROM system_views.settings WHERE name = ?', [name])).first();
  return row ? String(row.value) : null;
}

// ---- measuring -------------------------------------------------------------------------------

/** Runs `count` operations, `inFlight` at a time; records each one's latency and the CPU of server and client. */
async function timed(
  backend: Phase['backend'],
  grouping: string,
  op: string,
  pid: number,
  count: number,
  run: (i: number) => Promise<unknown>,
  inFlight = IN_FLIGHT,
): Promise<void> {
  const latencies: number[] = [];
  const window = openWindow(pid);
  await inBatches(range(count), inFlight, async (i) => {
    const t0 = performance.now();
    await run(i);
    latencies.push(performance.now() - t0);
  });
  phases.push(window.close(backend, grouping, op, latencies));
}

/** SHARD_ROUNDS rounds, each the SHARDS operations at once (a node taking or renewing its shards). */
async function timedRounds(
  backend: Phase['backend'],
  grouping: string,
  op: string,
  pid: number,
  run: (shard: number, round: number) => Promise<unknown>,
): Promise<void> {
  const latencies: number[] = [];
  const window = openWindow(pid);
  for (let round = 0; round < SHARD_ROUNDS; round++) {
    await Promise.all(
      range(SHARDS).map(async (s) => {
        const t0 = performance.now();
        await run(s, round);
        latencies.push(performance.now() - t0);
      }),
    );
  }
  phases.push(window.close(backend, grouping, op, latencies));
}

function openWindow(pid: number) {
  const t0 = performance.now();
  const server0 = readCpuSeconds(pid) ?? 0;
  const client0 = process.cpuUsage();
  return {
    close(backend: Phase['backend'], grouping: string, op: string, latencies: number[]): Phase {
      const seconds = (performance.now() - t0) / 1000;
      const serverUs = ((readCpuSeconds(pid) ?? 0) - server0) * 1e6;
      const client = process.cpuUsage(client0);
      const ops = latencies.length;
      latencies.sort((x, y) => x - y);
      const phase: Phase = {
        backend,
        grouping,
        op,
        ops,
        seconds: round3(seconds),
        opsPerSecond: Math.round(ops / seconds),
        p50Ms: round3(quantile(latencies, 0.5)),
        p99Ms: round3(quantile(latencies, 0.99)),
        serverCpuUsPerOp: Math.round(serverUs / ops),
        serverCpuUsPerOpNetOfIdle: Math.max(0, Math.round((serverUs - (idleCoresOf.get(pid) ?? 0) * seconds * 1e6) / ops)),
        clientCpuUsPerOp: Math.round((client.user + client.system) / ops),
      };
      log(`${backend} ${grouping} ${op}: ${JSON.stringify(phase)}`);
      return phase;
    },
  };
}

/** Unmeasured: the JVM compiles its LWT path and both clients open their connections before any timing. */
async function warmUp(endpoint: string, client: Client): Promise<void> {
  const warm = new Etcd3({ hosts: endpoint });
  await inBatches(range(WARMUP_OPS), IN_FLIGHT, (i) => warm.put(`/jifen/warmup/${i}`).value('w').exec());
  await warm.delete().prefix('/jifen/warmup/').exec();
  warm.close();
  const insert = `INSERT INTO ${KEYSPACE}.leases (unit, owner, epoch, expires_at) VALUES (?, 'w', 1, 0) IF NOT EXISTS`;
  await inBatches(range(WARMUP_OPS), IN_FLIGHT, (i) => client.execute(insert, [300_000 + i]));
}

/** Share of a core the server burns doing nothing (the JVM's background threads, etcd's tickers). */
async function idleCores(pid: number): Promise<number> {
  const c0 = readCpuSeconds(pid) ?? 0;
  await sleep(2000);
  return round3(((readCpuSeconds(pid) ?? 0) - c0) / 2);
}

// ---- report ----------------------------------------------------------------------------------

/** What holding all 4096 slots costs per second, renewing every TTL/3, from the measured CPU per op. */
function steadyRenewal() {
  const renewsPerSecond = 1000 / RENEW_EVERY_MS;
  return phases
    .filter((p) => p.op.startsWith('renew'))
    .map((p) => {
      const perRound = p.grouping.startsWith('per slot') ? SLOTS : p.grouping.startsWith('per shard') ? SHARDS : 1;
      const opsPerSecond = round3(perRound * renewsPerSecond);
      return {
        backend: p.backend,
        grouping: p.grouping,
        renewalOpsPerSecondPerNode: opsPerSecond,
        serverCoresPerNode: round3((opsPerSecond * p.serverCpuUsPerOpNetOfIdle) / 1e6),
      };
    });
}

function report(extra: Record<string, unknown>): void {
  const steady = steadyRenewal();
  const byVariant = new Map<string, Failover[]>();
  for (const f of failovers) byVariant.set(`${f.backend}: ${f.variant}`, [...(byVariant.get(`${f.backend}: ${f.variant}`) ?? []), f]);
  const failoverSummary = [...byVariant].map(([variant, runs]) => ({
    variant,
    runs: runs.length,
    medianFirstMs: Math.round(median(runs.map((r) => r.firstMs))),
    medianLastMs: Math.round(median(runs.map((r) => r.lastMs))),
    maxLastMs: Math.round(Math.max(...runs.map((r) => r.lastMs))),
    epochsAlwaysGrew: runs.every((r) => r.epochsGrew),
  }));

  console.log('| backend | grouping | operation | ops | ops/s | p50 ms | p99 ms | server CPU µs/op (net of idle) | client CPU µs/op |');
  console.log('|---|---|---|---:|---:|---:|---:|---:|---:|');
  for (const p of phases) {
    console.log(
      `| ${p.backend} | ${p.grouping} | ${p.op} | ${p.ops} | ${p.opsPerSecond} | ${p.p50Ms} | ${p.p99Ms} | ${p.serverCpuUsPerOp} (${p.serverCpuUsPerOpNetOfIdle}) | ${p.clientCpuUsPerOp} |`,
    );
  }
  console.log('\n| holding 4096 slots, renewing every TTL/3 | renewal ops/s per node | server cores per node |\n|---|---:|---:|');
  for (const s of steady) console.log(`| ${s.backend} ${s.grouping} | ${s.renewalOpsPerSecondPerNode} | ${s.serverCoresPerNode} |`);
  console.log(
    '\n| failover (TTL 5 s) | runs | A last renew → B first acquire (median) | → B 16th acquire (median / max) | epochs grew |\n|---|---:|---:|---:|---|',
  );
  for (const f of failoverSummary) {
    console.log(`| ${f.variant} | ${f.runs} | ${f.medianFirstMs} ms | ${f.medianLastMs} / ${f.maxLastMs} ms | ${f.epochsAlwaysGrew} |`);
  }
  console.log(
    `\nidle server CPU (cores): ${JSON.stringify(extra.idle)}; paxos_variant ${extra.paxosVariant}; loadavg now ${os.loadavg().map((x) => x.toFixed(2))}`,
  );

  if (flags['no-save']) return;
  const dir = join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const stamp = startedAt
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replaceAll(':', '-');
  const file = join(dir, `lease-compare-${stamp}.json`);
  const record = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    command: `npx tsx bench/lease-compare.ts ${process.argv.slice(2).join(' ')}`.trim(),
    commit: gitCommit(ROOT),
    machine,
    loadavgAtEnd: os.loadavg(),
    servers: {
      etcd: { version: etcd.version, fsync: 'per commit (default)' },
      cassandra: { version: cassandra.version, startSeconds: cassandra.startSeconds, commitlogSync, replicationFactor: 1, ...extra },
    },
    settings: {
      slots: SLOTS,
      shards: SHARDS,
      shardRounds: SHARD_ROUNDS,
      inFlight: IN_FLIGHT,
      ttlSeconds: TTL_S,
      renewEveryMs: RENEW_EVERY_MS,
      pollMs: POLL_MS,
    },
    phases,
    steadyRenewal: steady,
    failovers,
    failoverSummary,
  };
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  log(`results: ${file}`);
}

// ---- small parts -----------------------------------------------------------------------------

function must<T>(value: T | null): T {
  if (value === null) throw new Error('compare-and-set refused where it should have succeeded (another holder?)');
  return value;
}

async function inBatches<T>(items: T[], inFlight: number, run: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await run(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, items.length) }, worker));
}

async function retry<T>(fn: () => Promise<T>, tries = 50): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= tries) throw err;
      await sleep(200);
    }
  }
}

async function waitFor(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`not done within ${timeoutMs} ms`);
    await sleep(10);
  }
}

function onPath(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A bigint column arrives as the driver's Long. */
function num(value: unknown): number {
  return typeof value === 'number' ? value : Number(String(value));
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function quantile(sorted: number[], q: number): number {
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function median(values: number[]): number {
  return quantile(
    [...values].sort((x, y) => x - y),
    0.5,
  );
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function log(line: string): void {
  console.error(`[lease-compare] ${line}`);
}
