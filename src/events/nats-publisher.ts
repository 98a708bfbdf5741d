// EventPublisher on NATS JetStream: one message per envelope on jifen.<tenant>.<event>, message id =
// batch id, so a re-publish after a crash or an outage is dropped by the stream's duplicate window.

import { type JetStreamClient, type NatsConnection, StorageType, connect, nanos } from 'nats';
import { encodeEnvelope } from './event-codec.js';
import type { EventEnvelope, EventPublisher } from './event-publisher.js';

export interface NatsPublisherOptions {
  url: string;
  /** The JetStream stream holding every points event (subjects `jifen.>`). */
  stream?: string;
  /** How long JetStream remembers message ids; used only when this call creates the stream. */
  duplicateWindowMs?: number;
  /**
   * A publish without a PubAck in this time rejects, so the outbox retries instead of hanging. It is
   * the only way out during an outage: nats.js discards what was written while disconnected (its
   * outbound buffer is reset on every reconnect attempt), so no late ack will come.
   */
  publishTimeoutMs?: number;
  /** Pause between reconnect attempts; attempts never stop, so an outage of any length is survived. */
  reconnectWaitMs?: number;
}

/** A publish that got no PubAck (timeout, no stream, disconnected); the outbox keeps its cursor. */
export class EventPublishFailed extends Error {
  constructor(
    readonly failed: number,
    readonly total: number,
    options: { cause: unknown },
  ) {
    super(`${failed} of ${total} event batches were not acknowledged by JetStream`, options);
    this.name = 'EventPublishFailed';
  }
}

/** A tenant or event name that cannot be a NATS subject token even after escaping. */
export class InvalidSubjectToken extends Error {
  constructor(readonly token: string) {
    super(`cannot use ${JSON.stringify(token)} in a NATS subject`);
    this.name = 'InvalidSubjectToken';
  }
}

export class NatsEventPublisher implements EventPublisher {
  static async connect({
    url,
    stream = 'JIFEN',
    duplicateWindowMs = 120_000,
    publishTimeoutMs = 5_000,
    reconnectWaitMs = 1_000,
  }: NatsPublisherOptions): Promise<NatsEventPublisher> {
    const nc = await connect({
      servers: url,
      maxReconnectAttempts: -1,
      reconnectTimeWait: reconnectWaitMs,
      name: 'jifen-events',
    });
    try {
      await ensureStream(nc, stream, duplicateWindowMs);
    } catch (err) {
      await nc.close();
      throw err;
    }
    return new NatsEventPublisher(nc, nc.jetstream(), publishTimeoutMs);
  }

  private constructor(
    private readonly connection: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly publishTimeoutMs: number,
  ) {}

  async publish(envelopes: EventEnvelope[]): Promise<void> {
    // All outstanding at once: JetStream acks pipeline, one round trip for the whole call.
    // allSettled rather than all: the call ends only when no publish of it is still in flight, so the
    // outbox's retry never overlaps this attempt (the duplicate window would absorb it, but the
    // number of messages in flight stays bounded by one call).
    const results = await Promise.allSettled(
      envelopes.map((envelope) =>
        this.js.publish(subjectOf(envelope), encodeEnvelope(envelope), {
          msgID: envelope.batchId,
          timeout: this.publishTimeoutMs,
        }),
      ),
    );
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failures.length > 0) {
      throw new EventPublishFailed(failures.length, envelopes.length, { cause: failures[0].reason });
    }
  }

  /** Flushes what is pending and closes; a publish still in flight settles first. */
  async close(): Promise<void> {
    if (!this.connection.isClosed()) await this.connection.drain();
  }
}

/**
 * `jifen.<tenant>.<event>`. Tenant ids may contain '.', which would split the token and let
 * `jifen.<tenant>.>` match another tenant, so '.' is written as '~' (not allowed in ids, so reversible).
 */
export function subjectOf(envelope: Pick<EventEnvelope, 'tenantId' | 'event'>): string {
  return `jifen.${subjectToken(envelope.tenantId)}.${subjectToken(envelope.event)}`;
}

function subjectToken(value: string): string {
  const token = value.replaceAll('.', '~');
  if (token === '' || /[\s*>]/.test(token)) throw new InvalidSubjectToken(value);
  return token;
}

// Create when missing, leave as is when present: an operator may have tuned replicas or limits.
async function ensureStream(nc: NatsConnection, name: string, duplicateWindowMs: number): Promise<void> {
  const jsm = await nc.jetstreamManager();
  try {
    await jsm.streams.info(name);
    return;
  } catch (err) {
    if (!isStreamNotFound(err)) throw err;
  }
  try {
    await jsm.streams.add({
      name,
      subjects: ['jifen.>'],
      storage: StorageType.File,
      duplicate_window: nanos(duplicateWindowMs),
    });
  } catch (err) {
    // Another engine node created it between our info and add: theirs stands.
    if (!isStreamNameInUse(err)) throw err;
  }
}

// JetStream API error codes (nats-server errors.json): 10059 stream not found, 10058 name in use.
function isStreamNotFound(err: unknown): boolean {
  return apiErrorCode(err) === 10059;
}

function isStreamNameInUse(err: unknown): boolean {
  return apiErrorCode(err) === 10058;
}

function apiErrorCode(err: unknown): number | undefined {
  return (err as { api_error?: { err_code?: number } } | null)?.api_error?.err_code;
}
