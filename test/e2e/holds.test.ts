// 积分抵现 end to end, over a real gRPC socket against a real engine process: QuoteRedemption, Hold,
// CaptureHold, ReleaseHold and SubmitBatch under a tenant program (share 0.5, 100 points = 1 yuan,
// holds up to 30 min), and a hold that lapses. The engine first runs with the default 60 s
// housekeeping interval, so a lapsed hold is seen before housekeeping reaches it; then it restarts on
// the same data dir with JIFEN_HOUSEKEEPING_INTERVAL_MS=100, and housekeeping writes its RELEASE.

import { setTimeout as sleep } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminClient, adminClient } from '../support/admin-client.js';
import { type EngineProcess, cleanupEngines, makeDataDir, startEngine } from '../support/engine-process.js';
import { uniq } from '../support/ids.js';
import { type Account, type Entry, type Timestamp, pointsServiceChannel, promisedClient } from '../support/points-client.js';
import { failureOf } from '../support/expect-grpc.js';
import { msOf } from '../support/timestamps.js';
import { eventually } from '../support/waiting.js';

const TENANT = 'cash-e2e';
const CASH_PROGRAM =
  'name: points as cash e2e\npoints_as_cash: { points: 100, per_minor: 100, max_order_share: 0.5, max_hold_minutes: 30 }\n';

afterAll(cleanupEngines);

describe('holds (积分抵现) over gRPC', () => {
  const dataDir = makeDataDir();
  let engine: EngineProcess | undefined;
  let cash: CashClient;
  let admin: AdminClient;

  /** (Re)starts the engine on the one data dir; the clients follow it. */
  async function start(env: Record<string, string> = {}): Promise<void> {
    if (engine) {
      closeClients();
      expect(await engine.stop(), engine.output()).toBe(0);
    }
    engine = await startEngine({ dataDir, isolateEnv: true, env: { JIFEN_SHARDS: '2', ...env } });
    cash = cashClient(engine.grpcAddr);
    admin = adminClient(engine.grpcAddr);
  }

  function closeClients(): void {
    cash?.close();
    admin?.close();
  }

  beforeAll(async () => {
    await start();
    expect(await admin.PutProgram({ tenant_id: TENANT, document: CASH_PROGRAM, expected_version: 0 })).toEqual({
      tenant_id: TENANT,
      version: 1,
    });
  });
  afterAll(closeClients);

  /** A new member with `points` (one ADJUST at seq 1); holds made next get seq 2, 3 … */
  async function memberWith(points: number): Promise<string> {
    const memberId = uniq('m');
    await cash.Adjust({ tenant_id: TENANT, member_id: memberId, idempotency_key: uniq('seed'), points, reason: 'seed', operator: 'e2e' });
    return memberId;
  }
  const holdIdOf = (memberId: string, seq: number) => `${TENANT}:${memberId}:${seq}`;
  const accountOf = async (memberId: string) => (await cash.GetAccount({ tenant_id: TENANT, member_id: memberId })).account;
  const entriesOf = async (memberId: string) =>
    (await cash.ListEntries({ tenant_id: TENANT, member_id: memberId, page_size: 1000 })).entries;
  const holdRequest = (memberId: string, points: number, o: Partial<HoldRequest> = {}): HoldRequest => ({
    tenant_id: TENANT,
    member_id: memberId,
    idempotency_key: uniq('hold'),
    points,
    order_id: 'o-1',
    ...o,
  });
  const captureRequest = (memberId: string, seq: number, points = 0): CaptureHoldRequest => ({
    tenant_id: TENANT,
    member_id: memberId,
    idempotency_key: uniq('capture'),
    hold_id: holdIdOf(memberId, seq),
    points,
  });
  const releaseRequest = (memberId: string, seq: number): ReleaseHoldRequest => ({
    tenant_id: TENANT,
    member_id: memberId,
    idempotency_key: uniq('release'),
    hold_id: holdIdOf(memberId, seq),
  });

  it('QuoteRedemption: of 10,000 available a 100.01-yuan order may use 5,000 (share 0.5) worth 5,000 fen; a 300-yuan order all 10,000', async () => {
    const memberId = await memberWith(10_000);
    const rate = { available: 10_000, points_per: 100, minor_per: 100 };
    expect(await cash.QuoteRedemption({ tenant_id: TENANT, member_id: memberId, order_amount_minor: 10_001 })).toEqual({
      max_points: 5_000,
      cash_minor: 5_000,
      ...rate,
    });
    expect(await cash.QuoteRedemption({ tenant_id: TENANT, member_id: memberId, order_amount_minor: 30_000 })).toEqual({
      max_points: 10_000,
      cash_minor: 10_000,
      ...rate,
    });
    const missing = await failureOf(cash.QuoteRedemption({ tenant_id: TENANT, member_id: memberId, order_amount_minor: 0 }));
    expect(missing.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(missing.details).toContain('order_amount_minor');
  });

  it('Hold sets 3,000 aside for the default 900 s: Account.held 3,000 and balance 7,000; the quote and Redeem see only the 7,000', async () => {
    const memberId = await memberWith(10_000);
    const before = Date.now();
    const held = await cash.Hold(holdRequest(memberId, 3_000, { order_amount_minor: 10_001 }));
    const after = Date.now();
    expect(held).toMatchObject({ hold_id: holdIdOf(memberId, 2), points: 3_000, balance: 7_000, seq: 2 });
    // The hold's last millisecond: 900 s after the engine decided it, less 1 ms.
    expect(msOf(held.expires_at)).toBeGreaterThanOrEqual(before + 900_000 - 1);
    expect(msOf(held.expires_at)).toBeLessThanOrEqual(after + 900_000);
    expect(await accountOf(memberId)).toMatchObject({ balance: 7_000, held: 3_000, seq: 2, lifetime_redeemed: 0 });
    expect(await cash.QuoteRedemption({ tenant_id: TENANT, member_id: memberId, order_amount_minor: 20_000 })).toMatchObject({
      max_points: 7_000,
      available: 7_000,
    });

    const redeem = await failureOf(cash.Redeem({ tenant_id: TENANT, member_id: memberId, idempotency_key: uniq('r'), points: 7_001 }));
    expect(redeem.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(redeem.details).toContain('available 7000, requested 7001');

    const beyondShare = await failureOf(cash.Hold(holdRequest(memberId, 5_001, { order_id: 'o-2', order_amount_minor: 10_001 })));
    expect(beyondShare.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(beyondShare.details).toContain('(5000:');

    const tooLong = await failureOf(cash.Hold(holdRequest(memberId, 100, { order_id: 'o-3', ttl_seconds: 30 * 60 + 1 })));
    expect(tooLong.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(tooLong.details).toBe('ttl_seconds must be at most 1800 (program max_hold_minutes)');
    expect(await accountOf(memberId)).toMatchObject({ balance: 7_000, held: 3_000, seq: 2 });
  });

  it('CaptureHold of 1,200 of a 3,000 hold spends 1,200 and returns 1,800; a retry with its key returns the same entry; ListEntries shows HOLD and CAPTURE', async () => {
    const memberId = await memberWith(10_000);
    await cash.Hold(holdRequest(memberId, 3_000));
    const request = captureRequest(memberId, 2, 1_200);
    const captured = await cash.CaptureHold(request);
    expect(captured).toEqual({ entry_id: holdIdOf(memberId, 3), points: -1_200, balance: 8_800, seq: 3 });
    expect(await cash.CaptureHold(request)).toEqual(captured);
    expect(await accountOf(memberId)).toMatchObject({ balance: 8_800, held: 0, lifetime_redeemed: 1_200, seq: 3 });

    const again = await failureOf(cash.CaptureHold(captureRequest(memberId, 2, 100)));
    expect(again.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(again.details).toContain('is not open');

    const entries = await entriesOf(memberId);
    expect(entries.map((e) => [e.type, e.points, e.balance_after, e.order_id])).toEqual([
      ['ENTRY_TYPE_ADJUST', 10_000, 10_000, ''],
      ['ENTRY_TYPE_HOLD', 0, 10_000, 'o-1'],
      ['ENTRY_TYPE_CAPTURE', -1_200, 8_800, 'o-1'],
    ]);
    expect(entries[2]).toMatchObject({ entry_id: captured.entry_id, idempotency_key: request.idempotency_key, reason: 'points as cash' });
  });

  it('CaptureHold of more than the hold is FAILED_PRECONDITION, and of another member’s hold INVALID_ARGUMENT naming hold_id', async () => {
    const memberId = await memberWith(1_000);
    await cash.Hold(holdRequest(memberId, 300));
    const more = await failureOf(cash.CaptureHold(captureRequest(memberId, 2, 301)));
    expect(more.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(more.details).toContain('holds only 300 points, not 301');

    const other = await failureOf(cash.CaptureHold({ ...captureRequest(memberId, 2), member_id: uniq('m') }));
    expect(other.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(other.details).toContain('hold_id belongs to another member');
    expect(await accountOf(memberId)).toMatchObject({ balance: 700, held: 300, seq: 2 });
  });

  it('ReleaseHold returns every held point; a retry with its key returns the same entry; the hold can no longer be captured', async () => {
    const memberId = await memberWith(10_000);
    await cash.Hold(holdRequest(memberId, 2_000));
    expect(await accountOf(memberId)).toMatchObject({ balance: 8_000, held: 2_000 });
    const request = releaseRequest(memberId, 2);
    const released = await cash.ReleaseHold(request);
    expect(released).toEqual({ entry_id: holdIdOf(memberId, 3), balance: 10_000, seq: 3 });
    expect(await cash.ReleaseHold(request)).toEqual(released);
    expect(await accountOf(memberId)).toMatchObject({ balance: 10_000, held: 0, lifetime_redeemed: 0, seq: 3 });
    expect((await entriesOf(memberId)).map((e) => [e.type, e.points, e.reason])).toEqual([
      ['ENTRY_TYPE_ADJUST', 10_000, 'seed'],
      ['ENTRY_TYPE_HOLD', 0, 'points held for checkout'],
      ['ENTRY_TYPE_RELEASE', 0, 'hold released'],
    ]);
    expect((await failureOf(cash.CaptureHold(captureRequest(memberId, 2)))).code).toBe(grpc.status.FAILED_PRECONDITION);
  });

  it('SubmitBatch decides hold, capture and release in order, each with its own result', async () => {
    const memberId = await memberWith(1_000);
    const hold = holdRequest(memberId, 400);
    const { results } = await cash.SubmitBatch({
      commands: [
        { hold },
        { capture: captureRequest(memberId, 2, 150) },
        { release: releaseRequest(memberId, 2) },
        { hold: holdRequest(memberId, 10, { ttl_seconds: -5 }) },
        { hold: holdRequest(memberId, 851, { order_id: 'o-2' }) },
        { hold: holdRequest(memberId, 850, { order_id: 'o-3' }) },
      ],
    });
    expect(results.map((r) => r.result)).toEqual(['hold', 'capture', 'error', 'error', 'error', 'hold']);
    expect(results[0].hold).toMatchObject({ hold_id: holdIdOf(memberId, 2), points: 400, balance: 600, seq: 2 });
    expect(results[1].capture).toEqual({ entry_id: holdIdOf(memberId, 3), points: -150, balance: 850, seq: 3 });
    expect(results[2].error).toMatchObject({ status: 'FAILED_PRECONDITION' });
    expect(results[2].error?.message).toContain('is not open');
    expect(results[3].error).toMatchObject({ status: 'INVALID_ARGUMENT' });
    expect(results[3].error?.message).toContain('commands[3].hold.ttl_seconds');
    expect(results[4].error).toMatchObject({ status: 'FAILED_PRECONDITION' });
    expect(results[4].error?.message).toContain('available 850, requested 851');
    expect(results[5].hold).toMatchObject({ hold_id: holdIdOf(memberId, 4), points: 850, balance: 0, seq: 4 });

    // The retry of the batch's first hold, alone, is the same hold.
    expect(await cash.Hold(hold)).toMatchObject({ hold_id: holdIdOf(memberId, 2), seq: 2 });
    expect(await accountOf(memberId)).toMatchObject({ balance: 0, held: 850, lifetime_redeemed: 150, seq: 4 });
  });

  describe('a hold of ttl_seconds 1 lapses (in order: the engine restarts between them)', () => {
    let memberId: string;

    it('after 1.5 s Account.held is 0 and the points are available again; CaptureHold is FAILED_PRECONDITION (has expired); housekeeping (60 s) has written nothing yet', async () => {
      memberId = await memberWith(1_000);
      expect(await cash.Hold(holdRequest(memberId, 600, { ttl_seconds: 1 }))).toMatchObject({ balance: 400 });
      expect(await accountOf(memberId)).toMatchObject({ balance: 400, held: 600 });
      await sleep(1_500);
      expect(await accountOf(memberId)).toMatchObject({ balance: 1_000, held: 0, seq: 2 });
      const late = await failureOf(cash.CaptureHold(captureRequest(memberId, 2)));
      expect(late.code).toBe(grpc.status.FAILED_PRECONDITION);
      expect(late.details).toContain(`hold ${holdIdOf(memberId, 2)} has expired`);
      expect((await entriesOf(memberId)).map((e) => e.type)).toEqual(['ENTRY_TYPE_ADJUST', 'ENTRY_TYPE_HOLD']);
    });

    it('with JIFEN_HOUSEKEEPING_INTERVAL_MS=100 housekeeping writes its RELEASE (hold expired), and releases a new lapsed hold within a second or so', async () => {
      await start({ JIFEN_HOUSEKEEPING_INTERVAL_MS: '100' });
      const release = await eventually('RELEASE of the lapsed hold', async () =>
        (await entriesOf(memberId)).find((e) => e.type === 'ENTRY_TYPE_RELEASE'),
      );
      expect(release).toMatchObject({ seq: 3, points: 0, balance_after: 1_000, order_id: 'o-1', reason: 'hold expired' });
      expect(await accountOf(memberId)).toMatchObject({ balance: 1_000, held: 0, seq: 3 });
      const again = await failureOf(cash.CaptureHold(captureRequest(memberId, 2)));
      expect(again.code).toBe(grpc.status.FAILED_PRECONDITION);
      expect(again.details).toContain('is not open');

      await cash.Hold(holdRequest(memberId, 250, { order_id: 'o-2', ttl_seconds: 1 }));
      const second = await eventually('RELEASE of the second lapsed hold', async () =>
        (await entriesOf(memberId)).find((e) => e.type === 'ENTRY_TYPE_RELEASE' && e.order_id === 'o-2'),
      );
      expect(second).toMatchObject({ seq: 5, reason: 'hold expired' });
      expect(await accountOf(memberId)).toMatchObject({ balance: 1_000, held: 0, seq: 5 });
    });
  });
});

// The hold RPCs are not in the shared PointsClient: a small client of their own here (proto-loader
// decodes every field: keepCase, longs as Number, defaults).

interface Who {
  tenant_id: string;
  member_id: string;
}

interface HoldRequest extends Who {
  idempotency_key: string;
  points: number;
  ttl_seconds?: number;
  order_id: string;
  order_amount_minor?: number;
}

interface CaptureHoldRequest extends Who {
  idempotency_key: string;
  hold_id: string;
  points?: number;
}

interface ReleaseHoldRequest extends Who {
  idempotency_key: string;
  hold_id: string;
}

interface HoldResponse {
  hold_id: string;
  points: number;
  balance: number;
  seq: number;
  expires_at: Timestamp | null;
}

interface CaptureHoldResponse {
  entry_id: string;
  points: number;
  balance: number;
  seq: number;
}

interface ReleaseHoldResponse {
  entry_id: string;
  balance: number;
  seq: number;
}

interface QuoteRedemptionResponse {
  max_points: number;
  cash_minor: number;
  available: number;
  points_per: number;
  minor_per: number;
}

interface CashAccount extends Account {
  held: number;
}

type HoldCommand = { hold: HoldRequest } | { capture: CaptureHoldRequest } | { release: ReleaseHoldRequest };

interface HoldCommandResult {
  result: 'hold' | 'capture' | 'release' | 'error';
  hold?: HoldResponse | null;
  capture?: CaptureHoldResponse | null;
  release?: ReleaseHoldResponse | null;
  error?: { code: number; message: string; status: string } | null;
}

interface CashClient {
  Adjust(req: Who & { idempotency_key: string; points: number; reason: string; operator: string }): Promise<unknown>;
  Redeem(req: Who & { idempotency_key: string; points: number }): Promise<unknown>;
  GetAccount(req: Who): Promise<{ account: CashAccount }>;
  ListEntries(req: Who & { page_size: number }): Promise<{ entries: Entry[] }>;
  Hold(req: HoldRequest): Promise<HoldResponse>;
  CaptureHold(req: CaptureHoldRequest): Promise<CaptureHoldResponse>;
  ReleaseHold(req: ReleaseHoldRequest): Promise<ReleaseHoldResponse>;
  QuoteRedemption(req: Who & { order_amount_minor: number }): Promise<QuoteRedemptionResponse>;
  SubmitBatch(req: { commands: HoldCommand[] }): Promise<{ results: HoldCommandResult[] }>;
  close(): void;
}

const CASH_RPCS = [
  'Adjust',
  'Redeem',
  'GetAccount',
  'ListEntries',
  'Hold',
  'CaptureHold',
  'ReleaseHold',
  'QuoteRedemption',
  'SubmitBatch',
] as const;

function cashClient(address: string): CashClient {
  return promisedClient<CashClient>(pointsServiceChannel(address), CASH_RPCS);
}
