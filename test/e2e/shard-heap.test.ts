// A shard thread with a bounded heap (JIFEN_SHARD_HEAP_MB) keeps as many member actors as fit: far more
// members than its heap can hold as actors are touched (each ~1 KB live after one earn; 120,000 of them
// against a 64-MiB heap and an actor limit of 1,000,000), every write is acknowledged, the thread lives,
// it holds fewer actors than members, and the passivated members come back exactly from the ledger.
// Without the budget the same load runs the thread out of memory (checked once by switching it off).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EngineProcess, cleanupEngines, startEngine } from '../support/engine-process.js';
import { type Command, type PointsClient, pointsClient } from '../support/points-client.js';

const TENANT = 'heap';
const MEMBERS = 120_000;
const BATCH = 500;

describe('a shard thread with a bounded heap', () => {
  let engine: EngineProcess;
  let client: PointsClient;

  beforeAll(async () => {
    engine = await startEngine({
      env: { JIFEN_SHARDS: '1', JIFEN_SHARD_HEAP_MB: '64', JIFEN_ACTORS_PER_SHARD: '1000000' },
      isolateEnv: true,
    });
    client = pointsClient(engine.grpcAddr);
  });
  afterAll(async () => {
    client?.close();
    await cleanupEngines();
  });

  it(`touches ${MEMBERS.toLocaleString('en')} members with every write acknowledged, keeps fewer actors, and re-activates the others exactly`, async () => {
    let acknowledged = 0;
    const failures = new Map<string, number>();
    for (let from = 0; from < MEMBERS; from += BATCH * 4) {
      // Four batches in flight, 500 members each, one earn of (1 + i mod 7) yuan per member.
      const calls = [0, 1, 2, 3].map(async (k) => {
        const commands: Command[] = [];
        for (let i = from + k * BATCH; i < Math.min(MEMBERS, from + (k + 1) * BATCH); i++) {
          commands.push({
            earn: {
              tenant_id: TENANT,
              member_id: `m${i}`,
              idempotency_key: `heap-${i}`,
              order_id: `o-${i}`,
              amount_minor: 100 * (1 + (i % 7)),
              currency: 'CNY',
            },
          });
        }
        if (commands.length === 0) return;
        const { results } = await client.SubmitBatch({ commands }, { deadline: Date.now() + 60_000 });
        for (const r of results) {
          if (r.result === 'earn') acknowledged++;
          else failures.set(r.error?.status ?? 'unknown', (failures.get(r.error?.status ?? 'unknown') ?? 0) + 1);
        }
      });
      await Promise.all(calls);
    }
    expect(Object.fromEntries(failures), `refused items; engine output:\n${engine.output().slice(-2000)}`).toEqual({});
    expect(acknowledged).toBe(MEMBERS);

    const metrics = await (await fetch(engine.metricsUrl)).text();
    const active = Number(/^jifen_active_actors\{shard="0"\} (\d+)/m.exec(metrics)?.[1]);
    expect(active, 'actors held by the shard').toBeLessThan(MEMBERS);
    expect(engine.output()).toMatch(/keeping at most \d+ actors per shard/);

    // The first members were passivated long ago: their accounts come back from the ledger, exact.
    for (const i of [0, 1, 2, 3, 500, 7_777, 60_001, MEMBERS - 1]) {
      const { account } = await client.GetAccount({ tenant_id: TENANT, member_id: `m${i}` });
      expect(account.balance, `m${i}`).toBe(1 + (i % 7));
    }
  }, 180_000);
});
