// 转赠 / 积分捐赠 / 跨界兑换 end to end, over a real gRPC socket against real engine processes (2 shards).
// First the behaviours under a tenant program (5,000 points a day, charity account, partner `air` at
// 3 points = 2 miles): the receiver's TRANSFER_IN arrives shortly after the sender's answer. Then a
// crash: ~400 concurrent transfers among 20 members, kill -9 in the middle, restart on the same data
// dir, retry what was not answered; no point is created or destroyed and every transfer has exactly
// one TRANSFER_OUT and one TRANSFER_IN.

import { setTimeout as sleep } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminClient, adminClient } from '../support/admin-client.js';
import { type EngineProcess, cleanupEngines, makeDataDir, startEngine } from '../support/engine-process.js';
import { uniq } from '../support/ids.js';
import { auditMember } from '../support/ledger-audit.js';
import {
  type Account,
  type CallOptions,
  type Entry,
  isServiceError,
  pointsClient,
  pointsServiceChannel,
  promisedClient,
} from '../support/points-client.js';
import { failureOf } from '../support/expect-grpc.js';
import { msOf } from '../support/timestamps.js';
import { eventually } from '../support/waiting.js';
import { mulberry32 } from '../support/random.js';

const TENANT = 'transfer-e2e';
const CHARITY = 'charity';
const PROGRAM = `name: transfers e2e
transfers:
  max_points_per_day: 5000
  charity_member_id: ${CHARITY}
  partners:
    - { id: air, points: 3, units: 2 }
`;
const ENGINE_ENV = { JIFEN_SHARDS: '2' };

afterAll(cleanupEngines);

describe('transfers (转赠, 积分捐赠, 跨界兑换) over gRPC', () => {
  let engine: EngineProcess;
  let client: TransferClient;
  let admin: AdminClient;

  beforeAll(async () => {
    engine = await startEngine({ isolateEnv: true, env: ENGINE_ENV });
    client = transferClient(engine.grpcAddr);
    admin = adminClient(engine.grpcAddr);
    expect(await admin.PutProgram({ tenant_id: TENANT, document: PROGRAM, expected_version: 0 })).toEqual({
      tenant_id: TENANT,
      version: 1,
    });
  });
  afterAll(async () => {
    client?.close();
    admin?.close();
    if (engine) expect(await engine.stop(), engine.output()).toBe(0);
  });

  /** A new member with `points` (one ADJUST at seq 1). */
  async function memberWith(points: number): Promise<string> {
    const memberId = uniq('m');
    await client.Adjust({ tenant_id: TENANT, member_id: memberId, idempotency_key: uniq('seed'), points, reason: 'seed', operator: 'e2e' });
    return memberId;
  }
  const balanceOf = (memberId: string) => balanceIn(client, TENANT, memberId);
  const entriesOf = async (memberId: string) =>
    (await client.ListEntries({ tenant_id: TENANT, member_id: memberId, page_size: 1000 })).entries;
  const toMember = (from: string, to: string, points: number, o: Partial<TransferRequest> = {}): TransferRequest => ({
    tenant_id: TENANT,
    member_id: from,
    idempotency_key: uniq('transfer'),
    kind: 'TRANSFER_KIND_MEMBER',
    to_member_id: to,
    points,
    reason: 'gift',
    ...o,
  });
  const donation = (from: string, points: number): TransferRequest => ({
    tenant_id: TENANT,
    member_id: from,
    idempotency_key: uniq('donate'),
    kind: 'TRANSFER_KIND_DONATION',
    points,
  });
  const conversion = (from: string, points: number, partnerId = 'air'): TransferRequest => ({
    tenant_id: TENANT,
    member_id: from,
    idempotency_key: uniq('convert'),
    kind: 'TRANSFER_KIND_PARTNER',
    points,
    partner_id: partnerId,
    partner_reference: 'AIR-778899',
  });

  it('Transfer of 1,200 to another member: TRANSFER_OUT answered with transfer_id = its entry_id; the receiver’s balance rises from 100 to 1,300 shortly after; both ledgers name the one transfer; a retry with the key returns the same answer and moves nothing', async () => {
    const sender = await memberWith(10_000);
    const receiver = await memberWith(100);
    const request = toMember(sender, receiver, 1_200, { reason: 'birthday gift' });
    const transferId = `${TENANT}:${sender}:2`;

    const answer = await client.Transfer(request);
    expect(answer).toEqual({ transfer_id: transferId, entry_id: transferId, points: -1_200, balance: 8_800, seq: 2, partner_units: 0 });
    expect(await eventually('the receiver’s 1,300', async () => ((await balanceOf(receiver)) === 1_300 ? true : undefined))).toBe(true);

    expect(await client.Transfer(request)).toEqual(answer);
    await sleep(300); // a second delivery, if any, would land by now
    expect(await balanceOf(sender)).toBe(8_800);
    expect(await balanceOf(receiver)).toBe(1_300);

    const sent = await entriesOf(sender);
    expect(sent.map((e) => [e.type, e.points, e.balance_after])).toEqual([
      ['ENTRY_TYPE_ADJUST', 10_000, 10_000],
      ['ENTRY_TYPE_TRANSFER_OUT', -1_200, 8_800],
    ]);
    expect(sent[1]).toMatchObject({ entry_id: transferId, idempotency_key: request.idempotency_key, reason: 'birthday gift' });
    const received = await entriesOf(receiver);
    expect(received.map((e) => [e.type, e.points, e.balance_after])).toEqual([
      ['ENTRY_TYPE_ADJUST', 100, 100],
      ['ENTRY_TYPE_TRANSFER_IN', 1_200, 1_300],
    ]);
    expect(received[1]).toMatchObject({ idempotency_key: `\u00a7transfer:${transferId}`, reason: `transfer from ${sender}` });
    // Both sides name the one transfer and each other.
    expect(sent[1]).toMatchObject({ transfer_id: transferId, counterparty: receiver });
    expect(received[1]).toMatchObject({ transfer_id: transferId, counterparty: sender });
    expect(await accountOf(client, TENANT, sender)).toMatchObject({ lifetime_redeemed: 1_200 });

    const reused = await failureOf(client.Transfer({ ...request, points: 1_201 }));
    expect(reused.code).toBe(grpc.status.ALREADY_EXISTS);
  });

  it('a member new to the program receives a transfer: its account is opened by the TRANSFER_IN', async () => {
    const sender = await memberWith(1_000);
    const newcomer = uniq('new');
    await client.Transfer(toMember(sender, newcomer, 250));
    expect(await eventually('the newcomer’s account', async () => ((await balanceOf(newcomer)) === 250 ? true : undefined))).toBe(true);
    expect((await entriesOf(newcomer)).map((e) => [e.seq, e.type, e.points])).toEqual([[1, 'ENTRY_TYPE_TRANSFER_IN', 250]]);
  });

  it('a donation of 300 reaches the charity account (charity_member_id) as TRANSFER_IN "donation from <member>"', async () => {
    const sender = await memberWith(1_000);
    const before = (await balanceIfAny(client, TENANT, CHARITY)) ?? 0;
    const answer = await client.Transfer(donation(sender, 300));
    expect(answer).toMatchObject({ transfer_id: `${TENANT}:${sender}:2`, points: -300, balance: 700, partner_units: 0 });
    expect(await eventually('the donation', async () => ((await balanceOf(CHARITY)) === before + 300 ? true : undefined))).toBe(true);
    const theirs = (await entriesOf(CHARITY)).filter((e) => e.idempotency_key === `\u00a7transfer:${answer.transfer_id}`);
    expect(theirs.map((e) => [e.type, e.points, e.reason])).toEqual([['ENTRY_TYPE_TRANSFER_IN', 300, `donation from ${sender}`]]);
  });

  it('a partner conversion of 1,000 points at 3 points = 2 miles answers partner_units 666 and credits no member; an unknown partner is INVALID_ARGUMENT partner_id; 1 point (0 miles) is FAILED_PRECONDITION', async () => {
    const sender = await memberWith(10_000);
    const answer = await client.Transfer(conversion(sender, 1_000));
    expect(answer).toEqual({
      transfer_id: `${TENANT}:${sender}:2`,
      entry_id: `${TENANT}:${sender}:2`,
      points: -1_000,
      balance: 9_000,
      seq: 2,
      partner_units: 666,
    });
    expect((await entriesOf(sender)).map((e) => [e.type, e.points])).toEqual([
      ['ENTRY_TYPE_ADJUST', 10_000],
      ['ENTRY_TYPE_TRANSFER_OUT', -1_000],
    ]);
    expect(await balanceIfAny(client, TENANT, 'air')).toBeUndefined();

    const unknown = await failureOf(client.Transfer(conversion(sender, 1_000, 'sea')));
    expect(unknown.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(unknown.details).toBe('partner_id is not a partner of this program');
    const tooFew = await failureOf(client.Transfer(conversion(sender, 1)));
    expect(tooFew.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(tooFew.details).toContain('1 points convert to 0 air units');
    expect(await balanceOf(sender)).toBe(9_000);
  });

  it('the daily limit of 5,000 covers all kinds together: after 2,500 transferred, 1,000 donated and 500 converted, 1,001 more is RESOURCE_EXHAUSTED; 1,000 more is accepted', async () => {
    const sender = await memberWith(10_000);
    const receiver = await memberWith(1);
    await client.Transfer(toMember(sender, receiver, 2_500));
    await client.Transfer(donation(sender, 1_000));
    await client.Transfer(conversion(sender, 500));
    const over = await failureOf(client.Transfer(toMember(sender, receiver, 1_001)));
    expect(over.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(over.details).toBe('daily transfer limit 5000 points: 4000 already sent today, 1001 more requested');
    expect(await client.Transfer(toMember(sender, receiver, 1_000))).toMatchObject({ points: -1_000, balance: 5_000, seq: 5 });
    const limit = await failureOf(client.Transfer(donation(sender, 1)));
    expect(limit.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
  });

  it('refusals: more than available is FAILED_PRECONDITION, to oneself and an unset kind INVALID_ARGUMENT naming the field; nothing moves', async () => {
    const sender = await memberWith(100);
    const receiver = await memberWith(1);
    const insufficient = await failureOf(client.Transfer(toMember(sender, receiver, 101)));
    expect(insufficient.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(insufficient.details).toContain('available 100, requested 101');
    const self = await failureOf(client.Transfer(toMember(sender, sender, 10)));
    expect(self.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(self.details).toBe('to_member_id must not be the sender');
    const unset = await failureOf(client.Transfer(toMember(sender, receiver, 10, { kind: 'TRANSFER_KIND_UNSPECIFIED' })));
    expect(unset.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(unset.details).toMatch(/^kind /);
    await sleep(200);
    expect(await balanceOf(sender)).toBe(100);
    expect(await balanceOf(receiver)).toBe(1);
  });

  it('SubmitBatch decides transfers in order, each with its own result; the receiver gets what was accepted', async () => {
    const sender = await memberWith(1_000);
    const receiver = await memberWith(1);
    const { results } = await client.SubmitBatch({
      commands: [
        { transfer: toMember(sender, receiver, 200) },
        { transfer: toMember(sender, receiver, 0) },
        { transfer: conversion(sender, 300) },
        { transfer: toMember(sender, receiver, 501) },
        { transfer: toMember(sender, receiver, 500) },
      ],
    });
    expect(results.map((r) => r.result)).toEqual(['transfer', 'error', 'transfer', 'error', 'transfer']);
    expect(results[0].transfer).toMatchObject({ transfer_id: `${TENANT}:${sender}:2`, points: -200, balance: 800 });
    expect(results[1].error).toMatchObject({ status: 'INVALID_ARGUMENT' });
    expect(results[1].error?.message).toContain('commands[1].transfer.points');
    expect(results[2].transfer).toMatchObject({ points: -300, balance: 500, partner_units: 200 });
    expect(results[3].error).toMatchObject({ status: 'FAILED_PRECONDITION' });
    expect(results[3].error?.message).toContain('available 500, requested 501');
    expect(results[4].transfer).toMatchObject({ points: -500, balance: 0, seq: 4 });
    expect(await eventually('the receiver’s 701', async () => ((await balanceOf(receiver)) === 701 ? true : undefined))).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// kill -9 in the middle of concurrent transfers

const CRASH_TENANT = 'transfer-crash';
const MEMBERS = Array.from({ length: 20 }, (_, i) => `member-${i}`);
const SEEDED = 1_000;
const TRANSFERS = 400;
/** Transfers in flight at once; the engine is killed once KILL_AFTER_ACKS of them were answered. */
const IN_FLIGHT = 32;
const KILL_AFTER_ACKS = 150;
const CALL_DEADLINE_MS = 5_000;
/** Crash rounds at most, until one kill lands in both windows the test is about. */
const MAX_CRASH_ROUNDS = 3;

/** One transfer as it was sent: recorded before sending, so a crash cannot hide it. */
interface Sent {
  request: TransferRequest;
  /** The answer: acknowledged (its transfer id) or refused for good; absent while unanswered. */
  outcome?: { transferId: string } | { refused: string };
}

describe('kill -9 in the middle of ~400 concurrent transfers among 20 members', () => {
  it(
    'creates and destroys no points: the 20 balances add up to 20,000, and each acknowledged transfer has one TRANSFER_OUT and one TRANSFER_IN',
    async () => {
      // Every round asserts conservation in full. Where exactly a kill -9 lands is up to the machine, so
      // a round that missed the windows this test is about (committed but unanswered; owed before the
      // kill, delivered after it) is run again with another seed, a bounded number of times.
      let windows = { committedUnanswered: 0, deliveredAfterRestart: 0 };
      for (let round = 0; round < MAX_CRASH_ROUNDS; round++) {
        windows = await crashRound(20261110 + round);
        if (windows.committedUnanswered > 0 && windows.deliveredAfterRestart > 0) break;
      }
      expect(windows.committedUnanswered, 'transfers committed before the kill but answered only to their retry').toBeGreaterThan(0);
      expect(
        windows.deliveredAfterRestart,
        'TRANSFER_INs of transfers committed before the kill, delivered after the restart',
      ).toBeGreaterThan(0);
    },
    MAX_CRASH_ROUNDS * 50_000,
  );
});

/** One crash on a fresh data dir: conservation and the per-transfer audit are asserted; returns how the kill landed. */
async function crashRound(seed: number): Promise<{ committedUnanswered: number; deliveredAfterRestart: number }> {
  const dataDir = makeDataDir();
  const first = await startEngine({ dataDir, isolateEnv: true, env: ENGINE_ENV });
  const admin = adminClient(first.grpcAddr);
  const seeding = transferClient(first.grpcAddr);
  await admin.PutProgram({ tenant_id: CRASH_TENANT, document: 'name: transfer crash\nbase_rate: { points: 1, per_minor: 100 }\n' });
  admin.close();
  const earned = await Promise.all(
    MEMBERS.map((m) =>
      seeding.Earn({
        tenant_id: CRASH_TENANT,
        member_id: m,
        idempotency_key: `seed-${m}`,
        order_id: `seed-${m}`,
        amount_minor: SEEDED * 100,
        currency: 'CNY',
      }),
    ),
  );
  seeding.close();
  expect(earned.map((e) => e.points)).toEqual(MEMBERS.map(() => SEEDED));

  const sent = randomTransfers(seed);
  await sendUntilKilled(first, sent);
  const ackedBeforeKill = sent.filter((s) => s.outcome && 'transferId' in s.outcome).length;
  const unanswered = sent.filter((s) => s.outcome === undefined).length;
  expect(ackedBeforeKill, 'some transfers were acknowledged before the kill').toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
  expect(unanswered, 'the kill landed while transfers were still unanswered').toBeGreaterThan(0);

  const restartedAt = Date.now();
  const restarted = await startEngine({ dataDir, isolateEnv: true, env: ENGINE_ENV });
  const client = transferClient(restarted.grpcAddr);
  const reader = pointsClient(restarted.grpcAddr);
  try {
    await retryUnanswered(restarted, sent);
    expect(
      sent.filter((s) => s.outcome === undefined),
      'every transfer is answered after the retries',
    ).toEqual([]);

    const total = await settledTotal(client);
    expect(total, 'sum of the 20 balances once follow-ups settled').toBe(MEMBERS.length * SEEDED);

    const ledgers = new Map<string, Entry[]>();
    for (const m of MEMBERS) ledgers.set(m, (await auditMember(reader, CRASH_TENANT, m))?.entries ?? []);
    auditTransfers(sent, ledgers);

    const entries = [...ledgers.values()].flat();
    const outsBeforeKill = new Set(
      entries.filter((e) => e.type === 'ENTRY_TYPE_TRANSFER_OUT' && msOf(e.created_at) < restartedAt).map((e) => e.entry_id),
    );
    const deliveredAfterRestart = entries.filter(
      (e) => e.type === 'ENTRY_TYPE_TRANSFER_IN' && msOf(e.created_at) >= restartedAt && outsBeforeKill.has(transferIdOf(e)),
    );
    return { committedUnanswered: outsBeforeKill.size - ackedBeforeKill, deliveredAfterRestart: deliveredAfterRestart.length };
  } finally {
    client.close();
    reader.close();
    expect(await restarted.stop(), restarted.output()).toBe(0);
  }
}

/** TRANSFERS member → member transfers of 1–100 points, from a seeded generator (the same run every time). */
function randomTransfers(seed: number): Sent[] {
  const random = mulberry32(seed);
  const pick = (n: number) => Math.floor(random() * n);
  return Array.from({ length: TRANSFERS }, (_, i) => {
    const from = pick(MEMBERS.length);
    const to = (from + 1 + pick(MEMBERS.length - 1)) % MEMBERS.length;
    return {
      request: {
        tenant_id: CRASH_TENANT,
        member_id: MEMBERS[from],
        idempotency_key: `crash-transfer-${i}`,
        kind: 'TRANSFER_KIND_MEMBER',
        to_member_id: MEMBERS[to],
        points: 1 + pick(100),
        reason: 'crash test',
      },
    };
  });
}

/** Sends IN_FLIGHT transfers at a time over separate connections and kill -9s the engine after KILL_AFTER_ACKS answers. */
async function sendUntilKilled(engine: EngineProcess, sent: Sent[]): Promise<void> {
  const clients = Array.from({ length: 8 }, () => transferClient(engine.grpcAddr, true));
  const unexpected: string[] = [];
  let next = 0;
  let acked = 0;
  let killed: Promise<void> | undefined;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async (_, w) => {
      const client = clients[w % clients.length];
      while (killed === undefined && next < sent.length) {
        const s = sent[next++];
        try {
          const answer = await client.Transfer(s.request, { deadline: Date.now() + CALL_DEADLINE_MS });
          s.outcome = { transferId: answer.transfer_id };
          if (++acked === KILL_AFTER_ACKS) killed = engine.kill9();
        } catch (err) {
          if (killed !== undefined) continue; // unanswered: retried after the restart
          const code = isServiceError(err) ? err.code : -1;
          if (code === grpc.status.FAILED_PRECONDITION) s.outcome = { refused: (err as grpc.ServiceError).details };
          else unexpected.push(`${s.request.idempotency_key}: ${String(err)}`);
        }
      }
    }),
  );
  await killed;
  for (const c of clients) c.close();
  expect(unexpected, 'before the kill a transfer is answered or refused for lack of points').toEqual([]);
}

/** Retries every unanswered transfer with its key and payload until the restarted engine answers it. */
async function retryUnanswered(engine: EngineProcess, sent: Sent[]): Promise<void> {
  const pending = sent.filter((s) => s.outcome === undefined);
  const clients = Array.from({ length: 8 }, () => transferClient(engine.grpcAddr, true));
  let next = 0;
  await Promise.all(
    clients.map(async (client) => {
      while (next < pending.length) {
        const s = pending[next++];
        for (let attempt = 0; s.outcome === undefined && attempt < 20; attempt++) {
          try {
            s.outcome = { transferId: (await client.Transfer(s.request, { deadline: Date.now() + CALL_DEADLINE_MS })).transfer_id };
          } catch (err) {
            if (!isServiceError(err)) throw err;
            if (err.code === grpc.status.FAILED_PRECONDITION) s.outcome = { refused: err.details };
            else if (err.code === grpc.status.UNAVAILABLE || err.code === grpc.status.RESOURCE_EXHAUSTED) await sleep(100);
            else throw err;
          }
        }
      }
    }),
  );
  for (const c of clients) c.close();
}

/** The sum of the 20 balances once it has stopped changing for a second (follow-ups delivered), within 10 s. */
async function settledTotal(client: TransferClient): Promise<number> {
  const deadline = Date.now() + 10_000;
  let total = Number.NaN;
  let stableSince = Date.now();
  for (;;) {
    const now = (await Promise.all(MEMBERS.map((m) => balanceIn(client, CRASH_TENANT, m)))).reduce((a, b) => a + b, 0);
    if (now !== total) {
      total = now;
      stableSince = Date.now();
    } else if (Date.now() - stableSince >= 1_000 || Date.now() > deadline) {
      return total;
    }
    await sleep(200);
  }
}

/**
 * Each acknowledged transfer: exactly one TRANSFER_OUT on the sender (entry_id = transfer id, its
 * key and points) and exactly one TRANSFER_IN on the receiver (key §transfer:<id>, the same points);
 * a refused one moved nothing; and no ledger holds a TRANSFER_OUT or TRANSFER_IN of any other transfer.
 */
function auditTransfers(sent: Sent[], ledgers: Map<string, Entry[]>): void {
  const outs = new Map<string, Located[]>();
  const ins = new Map<string, Located[]>();
  const add = (into: Map<string, Located[]>, id: string, e: Located) => into.set(id, [...(into.get(id) ?? []), e]);
  for (const [memberId, entries] of ledgers) {
    for (const e of entries) {
      if (e.type === 'ENTRY_TYPE_TRANSFER_OUT') add(outs, e.entry_id, { ...e, memberId });
      if (e.type === 'ENTRY_TYPE_TRANSFER_IN') add(ins, transferIdOf(e), { ...e, memberId });
    }
  }
  const problems: string[] = [];
  const acknowledged = new Set<string>();
  for (const s of sent) {
    const { member_id: from, to_member_id: to, points, idempotency_key: key } = s.request;
    if (s.outcome && 'refused' in s.outcome) {
      if (ledgers.get(from)?.some((e) => e.idempotency_key === key)) problems.push(`${key}: refused (${s.outcome.refused}) but written`);
      continue;
    }
    const id = (s.outcome as { transferId: string }).transferId;
    acknowledged.add(id);
    const out = outs.get(id) ?? [];
    const into = ins.get(id) ?? [];
    const outOk = out.length === 1 && out[0].memberId === from && out[0].idempotency_key === key && out[0].points === -points;
    const inOk = into.length === 1 && into[0].memberId === to && into[0].points === points && into[0].reason === `transfer from ${from}`;
    if (!outOk) problems.push(`${key} (${id}): ${out.length} TRANSFER_OUT ${JSON.stringify(out)}`);
    if (!inOk) problems.push(`${key} (${id}): ${into.length} TRANSFER_IN ${JSON.stringify(into)}`);
  }
  for (const id of outs.keys()) if (!acknowledged.has(id)) problems.push(`TRANSFER_OUT ${id} of no acknowledged transfer`);
  for (const id of ins.keys()) if (!outs.has(id)) problems.push(`TRANSFER_IN of ${id} without its TRANSFER_OUT`);
  expect(problems).toEqual([]);
  expect(acknowledged.size, 'most transfers were accepted').toBeGreaterThan(TRANSFERS / 2);
}

/** An entry and the member whose ledger holds it. */
type Located = Entry & { memberId: string };

const transferIdOf = (transferIn: Entry) => transferIn.idempotency_key.replace(/^\u00a7transfer:/, '');

// ---------------------------------------------------------------------------------------------

async function accountOf(client: TransferClient, tenantId: string, memberId: string): Promise<Account> {
  return (await client.GetAccount({ tenant_id: tenantId, member_id: memberId })).account;
}

async function balanceIn(client: TransferClient, tenantId: string, memberId: string): Promise<number> {
  return (await accountOf(client, tenantId, memberId)).balance;
}

/** The member's balance, or undefined when it has no account (NOT_FOUND). */
async function balanceIfAny(client: TransferClient, tenantId: string, memberId: string): Promise<number | undefined> {
  try {
    return await balanceIn(client, tenantId, memberId);
  } catch (err) {
    if (isServiceError(err) && err.code === grpc.status.NOT_FOUND) return undefined;
    throw err;
  }
}

// Transfer is not in the shared PointsClient: a small client of its own here (proto-loader decodes
// every field: keepCase, longs as Number, enums as names, defaults).

interface Who {
  tenant_id: string;
  member_id: string;
}

interface TransferRequest extends Who {
  idempotency_key: string;
  kind: 'TRANSFER_KIND_UNSPECIFIED' | 'TRANSFER_KIND_MEMBER' | 'TRANSFER_KIND_DONATION' | 'TRANSFER_KIND_PARTNER';
  to_member_id?: string;
  points: number;
  partner_id?: string;
  partner_reference?: string;
  reason?: string;
}

interface TransferResponse {
  transfer_id: string;
  entry_id: string;
  points: number;
  balance: number;
  seq: number;
  partner_units: number;
}

interface TransferCommandResult {
  result: 'transfer' | 'error';
  transfer?: TransferResponse | null;
  error?: { code: number; message: string; status: string } | null;
}

interface TransferClient {
  Adjust(req: Who & { idempotency_key: string; points: number; reason: string; operator: string }): Promise<unknown>;
  Earn(req: Who & { idempotency_key: string; order_id: string; amount_minor: number; currency: string }): Promise<{ points: number }>;
  GetAccount(req: Who): Promise<{ account: Account }>;
  ListEntries(req: Who & { page_size: number }): Promise<{ entries: Entry[] }>;
  Transfer(req: TransferRequest, opts?: CallOptions): Promise<TransferResponse>;
  SubmitBatch(req: { commands: { transfer: TransferRequest }[] }): Promise<{ results: TransferCommandResult[] }>;
  close(): void;
}

const TRANSFER_RPCS = ['Adjust', 'Earn', 'GetAccount', 'ListEntries', 'Transfer', 'SubmitBatch'] as const;

/** separateConnection: its own TCP connection instead of grpc-js's shared subchannel pool. */
function transferClient(address: string, separateConnection = false): TransferClient {
  return promisedClient<TransferClient>(pointsServiceChannel(address, { separateConnection }), TRANSFER_RPCS);
}
