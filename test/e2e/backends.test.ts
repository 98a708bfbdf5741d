// The engine with its production backends on — Redis hot balances and NATS JetStream events — each
// test against a redis-server and a nats-server -js of its own (free loopback ports, never 6379/4222):
// GetAccount served from Redis; Redis restarted empty or flushed under load never yields a wrong
// balance; nats-server down for seconds under load, and kill -9 of the engine right after a burst,
// still bring every ledger entry to a JetStream consumer exactly once (invariants 2 and 5).

import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import { Redis } from 'ioredis';
import { type NatsConnection, connect } from 'nats';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { decodeEnvelope } from '../../src/events/event-codec.js';
import { type EngineProcess, cleanupEngines, makeDataDir, startEngine } from '../support/engine-process.js';
import { auditMember, listAllEntries } from '../support/ledger-audit.js';
import { type Entry, type PointsClient, type WriteResponse, isServiceError, pointsClient } from '../support/points-client.js';
import { type NatsServer, natsServerOnPath, startNatsServer } from '../support/nats-server.js';
import { type RedisServer, redisServerOnPath, startRedisServer } from '../support/redis-server.js';

const TENANT = 't1';
const STREAM = 'JIFEN';
const CALL_DEADLINE_MS = 10_000;

// Both probes run (each warns loudly when its binary is missing; under CI=true a missing one throws).
const haveRedis = redisServerOnPath();
const haveNats = natsServerOnPath();

// Whatever a test started, stopped after it even when it failed half-way.
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(cleanupEngines);

interface Stack {
  redis: RedisServer;
  nats: NatsServer;
  dataDir: string;
  engine: EngineProcess;
  client: PointsClient;
  /** A direct Redis connection, for looking at what the engine wrote. */
  peek: Redis;
  /** Starts the engine again on the same Redis and NATS, on its data dir or the one given (after kill9 or stop). */
  restart(dataDir?: string): Promise<void>;
}

async function startStack(extraEnv: Record<string, string> = {}): Promise<Stack> {
  const redis = await startRedisServer();
  cleanups.push(() => redis.stop());
  const nats = await startNatsServer();
  cleanups.push(() => nats.destroy());
  const dataDir = makeDataDir();
  const env = {
    JIFEN_SHARDS: '2',
    JIFEN_BALANCES: 'redis',
    REDIS_URL: redis.url,
    JIFEN_EVENTS: 'nats',
    NATS_URL: nats.url,
    // The production path (a remote ledger): activation starts from the Redis copy. With the embedded
    // ledger 'auto' would skip it, and these tests are about that copy.
    JIFEN_ACTIVATE_FROM_CACHE: 'always',
    ...extraEnv,
  };
  const peek = new Redis(redis.url, { maxRetriesPerRequest: 3, retryStrategy: () => 50 });
  peek.on('error', () => {}); // it reconnects by itself across restarts
  cleanups.push(() => peek.disconnect());
  const stack = {
    redis,
    nats,
    dataDir,
    peek,
    engine: await startEngine({ dataDir, env, isolateEnv: true }),
  } as Stack;
  stack.client = pointsClient(stack.engine.grpcAddr, { separateConnection: true });
  cleanups.push(() => stack.client.close());
  stack.restart = async (onDir = dataDir) => {
    stack.client.close();
    stack.engine = await startEngine({ dataDir: onDir, env, isolateEnv: true });
    stack.client = pointsClient(stack.engine.grpcAddr, { separateConnection: true });
  };
  return stack;
}

const members = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

/** The member's Redis hash (README "Production backends"): `jifen:<ledger id>:acct:{<tenant>:<member>}`. */
function accountKey(stack: Stack, memberId: string): string {
  const { id } = JSON.parse(readFileSync(join(stack.dataDir, 'layout.json'), 'utf8')) as { id: string };
  return `jifen:${id}:acct:{${TENANT}:${memberId}}`;
}

describe.skipIf(!haveRedis || !haveNats)('engine with JIFEN_BALANCES=redis and JIFEN_EVENTS=nats', () => {
  it('serves GetAccount from the Redis hash after a write, reaching the shard only after the cache was lost', async () => {
    const stack = await startStack();
    const { engine, client, peek, redis } = stack;
    const member = 'cache-m1';
    const ref = { tenant_id: TENANT, member_id: member };
    await client.Earn({ ...ref, idempotency_key: 'e1', order_id: 'o1', amount_minor: 12_345, currency: 'CNY' });

    // Written after the commit and before the reply: the hash is there as soon as Earn answered.
    const hash = await peek.hgetall(accountKey(stack, member));
    expect(hash, `HGETALL ${accountKey(stack, member)}`).toMatchObject({
      seq: '1',
      available: '123',
      lifetime_earned: '123',
      lifetime_redeemed: '0',
    });
    expect(JSON.parse(hash.state)).toMatchObject({ tenantId: TENANT, memberId: member, seq: 1, balance: 123 });

    const shardReads = () => commandCount(engine, 'getAccount');
    const atStart = await shardReads();
    expect((await client.GetAccount(ref)).account).toMatchObject({ balance: 123, seq: 1, lifetime_earned: 123 });
    const afterFirst = await shardReads();
    expect(afterFirst - atStart, 'the first read may go to the shard at most once').toBeLessThanOrEqual(1);
    for (let i = 0; i < 5; i++) {
      expect((await client.GetAccount(ref)).account).toMatchObject({ balance: 123, seq: 1 });
    }
    expect(await shardReads(), 'cache hits do not reach a shard').toBe(afterFirst);

    // A write moves the hash before its reply, so the next read is a hit with the new figures.
    await client.Redeem({ ...ref, idempotency_key: 'r1', points: 23 });
    expect(await peek.hgetall(accountKey(stack, member))).toMatchObject({ seq: '2', available: '100', lifetime_redeemed: '23' });
    const beforeHit = await shardReads();
    expect((await client.GetAccount(ref)).account).toMatchObject({ balance: 100, seq: 2, lifetime_redeemed: 23 });
    expect(await shardReads(), 'read of a fresh write is a cache hit').toBe(beforeHit);

    // Redis restarted empty (a new cache epoch): the shard answers, writes the hash back, then hits again.
    await redis.restartEmpty();
    expect(await peek.exists(accountKey(stack, member))).toBe(0);
    await expectServedFromCacheAgain(engine, client, ref, { balance: 100, seq: 2 });
    expect(await peek.hgetall(accountKey(stack, member)), 'refilled after the restart').toMatchObject({ seq: '2', available: '100' });

    // FLUSHALL keeps the connection (no epoch change): a missing hash is a miss, answered and refilled.
    await redis.flushAll();
    await expectServedFromCacheAgain(engine, client, ref, { balance: 100, seq: 2 });
    expect(await peek.hgetall(accountKey(stack, member)), 'refilled after FLUSHALL').toMatchObject({ seq: '2', available: '100' });

    // An unknown member is NOT_FOUND through the cache path too, and leaves no hash behind.
    await expect(client.GetAccount({ tenant_id: TENANT, member_id: 'nobody' })).rejects.toMatchObject({
      code: grpc.status.NOT_FOUND,
    });
    expect(await peek.exists(accountKey(stack, 'nobody'))).toBe(0);
  });

  it('keeps every balance right when Redis restarts empty and is flushed in the middle of a load', async () => {
    // Few actors per shard: members are passivated and re-activated all the time, from the Redis
    // snapshot plus the ledger entries after it, across the restart and the flush.
    const stack = await startStack({ JIFEN_ACTORS_PER_SHARD: '8' });
    const ids = members('load', 50);
    const load = await runLoad(stack, {
      prefix: 'b',
      clients: 16,
      memberIds: ids,
      durationMs: 3_000,
      readBack: true,
      faults: [
        { atMs: 1_000, run: () => stack.redis.restartEmpty() },
        { atMs: 2_000, run: () => stack.redis.flushAll() },
      ],
      afterFaults: { acks: 200, maxMs: 30_000 },
    });
    const endedAt = load.faultsEndedAt ?? Number.POSITIVE_INFINITY;
    const afterFaults = load.acks.filter((a) => a.at > endedAt).length;
    expect(afterFaults, 'writes acknowledged after the restart and the flush').toBeGreaterThanOrEqual(200);
    expect(load.failures, 'writes do not fail because the cache did').toEqual([]);
    expect(load.staleReads, 'a read after an acknowledged write sees at least that write').toEqual([]);

    const ledgers = await auditAgainstAcks(stack.client, ids, load);
    console.log(`Redis fault load: ${load.acks.length} writes acknowledged, ${load.reads.length} reads, ${ledgers.size} members`);
    // After the audit's GetAccount each hash holds the ledger's latest seq and balance.
    for (const [memberId, { entries, account }] of ledgers) {
      const hash = await stack.peek.hgetall(accountKey(stack, memberId));
      expect({ seq: Number(hash.seq), available: Number(hash.available) }, `Redis hash of ${memberId} after the load`).toEqual({
        seq: entries.length,
        available: account.balance,
      });
    }
  });

  it('delivers every ledger entry exactly once to a JetStream consumer across a nats-server outage under load', async () => {
    const stack = await startStack();
    const ids = members('nats', 50);
    const outage = { stoppedAt: 0, startedAt: 0 };
    const load = await runLoad(stack, {
      prefix: 'c',
      clients: 16,
      memberIds: ids,
      durationMs: 5_000,
      readBack: false,
      faults: [
        {
          atMs: 800,
          run: async () => {
            await stack.nats.stop();
            outage.stoppedAt = Date.now();
            await sleep(3_500);
            await stack.nats.start();
            outage.startedAt = Date.now();
          },
        },
      ],
    });
    expect(outage.startedAt - outage.stoppedAt).toBeGreaterThanOrEqual(3_000);
    expect(load.failures, 'writes do not fail because the event bus is down').toEqual([]);
    const duringOutage = load.acks.filter((a) => a.at > outage.stoppedAt && a.at < outage.startedAt).length;
    expect(duringOutage, 'writes were acknowledged while nats-server was down').toBeGreaterThan(0);

    const ledger = await ledgerEntries(stack.client, ids);
    expectAcksInLedger(load.acks, ledger);
    await expectEveryEntryPublishedOnce(stack.nats, ledger, 20_000);
  });

  it('publishes every acknowledged entry once after kill -9 right after a burst, also when NATS was down', async () => {
    const stack = await startStack();
    const ids = members('burst', 50);
    const acks: Ack[] = [];

    // 1: a burst with NATS up, kill -9 as soon as the last write is acknowledged.
    acks.push(...(await burst(stack.client, 'd1', ids)));
    await stack.engine.kill9();
    await stack.restart();

    // 2: the same with nats-server down during the burst: nothing of it can have been published
    // before the kill, so every one of its events must come from the outbox after the restart.
    await stack.nats.stop();
    const second = await burst(stack.client, 'd2', ids);
    acks.push(...second);
    await stack.engine.kill9();
    await stack.nats.start();
    const beforeRestart = await readStream(stack.nats);
    const publishedEarly = new Set(beforeRestart.events.map(eventKey));
    const unpublished = second.filter((a) => !publishedEarly.has(`${TENANT}/${a.memberId}/${a.seq}`)).length;
    expect(unpublished, 'no event of the second burst reached the stream before the kill').toBe(second.length);
    await stack.restart();

    const ledger = await ledgerEntries(stack.client, ids);
    expectAcksInLedger(acks, ledger);
    expect(ledger.size, 'every write of both bursts was acknowledged and is in the ledger').toBe(acks.length);
    await expectEveryEntryPublishedOnce(stack.nats, ledger, 20_000);
  });

  it('publishes a batch of events with maximum-length fields, and what is committed after it', async () => {
    // Ids, keys and reasons at the lengths the API accepts: one committed shard batch of ~1,500
    // adjusts of one tenant is well over NATS's default 1 MiB max_payload if sent as one message.
    const stack = await startStack();
    const tenant = `T${'t'.repeat(127)}`;
    const long = (prefix: string, i: number) => `${prefix}${String(i).padStart(6, '0')}`.padEnd(128, 'x');
    const memberIds = Array.from({ length: 30 }, (_, i) => long('m', i));
    const commands = Array.from({ length: 3_000 }, (_, i) => ({
      adjust: {
        tenant_id: tenant,
        member_id: memberIds[i % memberIds.length],
        idempotency_key: long('k', i),
        points: 1 + (i % 7),
        reason: 'r'.repeat(256),
        operator: 'o'.repeat(128),
      },
    }));
    const { results } = await stack.client.SubmitBatch({ commands }, { deadline: Date.now() + 30_000 });
    expect(results.filter((r) => r.result !== 'adjust').map((r) => r.error)).toEqual([]);
    // Small writes committed after the big batch (later outbox records on both shards): their events
    // must not be held up behind it.
    await sleep(300);
    const laterIds = members('after-big', 8);
    for (const [i, memberId] of laterIds.entries()) {
      await stack.client.Earn({
        tenant_id: TENANT,
        member_id: memberId,
        idempotency_key: `after-big-${i}`,
        order_id: `o-after-big-${i}`,
        amount_minor: 1_000,
        currency: 'CNY',
      });
    }

    const ledger = new Map<string, Entry>();
    for (const memberId of memberIds) {
      for (const e of await listAllEntries(stack.client, tenant, memberId)) ledger.set(`${tenant}/${memberId}/${e.seq}`, e);
    }
    for (const [key, e] of await ledgerEntries(stack.client, laterIds)) ledger.set(key, e);
    expect(ledger.size).toBe(3_000 + laterIds.length);
    await expectEveryEntryPublishedOnce(stack.nats, ledger, 10_000);
  });

  it('a fresh ledger on the same Redis does not see the accounts another ledger cached there', async () => {
    const stack = await startStack();
    const ref = { tenant_id: TENANT, member_id: 'shared-redis' };
    await stack.client.Earn({ ...ref, idempotency_key: 'e1', order_id: 'o1', amount_minor: 5_000, currency: 'CNY' });
    expect(await stack.engine.stop(), stack.engine.output()).toBe(0);

    await stack.restart(makeDataDir());
    await expect(stack.client.GetAccount(ref), 'unknown to this ledger').rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
    const first = await stack.client.Earn({ ...ref, idempotency_key: 'e1', order_id: 'o1', amount_minor: 700, currency: 'CNY' });
    expect({ seq: first.seq, balance: first.balance }).toEqual({ seq: 1, balance: 7 });
    await auditMember(stack.client, TENANT, ref.member_id);
  });

  it('does not trust a Redis account that is ahead of the ledger (ledger restored from an older copy)', async () => {
    // The cache is only a copy: a ledger that ends earlier than what Redis remembers (restored from a
    // backup, or JIFEN_DURABILITY=os after a power loss) must win, or seqs skip and balances include
    // entries that do not exist.
    const stack = await startStack();
    const member = 'restored';
    const ref = { tenant_id: TENANT, member_id: member };
    const earn = (n: number) =>
      stack.client.Earn({ ...ref, idempotency_key: `e${n}`, order_id: `o${n}`, amount_minor: 100 * n, currency: 'CNY' });
    await earn(1);
    await earn(2);
    expect(await stack.engine.stop(), stack.engine.output()).toBe(0);
    const backup = makeDataDir();
    cpSync(stack.dataDir, backup, { recursive: true });

    await stack.restart();
    await earn(3);
    await earn(4);
    expect(await stack.peek.hget(accountKey(stack, member), 'seq')).toBe('4');
    expect(await stack.engine.stop(), stack.engine.output()).toBe(0);

    // Back to the copy holding seq 1..2 (3 points); Redis still holds seq 4 (10 points).
    await stack.restart(backup);
    const { account } = await stack.client.GetAccount(ref);
    expect.soft({ seq: account.seq, balance: account.balance }, 'GetAccount follows the ledger').toEqual({ seq: 2, balance: 3 });
    const next = await stack.client.Earn({ ...ref, idempotency_key: 'e5', order_id: 'o5', amount_minor: 500, currency: 'CNY' });
    expect.soft({ seq: next.seq, balance: next.balance }, 'the next write continues the ledger').toEqual({ seq: 3, balance: 8 });
    await auditMember(stack.client, TENANT, member);
  });
});

// ---------------------------------------------------------------------------------------------
// Load

interface Ack {
  memberId: string;
  key: string;
  entryId: string;
  seq: number;
  /** Signed points the write moved. */
  points: number;
  balance: number;
  /** When the ack arrived (epoch ms). */
  at: number;
}

interface Read {
  memberId: string;
  seq: number;
  balance: number;
}

interface LoadResult {
  acks: Ack[];
  /** Idempotency keys of every write sent, per member (acknowledged or not). */
  sentKeys: Map<string, Set<string>>;
  reads: Read[];
  /** Write outcomes other than OK and FAILED_PRECONDITION (not enough points). */
  failures: string[];
  staleReads: string[];
  /** When the last injected fault finished (its run resolved). */
  faultsEndedAt?: number;
}

interface LoadOptions {
  prefix: string;
  clients: number;
  memberIds: string[];
  durationMs: number;
  /** After each acknowledged write, read the account back and check it shows at least that write. */
  readBack: boolean;
  faults: { atMs: number; run: () => Promise<unknown> }[];
  /**
   * Keep writing past durationMs until this many writes were acknowledged after the last fault ended,
   * for at most maxMs in all: progress after the faults is shown by a count, not by a rate, which a
   * loaded machine (the whole suite on two cores) may not reach in a fixed time.
   */
  afterFaults?: { acks: number; maxMs: number };
}

/** `clients` concurrent writers (unary Earn and Redeem over random members) for durationMs, with faults injected on time. */
async function runLoad(stack: Stack, options: LoadOptions): Promise<LoadResult> {
  const result: LoadResult = { acks: [], sentKeys: new Map(), reads: [], failures: [], staleReads: [] };
  const clients = Array.from({ length: options.clients }, () => pointsClient(stack.engine.grpcAddr, { separateConnection: true }));
  const started = Date.now();
  const faults = options.faults.map(({ atMs, run }) => sleep(atMs).then(run));
  const faultsOver = Promise.all(faults).then(() => {
    result.faultsEndedAt = Date.now();
  });
  let n = 0;
  const goOn = () => {
    const elapsed = Date.now() - started;
    if (elapsed < options.durationMs) return true;
    const more = options.afterFaults;
    if (!more || elapsed >= more.maxMs) return false;
    const endedAt = result.faultsEndedAt;
    return endedAt === undefined || result.acks.filter((a) => a.at > endedAt).length < more.acks;
  };

  const writer = async (client: PointsClient, c: number) => {
    while (goOn()) {
      const memberId = options.memberIds[Math.floor(Math.random() * options.memberIds.length)];
      const key = `${options.prefix}-${c}-${n++}`;
      const keys = result.sentKeys.get(memberId) ?? new Set<string>();
      result.sentKeys.set(memberId, keys.add(key));
      const ref = { tenant_id: TENANT, member_id: memberId, idempotency_key: key };
      const deadline = Date.now() + CALL_DEADLINE_MS;
      const isEarn = Math.random() < 0.7;
      const amountMinor = 100 + Math.floor(Math.random() * 20_000);
      const redeemPoints = 1 + Math.floor(Math.random() * 50);
      let reply: WriteResponse;
      try {
        reply = isEarn
          ? await client.Earn({ ...ref, order_id: `order-${key}`, amount_minor: amountMinor, currency: 'CNY' }, { deadline })
          : await client.Redeem({ ...ref, points: redeemPoints, reason: 'load' }, { deadline });
      } catch (err) {
        if (isServiceError(err) && err.code === grpc.status.FAILED_PRECONDITION && !isEarn) continue;
        result.failures.push(`${isEarn ? 'Earn' : 'Redeem'} ${memberId} ${key}: ${errorText(err)}`);
        continue;
      }
      const points = isEarn ? Math.floor(amountMinor / 100) : -redeemPoints;
      result.acks.push({ memberId, key, entryId: reply.entry_id, seq: reply.seq, points, balance: reply.balance, at: Date.now() });
      if (!options.readBack) continue;
      try {
        const { account } = await client.GetAccount(
          { tenant_id: TENANT, member_id: memberId },
          { deadline: Date.now() + CALL_DEADLINE_MS },
        );
        result.reads.push({ memberId, seq: account.seq, balance: account.balance });
        if (account.seq < reply.seq || (account.seq === reply.seq && account.balance !== reply.balance)) {
          result.staleReads.push(
            `${memberId} at ${Date.now() - started} ms: wrote seq ${reply.seq} (balance ${reply.balance}), then read seq ${account.seq} (balance ${account.balance})`,
          );
        }
      } catch (err) {
        result.failures.push(`GetAccount ${memberId}: ${errorText(err)}`);
      }
    }
  };

  try {
    await Promise.all([...clients.map((client, c) => writer(client, c)), faultsOver]);
  } finally {
    for (const client of clients) client.close();
  }
  return result;
}

/** 16 concurrent SubmitBatch calls of 100 earns each over the members; every one must be acknowledged. */
async function burst(client: PointsClient, prefix: string, memberIds: string[]): Promise<Ack[]> {
  const calls = Array.from({ length: 16 }, async (_, c) => {
    const commands = Array.from({ length: 100 }, (_, i) => {
      const key = `${prefix}-${c}-${i}`;
      return {
        earn: {
          tenant_id: TENANT,
          member_id: memberIds[(c * 100 + i) % memberIds.length],
          idempotency_key: key,
          order_id: `order-${key}`,
          amount_minor: 100 * (1 + ((c + i) % 50)),
          currency: 'CNY',
        },
      };
    });
    const { results } = await client.SubmitBatch({ commands }, { deadline: Date.now() + CALL_DEADLINE_MS });
    return results.map((r, i): Ack => {
      const earn = commands[i].earn;
      if (r.result !== 'earn' || !r.earn) throw new Error(`${earn.idempotency_key} was not acknowledged: ${JSON.stringify(r.error)}`);
      return {
        memberId: earn.member_id,
        key: earn.idempotency_key,
        entryId: r.earn.entry_id,
        seq: r.earn.seq,
        points: r.earn.points,
        balance: r.earn.balance,
        at: Date.now(),
      };
    });
  });
  return (await Promise.all(calls)).flat();
}

// ---------------------------------------------------------------------------------------------
// Checks

/**
 * Every member's ledger is consistent and agrees with GetAccount (auditMember), holds exactly the
 * acknowledged writes with the figures their replies gave, nothing that was never sent, and every
 * balance a read returned during the load is the ledger's balance at that seq.
 */
async function auditAgainstAcks(
  client: PointsClient,
  memberIds: string[],
  load: LoadResult,
): Promise<Map<string, { entries: Entry[]; account: { balance: number; seq: number } }>> {
  const ledgers = new Map<string, { entries: Entry[]; account: { balance: number; seq: number } }>();
  for (const memberId of memberIds) {
    const ledger = await auditMember(client, TENANT, memberId);
    if (ledger) ledgers.set(memberId, ledger);
  }
  const acksOf = groupBy(load.acks, (a) => a.memberId);
  for (const memberId of memberIds) {
    const acks = acksOf.get(memberId) ?? [];
    const entries = ledgers.get(memberId)?.entries ?? [];
    const account = ledgers.get(memberId)?.account;
    const where = `${TENANT}/${memberId}`;
    for (const ack of acks) {
      const entry = entries[ack.seq - 1];
      expect(
        entry && { entry_id: entry.entry_id, key: entry.idempotency_key, points: entry.points, balance_after: entry.balance_after },
        `${where}: acknowledged write ${ack.key} (seq ${ack.seq}) is in the ledger as answered`,
      ).toEqual({ entry_id: ack.entryId, key: ack.key, points: ack.points, balance_after: ack.balance });
    }
    const sent = load.sentKeys.get(memberId) ?? new Set<string>();
    const unknown = entries.filter((e) => !sent.has(e.idempotency_key)).map((e) => e.idempotency_key);
    expect(unknown, `${where}: ledger entries that were never sent`).toEqual([]);
    if (load.failures.length === 0) {
      // Every write got an answer, so the ledger holds exactly the acknowledged ones.
      expect(account?.seq ?? 0, `${where}: seq = number of acknowledged writes`).toBe(acks.length);
      expect(account?.balance ?? 0, `${where}: balance = sum of acknowledged writes`).toBe(acks.reduce((sum, a) => sum + a.points, 0));
    }
  }
  for (const read of load.reads) {
    const entry = ledgers.get(read.memberId)?.entries[read.seq - 1];
    expect(read.balance, `${read.memberId}: GetAccount during the load showed seq ${read.seq}, balance as the ledger has it`).toBe(
      entry?.balance_after,
    );
  }
  return ledgers;
}

/** (tenant/member/seq) → entry, for every member given. */
async function ledgerEntries(client: PointsClient, memberIds: string[]): Promise<Map<string, Entry>> {
  const all = new Map<string, Entry>();
  for (const memberId of memberIds) {
    let entries: Entry[];
    try {
      entries = await listAllEntries(client, TENANT, memberId);
    } catch (err) {
      if (isServiceError(err) && err.code === grpc.status.NOT_FOUND) continue;
      throw err;
    }
    for (const e of entries) all.set(`${TENANT}/${memberId}/${e.seq}`, e);
  }
  return all;
}

function expectAcksInLedger(acks: Ack[], ledger: Map<string, Entry>): void {
  const missing = acks.filter((a) => ledger.get(`${TENANT}/${a.memberId}/${a.seq}`)?.entry_id !== a.entryId);
  expect(
    missing.map((a) => `${a.memberId}/${a.seq} ${a.key}`),
    'acknowledged writes missing from the ledger',
  ).toEqual([]);
}

interface StreamContent {
  messages: number;
  events: { tenantId: string; memberId: string; seq: number; entryId: string; points: number; balanceAfter: number; event: string }[];
  /** Messages whose subject does not match their envelope. */
  misfiled: string[];
}

const eventKey = (e: { tenantId: string; memberId: string; seq: number }) => `${e.tenantId}/${e.memberId}/${e.seq}`;

/**
 * Polls the stream (a fresh ordered consumer over `jifen.>` each time) until it holds an event for
 * every ledger entry or withinMs passed; then every entry must have exactly one event, matching it.
 */
async function expectEveryEntryPublishedOnce(nats: NatsServer, ledger: Map<string, Entry>, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  let content: StreamContent;
  for (;;) {
    content = await readStream(nats);
    const seen = new Set(content.events.map(eventKey));
    const missing = [...ledger.keys()].filter((k) => !seen.has(k)).length;
    if (missing === 0 || Date.now() > deadline) break;
    await sleep(500);
  }
  expect(content.misfiled, 'every message is on jifen.<tenant>.<event> of its envelope').toEqual([]);
  const counts = new Map<string, number>();
  for (const e of content.events) counts.set(eventKey(e), (counts.get(eventKey(e)) ?? 0) + 1);
  const duplicated = [...counts].filter(([, n]) => n > 1).map(([k, n]) => `${k} ×${n}`);
  expect(duplicated.slice(0, 5).map(short), `events seen more than once (${duplicated.length} in all)`).toEqual([]);
  const missing = [...ledger.keys()].filter((k) => !counts.has(k));
  expect(
    missing.slice(0, 5).map(short),
    `ledger entries without an event after ${withinMs} ms (${missing.length} of ${ledger.size}; first 5 shown)`,
  ).toEqual([]);
  const extra = [...counts.keys()].filter((k) => !ledger.has(k));
  expect(extra.slice(0, 5).map(short), `events of entries that are not in the ledger (${extra.length})`).toEqual([]);
  const wrong = content.events
    .filter((e) => {
      const entry = ledger.get(eventKey(e));
      return entry && (entry.entry_id !== e.entryId || entry.points !== e.points || entry.balance_after !== e.balanceAfter);
    })
    .map(eventKey);
  expect(wrong.slice(0, 5).map(short), `events whose entry id, points or balance differ from the ledger (${wrong.length})`).toEqual([]);
}

/** Keys with 128-character ids shortened for failure messages. */
function short(key: string): string {
  return key.replace(/[^/]{40,}/g, (id) => `${id.slice(0, 12)}…(${id.length})`);
}

/** Every message in the stream, decoded with the engine's codec. */
async function readStream(nats: NatsServer): Promise<StreamContent> {
  const nc: NatsConnection = await connect({ servers: nats.url, maxReconnectAttempts: 5, reconnectTimeWait: 200 });
  try {
    const jsm = await nc.jetstreamManager();
    let total: number;
    try {
      total = (await jsm.streams.info(STREAM)).state.messages;
    } catch {
      return { messages: 0, events: [], misfiled: [] }; // no stream yet
    }
    const consumer = await nc.jetstream().consumers.get(STREAM);
    const content: StreamContent = { messages: 0, events: [], misfiled: [] };
    while (content.messages < total) {
      const before = content.messages;
      for await (const m of await consumer.fetch({ max_messages: Math.min(total - before, 1_000), expires: 5_000 })) {
        content.messages++;
        const envelope = decodeEnvelope(m.data);
        if (m.subject !== `jifen.${envelope.tenantId}.${envelope.event}`) {
          content.misfiled.push(`${m.subject} holds ${envelope.tenantId}/${envelope.event}`);
        }
        for (const e of envelope.events) {
          if (e.tenantId !== envelope.tenantId || e.event !== envelope.event) {
            content.misfiled.push(`${m.subject}: event ${e.entryId} is ${e.tenantId}/${e.event}`);
          }
          content.events.push(e);
        }
      }
      if (content.messages === before) throw new Error(`stream consumer stalled at ${before} of ${total} messages`);
    }
    return content;
  } finally {
    await nc.close();
  }
}

async function expectServedFromCacheAgain(
  engine: EngineProcess,
  client: PointsClient,
  ref: { tenant_id: string; member_id: string },
  expected: { balance: number; seq: number },
): Promise<void> {
  // The first reads after the loss may go to the shard (a miss, or the connection still coming back);
  // every answer is right, and within a few seconds reads are cache hits again.
  const deadline = Date.now() + 10_000;
  let before = await commandCount(engine, 'getAccount');
  let shardReads = 0;
  for (;;) {
    expect((await client.GetAccount(ref)).account).toMatchObject(expected);
    const after = await commandCount(engine, 'getAccount');
    if (after === before) break;
    shardReads += after - before;
    before = after;
    if (Date.now() > deadline) throw new Error(`GetAccount still reached a shard after 10 s (${shardReads} shard reads)`);
    await sleep(50);
  }
  for (let i = 0; i < 3; i++) expect((await client.GetAccount(ref)).account).toMatchObject(expected);
  expect(await commandCount(engine, 'getAccount'), 'hits again once refilled').toBe(before);
}

/** Sum of jifen_commands_total{kind=<kind>} over outcomes: commands that reached a shard. */
async function commandCount(engine: EngineProcess, kind: string): Promise<number> {
  const text = await (await fetch(engine.metricsUrl)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^jifen_commands_total\{([^}]*)\} (\S+)$/.exec(line);
    if (m?.[1].split(',').includes(`kind="${kind}"`)) sum += Number(m[2]);
  }
  return sum;
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k) ?? [];
    list.push(item);
    out.set(k, list);
  }
  return out;
}

function errorText(err: unknown): string {
  if (isServiceError(err)) return `${grpc.status[err.code]}: ${err.details}`;
  return err instanceof Error ? err.message : String(err);
}
