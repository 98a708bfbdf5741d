// WatchEvents: a server stream of one tenant's events from the front's EventHub — the retained ones
// after the client's cursor, then live ones, written at the pace the consumer reads (paced-stream.ts).
// A consumer that cannot keep up is cut off, not buffered without bound.

import type * as grpc from '@grpc/grpc-js';
import type { PointsEvent as PointsEventMsg } from '../contract/generated/jifen/v1/PointsEvent.js';
import type { WatchEventsRequest__Output } from '../contract/generated/jifen/v1/WatchEventsRequest.js';
import type { WatchEventsResponse } from '../contract/generated/jifen/v1/WatchEventsResponse.js';
import type { EventHub } from '../events/event-hub.js';
import type { PointsEvent } from '../events/event-publisher.js';
import type { EngineMetrics } from '../metrics/registry.js';
import { decodeTenant } from './decode.js';
import {
  type CallStatus,
  consumerFellOffRing,
  consumerTooSlow,
  cursorBeforeRetained,
  cursorNotOwned,
  rejectionOfError,
  statusName,
} from './status.js';
import { timestampOf } from './wire.js';
import { MAX_BEHIND_BYTES, PacedStream } from './paced-stream.js';

export function watchEventsHandler(
  hub: EventHub,
  metrics: EngineMetrics,
  maxBehindBytes = MAX_BEHIND_BYTES,
): grpc.handleServerStreamingCall<WatchEventsRequest__Output, WatchEventsResponse> {
  return (call) => {
    let tenantId: string;
    try {
      tenantId = decodeTenant(call.request.tenant_id);
    } catch (err) {
      return endWith(call, metrics, rejectionOfError(err));
    }
    const after = call.request.after;
    if (!hub.isOwnCursor(after)) return endWith(call, metrics, cursorNotOwned(after));
    if (after > 0 && after < hub.oldestCursor - 1) return endWith(call, metrics, cursorBeforeRetained(after, hub.oldestCursor));
    const stream = new PacedStream<WatchEventsResponse>(
      call,
      hub,
      tenantId,
      after,
      (item) => ({ cursor: item.cursor, event: encodeEvent(item.event) }),
      maxBehindBytes,
      (why, position) => {
        unsubscribe();
        endWith(call, metrics, why === 'behind' ? consumerTooSlow(maxBehindBytes) : consumerFellOffRing(position));
      },
    );
    // Subscribe, then start from the ring, in the same turn: no event falls between them.
    const unsubscribe = hub.subscribe(tenantId, (item) => stream.push(item));
    stream.start();
    const stop = () => {
      stream.stop();
      unsubscribe();
    };
    call.on('cancelled', stop);
    call.on('close', stop);
  };
}

export function encodeEvent(e: PointsEvent): PointsEventMsg {
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

function endWith(call: grpc.ServerWritableStream<unknown, unknown>, metrics: EngineMetrics, { code, message }: CallStatus) {
  metrics.rpcs.inc({ method: 'WatchEvents', code: statusName(code) });
  call.emit('error', { code, details: message });
}
