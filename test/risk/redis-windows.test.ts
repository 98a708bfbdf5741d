// The Redis windows against a real redis-server (the Lua script mirrors InProcessWindows), and what
// a reservation does when Redis goes away and comes back.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisWindows } from '../../src/risk/redis-windows.js';
import { SharedWindowsUnavailable } from '../../src/risk/shared-windows.js';
import { InProcessWindows } from '../../src/risk/shared-windows.js';
import {
  type RedisClusterServers,
  type RedisServer,
  redisServerOnPath,
  startRedisCluster,
  startRedisServer,
} from '../support/redis-server.js';
import { requestOf, sharedWindowsContract } from './shared-windows.contract.js';

const available = redisServerOnPath();
let server: RedisServer;

describe.skipIf(!available)('Redis windows', () => {
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => server?.stop());

  sharedWindowsContract('redis', async () => {
    const windows = RedisWindows.standalone(server.url);
    await windows.ready();
    return { windows, prefix: 'jifen:test:risk:{acme}:', close: () => windows.close() };
  });

  it('a reservation fails with SharedWindowsUnavailable while Redis is down', async () => {
    const own = await startRedisServer();
    const windows = RedisWindows.standalone(own.url);
    await windows.ready();
    const request = requestOf(Date.now(), [[{ counter: 'jifen:t:risk:{acme}:outage', maxCount: 5 }]]);
    await windows.reserve(request);
    await own.stop();
    await expect(windows.reserve(request)).rejects.toBeInstanceOf(SharedWindowsUnavailable);
    await windows.close();
  });

  it('reconnects by itself after Redis restarted (empty)', async () => {
    const windows = RedisWindows.standalone(server.url);
    await windows.ready();
    const request = requestOf(Date.now(), [[{ counter: 'jifen:t:risk:{acme}:restart', maxCount: 5 }]]);
    await windows.reserve(request);
    await server.restartEmpty();
    const deadline = Date.now() + 10_000;
    let reply: number[] | undefined;
    while (!reply && Date.now() < deadline) {
      reply = await windows.reserve(request).catch(() => undefined);
      if (!reply) await new Promise((r) => setTimeout(r, 100));
    }
    // Admitted, and the window is empty again: the count before it is 0.
    expect(reply?.slice(0, 3)).toEqual([0, 0, 0]);
    await windows.close();
  });
});

describe.skipIf(!available)('Redis Cluster windows', () => {
  let cluster: RedisClusterServers;

  beforeAll(async () => {
    cluster = await startRedisCluster(3);
  });
  afterAll(async () => cluster?.stop());

  sharedWindowsContract('redis cluster', async () => {
    const windows = RedisWindows.cluster(cluster.nodes);
    await windows.ready();
    return { windows, prefix: 'jifen:test:risk:{acme}:', close: () => windows.close() };
  });

  it('answers a batch of several tenants (one script per hash tag) as one store would', async () => {
    const windows = RedisWindows.cluster(cluster.nodes);
    await windows.ready();
    const now = Date.now();
    const key = (tenant: string) => `jifen:mix:risk:{${tenant}-${now}}:earn:device:minute:d1`;
    const commands = [0, 1, 2, 3, 4, 5, 6].map((i) => [
      { counter: key(['a', 'b', 'c'][i % 3]), maxCount: 2 },
      { distinct: `jifen:mix:risk:{${['a', 'b', 'c'][i % 3]}-${now}}:members:hour:d1`, member: `m${i}`, windowMs: 3_600_000 },
    ]);
    const request = requestOf(now, commands);
    expect(await windows.reserve(request)).toEqual(await new InProcessWindows().reserve(request));
    windows.settle({
      keys: [key('a'), key('b')],
      values: [0, 60_000, Math.floor(now / 5_000), -1, 0, 1, 60_000, Math.floor(now / 5_000), -1, 0],
    });
    const again = requestOf(now, [[{ counter: key('a') }], [{ counter: key('b') }], [{ counter: key('c') }]]);
    expect((await windows.reserve(again)).filter((_, i) => i % 4 === 2)).toEqual([1, 1, 2]);
    await windows.close();
  });
});
