// The wire payload of one published envelope: an EventBatch message of proto/jifen/v1/points.proto,
// so consumers in any language decode it from the same contract the gRPC API uses.

import { join } from 'node:path';
import protobuf from 'protobufjs';
import { POINTS_PROTO, PROTO_DIR } from '../contract/proto.js';
import type { EventEnvelope, PointsEvent } from './event-publisher.js';

export function encodeEnvelope(envelope: EventEnvelope): Uint8Array {
  return EventBatch.encode({
    batchId: envelope.batchId,
    tenantId: envelope.tenantId,
    event: envelope.event,
    events: envelope.events.map(toWire),
  }).finish();
}

export function decodeEnvelope(bytes: Uint8Array): EventEnvelope {
  const batch = EventBatch.toObject(EventBatch.decode(bytes), TO_OBJECT) as WireBatch;
  return { batchId: batch.batchId, tenantId: batch.tenantId, event: batch.event, events: batch.events.map(fromWire) };
}

// Loaded once per process; google/protobuf/timestamp.proto comes bundled with protobufjs.
const EventBatch = new protobuf.Root().loadSync(join(PROTO_DIR, POINTS_PROTO)).lookupType('jifen.v1.EventBatch');

// longs as Number: seq, points and balances stay far below 2^53; defaults so empty strings and
// zeros come back as '' and 0 rather than missing.
const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, defaults: true, arrays: true };

interface Timestamp {
  seconds: number;
  nanos: number;
}
type WirePointsEvent = Omit<PointsEvent, 'createdAt' | 'expiresAt'> & {
  createdAt: Timestamp | null;
  expiresAt?: Timestamp | null;
};
interface WireBatch {
  batchId: string;
  tenantId: string;
  event: string;
  events: WirePointsEvent[];
}

// createdAt is whole epoch milliseconds; floor keeps nanos in [0, 1e9) for instants before 1970 too.
function toWire(event: PointsEvent): WirePointsEvent {
  const { expiresAt, ...rest } = event;
  const wire: WirePointsEvent = { ...rest, createdAt: timestampOf(event.createdAt) };
  if (expiresAt) wire.expiresAt = timestampOf(expiresAt);
  return wire;
}

function timestampOf(ms: number): Timestamp {
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: (ms - seconds * 1000) * 1_000_000 };
}

function msOf(at: Timestamp): number {
  return at.seconds * 1000 + Math.round(at.nanos / 1_000_000);
}

function fromWire(event: WirePointsEvent): PointsEvent {
  const at = event.createdAt ?? { seconds: 0, nanos: 0 };
  return {
    entryId: event.entryId,
    tenantId: event.tenantId,
    memberId: event.memberId,
    seq: event.seq,
    event: event.event,
    points: event.points,
    balanceAfter: event.balanceAfter,
    orderId: event.orderId,
    idempotencyKey: event.idempotencyKey,
    reason: event.reason,
    createdAt: msOf(at),
    ...(event.tierTo ? { tierFrom: event.tierFrom, tierTo: event.tierTo, tierReason: event.tierReason } : {}),
    ...(event.expiresAt ? { expiresAt: msOf(event.expiresAt) } : {}),
    ...(event.reference ? { reference: event.reference } : {}),
    ...(event.counterparty ? { counterparty: event.counterparty } : {}),
  };
}
