// Many clients on their own connections write to the same few members at once. Single writer per
// member means: every acknowledged write is in the ledger exactly once, seq has no gaps, balances
// chain, and nothing a client was not told about appears.

import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EngineProcess, cleanupEngines, startEngine } from '../support/engine-process.js';
import { auditMember } from '../support/ledger-audit.js';
import { type PointsClient, isServiceError, pointsClient } from '../support/points-client.js';

const TENANT = 'concurrency';
const CLIENTS = 32;
const MEMBERS = Array.from({ length: 20 }, (_, i) => `member-${i}`);
const CALLS_PER_CLIENT = 60;

interface Acknowledged {
  points: number;
  writes: number;
  keys: Set<string>;
}

afterAll(cleanupEngines);

describe('32 concurrent clients hammering 20 members', () => {
  let engine: EngineProcess;
  let clients: PointsClient[];

  beforeAll(async () => {
    engine = await startEngine({ env: { JIFEN_SHARDS: '4' } });
    clients = Array.from({ length: CLIENTS }, () => pointsClient(engine.grpcAddr, { separateConnection: true }));
  });
  afterAll(async () => {
    for (const c of clients ?? []) c.close();
    if (engine) expect(await engine.stop()).toBe(0);
  });

  it('every member ends with balance = acknowledged earns − redeems, seq = acknowledged writes, and a gapless chained ledger', async () => {
    const acked = new Map<string, Acknowledged>(MEMBERS.map((m) => [m, { points: 0, writes: 0, keys: new Set() }]));
    const refusals = new Map<string, number>();

    await Promise.all(
      clients.map(async (client, c) => {
        for (let i = 0; i < CALLS_PER_CLIENT; i++) {
          const memberId = MEMBERS[(c * 7 + i * 13) % MEMBERS.length];
          const key = `c${c}-i${i}`;
          const base = { tenant_id: TENANT, member_id: memberId, idempotency_key: key };
          try {
            // Two earns for each redeem, so redeems sometimes succeed and sometimes find too few points.
            if (i % 3 === 2) {
              const points = 1 + ((c + i) % 40);
              await client.Redeem({ ...base, points, reason: 'race' });
              record(acked.get(memberId) as Acknowledged, key, -points);
            } else {
              const res = await client.Earn({
                ...base,
                order_id: `order-${key}`,
                amount_minor: 100 * (1 + ((c * 31 + i) % 50)),
                currency: 'CNY',
              });
              record(acked.get(memberId) as Acknowledged, key, res.points);
            }
          } catch (err) {
            if (!isServiceError(err) || err.code !== grpc.status.FAILED_PRECONDITION) throw err;
            refusals.set(memberId, (refusals.get(memberId) ?? 0) + 1);
          }
        }
      }),
    );

    const totalWrites = [...acked.values()].reduce((n, a) => n + a.writes, 0);
    const totalRefusals = [...refusals.values()].reduce((n, r) => n + r, 0);
    expect(totalWrites + totalRefusals).toBe(CLIENTS * CALLS_PER_CLIENT);

    for (const memberId of MEMBERS) {
      const expected = acked.get(memberId) as Acknowledged;
      const ledger = await auditMember(clients[0], TENANT, memberId);
      expect(ledger, `${memberId} has an account`).toBeDefined();
      expect(ledger?.account.balance, `${memberId} balance`).toBe(expected.points);
      expect(ledger?.account.seq, `${memberId} seq`).toBe(expected.writes);
      expect(new Set(ledger?.entries.map((e) => e.idempotency_key)), `${memberId} entries`).toEqual(expected.keys);
      expect(ledger?.account.balance, `${memberId} never goes negative through redeems`).toBeGreaterThanOrEqual(0);
    }
  });
});

function record(a: Acknowledged, key: string, points: number): void {
  a.points += points;
  a.writes += 1;
  a.keys.add(key);
}
