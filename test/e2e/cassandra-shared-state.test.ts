// Two engine processes on one Cassandra keyspace, one after the other, each with its own (empty) data
// directory: the second decides with the program, the catalog and the layout the first stored, because
// they live in the keyspace, not in a node's data directory. (The cassandra project only.)

import { status } from '@grpc/grpc-js';
import { afterAll, describe, expect, it } from 'vitest';
import { keyspaceOf } from '../support/cassandra-engines.js';
import { cleanupEngines, makeDataDir, startEngine, startEngineExpectingExit } from '../support/engine-process.js';
import { failureOf } from '../support/expect-grpc.js';
import { uniq } from '../support/ids.js';
import { type EarnRequest, pointsClient } from '../support/points-client.js';
import { type Msg, rewardsAdminClient } from '../support/rewards-client.js';

const TENANT = 'shared-state';
const PROGRAM = 'name: shared state\nbase_rate: { points: 3, per_minor: 100 }\n';

afterAll(cleanupEngines);

describe('two engines on one keyspace, one after the other', () => {
  it('the second engine earns under the first one’s program version, lists its reward, keeps its ledger and refuses another shard count', async () => {
    const firstDir = makeDataDir();
    const first = await startEngine({ dataDir: firstDir, env: { JIFEN_SHARDS: '2' } });
    const keyspace = await keyspaceOf(firstDir);
    const rewardId = uniq('cup');
    const memberId = uniq('m');
    {
      const admin = rewardsAdminClient(first.grpcAddr);
      const client = pointsClient(first.grpcAddr);
      expect(await admin.PutProgram({ tenant_id: TENANT, document: PROGRAM })).toMatchObject({ version: 1 });
      const reward: Msg = { reward_id: rewardId, name: 'Cup 杯', kind: 'REWARD_KIND_COUPON', points: 500, stock: 7 };
      expect((await admin.PutReward({ tenant_id: TENANT, reward })).reward).toMatchObject({ version: 1 });
      const earned = await client.Earn(earnRequest(memberId, 10_000));
      expect(earned).toMatchObject({ points: 300, program_version: 1 });
      admin.close();
      client.close();
      expect(await first.stop(), first.output()).toBe(0);
    }

    // Another data directory, the same keyspace: nothing of the first engine's directory is read.
    const secondDir = makeDataDir();
    const onKeyspace = { CASSANDRA_KEYSPACE: keyspace };
    const refused = await startEngineExpectingExit({ dataDir: secondDir, env: { ...onKeyspace, JIFEN_SHARDS: '3' } }, 60_000);
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain(`JIFEN_SHARDS=3 but the data in keyspace ${keyspace} was written with 2 shards`);

    const second = await startEngine({ dataDir: secondDir, env: onKeyspace });
    const admin = rewardsAdminClient(second.grpcAddr);
    const client = pointsClient(second.grpcAddr);
    try {
      expect(await client.Earn(earnRequest(memberId, 20_000))).toMatchObject({ points: 600, program_version: 1 });
      expect((await client.GetAccount({ tenant_id: TENANT, member_id: memberId })).account).toMatchObject({ balance: 900 });
      const listed = ((await admin.ListRewards({ tenant_id: TENANT })).rewards as Msg[]).map((r) => [r.reward_id, r.version, r.stock]);
      expect(listed).toEqual([[rewardId, 1, 7]]);
      const conflict = await failureOf(admin.PutProgram({ tenant_id: TENANT, document: PROGRAM, expected_version: 0 }));
      expect(conflict.code, 'the second engine knows version 1 exists').toBe(status.FAILED_PRECONDITION);
    } finally {
      admin.close();
      client.close();
      expect(await second.stop(), second.output()).toBe(0);
    }
  });
});

function earnRequest(memberId: string, amountMinor: number): EarnRequest {
  return {
    tenant_id: TENANT,
    member_id: memberId,
    idempotency_key: uniq('k'),
    order_id: uniq('o'),
    amount_minor: amountMinor,
    currency: 'CNY',
  };
}
