// 积分审计 against a real engine with its accounts in Redis: a copy corrupted behind the engine's back
// (the copy GetAccount serves) is found by AuditLedger and rewritten when asked; the online reconciler
// finds and repairs one by itself and counts it in jifen_reconcile_mismatches_total.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient } from '../support/admin-client.js';
import { type EngineProcess, cleanupEngines, makeDataDir, startEngine } from '../support/engine-process.js';
import { pointsClient } from '../support/points-client.js';
import { type RedisServer, redisServerOnPath, startRedisServer } from '../support/redis-server.js';
import { eventually } from '../support/waiting.js';

const TENANT = 'audit';

afterAll(cleanupEngines);

describe.skipIf(!redisServerOnPath())('the audit finds a corrupted Redis copy', () => {
  let redis: RedisServer;
  let client: Redis;

  beforeAll(async () => {
    redis = await startRedisServer();
    client = new Redis(redis.url);
  });

  afterAll(async () => {
    client.disconnect();
    await redis.stop();
  });

  /** Adds 1,000 points to the first lot of the member's cached state (its seq unchanged). */
  async function corrupt(dataDir: string, memberId: string): Promise<void> {
    const { id } = JSON.parse(readFileSync(join(dataDir, 'layout.json'), 'utf8')) as { id: string };
    const key = `jifen:${id}:acct:{${TENANT}:${memberId}}`;
    const state = JSON.parse((await client.hget(key, 'state')) as string);
    state.lots[0].points += 1_000;
    state.balance += 1_000;
    await client.hset(key, 'state', JSON.stringify(state));
  }

  async function seed(engine: EngineProcess, members: string[]): Promise<void> {
    const points = pointsClient(engine.grpcAddr);
    for (const [i, memberId] of members.entries()) {
      await points.Earn({
        tenant_id: TENANT,
        member_id: memberId,
        idempotency_key: `e-${memberId}`,
        order_id: `o-${memberId}`,
        amount_minor: 10_000 * (i + 1),
        currency: 'CNY',
      });
    }
    points.close();
  }

  async function balance(engine: EngineProcess, memberId: string): Promise<number> {
    const points = pointsClient(engine.grpcAddr);
    try {
      return (await points.GetAccount({ tenant_id: TENANT, member_id: memberId })).account.balance;
    } finally {
      points.close();
    }
  }

  it('AuditLedger names the member, rewrites the copy when asked, and is clean after', async () => {
    const dataDir = makeDataDir();
    const engine = await startEngine({
      dataDir,
      isolateEnv: true,
      env: { JIFEN_SHARDS: '2', JIFEN_BALANCES: 'redis', REDIS_URL: redis.url },
    });
    const admin = adminClient(engine.grpcAddr);
    try {
      await seed(engine, ['m-1', 'm-2', 'm-3']);
      expect(await admin.AuditLedger({ tenant_id: TENANT })).toMatchObject({ ok: true, checked: 3, mismatches: [] });
      await corrupt(dataDir, 'm-2');
      expect(await balance(engine, 'm-2'), 'GetAccount serves the corrupted copy').toBe(1_200);

      const found = await admin.AuditLedger({ tenant_id: TENANT });
      expect(found.ok).toBe(false);
      expect(found.mismatches.map((m) => [m.kind, m.member_id])).toEqual([['cache_differs', 'm-2']]);
      expect(found.mismatch_counts).toEqual({ cache_differs: 1 });
      // The ledger itself is right: the roll-forward still ties out.
      expect(found.tie_out).toMatchObject([{ tenant_id: TENANT, members: 3, outstanding: 600, roll_forward_closing: 600 }]);

      expect(await admin.AuditLedger({ tenant_id: TENANT, repair_cache: true })).toMatchObject({ ok: false, repaired: 1 });
      expect(await admin.AuditLedger({ tenant_id: TENANT })).toMatchObject({ ok: true, checked: 3 });
      expect(await balance(engine, 'm-2')).toBe(200);
    } finally {
      admin.close();
      expect(await engine.stop()).toBe(0);
    }
  });

  it('the online reconciler repairs a corrupted copy by itself and counts it', async () => {
    const dataDir = makeDataDir();
    const engine = await startEngine({
      dataDir,
      isolateEnv: true,
      env: { JIFEN_SHARDS: '2', JIFEN_BALANCES: 'redis', REDIS_URL: redis.url, JIFEN_HOUSEKEEPING_INTERVAL_MS: '300' },
    });
    try {
      await seed(engine, ['r-1', 'r-2']);
      await corrupt(dataDir, 'r-1');
      await eventually('the reconciler counts the mismatch', async () =>
        (await metric(engine, 'jifen_reconcile_mismatches_total{kind="cache_differs"}')) >= 1 ? true : undefined,
      );
      expect(await metric(engine, 'jifen_reconcile_checked_total')).toBeGreaterThanOrEqual(2);
      await eventually('the copy is right again', async () => ((await balance(engine, 'r-1')) === 100 ? true : undefined));
    } finally {
      expect(await engine.stop()).toBe(0);
    }
  });
});

async function metric(engine: EngineProcess, series: string): Promise<number> {
  const text = await (await fetch(engine.metricsUrl)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.split(' ').pop()) : 0;
}
