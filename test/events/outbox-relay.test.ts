// OutboxRelay over a real SQLite outbox and a real nats-server -js: how commits are grouped into
// publish rounds (JIFEN_NATS_ROUND_INTERVAL_MS), that a backlog is not held back by the spacing, and
// that close() publishes what was waiting for the next round. Every record still reaches the stream
// once, in order, as its own message.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type NatsConnection, connect } from 'nats';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope, EventPublisher } from '../../src/events/event-publisher.js';
import { NatsEventPublisher } from '../../src/events/nats-publisher.js';
import { OutboxRelay, type OutboxRelayOptions } from '../../src/events/outbox-relay.js';
import { SqliteLedgerStore } from '../../src/ledger/embedded/sqlite-store.js';
import type { OutboxRecord } from '../../src/ledger/store.js';
import { type NatsServer, natsServerOnPath, startNatsServer } from '../support/nats-server.js';
import { eventually } from '../support/waiting.js';

const STREAM = 'JIFEN';

/** Passes every call on to the real publisher and remembers the batch ids of each round. */
class RoundRecorder implements EventPublisher {
  readonly rounds: { at: number; batchIds: string[] }[] = [];
  constructor(private readonly inner: EventPublisher) {}
  async publish(envelopes: EventEnvelope[]): Promise<void> {
    this.rounds.push({ at: Date.now(), batchIds: envelopes.map((e) => e.batchId) });
    await this.inner.publish(envelopes);
  }
  async close(): Promise<void> {}
}

describe.skipIf(!natsServerOnPath())('OutboxRelay publish rounds on a real nats-server', () => {
  let server: NatsServer;
  let nats: NatsEventPublisher;
  let reader: NatsConnection;
  const opened: { dir: string; store: SqliteLedgerStore; relay?: OutboxRelay }[] = [];

  beforeAll(async () => {
    server = await startNatsServer();
    nats = await NatsEventPublisher.connect({ url: server.url, stream: STREAM, publishTimeoutMs: 2_000 });
    reader = await connect({ servers: server.url });
  });

  afterEach(async () => {
    for (const o of opened.splice(0)) {
      await o.relay?.close();
      await o.store.close();
      rmSync(o.dir, { recursive: true, force: true });
    }
  });

  afterAll(async () => {
    await nats?.close();
    await reader?.close();
    await server?.destroy();
  });

  /** A fresh outbox; `tenant` keeps each test's messages on subjects of their own. */
  function outbox(tenant: string) {
    const dir = mkdtempSync(join(tmpdir(), 'jifen-relay-'));
    const store = new SqliteLedgerStore({ file: join(dir, 'shard.db'), durability: 'os' });
    const entry: (typeof opened)[number] = { dir, store };
    opened.push(entry);
    let nextId = 1;
    const recorder = new RoundRecorder(nats);
    return {
      store,
      recorder,
      /** Commits `n` records (one per commit, as a shard does) and returns them. */
      async commit(n: number): Promise<OutboxRecord[]> {
        const records: OutboxRecord[] = [];
        for (let i = 0; i < n; i++) {
          const record = recordOf(tenant, nextId++);
          await store.commit({ entries: [], orders: [], snapshots: [], outbox: [record] });
          records.push(record);
        }
        return records;
      },
      async open(options: Partial<OutboxRelayOptions>): Promise<OutboxRelay> {
        entry.relay = await OutboxRelay.open(store, [recorder], options);
        return entry.relay;
      },
    };
  }

  /** The message ids the stream holds for the tenant, oldest first. */
  async function streamed(tenant: string, expected: number): Promise<string[]> {
    const filter = `jifen.${tenant}.>`;
    const consumer = await reader.jetstream().consumers.get(STREAM, { filterSubjects: filter });
    const ids: string[] = [];
    for await (const m of await consumer.fetch({ max_messages: expected + 1, expires: 1_500 })) {
      ids.push(m.headers?.get('Nats-Msg-Id') ?? '');
    }
    return ids;
  }

  it('without an interval a commit made while nothing is in flight is published at once, in its own round', async () => {
    const o = outbox('no-interval');
    const relay = await o.open({ roundIntervalMs: 0 });
    for (let i = 1; i <= 4; i++) {
      relay.kick(await o.commit(1));
      await publishedUpTo(relay, i);
    }
    expect(o.recorder.rounds.map((r) => r.batchIds)).toEqual([1, 2, 3, 4].map((id) => [batchIdOf('no-interval', id)]));
  });

  it('commits arriving within the interval ride together in the next round, each still its own message', async () => {
    const o = outbox('spaced');
    const relay = await o.open({ roundIntervalMs: 1_000 });
    relay.kick(await o.commit(1)); // the first round starts at once
    await publishedUpTo(relay, 1);
    for (let i = 0; i < 9; i++) relay.kick(await o.commit(1));
    await sleep(200);
    expect(relay.publishedId).toBe(1); // still waiting for the interval to pass
    await publishedUpTo(relay, 10);

    const rounds = o.recorder.rounds;
    expect(rounds.map((r) => r.batchIds.length)).toEqual([1, 9]);
    expect(rounds[1].at - rounds[0].at).toBeGreaterThanOrEqual(950);
    const ids = Array.from({ length: 10 }, (_, i) => batchIdOf('spaced', i + 1));
    expect(await streamed('spaced', 10)).toEqual(ids);
    expect((await o.store.outboxPosition()).publishedId).toBe(10);
  });

  it('a backlog bigger than one round is published round after round without waiting for the interval', async () => {
    const o = outbox('backlog');
    await o.commit(600); // committed before the relay starts, as after a restart or an outage
    const relay = await o.open({ roundIntervalMs: 60_000, recordsPerRound: 256 });
    await publishedUpTo(relay, 600);
    expect(o.recorder.rounds.map((r) => r.batchIds.length)).toEqual([256, 256, 88]);
    expect(await streamed('backlog', 600)).toEqual(Array.from({ length: 600 }, (_, i) => batchIdOf('backlog', i + 1)));
  });

  it('close() publishes what was waiting for the next round and moves the cursor', async () => {
    const o = outbox('closing');
    const relay = await o.open({ roundIntervalMs: 60_000 });
    relay.kick(await o.commit(1));
    await publishedUpTo(relay, 1);
    relay.kick(await o.commit(2)); // would wait a minute
    await relay.close();
    expect(o.recorder.rounds.map((r) => r.batchIds.length)).toEqual([1, 2]);
    expect((await o.store.outboxPosition()).publishedId).toBe(3);
    expect(await streamed('closing', 3)).toEqual([1, 2, 3].map((id) => batchIdOf('closing', id)));
  });
});

function batchIdOf(tenant: string, id: number): string {
  return `relay-test-${tenant}-${id}`;
}

function recordOf(tenant: string, id: number): OutboxRecord {
  const envelope: EventEnvelope = {
    batchId: batchIdOf(tenant, id),
    tenantId: tenant,
    event: 'earned',
    events: [
      {
        entryId: `${tenant}:m${id}:1`,
        tenantId: tenant,
        memberId: `m${id}`,
        seq: 1,
        event: 'earned',
        points: id,
        balanceAfter: id,
        orderId: `o${id}`,
        idempotencyKey: `k${id}`,
        reason: '',
        createdAt: 1_750_000_000_000 + id,
      },
    ],
  };
  return { id, envelope };
}

/** Resolves once the relay's cursor reached `id`. */
function publishedUpTo(relay: OutboxRelay, id: number): Promise<true> {
  return eventually(`cursor at ${id}`, async () => (relay.publishedId === id ? true : undefined), 10_000);
}
