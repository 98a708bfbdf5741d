// kill -9 in the middle of concurrent load, then restart on the same data dir and retry every
// command with its key and payload: an acknowledged write is durable (its retry returns the same
// entry_id), nothing is applied twice, and every member's ledger is gapless and adds up.

import * as grpc from '@grpc/grpc-js';
import { afterAll, describe, expect, it } from 'vitest';
import { type EngineProcess, cleanupEngines, makeDataDir, startEngine } from '../support/engine-process.js';
import { adminClient } from '../support/admin-client.js';
import { auditMember } from '../support/ledger-audit.js';
import {
  type CallOptions,
  type Command,
  type CommandResult,
  type PointsClient,
  isServiceError,
  pointsClient,
} from '../support/points-client.js';

const TENANT = 'crash';
const SHARDS = '2';
const CLIENTS = 16;
const MEMBERS = Array.from({ length: 200 }, (_, i) => `member-${i}`);
const CALL_DEADLINE_MS = 10_000;

/** One command as it was sent: recorded before sending, so a crash cannot hide it. */
interface Sent {
  key: string;
  memberId: string;
  command: Command;
  /** Commands sent together in one SubmitBatch share an id; unary calls have none. */
  batchId?: number;
  /** entry_id of the acknowledged write; absent when refused or unanswered. */
  ackedEntryId?: string;
}

afterAll(cleanupEngines);

describe('kill -9 under load', () => {
  it('loses no acknowledged write and applies nothing twice, at two different kill moments', async () => {
    const dataDir = makeDataDir();
    const sent: Sent[] = [];
    const counter = { batches: 0 };

    for (const [phase, killAfterMs] of [
      ['p1', 1_500],
      ['p2', 300],
    ] as const) {
      const engine = await startEngine({ dataDir, env: { JIFEN_SHARDS: SHARDS } });
      const phaseSent = await loadUntilKilled(engine, phase, killAfterMs, counter);
      const acked = phaseSent.filter((s) => s.ackedEntryId !== undefined).length;
      expect(acked, `${phase}: some writes were acknowledged before the kill`).toBeGreaterThan(0);
      expect(acked, `${phase}: the kill landed while writes were still unanswered`).toBeLessThan(phaseSent.length);
      sent.push(...phaseSent);

      const restarted = await startEngine({ dataDir, env: { JIFEN_SHARDS: SHARDS } });
      try {
        await retryEverything(restarted, sent);
        await auditEveryMember(restarted, sent);
        await auditLedgerClean(restarted);
      } finally {
        expect(await restarted.stop(), restarted.output()).toBe(0);
      }
    }
    // Four engine starts, two kills, the retries and two audits: on a loaded 2-core machine over a minute.
  }, 180_000);
});

/** Runs CLIENTS concurrent writers (unary Earn/Redeem and SubmitBatch) and kill -9s the engine mid-way. */
async function loadUntilKilled(engine: EngineProcess, phase: string, killAfterMs: number, counter: { batches: number }): Promise<Sent[]> {
  const sent: Sent[] = [];
  const unexpected: string[] = [];
  let killed = false;
  let firstAck: () => void = () => {};
  const flowing = new Promise<void>((resolve) => (firstAck = resolve));
  const clients = Array.from({ length: CLIENTS }, () => pointsClient(engine.grpcAddr, { separateConnection: true }));

  const writer = async (client: PointsClient, c: number) => {
    for (let i = 0; !killed; i++) {
      const key = `${phase}-c${c}-i${i}`;
      let current: Sent | undefined;
      try {
        if (i % 4 === 3) {
          const batchId = ++counter.batches;
          const batch = Array.from({ length: 5 + (i % 16) }, (_, j) => record(sent, makeCommand(`${key}-b${j}`, c + i + j), batchId));
          const { results } = await client.SubmitBatch(
            { commands: batch.map((s) => s.command) },
            { deadline: Date.now() + CALL_DEADLINE_MS },
          );
          results.forEach((r, j) => {
            const outcome = batchOutcome(r);
            if (typeof outcome === 'string') batch[j].ackedEntryId = outcome;
            else if (!isRefusedRedeem(batch[j], outcome.code)) unexpected.push(`${batch[j].key}: ${outcome.status}`);
          });
        } else {
          current = record(sent, makeCommand(key, c * 3 + i));
          current.ackedEntryId = await sendUnary(client, current.command, { deadline: Date.now() + CALL_DEADLINE_MS });
        }
        firstAck();
      } catch (err) {
        if (killed) return;
        const code = isServiceError(err) ? err.code : -1;
        if (!isRefusedRedeem(current, code)) unexpected.push(`${key}: ${String(err)}`);
      }
    }
  };

  const writers = clients.map(writer);
  await flowing;
  await new Promise((r) => setTimeout(r, killAfterMs));
  killed = true;
  await engine.kill9();
  await Promise.all(writers);
  for (const c of clients) c.close();
  expect(unexpected, `${phase}: only redeems may be refused before the kill`).toEqual([]);
  return sent;
}

/** Retries every command ever sent, each the way it was first sent (batches as the same batch). */
async function retryEverything(engine: EngineProcess, sent: Sent[]): Promise<void> {
  const jobs: Sent[][] = [];
  const batches = new Map<number, Sent[]>();
  for (const s of sent) {
    if (s.batchId === undefined) jobs.push([s]);
    else if (batches.has(s.batchId)) batches.get(s.batchId)?.push(s);
    else {
      const batch = [s];
      batches.set(s.batchId, batch);
      jobs.push(batch);
    }
  }

  const problems: string[] = [];
  const clients = Array.from({ length: CLIENTS }, () => pointsClient(engine.grpcAddr, { separateConnection: true }));
  let next = 0;
  await Promise.all(
    clients.map(async (client) => {
      while (next < jobs.length) {
        const job = jobs[next++];
        const outcomes = await retry(client, job);
        job.forEach((s, j) => {
          const outcome = outcomes[j];
          if (typeof outcome === 'string') {
            if (s.ackedEntryId !== undefined && outcome !== s.ackedEntryId) {
              problems.push(`${s.key}: acknowledged as ${s.ackedEntryId}, retry answered ${outcome}`);
            }
            s.ackedEntryId ??= outcome;
          } else if (s.ackedEntryId !== undefined) {
            problems.push(`${s.key}: acknowledged as ${s.ackedEntryId}, retry refused with ${outcome.status}`);
          } else if (!isRefusedRedeem(s, outcome.code)) {
            problems.push(`${s.key}: retry refused with ${outcome.status} ${outcome.message}`);
          }
        });
      }
    }),
  );
  for (const c of clients) c.close();
  expect(problems).toEqual([]);
}

async function retry(client: PointsClient, job: Sent[]): Promise<(string | { code: number; status: string; message: string })[]> {
  if (job[0].batchId !== undefined) {
    const { results } = await client.SubmitBatch({ commands: job.map((s) => s.command) });
    return results.map(batchOutcome);
  }
  try {
    return [await sendUnary(client, job[0].command)];
  } catch (err) {
    if (!isServiceError(err)) throw err;
    return [{ code: err.code, status: grpc.status[err.code], message: err.details }];
  }
}

async function sendUnary(client: PointsClient, command: Command, opts: CallOptions = {}): Promise<string> {
  if ('earn' in command) return (await client.Earn(command.earn, opts)).entry_id;
  if ('redeem' in command) return (await client.Redeem(command.redeem, opts)).entry_id;
  throw new Error('only earns and redeems are sent unary here');
}

/** Each member's ledger is gapless and adds up, holds only keys we sent, and every ack at its entry_id. */
async function auditEveryMember(engine: EngineProcess, sent: Sent[]): Promise<void> {
  const client = pointsClient(engine.grpcAddr);
  try {
    const byMember = new Map<string, Sent[]>();
    for (const s of sent) byMember.set(s.memberId, [...(byMember.get(s.memberId) ?? []), s]);
    for (const [memberId, commands] of byMember) {
      const ledger = await auditMember(client, TENANT, memberId);
      const expected = new Map(commands.filter((s) => s.ackedEntryId !== undefined).map((s) => [s.key, s.ackedEntryId as string]));
      // A member whose every command was a refused redeem has no account.
      const entries = ledger?.entries ?? [];
      const entryIdByKey = new Map(entries.map((e) => [e.idempotency_key, e.entry_id]));
      expect(entryIdByKey, `${memberId}: ledger holds exactly the acknowledged writes, each once`).toEqual(expected);
      if (ledger) {
        expect(ledger.account.balance, `${memberId}: balance equals the last balance_after`).toBe(entries.at(-1)?.balance_after);
      }
    }
  } finally {
    client.close();
  }
}

/** 积分审计 over the restarted engine: every ledger replays, and the roll-forward ties out to the balances. */
async function auditLedgerClean(engine: EngineProcess): Promise<void> {
  const admin = adminClient(engine.grpcAddr);
  try {
    const report = await admin.AuditLedger({ tenant_id: TENANT });
    expect(report.mismatches).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.checked).toBeGreaterThan(0);
    const [tie] = report.tie_out;
    expect(tie.roll_forward_closing, 'the roll-forward closing equals the sum of the balances').toBe(tie.outstanding);
  } finally {
    admin.close();
  }
}

/** Deterministic mix: three earns for every redeem, spread over all members. */
function makeCommand(key: string, n: number): { key: string; memberId: string; command: Command } {
  const memberId = MEMBERS[(n * 37 + key.length * 11 + hash(key)) % MEMBERS.length];
  const base = { tenant_id: TENANT, member_id: memberId, idempotency_key: key };
  const command: Command =
    hash(key) % 4 === 0
      ? { redeem: { ...base, points: 1 + (n % 30), reason: 'crash-test' } }
      : { earn: { ...base, order_id: `order-${key}`, amount_minor: 100 * (1 + (n % 80)), currency: 'CNY' } };
  return { key, memberId, command };
}

function record(sent: Sent[], c: { key: string; memberId: string; command: Command }, batchId?: number): Sent {
  const s: Sent = { ...c, batchId };
  sent.push(s);
  return s;
}

function batchOutcome(r: CommandResult): string | { code: number; status: string; message: string } {
  if (r.result === 'error') {
    return { code: r.error?.code ?? -1, status: r.error?.status ?? '?', message: r.error?.message ?? '' };
  }
  return (r[r.result] as { entry_id: string }).entry_id;
}

function isRefusedRedeem(s: Sent | undefined, code: number): boolean {
  return s !== undefined && 'redeem' in s.command && code === grpc.status.FAILED_PRECONDITION;
}

function hash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) >>> 0;
  return h;
}
