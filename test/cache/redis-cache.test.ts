// RedisBalanceCache against real redis-server processes: round trips, the seq guard, batching,
// an empty restart, fail-fast when Redis is down or stuck, and a 3-node Cluster with the same code.

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MemberState, emptyState } from '../../src/actor/state.js';
import type { CachedAccount } from '../../src/cache/balance-cache.js';
import { BalanceCacheError, RedisBalanceCache, accountKey } from '../../src/cache/redis-cache.js';
import {
  type RedisClusterServers,
  type RedisServer,
  redisServerOnPath,
  startRedisCluster,
  startRedisServer,
} from '../support/redis-server.js';
import { startDelayProxy } from './delay-proxy.js';

const describeRedis = redisServerOnPath() ? describe : describe.skip;

describeRedis('RedisBalanceCache on a standalone redis-server', () => {
  let server: RedisServer;
  let cache: RedisBalanceCache;
  let raw: Redis;

  beforeAll(async () => {
    server = await startRedisServer();
    cache = RedisBalanceCache.standalone(server.url);
    await cache.ready();
    raw = new Redis(server.url);
  });

  afterAll(async () => {
    raw?.disconnect();
    await cache?.close();
    await server?.stop();
  });

  it('returns the full member state that was put, with held, tier and epoch', async () => {
    const put = account('t1', 'round-trip', 7, { held: 30, tier: 'gold', epoch: 'e1' });
    put.state.lots = [
      { expiresAt: 1_900_000_000_000, points: 120, availableAt: 0 },
      { expiresAt: 0, points: 5, availableAt: 1_800_000_000_000 },
    ];
    put.state.debt = 3;
    await cache.putAccounts([put]);
    expect(await cache.getAccounts([ref('t1', 'round-trip')])).toEqual([put]);
  });

  it('answers undefined for a member it has never seen, in the order of the refs', async () => {
    await cache.putAccounts([account('t1', 'known', 1)]);
    const got = await cache.getAccounts([ref('t1', 'never-seen'), ref('t1', 'known'), ref('t2', 'known')]);
    expect(got.map((a) => a?.state.seq)).toEqual([undefined, 1, undefined]);
  });

  it('keeps one hash per member under the {tenant:member} hash tag, with the documented fields', async () => {
    expect(accountKey(ref('acme', 'm-42'))).toBe('jifen:acct:{acme:m-42}');
    await cache.putAccounts([account('acme', 'm-42', 3, { held: 2, tier: 'silver', epoch: 'e1' })]);
    const hash = await raw.hgetall('jifen:acct:{acme:m-42}');
    expect(hash).toMatchObject({
      seq: '3',
      epoch: 'e1',
      available: '300',
      held: '2',
      tier: 'silver',
      lifetime_earned: '310',
      lifetime_redeemed: '10',
    });
    expect(JSON.parse(hash.state).seq).toBe(3);
  });

  // Each row: what the cache holds, then the accounts of one putAccounts call, then the seq and epoch that win.
  const guardTable: { name: string; stored?: [number, string]; put: [number, string][]; wins: [number, string] }[] = [
    { name: 'a first write is stored', put: [[5, 'e1']], wins: [5, 'e1'] },
    { name: 'a newer seq overwrites', stored: [5, 'e1'], put: [[6, 'e1']], wins: [6, 'e1'] },
    { name: 'an equal seq under the same epoch does not overwrite', stored: [5, 'e1'], put: [[5, 'e1']], wins: [5, 'e1'] },
    { name: 'an older seq does not overwrite', stored: [5, 'e1'], put: [[4, 'e1']], wins: [5, 'e1'] },
    { name: 'an older seq under a new epoch does not overwrite', stored: [5, 'e1'], put: [[4, 'e2']], wins: [5, 'e1'] },
    { name: 'an equal seq under a new epoch re-stamps the epoch', stored: [5, 'e1'], put: [[5, 'e2']], wins: [5, 'e2'] },
    {
      name: 'newer then older in one put: the newer stays',
      put: [
        [6, 'e1'],
        [5, 'e1'],
      ],
      wins: [6, 'e1'],
    },
    {
      name: 'older then newer in one put: the newer wins',
      put: [
        [5, 'e1'],
        [6, 'e1'],
      ],
      wins: [6, 'e1'],
    },
  ];
  it.each(guardTable)('seq guard: $name', async ({ name, stored, put, wins }) => {
    const member = `guard-${name.replaceAll(/[^a-z]/g, '')}`;
    // The balance marks which write landed: an overwrite by the same seq would change it.
    const version = (seq: number, epoch: string, marker: number) => {
      const a = account('t1', member, seq, { epoch });
      a.state.balance = marker;
      return a;
    };
    if (stored) await cache.putAccounts([version(stored[0], stored[1], -1)]);
    await cache.putAccounts(put.map(([seq, epoch], i) => version(seq, epoch, i)));
    const [got] = await cache.getAccounts([ref('t1', member)]);
    expect([got?.state.seq, got?.epoch]).toEqual(wins);
    const storedWins = stored !== undefined && stored[0] === wins[0] && stored[1] === wins[1];
    const expectedMarker = storedWins ? -1 : put.findIndex(([s, e]) => s === wins[0] && e === wins[1]);
    expect(got?.state.balance).toBe(expectedMarker);
  });

  it('reads an unparsable or foreign entry as a miss, so the caller rebuilds from the ledger', async () => {
    await raw.hset(accountKey(ref('t1', 'garbled')), { seq: '1', state: '{not json', held: '0', tier: '', epoch: 'e1' });
    const other = account('t1', 'someone-else', 1);
    await raw.hset(accountKey(ref('t1', 'foreign')), { seq: '1', state: JSON.stringify(other.state), held: '0', tier: '', epoch: 'e1' });
    await raw.hset(accountKey(ref('t1', 'no-state')), { seq: '1', held: '0', tier: '', epoch: 'e1' });
    expect(await cache.getAccounts([ref('t1', 'garbled'), ref('t1', 'foreign'), ref('t1', 'no-state')])).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('puts and gets 1,000 members in one call, each in one round trip', async () => {
    const delayMs = 500;
    const proxy = await startDelayProxy(server.port, delayMs);
    const slow = RedisBalanceCache.standalone(`redis://127.0.0.1:${proxy.port}`);
    try {
      await slow.ready();
      const accounts = Array.from({ length: 1000 }, (_, i) => account('bulk', `m${i}`, i + 1));
      let started = performance.now();
      await slow.putAccounts(accounts);
      const putMs = performance.now() - started;
      started = performance.now();
      const got = await slow.getAccounts(accounts.map((a) => a.state));
      const getMs = performance.now() - started;
      expect(got).toEqual(accounts);
      // Every round trip costs ≥ delayMs through the proxy: under 2 × delayMs means exactly one.
      expect(putMs).toBeGreaterThan(0.9 * delayMs);
      expect(putMs).toBeLessThan(2 * delayMs);
      expect(getMs).toBeLessThan(2 * delayMs);
    } finally {
      await slow.close();
      await proxy.close();
    }
  });

  it('after Redis restarts empty, reports the lost connection once; reads miss, writes work again', async () => {
    const member = ref('t1', 'survivor');
    let lost = 0;
    cache.onConnectionLost(() => lost++);
    await cache.putAccounts([account('t1', 'survivor', 9)]);
    await server.restartEmpty();
    expect(await eventually(() => cache.getAccounts([member]))).toEqual([undefined]);
    expect(lost).toBe(1);
    // A fresh connection must load the script again (EVAL, then EVALSHA): the put must not fail on NOSCRIPT.
    await cache.putAccounts([account('t1', 'survivor', 10)]);
    expect((await cache.getAccounts([member]))[0]?.state.seq).toBe(10);
  });

  it('loads the script again after SCRIPT FLUSH on a live connection', async () => {
    await raw.script('FLUSH');
    await cache.putAccounts([account('t1', 'after-flush', 2)]);
    expect((await cache.getAccounts([ref('t1', 'after-flush')]))[0]?.state.seq).toBe(2);
  });
});

describeRedis('RedisBalanceCache when Redis is down or stuck', () => {
  it('rejects putAccounts within moments once the server is gone, and does not hang', async () => {
    const server = await startRedisServer();
    const cache = RedisBalanceCache.standalone(server.url);
    try {
      await cache.ready();
      await server.stop();
      const started = performance.now();
      await expect(cache.putAccounts([account('t1', 'm1', 1)])).rejects.toBeInstanceOf(BalanceCacheError);
      await expect(cache.getAccounts([ref('t1', 'm1')])).rejects.toBeInstanceOf(BalanceCacheError);
      expect(performance.now() - started).toBeLessThan(2_000);
    } finally {
      await cache.close();
    }
  });

  it('ready() rejects naming the URL when nothing listens there', async () => {
    const server = await startRedisServer();
    await server.stop(); // a port that was just free and is now closed
    const cache = RedisBalanceCache.standalone(server.url);
    try {
      await expect(cache.ready()).rejects.toThrow(`Redis at ${server.url} is not reachable`);
      await expect(cache.putAccounts([account('t1', 'm1', 1)])).rejects.toBeInstanceOf(BalanceCacheError);
    } finally {
      await cache.close();
    }
  });

  it('rejects after commandTimeoutMs when Redis accepts but does not answer', async () => {
    const server = await startRedisServer();
    const proxy = await startDelayProxy(server.port, 0);
    const cache = RedisBalanceCache.standalone(`redis://127.0.0.1:${proxy.port}`, { commandTimeoutMs: 300 });
    try {
      await cache.ready();
      proxy.setDelay(30_000); // connected, then every reply arrives far too late
      const started = performance.now();
      await expect(cache.putAccounts([account('t1', 'm1', 1)])).rejects.toBeInstanceOf(BalanceCacheError);
      expect(performance.now() - started).toBeLessThan(2_000);
    } finally {
      await cache.close();
      await proxy.close();
      await server.stop();
    }
  });
});

describeRedis('RedisBalanceCache on a 3-node Redis Cluster', () => {
  let cluster: RedisClusterServers;
  let cache: RedisBalanceCache;

  beforeAll(async () => {
    cluster = await startRedisCluster(3);
    cache = RedisBalanceCache.cluster(cluster.nodes);
    await cache.ready();
  });

  afterAll(async () => {
    await cache?.close();
    await cluster?.stop();
  });

  it('puts and gets 1,000 members spread over every node with the same code', async () => {
    const accounts = Array.from({ length: 1000 }, (_, i) => account(`t${i % 7}`, `m${i}`, i + 1));
    await cache.putAccounts(accounts);
    expect(await cache.getAccounts(accounts.map((a) => a.state))).toEqual(accounts);
    // Each node really holds some of them: the batch was split per node, not sent to one.
    const counts = await Promise.all(cluster.nodes.map((n) => withRaw(n, (c) => c.dbsize())));
    expect(counts.every((n) => n > 0)).toBe(true);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1000);
  });

  it('applies the seq guard on the node that owns the member', async () => {
    await cache.putAccounts([account('t1', 'guarded', 6), account('t1', 'guarded', 5)]);
    expect((await cache.getAccounts([ref('t1', 'guarded')]))[0]?.state.seq).toBe(6);
  });

  it('reports a lost connection to any one node', async () => {
    let lost = 0;
    cache.onConnectionLost(() => lost++);
    await withRaw(cluster.nodes[1], (c) => c.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes'));
    await eventually(async () => expect(lost).toBeGreaterThan(0));
    // The Cluster reconnects by itself and serves that node's members again.
    await eventually(() => cache.putAccounts([account('t1', 'after-kill', 1)]));
  });

  it('hashes the key by its {tenant:member} tag', async () => {
    const [slotOfKey, slotOfTag] = await withRaw(cluster.nodes[0], (c) =>
      Promise.all([c.call('CLUSTER', 'KEYSLOT', accountKey(ref('acme', 'm-42'))), c.call('CLUSTER', 'KEYSLOT', 'acme:m-42')]),
    );
    expect(slotOfKey).toBe(slotOfTag);
  });
});

function ref(tenantId: string, memberId: string) {
  return { tenantId, memberId };
}

function account(tenantId: string, memberId: string, seq: number, extra: Partial<Omit<CachedAccount, 'state'>> = {}): CachedAccount {
  const state: MemberState = {
    ...emptyState(tenantId, memberId),
    seq,
    balance: seq * 100,
    lots: [{ expiresAt: 0, points: seq * 100, availableAt: 0 }],
    lifetimeEarned: seq * 100 + 10,
    lifetimeRedeemed: 10,
  };
  return { state, held: 0, tier: '', epoch: 'e1', ...extra };
}

/** Retries while the client is still noticing the restart and reconnecting. */
async function eventually<T>(attempt: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

async function withRaw<T>(node: string, use: (c: Redis) => Promise<T>): Promise<T> {
  const c = new Redis(`redis://${node}`);
  try {
    return await use(c);
  } finally {
    c.disconnect();
  }
}
