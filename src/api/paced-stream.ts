// Writes one WatchEvents stream at the pace its consumer reads. grpc-js buffers whatever is written
// to a server stream, and its `writableLength` counts messages, not bytes, so a consumer that stops
// reading grew the process without bound. Here at most HIGH_WATER_BYTES are written and not yet taken
// by the connection; replayed events wait in the hub's ring (shared, already retained), live ones in
// a queue of references, and a consumer whose queue of live events passes MAX_BEHIND_BYTES is ended.

import type * as grpc from '@grpc/grpc-js';
import type { CursorEvent } from '../events/event-hub.js';
import type { PointsEvent } from '../events/event-publisher.js';

/** Estimated bytes written to one stream and not yet taken by its connection: writing stops here until they are (about 350 events; each in flight is a JS message object of ~1 KB, so 200 stalled streams hold ~70 MB). */
export const HIGH_WATER_BYTES = 32 * 1024;
/** Live events queued for one consumer, in estimated bytes, before its stream is ended (JIFEN_WATCH_MAX_BEHIND_BYTES). */
export const MAX_BEHIND_BYTES = 16 * 1024 * 1024;

export class PacedStream<Message> {
  private replay: CursorEvent[] = [];
  private replayAt = 0;
  /** Live events with their estimated size, computed once when queued. */
  private live: Sized[] = [];
  private liveAt = 0;
  private liveBytes = 0;
  private inFlightBytes = 0;
  private ended = false;

  constructor(
    private readonly call: grpc.ServerWritableStream<unknown, Message>,
    private readonly encode: (item: CursorEvent) => Message,
    private readonly maxBehindBytes: number,
    /** Called once when the consumer fell maxBehindBytes behind; the caller ends the call. */
    private readonly onTooSlow: () => void,
  ) {}

  /** Events retained before the stream started (references into the hub's ring), sent first. */
  startWith(replay: CursorEvent[]): void {
    this.replay = replay;
    this.pump();
  }

  /** A live event: queued behind what is not yet written. */
  push(item: CursorEvent): void {
    if (this.ended) return;
    const bytes = estimatedBytes(item.event);
    this.live.push({ item, bytes });
    this.liveBytes += bytes;
    if (this.liveBytes > this.maxBehindBytes) {
      this.stop();
      this.onTooSlow();
      return;
    }
    this.pump();
  }

  stop(): void {
    this.ended = true;
    this.replay = [];
    this.live = [];
  }

  private pump(): void {
    while (!this.ended && this.inFlightBytes < HIGH_WATER_BYTES) {
      const next = this.next();
      if (!next) return;
      const { item, bytes } = next;
      this.inFlightBytes += bytes;
      // The callback runs once the connection took the message (flow control permitting).
      this.call.write(this.encode(item), () => {
        this.inFlightBytes -= bytes;
        this.pump();
      });
    }
  }

  private next(): Sized | undefined {
    if (this.replayAt < this.replay.length) {
      const item = this.replay[this.replayAt++];
      return { item, bytes: estimatedBytes(item.event) };
    }
    if (this.liveAt >= this.live.length) return undefined;
    const next = this.live[this.liveAt++];
    this.liveBytes -= next.bytes;
    if (this.liveAt > 1024 && this.liveAt * 2 > this.live.length) {
      this.live = this.live.slice(this.liveAt);
      this.liveAt = 0;
    }
    return next;
  }
}

interface Sized {
  item: CursorEvent;
  bytes: number;
}

/** The encoded size of an event, near enough: its strings plus the numbers and field tags. */
export function estimatedBytes(e: PointsEvent): number {
  return (
    64 +
    e.entryId.length +
    e.tenantId.length +
    e.memberId.length +
    e.event.length +
    e.orderId.length +
    e.idempotencyKey.length +
    e.reason.length +
    (e.tierFrom?.length ?? 0) +
    (e.tierTo?.length ?? 0) +
    (e.tierReason?.length ?? 0) +
    (e.reference?.length ?? 0) +
    (e.counterparty?.length ?? 0)
  );
}
