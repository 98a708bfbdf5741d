// WatchEvents over a real socket against a real engine with the default (in-memory) backends: a
// tenant's ledger entries arrive as events with the entry's fields and increasing cursors, other
// tenants' never; resuming after the last cursor seen continues without repeats.

import http2 from 'node:http2';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EngineProcess, cleanupEngines, startEngine } from '../support/engine-process.js';
import { uniq } from '../support/ids.js';
import { listAllEntries } from '../support/ledger-audit.js';
import { type PointsClient, type WatchedEvent, pointsClient } from '../support/points-client.js';

afterAll(cleanupEngines);

describe('WatchEvents on a running engine', () => {
  let engine: EngineProcess;
  let client: PointsClient;

  beforeAll(async () => {
    engine = await startEngine({ env: { JIFEN_SHARDS: '2' } });
    client = pointsClient(engine.grpcAddr);
  });
  afterAll(() => client?.close());

  it('streams earned, redeemed, reversed and adjusted events with the ledger entry fields and increasing cursors', async () => {
    const tenant = 'watch-kinds';
    const watch = client.watchEvents({ tenant_id: tenant });
    try {
      const member = 'alice';
      const base = { tenant_id: tenant, member_id: member };
      const earned = await client.Earn({
        ...base,
        idempotency_key: 'k-earn',
        order_id: 'o-1',
        amount_minor: 50_000,
        currency: 'CNY',
      });
      const redeemed = await client.Redeem({ ...base, idempotency_key: 'k-redeem', points: 120, reason: 'coupon' });
      const reversed = await client.Reverse({ ...base, idempotency_key: 'k-reverse', order_id: 'o-1', amount_minor: 10_000 });
      const adjusted = await client.Adjust({
        ...base,
        idempotency_key: 'k-adjust',
        points: -30,
        reason: 'goodwill correction',
        operator: 'ops-7',
      });

      const got = await watch.waitFor(4);
      expect(got.map((m) => m.event.event)).toEqual(['earned', 'redeemed', 'reversed', 'adjusted']);
      expectIncreasingCursors(got);

      const entries = await listAllEntries(client, tenant, member);
      expect(entries).toHaveLength(4);
      for (const [i, { event }] of got.entries()) {
        const entry = entries[i];
        expect(event, `event ${i} mirrors ledger entry seq ${entry.seq}`).toEqual({
          entry_id: entry.entry_id,
          tenant_id: tenant,
          member_id: member,
          seq: entry.seq,
          event: ['earned', 'redeemed', 'reversed', 'adjusted'][i],
          points: entry.points,
          balance_after: entry.balance_after,
          order_id: entry.order_id,
          idempotency_key: entry.idempotency_key,
          reason: entry.reason,
          created_at: entry.created_at,
          // Only tier_changed and expiring_soon events fill these; transfers, holds and redemptions the last two.
          tier_from: '',
          tier_to: '',
          tier_reason: '',
          expires_at: null,
          reference: '',
          counterparty: '',
        });
      }
      // And against what the writes answered, independently of ListEntries.
      expect(got.map((m) => m.event.entry_id)).toEqual([earned, redeemed, reversed, adjusted].map((r) => r.entry_id));
      expect(got.map((m) => m.event.seq)).toEqual([1, 2, 3, 4]);
      expect(got.map((m) => m.event.points)).toEqual([500, -120, -100, -30]);
      expect(got.map((m) => m.event.balance_after)).toEqual([500, 380, 280, 250]);
      expect(got[0].event).toMatchObject({ order_id: 'o-1', idempotency_key: 'k-earn' });
      expect(got[1].event).toMatchObject({ reason: 'coupon', idempotency_key: 'k-redeem' });
      expect(got[2].event).toMatchObject({ order_id: 'o-1', idempotency_key: 'k-reverse' });
      expect(got[3].event).toMatchObject({ reason: 'goodwill correction', idempotency_key: 'k-adjust' });
      const createdMs = got.map((m) => Number(m.event.created_at?.seconds) * 1000 + Number(m.event.created_at?.nanos) / 1e6);
      for (const ms of createdMs) expect(Math.abs(ms - Date.now()), 'created_at is the commit time').toBeLessThan(60_000);

      // A rejected command is not an event: nothing more arrives for this tenant.
      await expect(client.Redeem({ ...base, idempotency_key: 'k-too-much', points: 1_000_000 })).rejects.toMatchObject({
        code: grpc.status.FAILED_PRECONDITION,
      });
      await settle();
      expect(watch.received).toHaveLength(4);
    } finally {
      watch.cancel();
    }
  });

  it("delivers only the watched tenant's events, also from SubmitBatch across both shards", async () => {
    const mine = 'watch-mine';
    const other = 'watch-other';
    const watch = client.watchEvents({ tenant_id: mine });
    const otherWatch = client.watchEvents({ tenant_id: other });
    try {
      const members = Array.from({ length: 20 }, (_, i) => `m${i}`);
      const commands = members.flatMap((member) => [
        { earn: earnOf(mine, member, 1_000) },
        { earn: earnOf(other, member, 2_000) },
        { earn: earnOf('watch-other.sub', member, 3_000) },
      ]);
      const { results } = await client.SubmitBatch({ commands });
      expect(results.every((r) => r.result === 'earn')).toBe(true);

      const got = await watch.waitFor(members.length);
      const gotOther = await otherWatch.waitFor(members.length);
      await settle();
      expect(watch.received, 'exactly one event per entry of the watched tenant').toHaveLength(members.length);
      expect(otherWatch.received).toHaveLength(members.length);
      expect(got.every((m) => m.event.tenant_id === mine)).toBe(true);
      expect(gotOther.every((m) => m.event.tenant_id === other)).toBe(true);
      expect(new Set(got.map((m) => m.event.member_id))).toEqual(new Set(members));
      expect(got.every((m) => m.event.points === 10 && m.event.event === 'earned')).toBe(true);
      expectIncreasingCursors(got);
      expectIncreasingCursors(gotOther);
    } finally {
      watch.cancel();
      otherWatch.cancel();
    }
  });

  it('replays retained events to a late subscriber, then continues live', async () => {
    const tenant = 'watch-late';
    await client.Earn(earnOf(tenant, 'bob', 1_000));
    await client.Earn(earnOf(tenant, 'bob', 2_000));
    const watch = client.watchEvents({ tenant_id: tenant, after: 0 });
    try {
      const replayed = await watch.waitFor(2);
      expect(replayed.map((m) => m.event.seq)).toEqual([1, 2]);
      await client.Earn(earnOf(tenant, 'bob', 3_000));
      const all = await watch.waitFor(3);
      expect(all.map((m) => [m.event.seq, m.event.points])).toEqual([
        [1, 10],
        [2, 20],
        [3, 30],
      ]);
      expectIncreasingCursors(all);
    } finally {
      watch.cancel();
    }
  });

  it('reconnecting with after = the last cursor seen replays nothing already seen and continues', async () => {
    const tenant = 'watch-resume';
    const first = client.watchEvents({ tenant_id: tenant });
    for (let i = 0; i < 3; i++) await client.Earn(earnOf(tenant, 'carol', 1_000 * (i + 1)));
    const seen = [...(await first.waitFor(3))];
    first.cancel();
    expect((await first.ended)?.code).toBe(grpc.status.CANCELLED);
    const lastCursor = seen[seen.length - 1].cursor;

    // Written while nobody watches: the resumed stream must bring exactly these, then live ones.
    for (let i = 3; i < 5; i++) await client.Earn(earnOf(tenant, 'carol', 1_000 * (i + 1)));
    // Noise from another tenant between the two streams moves the cursor without being delivered.
    await client.Earn(earnOf('watch-noise', 'carol', 1_000));

    const resumed = client.watchEvents({ tenant_id: tenant, after: lastCursor });
    try {
      const missed = await resumed.waitFor(2);
      await client.Earn(earnOf(tenant, 'carol', 6_000));
      const rest = await resumed.waitFor(3);
      await settle();
      expect(resumed.received).toHaveLength(3);
      expect(
        rest.map((m) => m.event.seq),
        'the gap, then live, nothing seen before',
      ).toEqual([4, 5, 6]);
      expect(missed[0].cursor).toBeGreaterThan(lastCursor);
      expectIncreasingCursors(rest);
      const all = [...seen, ...rest];
      expect(new Set(all.map((m) => m.cursor)).size, 'no cursor delivered twice').toBe(all.length);
      expect(all.map((m) => m.event.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    } finally {
      resumed.cancel();
    }
  });

  it('after = the newest cursor delivers only what is written later', async () => {
    const tenant = 'watch-tail';
    await client.Earn(earnOf(tenant, 'dan', 1_000));
    const probe = client.watchEvents({ tenant_id: tenant });
    const [latest] = await probe.waitFor(1);
    probe.cancel();
    const tail = client.watchEvents({ tenant_id: tenant, after: latest.cursor });
    try {
      await settle();
      expect(tail.received, 'nothing replayed').toHaveLength(0);
      await client.Earn(earnOf(tenant, 'dan', 2_000));
      const [next] = await tail.waitFor(1);
      expect(next.event.seq).toBe(2);
      expect(next.cursor).toBeGreaterThan(latest.cursor);
    } finally {
      tail.cancel();
    }
  });

  it('a cursor from before an engine restart is refused OUT_OF_RANGE or brings the new events, never skips them silently', async () => {
    // Cursors are per process (README). A consumer that resumes with the last cursor it saw from
    // the previous process must not be handed a stream that quietly leaves out what was written
    // since the restart (the new process numbers its events from 1 again).
    const tenant = 'watch-restart';
    const own = await startEngine({ env: { JIFEN_SHARDS: '2' } });
    let ownClient = pointsClient(own.grpcAddr, { separateConnection: true });
    let restarted: EngineProcess | undefined;
    try {
      for (let i = 0; i < 5; i++) await ownClient.Earn(earnOf(tenant, 'erin', 1_000));
      const before = ownClient.watchEvents({ tenant_id: tenant });
      const seen = await before.waitFor(5);
      before.cancel();
      const lastCursor = seen[seen.length - 1].cursor;
      ownClient.close();
      expect(await own.stop(), own.output()).toBe(0);

      restarted = await startEngine({ dataDir: own.dataDir, env: { JIFEN_SHARDS: '2' } });
      ownClient = pointsClient(restarted.grpcAddr, { separateConnection: true });
      for (let i = 0; i < 3; i++) await ownClient.Earn(earnOf(tenant, 'erin', 2_000));

      const resumed = ownClient.watchEvents({ tenant_id: tenant, after: lastCursor });
      try {
        const outcome = await Promise.race([
          resumed.ended.then((err) => ({ ended: err })),
          resumed.waitFor(3, 3_000).then(
            (got) => ({ events: got }),
            () => ({ events: [...resumed.received] }),
          ),
        ]);
        if ('ended' in outcome) {
          expect(outcome.ended?.code, outcome.ended?.details).toBe(grpc.status.OUT_OF_RANGE);
        } else {
          expect(
            outcome.events.map((m) => m.event.seq),
            `resumed with after=${lastCursor} from the previous process: the 3 events written since the restart`,
          ).toEqual([6, 7, 8]);
        }
      } finally {
        resumed.cancel();
      }
    } finally {
      ownClient.close();
      await restarted?.stop();
    }
  });

  it.each([
    ['empty', ''],
    ['with a space', 'bad tenant'],
    ['with a colon', 'a:b'],
    ['129 characters long', 'x'.repeat(129)],
  ])('a tenant_id %s is INVALID_ARGUMENT naming tenant_id', async (_, tenantId) => {
    const watch = client.watchEvents({ tenant_id: tenantId });
    const err = await withTimeout(watch.ended, 5_000, 'WatchEvents with an invalid tenant did not end');
    expect(err?.code, err?.details).toBe(grpc.status.INVALID_ARGUMENT);
    expect(err?.details).toContain('tenant_id');
    expect(watch.received).toHaveLength(0);
  });
});

function earnOf(tenant: string, member: string, amountMinor: number) {
  return {
    tenant_id: tenant,
    member_id: member,
    idempotency_key: uniq('k'),
    order_id: uniq('o'),
    amount_minor: amountMinor,
    currency: 'CNY',
  };
}

function expectIncreasingCursors(messages: WatchedEvent[]): void {
  const cursors = messages.map((m) => m.cursor);
  for (let i = 1; i < cursors.length; i++) {
    expect(cursors[i], `cursor ${i} (${cursors.join(',')}) is above the one before`).toBeGreaterThan(cursors[i - 1]);
  }
  expect(cursors[0]).toBeGreaterThan(0);
}

/** Time for anything wrongly on its way (a duplicate, another tenant's event) to arrive. */
function settle(ms = 300): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(what)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

describe('WatchEvents consumers that stop reading', () => {
  let engine: EngineProcess;
  let client: PointsClient;
  // A small limit (256 KiB behind), so a few thousand events show what 16 MiB shows by default.
  beforeAll(async () => {
    engine = await startEngine({ env: { JIFEN_SHARDS: '2', JIFEN_WATCH_MAX_BEHIND_BYTES: String(256 * 1024) } });
    client = pointsClient(engine.grpcAddr);
  });
  afterAll(() => client?.close());

  it('a consumer that never reads is ended RESOURCE_EXHAUSTED once 256 KiB behind, having been sent only what its window took; one that reads gets every event', async () => {
    const tenant = 'watch-stalled';
    const stalled = stalledWatch(engine.grpcAddr, tenant);
    const reader = client.watchEvents({ tenant_id: tenant });
    const EVENTS = 10_000;
    try {
      for (let sent = 0; sent < EVENTS; sent += 500) {
        const commands = Array.from({ length: 500 }, (_, i) => ({
          earn: {
            tenant_id: tenant,
            member_id: `m${(sent + i) % 50}`,
            idempotency_key: uniq('k'),
            order_id: uniq('o'),
            amount_minor: 100,
            currency: 'CNY',
          },
        }));
        const { results } = await client.SubmitBatch({ commands });
        expect(results.every((r) => r.result === 'earn')).toBe(true);
      }
      expect((await reader.waitFor(EVENTS, 60_000)).length).toBe(EVENTS);
      const { status, message, bytes } = await stalled.readToEnd();
      expect([status, decodeURIComponent(message)]).toEqual([
        String(grpc.status.RESOURCE_EXHAUSTED),
        'consumer too slow: more than 256 KiB of events queued',
      ]);
      expect(bytes, 'what the stalled stream was sent before it was ended').toBeLessThan(1024 * 1024);
    } finally {
      reader.cancel();
      stalled.close();
    }
  });
});

/**
 * A WatchEvents call over plain HTTP/2 that reads nothing, so flow control stops the server once its
 * window is full: what a client that stops reading looks like on the wire (grpc-js's own client keeps
 * reading into memory while paused). readToEnd() then drains it and returns its trailers.
 */
function stalledWatch(address: string, tenant: string) {
  const session = http2.connect(`http://${address}`);
  session.on('error', () => {});
  const stream = session.request({
    ':method': 'POST',
    ':path': '/jifen.v1.PointsService/WatchEvents',
    'content-type': 'application/grpc',
    te: 'trailers',
  });
  stream.on('error', () => {});
  const tenantBytes = Buffer.from(tenant);
  const request = Buffer.concat([Buffer.from([0x0a, tenantBytes.length]), tenantBytes]); // field 1: tenant_id
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(request.length, 1);
  stream.end(Buffer.concat([prefix, request]));
  stream.pause();
  let trailers: http2.IncomingHttpHeaders = {};
  stream.on('trailers', (t) => (trailers = t));
  return {
    async readToEnd(): Promise<{ status: string; message: string; bytes: number }> {
      let bytes = 0;
      stream.on('data', (chunk: Buffer) => (bytes += chunk.length));
      stream.resume();
      await new Promise((resolve) => stream.once('end', resolve));
      return { status: String(trailers['grpc-status']), message: String(trailers['grpc-message']), bytes };
    },
    close: () => session.destroy(),
  };
}
