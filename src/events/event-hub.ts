// The front's view of the event stream, for WatchEvents: a bounded ring of recent events, each with
// a cursor that increases by one, and live subscribers per tenant. Cursors are valid for the life of
// this process — each carries a random tag of the process in its high bits, so a cursor from before
// a restart is recognised, not silently misread; NATS JetStream is the durable channel across restarts.

import { randomInt } from 'node:crypto';
import type { EventEnvelope, PointsEvent } from './event-publisher.js';

/** Cursor = tag × 2^32 + counter: 20 random bits of process tag, 32 bits of counter, < 2^53. */
const COUNTER_SPAN = 2 ** 32;

export interface CursorEvent {
  cursor: number;
  event: PointsEvent;
}

type Listener = (item: CursorEvent) => void;

export class EventHub {
  private readonly ring: (CursorEvent | undefined)[];
  /** Counter of the next event (cursor = base + counter). */
  private next = 1;
  private readonly base: number;
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(
    readonly capacity = 100_000,
    tag = randomInt(1, 2 ** 20),
  ) {
    this.ring = new Array(capacity);
    this.base = tag * COUNTER_SPAN;
  }

  /** The oldest cursor still held. */
  get oldestCursor(): number {
    return this.base + Math.max(1, this.next - this.capacity);
  }

  get lastCursor(): number {
    return this.base + this.next - 1;
  }

  /** True for 0 (from the start) and for cursors this process handed out. */
  isOwnCursor(cursor: number): boolean {
    return cursor === 0 || (cursor >= this.base && cursor < this.base + COUNTER_SPAN);
  }

  accept(envelopes: EventEnvelope[]): void {
    for (const envelope of envelopes) {
      const listeners = this.listeners.get(envelope.tenantId);
      for (const event of envelope.events) {
        const counter = this.next++;
        const item = { cursor: this.base + counter, event };
        this.ring[counter % this.capacity] = item;
        if (listeners) for (const listen of listeners) listen(item);
      }
    }
  }

  /**
   * At most max events of tenantId with cursor > after, oldest first, looking at no more than scanLimit
   * ring slots (of every tenant); scannedTo: the cursor up to which the ring was looked at (continue
   * after it). fellOff: after is older than what the ring still holds (events after it are gone).
   */
  page(tenantId: string, after: number, max: number, scanLimit = 8_192): { items: CursorEvent[]; scannedTo: number; fellOff: boolean } {
    const wanted = after === 0 ? 1 : after - this.base + 1;
    const oldest = Math.max(this.next - this.capacity, 1);
    const fellOff = after !== 0 && wanted < oldest;
    const from = Math.max(wanted, oldest);
    const to = Math.min(this.next, from + scanLimit);
    const items: CursorEvent[] = [];
    let c = from;
    for (; c < to && items.length < max; c++) {
      const item = this.ring[c % this.capacity];
      if (item && item.cursor === this.base + c && item.event.tenantId === tenantId) items.push(item);
    }
    return { items, scannedTo: this.base + c - 1, fellOff };
  }

  subscribe(tenantId: string, listen: Listener): () => void {
    let set = this.listeners.get(tenantId);
    if (!set) {
      set = new Set();
      this.listeners.set(tenantId, set);
    }
    set.add(listen);
    // Idempotent, and never removes a newer subscriber set of the tenant (a stream may end twice:
    // cancelled, then closed).
    return () => {
      set.delete(listen);
      if (set.size === 0 && this.listeners.get(tenantId) === set) this.listeners.delete(tenantId);
    };
  }
}
