// Faults of the ledger itself: the Cassandra node paused (SIGSTOP) and killed (kill -9) in the middle
// of concurrent Earn load. Calls fail with UNAVAILABLE or DEADLINE_EXCEEDED and are not acknowledged,
// service resumes on its own once the node is back, nothing acknowledged is lost, and a write the
// client gave up on but the node applied is not applied again when retried with its key.
// The node is this file's own (the run's shared node must not be paused under other files), with
// commitlog_sync: batch, so a write it acknowledged survives its kill -9.

import * as grpc from '@grpc/grpc-js';
import { Client } from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyspace } from '../support/cassandra-keyspace.js';
import { type CassandraServer, cassandraTarget, startCassandraServer } from '../support/cassandra-server.js';
import { type EngineProcess, cleanupEngines, startEngine } from '../support/engine-process.js';
import { uniq } from '../support/ids.js';
import { auditMember, listAllEntries } from '../support/ledger-audit.js';
import { type EarnRequest, type PointsClient, isServiceError, pointsClient } from '../support/points-client.js';

const TENANT = 'ledger-faults';
const CLIENTS = 8;
const MEMBERS_PER_FAULT = 40;
const CALL_DEADLINE_MS = 3_000;
/** What a call may answer while the ledger cannot be reached. */
const LEDGER_DOWN = new Set([grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED]);

interface Sent {
  request: EarnRequest;
  sentAt: number;
  entryId?: string;
  failure?: number;
}

const target = cassandraTarget();

describe.skipIf('skipped' in target)('the Cassandra ledger paused and killed under load', () => {
  let node: CassandraServer;
  let engine: EngineProcess;

  beforeAll(async () => {
    node = await startCassandraServer({ commitlogSync: 'batch' });
    const keyspace = await createKeyspace({ contactPoints: [node.contactPoint], localDataCenter: node.localDataCenter }, 'jifen_faults');
    engine = await startEngine({
      env: { JIFEN_SHARDS: '2', CASSANDRA_CONTACT_POINTS: node.contactPoint, CASSANDRA_KEYSPACE: keyspace },
    });
  });
  afterAll(async () => {
    await cleanupEngines();
    await node?.stop();
  });

  const FAULTS = [
    // Shorter than the driver's 12 s read timeout, longer than the client's deadline: the engine's
    // writes complete once the node runs again, after their callers gave up (applied, unanswered).
    ['stall', 'a node paused for 6 s (SIGSTOP)'],
    // Longer than the driver's read timeout: the engine's writes fail and are rolled back.
    ['pause', 'a node paused for 16 s (SIGSTOP)'],
    ['kill', 'a node killed with -9 and restarted'],
  ] as const;
  for (const [fault, what] of FAULTS) {
    it(`${what}: failures are UNAVAILABLE or DEADLINE_EXCEEDED, service resumes by itself, retries apply each write once`, () =>
      explained(() => faultCase(fault)));
  }

  /**
   * A failure says whether the node itself answers a fresh client (else the fault is the node's, not
   * the engine's), with the node's log and the engine's last lines.
   */
  async function explained(run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (err) {
      const probe = new Client({
        contactPoints: [node.contactPoint],
        localDataCenter: node.localDataCenter,
        socketOptions: { connectTimeout: 5_000, readTimeout: 5_000 },
      });
      const answers = await probe.execute('SELECT release_version FROM system.local').then(
        () => 'the node answers a fresh client',
        (e: unknown) => `the node does not answer a fresh client: ${e instanceof Error ? e.message : String(e)}`,
      );
      await probe.shutdown().catch(() => {});
      const engineTail = engine.output().split('\n').slice(-30).join('\n');
      if (err instanceof Error) err.message += `\n${answers}\n${node.logTail(60)}\n--- engine (last 30 lines) ---\n${engineTail}`;
      throw err;
    }
  }

  async function faultCase(fault: (typeof FAULTS)[number][0]): Promise<void> {
    const MEMBERS = Array.from({ length: MEMBERS_PER_FAULT }, (_, i) => `${fault}-member-${i}`);
    const load = startLoad(engine, MEMBERS);
    await load.acked(50);
    const faultAt = Date.now();
    if (fault !== 'kill') {
      node.pause();
      await new Promise((r) => setTimeout(r, fault === 'stall' ? 6_000 : 16_000));
      node.resume();
    } else {
      await node.kill9();
      await new Promise((r) => setTimeout(r, 2_000));
      await node.restart();
    }
    const backAt = Date.now();
    await load.ackedAfter(backAt, 50, 60_000);
    const sent = await load.stop();

    const failed = sent.filter((s) => s.failure !== undefined);
    expect(failed.length, 'calls failed while the node was away').toBeGreaterThan(0);
    expect(failed.filter((s) => !LEDGER_DOWN.has(s.failure as number)).map((s) => grpc.status[s.failure as number])).toEqual([]);
    expect(sent.filter((s) => s.entryId !== undefined && s.sentAt > faultAt).length, 'acknowledged after the fault').toBeGreaterThan(0);

    // What the node applied although the client heard nothing: in the ledger before any retry.
    const client = pointsClient(engine.grpcAddr);
    const stored = new Map<string, string>();
    for (const member of MEMBERS) {
      for (const e of await entriesOrNone(client, member)) stored.set(e.idempotency_key, e.entry_id);
    }
    const appliedUnanswered = failed.filter((s) => stored.has(s.request.idempotency_key));
    console.log(
      `${fault}: ${sent.length} sent, ${sent.length - failed.length} acknowledged, ${failed.length} failed ` +
        `(${appliedUnanswered.length} of them applied by the node before the client gave up)`,
    );
    if (fault === 'stall') expect(appliedUnanswered.length, 'writes applied after their callers gave up').toBeGreaterThan(0);
    for (const s of sent.filter((s) => s.entryId !== undefined)) {
      expect(stored.get(s.request.idempotency_key), `acknowledged ${s.request.idempotency_key} is in the ledger`).toBe(s.entryId);
    }

    // Every failed call retried with its key and payload: applied once, the applied ones answered with their stored entry.
    // (Sixteen retries at a time: a kill leaves hundreds of failed calls, one after the other took minutes.)
    const queue = [...failed];
    const retrier = async () => {
      for (let s = queue.shift(); s !== undefined; s = queue.shift()) {
        const retried = await earnUntilAnswered(client, s.request);
        if (stored.has(s.request.idempotency_key)) expect(retried).toBe(stored.get(s.request.idempotency_key));
        s.entryId = retried;
      }
    };
    await Promise.all(Array.from({ length: 16 }, retrier));
    let total = 0;
    for (const member of MEMBERS) {
      const ledger = await whileLedgerSettles(() => auditMember(client, TENANT, member));
      const mine = sent.filter((s) => s.request.member_id === member);
      expect(new Set(ledger?.entries.map((e) => e.idempotency_key)), `${member}: each write once`).toEqual(
        new Set(mine.map((s) => s.request.idempotency_key)),
      );
      total += ledger?.account.balance ?? 0;
    }
    expect(total).toBe(sent.reduce((sum, s) => sum + Number(s.request.amount_minor) / 100, 0));
    client.close();
  }
});

/**
 * A client's retry: the same request (same key) again while the ledger answers UNAVAILABLE or
 * DEADLINE_EXCEEDED, as it may for a while after the node is back (its backlog), at most 10 times.
 */
async function earnUntilAnswered(client: PointsClient, request: EarnRequest): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return (await client.Earn(request, { deadline: Date.now() + 30_000 })).entry_id;
    } catch (err) {
      if (attempt >= 10 || !isServiceError(err) || !LEDGER_DOWN.has(err.code)) throw err;
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
}

/** A member's entries; none when every write to it failed (no account: NOT_FOUND). */
async function entriesOrNone(client: PointsClient, member: string) {
  try {
    return await whileLedgerSettles(() => listAllEntries(client, TENANT, member));
  } catch (err) {
    if (isServiceError(err) && err.code === grpc.status.NOT_FOUND) return [];
    throw err;
  }
}

/** A read right after the node is back may meet the shard settling what the fault left: asked again, at most 10 times. */
async function whileLedgerSettles<T>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (err) {
      if (attempt >= 10 || !isServiceError(err) || !LEDGER_DOWN.has(err.code)) throw err;
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
}

/** CLIENTS writers sending Earns (1 point per yuan, whole yuan) with fresh keys until stopped. */
function startLoad(engine: EngineProcess, MEMBERS: string[]) {
  const sent: Sent[] = [];
  let stopped = false;
  const clients: PointsClient[] = Array.from({ length: CLIENTS }, () => pointsClient(engine.grpcAddr, { separateConnection: true }));
  const writers = clients.map(async (client, c) => {
    for (let i = 0; !stopped; i++) {
      const s: Sent = {
        request: {
          tenant_id: TENANT,
          member_id: MEMBERS[(c * 7 + i) % MEMBERS.length],
          idempotency_key: uniq(`w${c}`),
          order_id: uniq('o'),
          amount_minor: 100 * (1 + ((c + i) % 50)),
          currency: 'CNY',
        },
        sentAt: Date.now(),
      };
      sent.push(s);
      try {
        s.entryId = (await client.Earn(s.request, { deadline: Date.now() + CALL_DEADLINE_MS })).entry_id;
      } catch (err) {
        s.failure = isServiceError(err) ? err.code : -1;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  });
  const ackedAfter = async (since: number, count: number, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    while (sent.filter((s) => s.entryId !== undefined && s.sentAt >= since).length < count) {
      if (Date.now() > deadline)
        throw new Error(`fewer than ${count} acknowledged writes within ${timeoutMs} ms after ${new Date(since).toISOString()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return {
    acked: (count: number) => ackedAfter(0, count),
    ackedAfter,
    async stop(): Promise<Sent[]> {
      stopped = true;
      await Promise.all(writers);
      for (const c of clients) c.close();
      return sent;
    },
  };
}
