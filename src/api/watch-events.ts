// WatchEvents: a server stream of one tenant's events from the front's EventHub — the retained ones
// after the client's cursor, then live ones. A consumer that cannot keep up is cut off, not buffered
// without bound.

import * as grpc from '@grpc/grpc-js';
import type { EventHub } from '../events/event-hub.js';
import type { PointsEvent } from '../events/event-publisher.js';
import type { EngineMetrics } from '../metrics/registry.js';
import { decodeTenant } from './decode.js';
import { rejectionOfError, statusName } from './status.js';
import { timestampOf } from './wire.js';

/** Bytes queued for one slow consumer before its stream is ended with RESOURCE_EXHAUSTED. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

export function watchEventsHandler(hub: EventHub, metrics: EngineMetrics) {
  return (call: grpc.ServerWritableStream<{ tenant_id: string; after: number }, unknown>) => {
    let tenantId: string;
    try {
      tenantId = decodeTenant(call.request.tenant_id);
    } catch (err) {
      const { code, message } = rejectionOfError(err);
      return endWith(call, metrics, code, message);
    }
    const after = call.request.after;
    if (!hub.isOwnCursor(after)) {
      return endWith(
        call,
        metrics,
        grpc.status.OUT_OF_RANGE,
        `after ${after} is not a cursor of this engine process (it restarted?); start again from 0 and skip what you have by (member, seq)`,
      );
    }
    if (after > 0 && after < hub.oldestCursor - 1) {
      return endWith(
        call,
        metrics,
        grpc.status.OUT_OF_RANGE,
        `after ${after} is older than the retained events (oldest cursor ${hub.oldestCursor}); read the gap from NATS or ListEntries`,
      );
    }
    let ended = false;
    const send = (cursor: number, event: PointsEvent) => {
      if (ended) return;
      call.write({ cursor, event: encodeEvent(event) });
      if (call.writableLength > MAX_BUFFERED_BYTES) {
        stop();
        endWith(call, metrics, grpc.status.RESOURCE_EXHAUSTED, 'consumer too slow: more than 16 MiB of events queued');
      }
    };
    // Replay and subscribe in the same turn, so no event falls between them.
    for (const item of hub.replay(tenantId, after)) send(item.cursor, item.event);
    const unsubscribe = hub.subscribe(tenantId, (item) => send(item.cursor, item.event));
    const stop = () => {
      ended = true;
      unsubscribe();
    };
    call.on('cancelled', stop);
    call.on('close', stop);
  };
}

export function encodeEvent(e: PointsEvent): Record<string, unknown> {
  return {
    entry_id: e.entryId,
    tenant_id: e.tenantId,
    member_id: e.memberId,
    seq: e.seq,
    event: e.event,
    points: e.points,
    balance_after: e.balanceAfter,
    order_id: e.orderId,
    idempotency_key: e.idempotencyKey,
    reason: e.reason,
    created_at: timestampOf(e.createdAt),
    tier_from: e.tierFrom ?? '',
    tier_to: e.tierTo ?? '',
    tier_reason: e.tierReason ?? '',
    expires_at: e.expiresAt ? timestampOf(e.expiresAt) : null,
    reference: e.reference ?? '',
    counterparty: e.counterparty ?? '',
  };
}

function endWith(call: grpc.ServerWritableStream<unknown, unknown>, metrics: EngineMetrics, code: grpc.status, details: string) {
  metrics.rpcs.inc({ method: 'WatchEvents', code: statusName(code) });
  call.emit('error', { code, details });
}
