// NatsEventPublisher against a real nats-server -js of its own: payload codec, subjects, JetStream
// de-duplication by batch id, and an outage the outbox survives without losing or doubling a batch.

import { type JetStreamManager, type NatsConnection, connect } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEnvelope } from '../../src/events/event-codec.js';
import type { EventEnvelope, PointsEvent } from '../../src/events/event-publisher.js';
import { EventPublishFailed, NatsEventPublisher, subjectOf } from '../../src/events/nats-publisher.js';
import { type NatsServer, natsServerOnPath, startNatsServer } from '../support/nats-server.js';

const STREAM = 'JIFEN';

describe('event codec', () => {
  it('an envelope survives encode and decode exactly', () => {
    const envelope = envelopeOf('0-17-earned', 'acme', 'earned', 3);
    envelope.events[1] = { ...envelope.events[1], points: -40, reason: '', orderId: '', createdAt: -1 };
    expect(decodeEnvelope(encodeEnvelope(envelope))).toEqual(envelope);
  });

  it('an envelope without events round-trips too', () => {
    const envelope: EventEnvelope = { batchId: 'b', tenantId: 't', event: 'expired', events: [] };
    expect(decodeEnvelope(encodeEnvelope(envelope))).toEqual(envelope);
  });

  it('a dot in a tenant id does not split the subject token', () => {
    expect(subjectOf({ tenantId: 'acme.cn', event: 'earned' })).toBe('jifen.acme~cn.earned');
  });
});

describe.skipIf(!natsServerOnPath())('NatsEventPublisher on a real nats-server', () => {
  let server: NatsServer;
  let publisher: NatsEventPublisher;
  let reader: NatsConnection;
  let jsm: JetStreamManager;

  beforeAll(async () => {
    server = await startNatsServer();
    publisher = await NatsEventPublisher.connect({ url: server.url, stream: STREAM, publishTimeoutMs: 1_000 });
    reader = await connect({ servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 250 });
    jsm = await reader.jetstreamManager();
  });

  afterAll(async () => {
    await publisher?.close();
    await reader?.close();
    await server?.destroy();
  });

  it('creates the stream with file storage, jifen.> and the duplicate window', async () => {
    const { config } = await jsm.streams.info(STREAM);
    expect(config.subjects).toEqual(['jifen.>']);
    expect(config.storage).toBe('file');
    expect(config.duplicate_window).toBe(120_000 * 1_000_000);
  });

  it('connecting again leaves an existing stream as it is', async () => {
    const again = await NatsEventPublisher.connect({ url: server.url, stream: STREAM, duplicateWindowMs: 5_000 });
    await again.close();
    expect((await jsm.streams.info(STREAM)).config.duplicate_window).toBe(120_000 * 1_000_000);
  });

  it('each envelope arrives once on jifen.<tenant>.<event> with its events intact', async () => {
    const envelopes = [
      envelopeOf('0-1-earned', 'read', 'earned', 2),
      envelopeOf('0-1-redeemed', 'read', 'redeemed', 1),
      envelopeOf('1-1-earned', 'read', 'earned', 5),
    ];
    await publisher.publish(envelopes);
    const received = await readAll('jifen.read.>');
    expect(received.map((m) => m.subject)).toEqual(['jifen.read.earned', 'jifen.read.redeemed', 'jifen.read.earned']);
    expect(received.map((m) => m.msgId)).toEqual(envelopes.map((e) => e.batchId));
    expect(received.map((m) => m.envelope)).toEqual(envelopes);
  });

  it('re-publishing a batch id within the duplicate window stores nothing new', async () => {
    const envelope = envelopeOf('0-2-earned', 'dedup', 'earned', 3);
    await publisher.publish([envelope]);
    const before = (await jsm.streams.info(STREAM)).state.messages;
    await publisher.publish([envelope]);
    await publisher.publish([envelope, envelope]);
    expect((await jsm.streams.info(STREAM)).state.messages).toBe(before);
    expect(await readAll('jifen.dedup.>')).toHaveLength(1);
  });

  it('with the server down publish rejects within its timeout; after a restart a retry delivers each batch once', async () => {
    const first = [envelopeOf('0-3-earned', 'outage', 'earned', 2)];
    const during = [envelopeOf('0-4-earned', 'outage', 'earned', 2), envelopeOf('0-4-expired', 'outage', 'expired', 1)];
    await publisher.publish(first);

    const readerBack = reconnected(reader);
    await server.stop();
    const started = Date.now();
    await expect(publisher.publish(during)).rejects.toBeInstanceOf(EventPublishFailed);
    expect(Date.now() - started).toBeLessThan(1_000 + 1_000);

    await server.start();
    // What the outbox does: retry the same envelopes until a publish resolves. An attempt whose
    // message reached the stream but whose ack was lost is de-duplicated by its batch id.
    await retryUntilPublished(publisher, during, 20_000);
    await readerBack;

    const received = await readAll('jifen.outage.>');
    expect(received.map((m) => m.msgId)).toEqual([...first, ...during].map((e) => e.batchId));
    expect(received.map((m) => m.envelope)).toEqual([...first, ...during]);
  });

  it('publishes 1,000 envelopes of 10 events in one call', async () => {
    const envelopes = Array.from({ length: 1_000 }, (_, i) => envelopeOf(`rate-${i}-earned`, 'rate', 'earned', 10));
    const started = performance.now();
    await publisher.publish(envelopes);
    const ms = performance.now() - started;
    console.log(
      `published 1,000 envelopes × 10 events in ${ms.toFixed(0)} ms: ` +
        `${Math.round(1_000_000 / ms)} envelopes/s, ${Math.round(10_000_000 / ms)} events/s`,
    );
    expect(await readAll('jifen.rate.>')).toHaveLength(1_000);
  });

  interface Received {
    subject: string;
    msgId: string | undefined;
    envelope: EventEnvelope;
  }

  /** Every message the stream holds on the subject filter, oldest first, through an ordered consumer. */
  async function readAll(filter: string): Promise<Received[]> {
    const { state } = await jsm.streams.info(STREAM, { subjects_filter: filter });
    const total = Object.values(state.subjects ?? {}).reduce((sum, n) => sum + n, 0);
    const consumer = await reader.jetstream().consumers.get(STREAM, { filterSubjects: filter });
    const received: Received[] = [];
    while (received.length < total) {
      const before = received.length;
      for await (const m of await consumer.fetch({ max_messages: total - before, expires: 5_000 })) {
        received.push({ subject: m.subject, msgId: m.headers?.get('Nats-Msg-Id'), envelope: decodeEnvelope(m.data) });
      }
      if (received.length === before) throw new Error(`consumer stalled at ${before} of ${total} messages`);
    }
    return received;
  }
});

// Requests made while disconnected are dropped by nats.js, so the reader waits until it is back.
async function reconnected(nc: NatsConnection): Promise<void> {
  for await (const status of nc.status()) if (status.type === 'reconnect') return;
}

async function retryUntilPublished(publisher: NatsEventPublisher, envelopes: EventEnvelope[], withinMs: number) {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      return await publisher.publish(envelopes);
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

function envelopeOf(batchId: string, tenantId: string, event: string, count: number): EventEnvelope {
  const events: PointsEvent[] = Array.from({ length: count }, (_, i) => ({
    entryId: `${batchId}/${i}`,
    tenantId,
    memberId: `m${i}`,
    seq: 1_000_000 + i,
    event,
    points: 100 + i,
    balanceAfter: 5_000_000_000 + i,
    orderId: `order-${i}`,
    idempotencyKey: `key-${batchId}-${i}`,
    reason: 'purchase',
    createdAt: 1_735_689_600_123 + i,
  }));
  return { batchId, tenantId, event, events };
}
