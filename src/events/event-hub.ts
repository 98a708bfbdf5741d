// The front's view of the event stream, for WatchEvents: a bounded ring of recent events, each with
// a cursor that increases by one, and live subscribers per tenant. Cursors are valid for the life of
// this process; NATS JetStream is the durable channel across restarts.

import type { EventEnvelope, PointsEvent } from './event-publisher.js';

export interface CursorEvent {
  cursor: number;
  event: PointsEvent;
}

type Listener = (item: CursorEvent) => void;

export class EventHub {
  private readonly ring: (CursorEvent | undefined)[];
  private next = 1;
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(readonly capacity = 100_000) {
    this.ring = new Array(capacity);
  }

  /** The oldest cursor still held (1 when nothing has been dropped). */
  get oldestCursor(): number {
    return Math.max(1, this.next - this.capacity);
  }

  get lastCursor(): number {
    return this.next - 1;
  }

  accept(envelopes: EventEnvelope[]): void {
    for (const envelope of envelopes) {
      const listeners = this.listeners.get(envelope.tenantId);
      for (const event of envelope.events) {
        const item = { cursor: this.next++, event };
        this.ring[item.cursor % this.capacity] = item;
        if (listeners) for (const listen of listeners) listen(item);
      }
    }
  }

  /** Events of tenantId with cursor > after still in the ring, oldest first. */
  replay(tenantId: string, after: number): CursorEvent[] {
    const out: CursorEvent[] = [];
    for (let c = Math.max(after + 1, this.oldestCursor); c < this.next; c++) {
      const item = this.ring[c % this.capacity];
      if (item && item.cursor === c && item.event.tenantId === tenantId) out.push(item);
    }
    return out;
  }

  subscribe(tenantId: string, listen: Listener): () => void {
    let set = this.listeners.get(tenantId);
    if (!set) {
      set = new Set();
      this.listeners.set(tenantId, set);
    }
    set.add(listen);
    return () => {
      set.delete(listen);
      if (set.size === 0) this.listeners.delete(tenantId);
    };
  }
}
