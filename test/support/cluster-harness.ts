// The cluster harness of test/cluster/cassandra-engine-cluster.test.ts and `npm run chaos`: engine nodes
// on a private etcd and one keyspace, a load of Earns with unique idempotency keys sent to random live
// nodes (a failed call retried with the same key on another node), and the checker that reads every
// member's ledger back: each acknowledged write exactly once with the entry id it was answered with,
// nothing nobody sent, seq gapless, balance_after chained, the account (from the cache) equal to its
// ledger. Faults: kill -9, SIGSTOP past the lease and SIGCONT, SIGTERM, joins.

import * as grpc from '@grpc/grpc-js';
import { connectEtcd } from '../../src/cluster/etcd-client.js';
import { DEFAULT_PREFIX } from '../../src/cluster/keys.js';
import { loadSnapshot } from '../../src/cluster/map-watch.js';
import { SlotMap } from '../../src/cluster/slot-map.js';
import { type EngineProcess, makeDataDir, startEngine } from './engine-process.js';
import { type EtcdServer, startEtcdServer } from './etcd-server.js';
import { uniq } from './ids.js';
import { listAllEntries } from './ledger-audit.js';
import { type TcpProxy, startTcpProxy } from './tcp-proxy.js';
import { createKeyspace } from './cassandra-keyspace.js';
import { startCassandraServer } from './cassandra-server.js';
import { setEngineBackend } from './engine-process.js';
import { startNatsServer } from './nats-server.js';
import { startRedisServer } from './redis-server.js';
import { type EarnRequest, type Entry, type PointsClient, isServiceError, pointsClient } from './points-client.js';

export const TENANT = 'cluster';

/**
 * Outside vitest (npm run chaos, npm run cluster:local): a private Cassandra node (commitlog_sync
 * batch), Redis and NATS on loopback and a migrated keyspace, set as every engine's backend from now on.
 */
export async function startClusterBackends(keyspacePrefix: string) {
  const [cassandra, redis, nats] = await Promise.all([
    startCassandraServer({ commitlogSync: 'batch' }),
    startRedisServer(),
    startNatsServer(),
  ]);
  const keyspace = await createKeyspace(
    { contactPoints: [cassandra.contactPoint], localDataCenter: cassandra.localDataCenter },
    keyspacePrefix,
  );
  const env = {
    JIFEN_LEDGER: 'cassandra',
    CASSANDRA_CONTACT_POINTS: cassandra.contactPoint,
    CASSANDRA_LOCAL_DC: cassandra.localDataCenter,
    CASSANDRA_KEYSPACE: keyspace,
    JIFEN_BALANCES: 'redis',
    REDIS_URL: redis.url,
    JIFEN_EVENTS: 'nats',
    NATS_URL: nats.url,
  };
  setEngineBackend({ envFor: async () => env });
  return {
    cassandra,
    redis,
    nats,
    keyspace,
    async stop() {
      setEngineBackend(undefined);
      await Promise.allSettled([redis.stop(), nats.destroy(), cassandra.stop()]);
    },
  };
}
export const LEASE_TTL_S = 2;
const CALL_DEADLINE_MS = 5_000;
/** What a call may answer while slots move: retried with the same key. */
const RETRYABLE = new Set([grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED]);

export interface Sent {
  request: EarnRequest;
  /** The node each attempt went to. */
  attempts: string[];
  entryId?: string;
  /** The last failure's code, when never answered. */
  failure?: number;
  failureText?: string;
  ackedAt?: number;
}

/** A cluster of engine processes on a private etcd and one keyspace (the first node's). */
export class TestCluster {
  readonly nodes = new Map<string, EngineProcess>();
  private keyspace: string | undefined;
  private readonly proxies = new Map<string, TcpProxy>();

  private constructor(
    private readonly etcd: EtcdServer,
    private readonly env: Record<string, string>,
  ) {}

  /** `keyspaceOf`: the keyspace the engine backend gave the first node's data dir (the others join it). */
  static async start(ids: string[], env: Record<string, string>, keyspaceOf: (dataDir: string) => Promise<string>): Promise<TestCluster> {
    const cluster = new TestCluster(await startEtcdServer(), env);
    const [first, ...rest] = ids;
    const firstDir = makeDataDir();
    cluster.nodes.set(first, await startEngine({ dataDir: firstDir, env: await cluster.envOf(first), startTimeoutMs: 120_000 }));
    cluster.keyspace = await keyspaceOf(firstDir);
    await Promise.all(rest.map((id) => cluster.startNode(id)));
    await allSlotsServed([...cluster.nodes.values()]);
    return cluster;
  }

  async startNode(id: string): Promise<EngineProcess> {
    const node = await startEngine({ dataDir: makeDataDir(), env: await this.envOf(id), startTimeoutMs: 120_000 });
    this.nodes.set(id, node);
    return node;
  }

  node(id: string): EngineProcess {
    const node = this.nodes.get(id);
    if (!node) throw new Error(`no node ${id}`);
    return node;
  }

  /** The slot map as etcd holds it now. */
  async slotOwners(): Promise<SlotMap> {
    const client = connectEtcd({ endpoints: [this.etcd.endpoint] });
    try {
      const map = new SlotMap();
      await loadSnapshot(client, DEFAULT_PREFIX, map);
      return map;
    } finally {
      client.close();
    }
  }

  /** A network cut between the node and etcd (its own proxy black-holes the link), until healEtcd. */
  cutFromEtcd(id: string): void {
    this.proxies.get(id)?.cut();
  }

  healEtcd(id: string): void {
    this.proxies.get(id)?.heal();
  }

  async stop(): Promise<void> {
    for (const proxy of this.proxies.values()) await proxy.close();
    await this.etcd.stop();
  }

  /** Each node reaches etcd through a proxy of its own, so one node alone can be cut from it. */
  private async envOf(id: string): Promise<Record<string, string>> {
    let proxy = this.proxies.get(id);
    if (!proxy) {
      const url = new URL(this.etcd.endpoint);
      proxy = await startTcpProxy(url.hostname, Number(url.port));
      this.proxies.set(id, proxy);
    }
    return {
      JIFEN_CLUSTER: 'etcd',
      JIFEN_CLUSTER_NODE_ID: id,
      JIFEN_CLUSTER_ETCD_ENDPOINTS: `http://${proxy.address}`,
      JIFEN_CLUSTER_LEASE_TTL_S: String(LEASE_TTL_S),
      JIFEN_CLUSTER_THREADS: '1',
      JIFEN_CLUSTER_UNOWNED_WAIT_MS: '3000',
      ...(this.keyspace ? { CASSANDRA_KEYSPACE: this.keyspace } : {}),
      ...this.env,
    };
  }
}

/**
 * An owner paused (SIGSTOP) longer than its lease while its commits sit between their entries and their
 * commit point (JIFEN_TEST_COMMIT_POINT_DELAY_MS), then resumed (SIGCONT) after its slots moved: the
 * paused-owner case the ledger's fence exists for. Few hot members, so the new owners write the same
 * members' next seqs while the old owner sleeps. Returns the checker's findings after `rounds` pauses.
 */
export async function pausedOwnerRounds(cluster: TestCluster, rounds: number): Promise<{ violations: string[]; sent: Sent[] }> {
  const members = Array.from({ length: 4 }, (_, i) => uniq(`hot-${i}`));
  const all = [...cluster.nodes.values()];
  // Many writers, new calls only to running nodes: while the paused owner holds some callers (until it
  // wakes, within their 20 s deadline), the others keep writing the same members through the new owners.
  let paused: EngineProcess | undefined;
  const load = startLoad(all, members, 32, (n) => n !== paused, 20_000);
  try {
    await load.waitAcked(30, 60_000);
    for (let round = 0; round < rounds; round++) {
      const victim = all[round % all.length];
      paused = victim;
      process.kill(victim.pid, 'SIGSTOP');
      await new Promise((r) => setTimeout(r, LEASE_TTL_S * 1000 + 4_000));
      process.kill(victim.pid, 'SIGCONT');
      paused = undefined;
      await load.waitAckedAfter(Date.now(), 30, 60_000);
      await allSlotsServed(all);
    }
  } finally {
    for (const n of all) process.kill(n.pid, 'SIGCONT');
  }
  const sent = await load.stop();
  return { violations: await ledgerViolations(all[0], members, sent), sent };
}

/** Waits until the nodes together serve all 4096 slots, each once (and `also` holds of the per-node counts). */
export async function allSlotsServed(nodes: EngineProcess[], also: (served: number[]) => boolean = () => true): Promise<void> {
  const deadline = Date.now() + 60_000;
  let served: number[] = [];
  while (Date.now() < deadline) {
    served = await Promise.all(nodes.map((n) => metricSum(n, 'jifen_cluster_slots_served ')));
    if (served.reduce((a, b) => a + b, 0) === 4096 && also(served)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the nodes serve ${served.join(' + ')} slots, not 4096 between them`);
}

export async function metricSum(node: EngineProcess, prefix: string): Promise<number> {
  const text = await (await fetch(node.metricsUrl)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(prefix))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

/**
 * `clients` writers sending Earns with fresh keys to a random node (of those `usable` says) until
 * stopped; a retryable failure is sent again, same request, to another node, until answered (30 s).
 */
export function startLoad(
  nodes: EngineProcess[] | (() => EngineProcess[]),
  members: string[],
  clients: number,
  usable: (n: EngineProcess) => boolean = () => true,
  callDeadlineMs = CALL_DEADLINE_MS,
) {
  const sent: Sent[] = [];
  let stopped = false;
  const current = typeof nodes === 'function' ? nodes : () => nodes;
  const channels = new Map<string, PointsClient>();
  const channel = (addr: string) => {
    let client = channels.get(addr);
    if (!client) {
      client = pointsClient(addr, { separateConnection: true });
      channels.set(addr, client);
    }
    return client;
  };
  const pick = (not?: string): [string, PointsClient] => {
    const all = current();
    const live = all.filter((n) => usable(n) && n.grpcAddr !== not);
    const node = live[Math.floor(Math.random() * live.length)] ?? all[0];
    return [node.grpcAddr, channel(node.grpcAddr)];
  };
  const writers = Array.from({ length: clients }, async (_, c) => {
    for (let i = 0; !stopped; i++) {
      const s: Sent = {
        request: {
          tenant_id: TENANT,
          member_id: members[Math.floor(Math.random() * members.length)],
          idempotency_key: uniq(`w${c}`),
          order_id: uniq('o'),
          amount_minor: 100 * (1 + ((c + i) % 50)),
          currency: 'CNY',
        },
        attempts: [],
      };
      sent.push(s);
      const giveUpAt = Date.now() + 30_000 + callDeadlineMs;
      let last: string | undefined;
      while (s.entryId === undefined) {
        const [addr, client] = pick(last);
        last = addr;
        s.attempts.push(addr);
        try {
          s.entryId = (await client.Earn(s.request, { deadline: Date.now() + callDeadlineMs })).entry_id;
          s.ackedAt = Date.now();
          s.failure = undefined;
          s.failureText = undefined;
        } catch (err) {
          s.failure = isServiceError(err) ? err.code : -1;
          s.failureText = `${s.request.idempotency_key} via ${addr}: ${err instanceof Error ? err.message : String(err)}`;
          if (!isServiceError(err) || !RETRYABLE.has(err.code) || Date.now() > giveUpAt) break;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    }
  });
  const waitAckedAfter = async (since: number, count: number, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (sent.filter((s) => (s.ackedAt ?? 0) >= since).length < count) {
      if (Date.now() > deadline) throw new Error(`fewer than ${count} writes acknowledged within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return {
    waitAcked: (count: number, timeoutMs: number) => waitAckedAfter(0, count, timeoutMs),
    waitAckedAfter,
    /** What was sent so far (calls still in flight included, unanswered). */
    sentSoFar: () => [...sent],
    async stop(): Promise<Sent[]> {
      stopped = true;
      await Promise.all(writers);
      for (const c of channels.values()) c.close();
      return sent;
    },
  };
}

/**
 * What the checker finds wrong in every member's ledger, read through `node`: an acknowledged write
 * missing or with another entry id, an entry nobody sent, a key twice, a seq gap, a broken
 * balance_after chain, an account that disagrees with its entries. Empty: the history is right.
 */
export async function ledgerViolations(node: EngineProcess, members: string[], sent: Sent[]): Promise<string[]> {
  const client = pointsClient(node.grpcAddr);
  const violations: string[] = [];
  try {
    for (const member of members) {
      const entries = await listAllEntries(client, TENANT, member).catch((err: unknown) => {
        if (isServiceError(err) && err.code === grpc.status.NOT_FOUND) return [] as Entry[];
        throw err;
      });
      violations.push(...historyViolations(member, entries));
      if (entries.length > 0) {
        const { account } = await client.GetAccount({ tenant_id: TENANT, member_id: member });
        const last = entries[entries.length - 1];
        if (account.seq !== last.seq || account.balance !== last.balance_after)
          violations.push(
            `${member}: account at seq ${account.seq} balance ${account.balance}, its ledger at ${last.seq} / ${last.balance_after}`,
          );
      }
      const byKey = new Map(entries.map((e) => [e.idempotency_key, e]));
      const mine = sent.filter((s) => s.request.member_id === member);
      for (const s of mine.filter((s) => s.entryId !== undefined)) {
        const found = byKey.get(s.request.idempotency_key);
        if (found?.entry_id !== s.entryId)
          violations.push(
            `${member}: acknowledged ${s.request.idempotency_key} as ${s.entryId}, the ledger has ${found?.entry_id ?? 'nothing'}`,
          );
      }
      const known = new Set(mine.map((s) => s.request.idempotency_key));
      for (const e of entries) if (!known.has(e.idempotency_key)) violations.push(`${member}: entry ${e.entry_id} nobody sent`);
    }
  } finally {
    client.close();
  }
  return violations;
}

/** Seq 1..n without gaps, balance_after chained from 0, keys and entry ids unique. */
function historyViolations(member: string, entries: Entry[]): string[] {
  const found: string[] = [];
  let balance = 0;
  entries.forEach((e, i) => {
    if (e.seq !== i + 1) found.push(`${member}: entry ${i + 1} has seq ${e.seq}`);
    balance += e.points;
    if (e.balance_after !== balance) found.push(`${member}: seq ${e.seq} balance_after ${e.balance_after}, its chain gives ${balance}`);
  });
  if (new Set(entries.map((e) => e.idempotency_key)).size !== entries.length) found.push(`${member}: an idempotency key twice`);
  if (new Set(entries.map((e) => e.entry_id)).size !== entries.length) found.push(`${member}: an entry id twice`);
  return found;
}
