// The PointsService contract (shared/API.md) over a real gRPC socket against a real engine process:
// every RPC, every status code, health, reflection, metrics, deadlines, overload and shutdown.

import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EngineProcess, cleanupEngines, startEngine } from '../support/engine-process.js';
import { uniq } from '../support/ids.js';
import { auditMember, listAllEntries } from '../support/ledger-audit.js';
import {
  type Command,
  type EarnRequest,
  type PointsClient,
  codeOf,
  healthClient,
  listServicesByReflection,
  pointsClient,
} from '../support/points-client.js';

const TENANT = 'acme';

function earn(memberId: string, amountMinor: number, overrides: Partial<EarnRequest> = {}): EarnRequest {
  return {
    tenant_id: TENANT,
    member_id: memberId,
    idempotency_key: uniq('earn'),
    order_id: uniq('order'),
    amount_minor: amountMinor,
    currency: 'CNY',
    ...overrides,
  };
}

function redeem(memberId: string, points: number, key = uniq('redeem')) {
  return { tenant_id: TENANT, member_id: memberId, idempotency_key: key, points, reason: 'coupon' };
}

function reverse(memberId: string, orderId: string, amountMinor = 0, key = uniq('reverse')) {
  return { tenant_id: TENANT, member_id: memberId, idempotency_key: key, order_id: orderId, amount_minor: amountMinor };
}

function adjust(memberId: string, points: number, key = uniq('adjust')) {
  return { tenant_id: TENANT, member_id: memberId, idempotency_key: key, points, reason: 'goodwill', operator: 'ops-1' };
}

afterAll(cleanupEngines);

describe('PointsService on one running engine', () => {
  let engine: EngineProcess;
  let client: PointsClient;

  beforeAll(async () => {
    engine = await startEngine({ env: { JIFEN_SHARDS: '2' } });
    client = pointsClient(engine.grpcAddr);
  });
  afterAll(() => client?.close());

  /** A member with an account holding `points` (earned from one order). */
  async function memberWith(points: number): Promise<{ memberId: string; orderId: string }> {
    const memberId = uniq('m');
    const req = earn(memberId, points * 100);
    await client.Earn(req);
    return { memberId, orderId: req.order_id };
  }

  async function snapshotOf(memberId: string) {
    const { account } = await client.GetAccount({ tenant_id: TENANT, member_id: memberId });
    const entries = await listAllEntries(client, TENANT, memberId);
    return { balance: account.balance, seq: account.seq, entries: entries.length };
  }

  describe('writes', () => {
    it('Earn awards 1 point per whole yuan and returns entry_id, points, balance and seq', async () => {
      const memberId = uniq('m');
      const first = await client.Earn(earn(memberId, 12_345));
      expect(first).toMatchObject({ points: 123, balance: 123, seq: 1 });
      expect(first.entry_id).not.toBe('');
      const second = await client.Earn(earn(memberId, 99));
      expect(second).toMatchObject({ points: 0, balance: 123, seq: 2 });
      expect(second.entry_id).not.toBe(first.entry_id);
    });

    it('Earn accepts line items, channel, store and a recent occurred_at', async () => {
      const memberId = uniq('m');
      const res = await client.Earn(
        earn(memberId, 5_000, {
          items: [{ sku: 'tea-1', category: 'drinks', amount_minor: 5_000, quantity: 2 }],
          channel: 'app',
          store_id: 'sh-001',
          occurred_at: { seconds: Math.floor(Date.now() / 1000) - 60, nanos: 0 },
        }),
      );
      expect(res).toMatchObject({ points: 50, balance: 50, seq: 1 });
    });

    it('Redeem spends points and reports the remaining balance', async () => {
      const { memberId } = await memberWith(100);
      const res = await client.Redeem(redeem(memberId, 30));
      expect(res).toMatchObject({ balance: 70, seq: 2 });
      const { account } = await client.GetAccount({ tenant_id: TENANT, member_id: memberId });
      expect(account).toMatchObject({ balance: 70, lifetime_earned: 100, lifetime_redeemed: 30, seq: 2 });
    });

    it('partial refunds claw back points in proportion and add up to the whole order', async () => {
      const { memberId, orderId } = await memberWith(100);
      const quarter = await client.Reverse(reverse(memberId, orderId, 2_500));
      expect(quarter).toMatchObject({ points: -25, balance: 75, seq: 2 });
      const rest = await client.Reverse(reverse(memberId, orderId, 0));
      expect(rest).toMatchObject({ points: -75, balance: 0, seq: 3 });
    });

    it('Adjust adds and removes signed points', async () => {
      const { memberId } = await memberWith(10);
      expect(await client.Adjust(adjust(memberId, 5))).toMatchObject({ balance: 15, seq: 2 });
      expect(await client.Adjust(adjust(memberId, -15))).toMatchObject({ balance: 0, seq: 3 });
    });

    it('an identical retry returns the first entry_id and writes nothing new', async () => {
      const memberId = uniq('m');
      const earnReq = earn(memberId, 10_000);
      const first = await client.Earn(earnReq);
      const redeemReq = redeem(memberId, 10);
      const firstRedeem = await client.Redeem(redeemReq);
      expect(await client.Earn(earnReq)).toEqual(first);
      expect(await client.Redeem(redeemReq)).toEqual(firstRedeem);
      expect(await snapshotOf(memberId)).toEqual({ balance: 90, seq: 2, entries: 2 });
    });
  });

  describe('reads', () => {
    it('GetAccount reports balance, lifetime totals, seq and lots', async () => {
      const { memberId } = await memberWith(40);
      await client.Redeem(redeem(memberId, 15));
      const { account } = await client.GetAccount({ tenant_id: TENANT, member_id: memberId });
      expect(account).toMatchObject({
        tenant_id: TENANT,
        member_id: memberId,
        balance: 25,
        lifetime_earned: 40,
        lifetime_redeemed: 15,
        seq: 2,
      });
      expect(account.lots.reduce((sum, lot) => sum + lot.points, 0)).toBe(25);
    });

    it('ListEntries pages through every entry in seq order with chained balances', async () => {
      const memberId = uniq('m');
      const earnReq = earn(memberId, 10_000);
      const written = [
        await client.Earn(earnReq),
        await client.Redeem(redeem(memberId, 7)),
        await client.Adjust(adjust(memberId, 3)),
        await client.Reverse(reverse(memberId, earnReq.order_id, 5_000)),
        await client.Earn(earn(memberId, 300)),
        await client.Adjust(adjust(memberId, -1)),
        await client.Earn(earn(memberId, 700)),
      ];

      const pages: number[] = [];
      let token = '';
      const entries = [];
      do {
        const page = await client.ListEntries({ tenant_id: TENANT, member_id: memberId, page_size: 3, page_token: token });
        pages.push(page.entries.length);
        entries.push(...page.entries);
        token = page.next_page_token;
      } while (token !== '');

      expect(pages).toEqual([3, 3, 1]);
      expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(entries.map((e) => e.entry_id)).toEqual(written.map((w) => w.entry_id));
      expect(entries.map((e) => e.type)).toEqual([
        'ENTRY_TYPE_EARN',
        'ENTRY_TYPE_REDEEM',
        'ENTRY_TYPE_ADJUST',
        'ENTRY_TYPE_REVERSE',
        'ENTRY_TYPE_EARN',
        'ENTRY_TYPE_ADJUST',
        'ENTRY_TYPE_EARN',
      ]);
      expect(entries.map((e) => e.points)).toEqual([100, -7, 3, -50, 3, -1, 7]);
      expect(entries.map((e) => e.balance_after)).toEqual([100, 93, 96, 46, 49, 48, 55]);
      expect(entries[0]).toMatchObject({ idempotency_key: earnReq.idempotency_key, order_id: earnReq.order_id });
      expect(entries[0].created_at?.seconds).toBeGreaterThan(0);
      await auditMember(client, TENANT, memberId);
    });

    it('ListEntries with the default page size returns everything in one page', async () => {
      const { memberId } = await memberWith(1);
      const page = await client.ListEntries({ tenant_id: TENANT, member_id: memberId });
      expect(page.entries).toHaveLength(1);
      expect(page.next_page_token).toBe('');
    });
  });

  describe('SubmitBatch', () => {
    it('answers each command in order, successes and errors mixed', async () => {
      const memberId = uniq('m');
      const reused = earn(memberId, 100);
      await client.Earn(reused);
      const order = earn(memberId, 20_000);
      const commands: Command[] = [
        { earn: order },
        { redeem: redeem(memberId, 1_000_000) },
        { earn: { ...earn(memberId, 100), currency: '' } },
        { adjust: adjust(memberId, 10) },
        { earn: { ...reused, amount_minor: 999 } },
        { reverse: reverse(memberId, order.order_id, 10_000) },
        { redeem: redeem(uniq('nobody'), 1) },
        { redeem: redeem(memberId, 11) },
      ];
      const { results } = await client.SubmitBatch({ commands });

      expect(results.map((r) => (r.result === 'error' ? r.error?.status : r.result))).toEqual([
        'earn',
        'FAILED_PRECONDITION',
        'INVALID_ARGUMENT',
        'adjust',
        'ALREADY_EXISTS',
        'reverse',
        'FAILED_PRECONDITION',
        'redeem',
      ]);
      expect(results[0].earn).toMatchObject({ points: 200, balance: 201, seq: 2 });
      expect(results[1].error?.code).toBe(grpc.status.FAILED_PRECONDITION);
      expect(results[2].error).toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
      expect(results[2].error?.message).toContain('commands[2].earn.currency');
      expect(results[3].adjust).toMatchObject({ balance: 211, seq: 3 });
      expect(results[4].error?.code).toBe(grpc.status.ALREADY_EXISTS);
      expect(results[5].reverse).toMatchObject({ points: -100, balance: 111, seq: 4 });
      expect(results[7].redeem).toMatchObject({ balance: 100, seq: 5 });
      expect(await snapshotOf(memberId)).toEqual({ balance: 100, seq: 5, entries: 5 });
      await auditMember(client, TENANT, memberId);
    });

    it('an empty batch is INVALID_ARGUMENT naming commands', async () => {
      const err = await client.SubmitBatch({ commands: [] }).catch((e: grpc.ServiceError) => e);
      expect(err).toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
      expect((err as grpc.ServiceError).details).toContain('commands');
    });
  });

  describe('INVALID_ARGUMENT names the field and changes nothing', () => {
    const FUTURE = { seconds: Math.floor(Date.now() / 1000) + 3600, nanos: 0 };
    const cases: { name: string; field: string; call: (c: PointsClient, m: string) => Promise<unknown> }[] = [
      { name: 'Earn without tenant_id', field: 'tenant_id', call: (c, m) => c.Earn(earn(m, 100, { tenant_id: '' })) },
      { name: 'Earn without member_id', field: 'member_id', call: (c, m) => c.Earn(earn(m, 100, { member_id: '' })) },
      { name: 'Earn with a malformed member_id', field: 'member_id', call: (c, m) => c.Earn(earn(m, 100, { member_id: 'a b' })) },
      { name: 'Earn without idempotency_key', field: 'idempotency_key', call: (c, m) => c.Earn(earn(m, 100, { idempotency_key: '' })) },
      {
        name: 'Earn with a 129-character idempotency_key',
        field: 'idempotency_key',
        call: (c, m) => c.Earn(earn(m, 100, { idempotency_key: 'k'.repeat(129) })),
      },
      {
        name: 'Earn with a non-printable idempotency_key',
        field: 'idempotency_key',
        call: (c, m) => c.Earn(earn(m, 100, { idempotency_key: 'tab\there' })),
      },
      { name: 'Earn without order_id', field: 'order_id', call: (c, m) => c.Earn(earn(m, 100, { order_id: '' })) },
      { name: 'Earn with a negative amount', field: 'amount_minor', call: (c, m) => c.Earn(earn(m, -100)) },
      { name: 'Earn with a zero amount', field: 'amount_minor', call: (c, m) => c.Earn(earn(m, 0)) },
      {
        name: 'Earn with an amount above 2^53',
        field: 'amount_minor',
        call: (c, m) => c.Earn(earn(m, 0, { amount_minor: '9007199254740993' })),
      },
      { name: 'Earn with an unknown currency', field: 'currency', call: (c, m) => c.Earn(earn(m, 100, { currency: 'XYZ' })) },
      { name: 'Earn without currency', field: 'currency', call: (c, m) => c.Earn(earn(m, 100, { currency: '' })) },
      {
        name: 'Earn with occurred_at an hour in the future',
        field: 'occurred_at',
        call: (c, m) => c.Earn(earn(m, 100, { occurred_at: FUTURE })),
      },
      {
        name: 'Earn with a line item without sku',
        field: 'items[0].sku',
        call: (c, m) => c.Earn(earn(m, 100, { items: [{ sku: '', amount_minor: 100, quantity: 1 }] })),
      },
      {
        name: 'Earn with a line item of quantity 0',
        field: 'items[0].quantity',
        call: (c, m) => c.Earn(earn(m, 100, { items: [{ sku: 's', amount_minor: 100, quantity: 0 }] })),
      },
      { name: 'Redeem of 0 points', field: 'points', call: (c, m) => c.Redeem(redeem(m, 0)) },
      { name: 'Redeem of negative points', field: 'points', call: (c, m) => c.Redeem(redeem(m, -5)) },
      { name: 'Reverse without order_id', field: 'order_id', call: (c, m) => c.Reverse(reverse(m, '')) },
      { name: 'Reverse of a negative amount', field: 'amount_minor', call: (c, m) => c.Reverse(reverse(m, 'o-1', -1)) },
      { name: 'Adjust of 0 points', field: 'points', call: (c, m) => c.Adjust(adjust(m, 0)) },
      { name: 'Adjust without reason', field: 'reason', call: (c, m) => c.Adjust({ ...adjust(m, 5), reason: '' }) },
      { name: 'Adjust without operator', field: 'operator', call: (c, m) => c.Adjust({ ...adjust(m, 5), operator: '' }) },
      { name: 'GetAccount without member_id', field: 'member_id', call: (c) => c.GetAccount({ tenant_id: TENANT, member_id: '' }) },
      {
        name: 'ListEntries with page_size above the maximum',
        field: 'page_size',
        call: (c, m) => c.ListEntries({ tenant_id: TENANT, member_id: m, page_size: 5_000 }),
      },
      {
        name: 'ListEntries with a forged page_token',
        field: 'page_token',
        call: (c, m) => c.ListEntries({ tenant_id: TENANT, member_id: m, page_token: 'not-a-token' }),
      },
    ];

    it.each(cases)('$name → INVALID_ARGUMENT naming $field', async ({ field, call }) => {
      const { memberId } = await memberWith(50);
      const before = await snapshotOf(memberId);
      const err = (await call(client, memberId).then(
        () => expect.fail('call succeeded'),
        (e: grpc.ServiceError) => e,
      )) as grpc.ServiceError;
      expect(err.code, err.details).toBe(grpc.status.INVALID_ARGUMENT);
      expect(err.details).toContain(field);
      expect(await snapshotOf(memberId)).toEqual(before);
    });
  });

  describe('FAILED_PRECONDITION changes nothing', () => {
    type Step = (c: PointsClient, memberId: string, orderId: string) => Promise<unknown>;
    // Each member starts with 50 points earned from one order of 50.00 yuan (orderId).
    const cases: { name: string; setup?: Step; call: Step }[] = [
      { name: 'redeeming more points than available', call: (c, m) => c.Redeem(redeem(m, 51)) },
      { name: 'adjusting below zero', call: (c, m) => c.Adjust(adjust(m, -51)) },
      { name: 'reversing an order that has no earn', call: (c, m) => c.Reverse(reverse(m, 'never-earned')) },
      {
        name: 'reversing an order that earned nothing',
        setup: (c, m) => c.Earn(earn(m, 50, { order_id: 'small-order' })), // 0.50 yuan: 0 points
        call: (c, m) => c.Reverse(reverse(m, 'small-order')),
      },
      { name: 'refunding more than the order amount', call: (c, m, o) => c.Reverse(reverse(m, o, 5_001)) },
      {
        name: 'refunding an order that is already fully refunded',
        setup: (c, m, o) => c.Reverse(reverse(m, o)),
        call: (c, m, o) => c.Reverse(reverse(m, o, 1)),
      },
      { name: 'earning the same order under a second key', call: (c, m, o) => c.Earn(earn(m, 5_000, { order_id: o })) },
    ];

    it.each(cases)('$name → FAILED_PRECONDITION', async ({ setup, call }) => {
      const { memberId, orderId } = await memberWith(50);
      await setup?.(client, memberId, orderId);
      const before = await snapshotOf(memberId);
      const err = (await call(client, memberId, orderId).then(
        () => expect.fail('call succeeded'),
        (e: grpc.ServiceError) => e,
      )) as grpc.ServiceError;
      expect(err.code, err.details).toBe(grpc.status.FAILED_PRECONDITION);
      expect(await snapshotOf(memberId)).toEqual(before);
      await auditMember(client, TENANT, memberId);
    });

    it('a refused first command of a new member creates no account', async () => {
      const memberId = uniq('m');
      expect(await codeOf(client.Redeem(redeem(memberId, 1)))).toBe(grpc.status.FAILED_PRECONDITION);
      expect(await codeOf(client.Reverse(reverse(memberId, 'o-1')))).toBe(grpc.status.FAILED_PRECONDITION);
      expect(await codeOf(client.GetAccount({ tenant_id: TENANT, member_id: memberId }))).toBe(grpc.status.NOT_FOUND);
    });
  });

  describe('ALREADY_EXISTS for a reused key with a different payload', () => {
    const cases: {
      name: string;
      first: (c: PointsClient, m: string, key: string) => Promise<unknown>;
      reuse: (c: PointsClient, m: string, key: string) => Promise<unknown>;
    }[] = [
      {
        name: 'Earn with another amount',
        first: (c, m, k) => c.Earn(earn(m, 1_000, { idempotency_key: k, order_id: `o-${k}` })),
        reuse: (c, m, k) => c.Earn(earn(m, 2_000, { idempotency_key: k, order_id: `o-${k}` })),
      },
      {
        name: 'Earn with another order',
        first: (c, m, k) => c.Earn(earn(m, 1_000, { idempotency_key: k })),
        reuse: (c, m, k) => c.Earn(earn(m, 1_000, { idempotency_key: k })),
      },
      {
        name: 'Redeem with other points',
        first: (c, m, k) => c.Redeem(redeem(m, 5, k)),
        reuse: (c, m, k) => c.Redeem(redeem(m, 6, k)),
      },
      {
        name: 'Adjust with other points',
        first: (c, m, k) => c.Adjust(adjust(m, 5, k)),
        reuse: (c, m, k) => c.Adjust(adjust(m, 7, k)),
      },
      {
        name: 'a Redeem key reused by an Adjust',
        first: (c, m, k) => c.Redeem(redeem(m, 5, k)),
        reuse: (c, m, k) => c.Adjust(adjust(m, -5, k)),
      },
    ];

    it.each(cases)('$name → ALREADY_EXISTS and nothing changes', async ({ first, reuse }) => {
      const { memberId } = await memberWith(50);
      const key = uniq('key');
      await first(client, memberId, key);
      const before = await snapshotOf(memberId);
      expect(await codeOf(reuse(client, memberId, key))).toBe(grpc.status.ALREADY_EXISTS);
      expect(await snapshotOf(memberId)).toEqual(before);
    });

    it('Reverse with another refund amount → ALREADY_EXISTS', async () => {
      const { memberId, orderId } = await memberWith(50);
      const key = uniq('key');
      await client.Reverse(reverse(memberId, orderId, 1_000, key));
      const before = await snapshotOf(memberId);
      expect(await codeOf(client.Reverse(reverse(memberId, orderId, 2_000, key)))).toBe(grpc.status.ALREADY_EXISTS);
      expect(await snapshotOf(memberId)).toEqual(before);
    });
  });

  describe('NOT_FOUND for a member without an account', () => {
    it.each([
      ['GetAccount', (c: PointsClient, m: string) => c.GetAccount({ tenant_id: TENANT, member_id: m })],
      ['ListEntries', (c: PointsClient, m: string) => c.ListEntries({ tenant_id: TENANT, member_id: m })],
    ])('%s of an unknown member → NOT_FOUND', async (_name, call) => {
      expect(await codeOf(call(client, uniq('ghost')))).toBe(grpc.status.NOT_FOUND);
    });

    it('the same member id under another tenant is a different account', async () => {
      const { memberId } = await memberWith(5);
      expect(await codeOf(client.GetAccount({ tenant_id: 'other-tenant', member_id: memberId }))).toBe(grpc.status.NOT_FOUND);
    });
  });

  describe('deadlines', () => {
    it('a call with a deadline already in the past gets DEADLINE_EXCEEDED', async () => {
      const { memberId } = await memberWith(20);
      const past = () => new Date(Date.now() - 1_000);
      expect(await codeOf(client.Earn(earn(memberId, 1_000), { deadline: past() }))).toBe(grpc.status.DEADLINE_EXCEEDED);
      expect(await codeOf(client.Redeem(redeem(memberId, 1), { deadline: past() }))).toBe(grpc.status.DEADLINE_EXCEEDED);
    });

    it('a write that reaches the server with its deadline already spent (grpc-timeout 0) is DEADLINE_EXCEEDED and applies nothing', async () => {
      // grpc-js clients cancel a past-deadline call locally, racing the send; stating the spent
      // deadline in the header makes the server always receive the request.
      const spent = () => {
        const metadata = new grpc.Metadata();
        metadata.set('grpc-timeout', '0m');
        return { metadata };
      };
      const { memberId } = await memberWith(20);
      const before = await snapshotOf(memberId);
      const codes: string[] = [];
      for (let i = 0; i < 20; i++) {
        codes.push(grpc.status[await codeOf(client.Earn(earn(memberId, 1_000), spent()))]);
        codes.push(grpc.status[await codeOf(client.Redeem(redeem(memberId, 1), spent()))]);
      }
      expect(new Set(codes)).toEqual(new Set(['DEADLINE_EXCEEDED']));
      expect(await snapshotOf(memberId)).toEqual(before);
    });
  });

  describe('standard services', () => {
    it('health check reports SERVING for the server and for PointsService', async () => {
      const health = healthClient(engine.grpcAddr);
      try {
        expect(await health.check('')).toEqual({ status: 'SERVING' });
        expect(await health.check('jifen.v1.PointsService')).toEqual({ status: 'SERVING' });
      } finally {
        health.close();
      }
    });

    it('server reflection lists jifen.v1.PointsService', async () => {
      const services = await listServicesByReflection(engine.grpcAddr);
      expect(services).toContain('jifen.v1.PointsService');
    });

    it('server reflection also lists grpc.health.v1.Health, so grpcurl can call it without the proto', async () => {
      expect(await listServicesByReflection(engine.grpcAddr)).toContain('grpc.health.v1.Health');
    });

    it('GET /metrics counts RPCs by method and status code', async () => {
      const memberId = uniq('m');
      await client.Earn(earn(memberId, 100));
      await codeOf(client.Earn(earn(memberId, -1)));
      await codeOf(client.GetAccount({ tenant_id: TENANT, member_id: uniq('ghost') }));
      const res = await fetch(engine.metricsUrl);
      expect(res.status).toBe(200);
      const text = await res.text();
      const counter = (method: string, code: string) => {
        const line = text
          .split('\n')
          .find((l) => l.startsWith('jifen_rpc_total{') && l.includes(`method="${method}"`) && l.includes(`code="${code}"`));
        return line === undefined ? 0 : Number(line.split(' ').at(-1));
      };
      expect(counter('Earn', 'OK')).toBeGreaterThanOrEqual(1);
      expect(counter('Earn', 'INVALID_ARGUMENT')).toBeGreaterThanOrEqual(1);
      expect(counter('GetAccount', 'NOT_FOUND')).toBeGreaterThanOrEqual(1);
    });
  });
});

describe('restart on the same data dir', () => {
  it('an acknowledged write retried after a clean restart returns the same entry_id and nothing is applied twice', async () => {
    const first = await startEngine({ env: { JIFEN_SHARDS: '2' } });
    let client = pointsClient(first.grpcAddr);
    const memberId = uniq('m');
    const earnReq = earn(memberId, 30_000);
    const redeemReq = redeem(memberId, 40);
    const adjustReq = adjust(memberId, 5);
    const reverseReq = reverse(memberId, earnReq.order_id, 10_000);
    const acked = [
      await client.Earn(earnReq),
      await client.Redeem(redeemReq),
      await client.Adjust(adjustReq),
      await client.Reverse(reverseReq),
    ];
    client.close();
    expect(await first.stop()).toBe(0);
    expect(first.output()).toContain('stopped cleanly');

    const second = await startEngine({ dataDir: first.dataDir });
    client = pointsClient(second.grpcAddr);
    try {
      const retried = [
        await client.Earn(earnReq),
        await client.Redeem(redeemReq),
        await client.Adjust(adjustReq),
        await client.Reverse(reverseReq),
      ];
      expect(retried).toEqual(acked);
      expect(await codeOf(client.Redeem({ ...redeemReq, points: 41 }))).toBe(grpc.status.ALREADY_EXISTS);
      const ledger = await auditMember(client, TENANT, memberId);
      expect(ledger?.account).toMatchObject({ balance: 300 - 40 + 5 - 100, seq: 4 });
    } finally {
      client.close();
      expect(await second.stop()).toBe(0);
    }
  });
});

describe('overload', () => {
  it('a full mailbox answers RESOURCE_EXHAUSTED and the refused commands change nothing', async () => {
    const engine = await startEngine({ env: { JIFEN_SHARDS: '1', JIFEN_MAILBOX_CAPACITY: '1' } });
    const client = pointsClient(engine.grpcAddr);
    try {
      const memberId = uniq('m');
      const requests = Array.from({ length: 300 }, (_, i) => earn(memberId, (i + 1) * 100));
      const outcomes = await Promise.allSettled(requests.map((r) => client.Earn(r)));

      const codes = outcomes.map((o) => (o.status === 'fulfilled' ? grpc.status.OK : (o.reason as grpc.ServiceError).code));
      const exhausted = codes.filter((c) => c === grpc.status.RESOURCE_EXHAUSTED).length;
      const ok = codes.filter((c) => c === grpc.status.OK).length;
      expect(exhausted, 'some calls are refused').toBeGreaterThan(0);
      expect(ok, 'some calls get through').toBeGreaterThan(0);
      expect(ok + exhausted, 'no other outcome').toBe(requests.length);

      const ackedKeys = requests.filter((_, i) => codes[i] === grpc.status.OK).map((r) => r.idempotency_key);
      const ackedPoints = outcomes.reduce((sum, o) => sum + (o.status === 'fulfilled' ? o.value.points : 0), 0);
      const ledger = await auditMember(client, TENANT, memberId);
      expect(ledger?.account.balance).toBe(ackedPoints);
      expect(ledger?.account.seq).toBe(ok);
      expect(ledger?.entries.map((e) => e.idempotency_key).sort()).toEqual([...ackedKeys].sort());
    } finally {
      client.close();
      await engine.stop();
    }
  });
});

describe('shutdown', () => {
  it('after SIGTERM new calls are UNAVAILABLE, the engine exits 0, and every acknowledged earn survives', async () => {
    const engine = await startEngine({ env: { JIFEN_SHARDS: '2' } });
    const members = Array.from({ length: 8 }, () => uniq('m'));
    const acked = new Map<string, { req: EarnRequest; entryId: string }>();
    const errorsBeforeSignal: string[] = [];
    const errorsAfterSignal: grpc.status[] = [];
    let signalled = false;
    let exited = false;
    void engine.exited.then(() => (exited = true));

    const client = pointsClient(engine.grpcAddr);
    const stream = async (memberId: string) => {
      // Keep calling until the process is gone and a call has failed after that.
      for (;;) {
        const req = earn(memberId, 100 + Math.floor(Math.random() * 10_000));
        const wasExited = exited;
        try {
          const res = await client.Earn(req, { deadline: Date.now() + 5_000 });
          acked.set(req.idempotency_key, { req, entryId: res.entry_id });
        } catch (err) {
          const e = err as grpc.ServiceError;
          if (!signalled) errorsBeforeSignal.push(`${e.code} ${e.details}`);
          else errorsAfterSignal.push(e.code);
          if (wasExited) return;
          await new Promise((r) => setTimeout(r, 5));
        }
      }
    };
    const streams = members.map(stream);
    // The shard threads load after "listening on"; signal once writes are flowing.
    for (const started = Date.now(); acked.size < 80 && Date.now() - started < 10_000; ) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const ackedBeforeSignal = acked.size;
    signalled = true;
    const exitCode = await engine.stop();
    await Promise.all(streams);
    client.close();

    expect(exitCode, engine.output()).toBe(0);
    expect(engine.output()).toContain('stopped cleanly');
    expect(errorsBeforeSignal).toEqual([]);
    expect(ackedBeforeSignal).toBeGreaterThan(0);
    expect(errorsAfterSignal.length).toBeGreaterThan(0);
    expect(new Set(errorsAfterSignal.map((c) => grpc.status[c]))).toEqual(new Set(['UNAVAILABLE']));

    const restarted = await startEngine({ dataDir: engine.dataDir });
    const after = pointsClient(restarted.grpcAddr);
    try {
      for (const { req, entryId } of acked.values()) {
        expect((await after.Earn(req)).entry_id).toBe(entryId);
      }
      for (const memberId of members) {
        const ledger = await auditMember(after, TENANT, memberId);
        const keys = new Set(ledger?.entries.map((e) => e.idempotency_key));
        for (const { req } of acked.values()) if (req.member_id === memberId) expect(keys).toContain(req.idempotency_key);
      }
    } finally {
      after.close();
      await restarted.stop();
    }
  });
});
