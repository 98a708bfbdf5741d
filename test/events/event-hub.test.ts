// The front's event hub: subscribers per tenant, and unsubscribing that is safe to repeat.

import { describe, expect, it } from 'vitest';
import { type CursorEvent, EventHub } from '../../src/events/event-hub.js';
import { pointsEvent } from '../support/points-events.js';

const event = pointsEvent;
const publish = (hub: EventHub, tenantId: string, seq: number) =>
  hub.accept([{ batchId: `b-${seq}`, tenantId, event: 'earned', events: [event(tenantId, seq)] }]);

describe('EventHub subscriptions', () => {
  it('a stream that unsubscribes twice (cancelled, then closed) does not cut off a later subscriber of the same tenant', () => {
    const hub = new EventHub(10);
    const first = hub.subscribe('t', () => {});
    first();
    const seen: CursorEvent[] = [];
    hub.subscribe('t', (item) => seen.push(item));
    first();
    publish(hub, 't', 1);
    expect(seen.map((i) => i.event.seq)).toEqual([1]);
  });

  it('delivers a tenant’s events only to that tenant’s subscribers', () => {
    const hub = new EventHub(10);
    const a: number[] = [];
    const b: number[] = [];
    hub.subscribe('a', (i) => a.push(i.event.seq));
    hub.subscribe('b', (i) => b.push(i.event.seq));
    publish(hub, 'a', 1);
    publish(hub, 'b', 2);
    expect([a, b]).toEqual([[1], [2]]);
  });
});
