// 防刷 end to end, over a real gRPC socket against real engine processes: a device farming check-ins
// and earns across 50 members trips the device limits; a stolen account is stopped draining its
// points; a referral ring's rewards are held and listed for review; approving and rejecting move the
// points as stated, with operator and reason on the ledger; with Redis (a real redis-server) the
// limits hold across shards, and when Redis is stopped mid-test each engine follows its policy.

import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PROTO, LOADER_OPTIONS, POINTS_PROTO } from '../../src/contract/proto.js';
import { type AdminClient, adminClient } from '../support/admin-client.js';
import { type EngineProcess, cleanupEngines, startEngine } from '../support/engine-process.js';
import { failureOf } from '../support/expect-grpc.js';
import { uniq } from '../support/ids.js';
import { type PointsClient, pointsClient, pointsServiceChannel, promisedClient } from '../support/points-client.js';
import { type RedisServer, redisServerOnPath, startRedisServer } from '../support/redis-server.js';
import { eventually } from '../support/waiting.js';

afterAll(cleanupEngines);

interface Reply {
  entry_id: string;
  points: number;
  balance: number;
  seq: number;
  pending?: number;
  review_rule?: string;
}

interface RiskClient {
  Earn(req: Record<string, unknown>): Promise<Reply>;
  Redeem(req: Record<string, unknown>): Promise<Reply>;
  Reverse(req: Record<string, unknown>): Promise<Reply>;
  Adjust(req: Record<string, unknown>): Promise<Reply>;
  Enroll(req: Record<string, unknown>): Promise<Reply>;
  RecordActivity(req: Record<string, unknown>): Promise<Reply>;
  GetAccount(req: Record<string, unknown>): Promise<{ account: { balance: number; pending: number } }>;
  ListEntries(
    req: Record<string, unknown>,
  ): Promise<{ entries: { type: string; points: number; review_points: number; operator: string; reason: string }[] }>;
  SubmitBatch(req: {
    commands: Record<string, unknown>[];
  }): Promise<{ results: { result: string; error?: { status: string; retry_after_ms: number } }[] }>;
  close(): void;
}

interface FlaggedItem {
  flag_id: string;
  member_id: string;
  rule: string;
  message: string;
  points: number;
  order_id: string;
  entry_type: string;
}

interface ReviewClient {
  ListFlagged(req: Record<string, unknown>): Promise<{ items: FlaggedItem[]; next_page_token: string }>;
  ApproveFlagged(req: Record<string, unknown>): Promise<Reply>;
  RejectFlagged(req: Record<string, unknown>): Promise<Reply>;
  GetRollForward(req: Record<string, unknown>): Promise<{ lines: Record<string, number>[] }>;
  AuditLedger(req: Record<string, unknown>): Promise<{ ok: boolean; checked: number; mismatches: unknown[] }>;
  close(): void;
}

const RISK_RPCS = ['Earn', 'Redeem', 'Reverse', 'Adjust', 'Enroll', 'RecordActivity', 'GetAccount', 'ListEntries', 'SubmitBatch'];

function riskClient(address: string): RiskClient {
  return promisedClient<RiskClient>(pointsServiceChannel(address), RISK_RPCS);
}

function reviewClient(address: string): ReviewClient {
  const loaded = grpc.loadPackageDefinition(protoLoader.loadSync([POINTS_PROTO, ADMIN_PROTO], LOADER_OPTIONS)) as unknown as {
    jifen: { v1: { AdminService: grpc.ServiceClientConstructor } };
  };
  const raw = new loaded.jifen.v1.AdminService(address, grpc.credentials.createInsecure());
  return promisedClient<ReviewClient>(raw, ['ListFlagged', 'ApproveFlagged', 'RejectFlagged', 'GetRollForward', 'AuditLedger']);
}

/** The status name of each settled call: OK or the gRPC code's name. */
async function statuses(calls: Promise<unknown>[]): Promise<string[]> {
  const settled = await Promise.allSettled(calls);
  return settled.map((s) => (s.status === 'fulfilled' ? 'OK' : grpc.status[(s.reason as grpc.ServiceError).code]));
}

const count = (list: string[], value: string) => list.filter((v) => v === value).length;

async function metricValue(engine: EngineProcess, name: string, labels: string): Promise<number> {
  const text = await (await fetch(engine.metricsUrl)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line ? Number(line.split(' ').pop()) : 0;
}

const earn = (tenant: string, member: string, o: Record<string, unknown> = {}) => ({
  tenant_id: tenant,
  member_id: member,
  idempotency_key: uniq('earn'),
  order_id: uniq('order'),
  amount_minor: 10_000,
  currency: 'CNY',
  ...o,
});

describe('anti-abuse with in-process windows (JIFEN_BALANCES=memory, 2 shards)', () => {
  let engine: EngineProcess;
  let client: RiskClient;
  let points: PointsClient;
  let admin: AdminClient;
  let review: ReviewClient;

  beforeAll(async () => {
    engine = await startEngine({ isolateEnv: true, env: { JIFEN_SHARDS: '2' } });
    client = riskClient(engine.grpcAddr);
    points = pointsClient(engine.grpcAddr);
    admin = adminClient(engine.grpcAddr);
    review = reviewClient(engine.grpcAddr);
  });
  afterAll(async () => {
    for (const c of [client, points, admin, review]) c?.close();
    if (engine) expect(await engine.stop(), engine.output()).toBe(0);
  });

  async function program(tenant: string, document: string): Promise<void> {
    await admin.PutProgram({ tenant_id: tenant, document });
  }

  it('a burst of check-ins and earns from one device across 50 members trips the device limits', async () => {
    const tenant = uniq('burst');
    await program(
      tenant,
      `behaviours:
  - { activity: check_in, points: 5, per_day: 1 }
velocity:
  - { id: device-earns, on: earn, per: device, window: minute, max_count: 20 }
  - { id: device-check-ins, on: activity, per: device, window: minute, max_count: 20 }
`,
    );
    const members = Array.from({ length: 50 }, (_, i) => `farm-${i}`);
    const phone = { device_id: 'farm-phone-1', ip: '10.0.0.7' };
    const calls: Promise<unknown>[] = [];
    for (const m of members) {
      calls.push(client.RecordActivity({ tenant_id: tenant, member_id: m, idempotency_key: uniq('ci'), activity: 'check_in', ...phone }));
      calls.push(client.Earn(earn(tenant, m, phone)));
    }
    const outcome = await statuses(calls);
    const checkIns = outcome.filter((_, i) => i % 2 === 0);
    const earns = outcome.filter((_, i) => i % 2 === 1);
    expect([count(checkIns, 'OK'), count(checkIns, 'RESOURCE_EXHAUSTED')]).toEqual([20, 30]);
    expect([count(earns, 'OK'), count(earns, 'RESOURCE_EXHAUSTED')]).toEqual([20, 30]);

    // The refusal names the limit and says when to retry, in the message and the trailing metadata.
    const refused = await failureOf(client.Earn(earn(tenant, 'farm-0', phone)));
    expect(refused.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(refused.details).toMatch(/^velocity limit device-earns reached \(.*\); retry after \d+ s$/);
    const retryAfter = Number(refused.metadata.get('retry-after-ms')[0]);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(65_000);
    // In a batch the hint is on the command's error.
    const batch = await client.SubmitBatch({ commands: [{ earn: earn(tenant, 'farm-1', phone) }] });
    expect(batch.results[0].error).toMatchObject({ status: 'RESOURCE_EXHAUSTED', retry_after_ms: expect.any(Number) });
    expect(batch.results[0].error?.retry_after_ms).toBeGreaterThan(0);

    // The same members from their own phones are not limited: the limit is the device's.
    expect(await statuses(members.slice(0, 5).map((m) => client.Earn(earn(tenant, m, { device_id: `own-${m}` }))))).toEqual(
      Array(5).fill('OK'),
    );
    expect(await metricValue(engine, 'jifen_risk_decisions_total', 'policy="device-earns",outcome="reject"')).toBe(32);
    expect(await metricValue(engine, 'jifen_risk_decisions_total', 'policy="device-check-ins",outcome="reject"')).toBe(30);
  });

  it('a stolen-account drain: after 5 redemptions in a minute the rest are refused, the balance keeps the rest', async () => {
    const tenant = uniq('drain');
    await program(tenant, 'velocity:\n  - { id: redeem-burst, on: redeem, per: member, window: minute, max_count: 5 }\n');
    const victim = uniq('victim');
    await client.Adjust({
      tenant_id: tenant,
      member_id: victim,
      idempotency_key: uniq('seed'),
      points: 10_000,
      reason: 'seed',
      operator: 'e2e',
    });
    const outcome = await statuses(
      Array.from({ length: 20 }, (_, i) =>
        client.Redeem({
          tenant_id: tenant,
          member_id: victim,
          idempotency_key: uniq('drain'),
          points: 500,
          device_id: `bot-${i}`,
          ip: `203.0.113.${i}`,
        }),
      ),
    );
    expect([count(outcome, 'OK'), count(outcome, 'RESOURCE_EXHAUSTED')]).toEqual([5, 15]);
    expect((await client.GetAccount({ tenant_id: tenant, member_id: victim })).account.balance).toBe(7_500);
    // A refusal consumed nothing: the ledger holds the seed and the 5 redemptions only.
    expect((await client.ListEntries({ tenant_id: tenant, member_id: victim })).entries).toHaveLength(6);
  });

  it('a referral ring is flagged: rewards of members sharing the referrer device are held and listed for review', async () => {
    const tenant = uniq('ring');
    await program(
      tenant,
      `behaviours:
  - { activity: check_in, points: 5 }
referral: { referrer_points: 300 }
review: { shared_referral: true }
`,
    );
    const watch = points.watchEvents({ tenant_id: tenant });
    const leader = uniq('leader');
    await client.Enroll({ tenant_id: tenant, member_id: leader, idempotency_key: uniq('en'), device_id: 'ring-phone' });
    await client.RecordActivity({
      tenant_id: tenant,
      member_id: leader,
      idempotency_key: uniq('ci'),
      activity: 'check_in',
      device_id: 'ring-phone',
    });
    const ring = [uniq('sock'), uniq('sock'), uniq('sock')];
    for (const m of ring) {
      await client.Enroll({
        tenant_id: tenant,
        member_id: m,
        idempotency_key: uniq('en'),
        referrer_member_id: leader,
        device_id: 'ring-phone',
      });
      await client.Earn(earn(tenant, m, { device_id: 'ring-phone', payment_fingerprint: `card-${m}` }));
    }
    const honest = uniq('friend');
    await client.Enroll({ tenant_id: tenant, member_id: honest, idempotency_key: uniq('en'), referrer_member_id: leader });
    await client.Earn(earn(tenant, honest, { device_id: 'friend-phone' }));

    const flagged = await eventually(
      'three flagged referral rewards',
      async () => {
        const page = await review.ListFlagged({ tenant_id: tenant, rule: 'shared_referral' });
        return page.items.length === 3 ? page.items : undefined;
      },
      10_000,
    );
    expect(flagged.map((f) => [f.member_id, f.entry_type, f.points])).toEqual(ring.map(() => [leader, 'ENTRY_TYPE_REFERRAL', 300]));
    expect(flagged[0].message).toBe('referrer and referred member share device ring-phone');
    // The honest referral paid out; the ring's rewards are pending until reviewed.
    const account = await eventually('the honest reward', async () => {
      const { account } = await client.GetAccount({ tenant_id: tenant, member_id: leader });
      return account.balance === 305 ? account : undefined;
    });
    expect(account.pending).toBe(900);
    const events = await watch.waitFor(1);
    await eventually('risk_flagged events', async () =>
      watch.received.filter((e) => e.event.event === 'risk_flagged').length === 3 ? true : undefined,
    );
    expect(watch.received.find((e) => e.event.event === 'risk_flagged')?.event).toMatchObject({
      member_id: leader,
      points: 300,
      reason: 'shared_referral',
    });
    expect(events.length).toBeGreaterThan(0);
    watch.cancel();
  });

  it('approve makes held points available, reject removes them; operator and reason are on the ledger', async () => {
    const tenant = uniq('review');
    await program(tenant, 'review:\n  order_amount: { factor: 10, history: 5, min_history: 3, max_minor: 1000000 }\n');
    const member = uniq('big-spender');
    for (let i = 0; i < 3; i++) await client.Earn(earn(tenant, member, { amount_minor: 10_000 }));
    const usual = await client.Earn(earn(tenant, member, { amount_minor: 50_000 }));
    expect(usual.review_rule).toBe('');
    // The usual is 20,000 (the average of the last 4 orders): 10× that and more is held.
    const first = await client.Earn(earn(tenant, member, { amount_minor: 250_000, order_id: 'big-1' }));
    expect([first.points, first.pending, first.review_rule, first.balance]).toEqual([2_500, 2_500, 'amount_vs_history', 800]);
    const second = await client.Earn(earn(tenant, member, { amount_minor: 2_000_000, order_id: 'big-2' }));
    expect(second.review_rule).toBe('amount_limit');
    expect((await client.GetAccount({ tenant_id: tenant, member_id: member })).account).toMatchObject({ balance: 800, pending: 22_500 });

    const items = await eventually('two flags', async () => {
      const page = await review.ListFlagged({ tenant_id: tenant });
      return page.items.length === 2 ? page.items : undefined;
    });
    expect(items.map((f) => [f.rule, f.order_id, f.points])).toEqual([
      ['amount_vs_history', 'big-1', 2_500],
      ['amount_limit', 'big-2', 20_000],
    ]);
    expect((await review.ListFlagged({ tenant_id: tenant, rule: 'amount_limit' })).items.map((f) => f.order_id)).toEqual(['big-2']);

    const approveKey = uniq('approve');
    const approved = await review.ApproveFlagged({
      tenant_id: tenant,
      flag_id: items[0].flag_id,
      idempotency_key: approveKey,
      operator: 'li.wei',
      reason: 'receipt checked',
    });
    // The points it made available (the ledger balance does not move: the held earn counted them).
    expect([approved.points, approved.balance]).toEqual([2_500, 3_300]);
    // A retry of the verdict returns the first answer.
    const retried = await review.ApproveFlagged({
      tenant_id: tenant,
      flag_id: items[0].flag_id,
      idempotency_key: approveKey,
      operator: 'li.wei',
      reason: 'receipt checked',
    });
    expect([retried.entry_id, retried.points]).toEqual([approved.entry_id, 2_500]);

    const rejected = await review.RejectFlagged({
      tenant_id: tenant,
      flag_id: items[1].flag_id,
      idempotency_key: uniq('reject'),
      operator: 'li.wei',
      reason: 'fake order',
    });
    expect([rejected.points, rejected.balance]).toEqual([-20_000, 3_300]);
    expect((await client.GetAccount({ tenant_id: tenant, member_id: member })).account).toMatchObject({ balance: 3_300, pending: 0 });

    const again = await failureOf(
      review.RejectFlagged({
        tenant_id: tenant,
        flag_id: items[1].flag_id,
        idempotency_key: uniq('reject'),
        operator: 'li.wei',
        reason: 'twice',
      }),
    );
    expect(again.code).toBe(grpc.status.FAILED_PRECONDITION);
    const refund = await failureOf(
      client.Reverse({ tenant_id: tenant, member_id: member, idempotency_key: uniq('rev'), order_id: 'big-2' }),
    );
    expect(refund.code).toBe(grpc.status.FAILED_PRECONDITION);

    const { entries } = await client.ListEntries({ tenant_id: tenant, member_id: member });
    expect(entries.filter((e) => e.type === 'ENTRY_TYPE_REVIEW').map((e) => [e.points, e.review_points, e.operator, e.reason])).toEqual([
      [0, 2_500, 'li.wei', 'review approved: receipt checked'],
      [-20_000, -20_000, 'li.wei', 'review rejected: fake order'],
    ]);
    // Finance's view: the approved points were issued by the review, the rejected ones never were.
    const day = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const { lines } = await review.GetRollForward({ tenant_id: tenant, from_day: day, to_day: day });
    expect(lines[0]).toMatchObject({ issued_orders: 800, issued_review_approvals: 2_500, under_review: 0, closing: 3_300 });
    expect(await review.AuditLedger({ tenant_id: tenant })).toMatchObject({ ok: true, mismatches: [] });
    await eventually('an empty queue', async () =>
      (await review.ListFlagged({ tenant_id: tenant })).items.length === 0 ? true : undefined,
    );
    expect(await metricValue(engine, 'jifen_risk_decisions_total', 'policy="amount_limit",outcome="review"')).toBe(1);
  });

  it('refuses malformed anti-abuse fields, naming them', async () => {
    const bad = await failureOf(client.Earn(earn('t', 'm', { device_id: 'has space' })));
    expect([bad.code, bad.details]).toEqual([
      grpc.status.INVALID_ARGUMENT,
      'device_id must be 1-128 printable ASCII characters without spaces',
    ]);
    const batch = await client.SubmitBatch({
      commands: [{ redeem: { tenant_id: 't', member_id: 'm', idempotency_key: 'k', points: 1, ip: 'not-an-ip!' } }],
    });
    expect(batch.results[0].error).toMatchObject({ status: 'INVALID_ARGUMENT' });
  });
});

const withRedis = redisServerOnPath();

describe.skipIf(!withRedis)('anti-abuse with Redis windows, and Redis stopped mid-test', () => {
  let redis: RedisServer;
  let open: EngineProcess;
  let closed: EngineProcess;
  let openClient: RiskClient;
  let closedClient: RiskClient;
  const tenant = uniq('redis');
  const PROGRAM = 'velocity:\n  - { id: device-earns, on: earn, per: device, window: minute, max_count: 3 }\n';

  beforeAll(async () => {
    redis = await startRedisServer();
    const env = (failure: string) => ({
      JIFEN_SHARDS: '2',
      JIFEN_BALANCES: 'redis',
      REDIS_URL: redis.url,
      JIFEN_RISK_REDIS_FAILURE: failure,
    });
    [open, closed] = await Promise.all([
      startEngine({ isolateEnv: true, env: env('open') }),
      startEngine({ isolateEnv: true, env: env('closed') }),
    ]);
    openClient = riskClient(open.grpcAddr);
    closedClient = riskClient(closed.grpcAddr);
    for (const e of [open, closed]) {
      const admin = adminClient(e.grpcAddr);
      await admin.PutProgram({ tenant_id: tenant, document: PROGRAM });
      admin.close();
    }
  });
  afterAll(async () => {
    openClient?.close();
    closedClient?.close();
    for (const e of [open, closed]) if (e) expect(await e.stop(), e.output()).toBe(0);
    await redis?.stop();
  });

  it('holds a device limit across members and shards in Redis', async () => {
    const outcome = await statuses(Array.from({ length: 8 }, (_, i) => closedClient.Earn(earn(tenant, `m${i}`, { device_id: 'shared' }))));
    expect([count(outcome, 'OK'), count(outcome, 'RESOURCE_EXHAUSTED')]).toEqual([3, 5]);
  });

  it('with Redis stopped: fail-closed refuses what needs the device window, fail-open lets it through; both are counted', async () => {
    await redis.stop();
    const refused = await failureOf(closedClient.Earn(earn(tenant, 'c1', { device_id: 'after-outage' })));
    expect(refused.code).toBe(grpc.status.UNAVAILABLE);
    expect(refused.details).toMatch(/velocity checks are unavailable/);
    // Without a device the command needs no shared window: it is decided as usual.
    expect((await closedClient.Earn(earn(tenant, 'c2'))).points).toBe(100);
    expect(
      await statuses(Array.from({ length: 5 }, (_, i) => openClient.Earn(earn(tenant, `o${i}`, { device_id: 'after-outage' })))),
    ).toEqual(Array(5).fill('OK'));
    expect(await metricValue(open, 'jifen_risk_store_failures_total', 'policy="open"')).toBeGreaterThan(0);
    expect(await metricValue(closed, 'jifen_risk_store_failures_total', 'policy="closed"')).toBeGreaterThan(0);
    expect(await metricValue(closed, 'jifen_risk_decisions_total', 'policy="shared_store",outcome="unavailable"')).toBe(1);
  });
});
