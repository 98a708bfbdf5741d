// A PointsEvent as the hub carries it, for tests of the hub and of WatchEvents' pacing.

import type { PointsEvent } from '../../src/events/event-publisher.js';

export function pointsEvent(tenantId: string, seq: number): PointsEvent {
  return {
    entryId: `e-${seq}`,
    tenantId,
    memberId: 'm',
    seq,
    event: 'earned',
    points: 1,
    balanceAfter: seq,
    orderId: '',
    idempotencyKey: `k-${seq}`,
    reason: '',
    createdAt: 0,
  };
}
