// Writes one WatchEvents stream at the pace its consumer reads. grpc-js buffers whatever is written
// to a server stream, and its `writableLength` counts messages, not bytes, so a consumer that stops
// reading grew the process without bound. Here at most HIGH_WATER_BYTES are written and not yet taken
// by the connection. A stream that cannot write holds no events of its own, only its place: the cursor
// of the last event it wrote. It reads on from the hub's ring (shared by every stream, bounded) once
// its connection takes data again, a page at a time. What it falls behind is counted in estimated
// bytes of the live events that arrived meanwhile; past maxBehindBytes, or as soon as its place has left
// the ring (checked with every live event, not only when it can write again), it is ended. So 200
// stalled streams cost 200 cursors, not 200 copies of the backlog.

import type * as grpc from '@grpc/grpc-js';
import type { CursorEvent, EventHub } from '../events/event-hub.js';
import type { PointsEvent } from '../events/event-publisher.js';

/**
 * Estimated bytes written to one stream and not yet taken by its connection: writing stops here until
 * they are (about 50–90 events). It is what a stalled stream holds until its consumer reads or goes:
 * each written message waits in grpc-js as an encoded object, ~4.5× its estimated wire size on the
 * heap (measured: 200 stalled streams held 47 MiB live with 32 KiB here, 25 MiB with 8 KiB, ~100 KiB
 * of it per stream the call and its connection). "Taken" means handed to the socket, so a consumer
 * that reads is still limited by its connection's flow-control window, not by this.
 */
export const HIGH_WATER_BYTES = 8 * 1024;
/** Live events a consumer may fall behind, in estimated bytes, before its stream is ended (JIFEN_WATCH_MAX_BEHIND_BYTES). */
export const MAX_BEHIND_BYTES = 16 * 1024 * 1024;
/** Events read from the ring at once while catching up. */
const PAGE = 256;

export type TooSlow = 'behind' | 'fell_off_ring';

export class PacedStream<Message> {
  /** The cursor of the last event handed to the connection (or the client's `after`). */
  private position: number;
  /** True while events after position wait in the ring (the replay, or live ones that came while writing was held). */
  private catchingUp = true;
  /** Live events at or below this cursor were in the ring before the stream started (the replay: not counted as behind). */
  private readonly liveAfter: number;
  private behindBytes = 0;
  private inFlightBytes = 0;
  private ended = false;

  constructor(
    private readonly call: grpc.ServerWritableStream<unknown, Message>,
    private readonly hub: Pick<EventHub, 'page' | 'lastCursor' | 'oldestCursor'>,
    private readonly tenantId: string,
    after: number,
    private readonly encode: (item: CursorEvent) => Message,
    private readonly maxBehindBytes: number,
    /** Called once when the consumer fell too far behind (position: the last event it was sent); the caller ends the call. */
    private readonly onTooSlow: (why: TooSlow, position: number) => void,
  ) {
    this.position = after;
    this.liveAfter = hub.lastCursor;
  }

  /** Starts writing: the retained events after the client's cursor first. */
  start(): void {
    this.pump();
  }

  /** A live event of the tenant: written at once when the stream is caught up and may write, else counted as behind. */
  push(item: CursorEvent): void {
    if (this.ended) return;
    if (!this.catchingUp && this.inFlightBytes < HIGH_WATER_BYTES) {
      this.write(item, estimatedBytes(item.event));
      return;
    }
    this.catchingUp = true;
    this.behindBytes += estimatedBytes(item.event);
    if (this.behindBytes > this.maxBehindBytes) this.tooSlow('behind');
    // Its place left the ring: it could never catch up without a gap, so it is ended now rather than
    // when its connection next takes data (a consumer that never reads again would hold it forever).
    else if (this.position !== 0 && this.position < this.hub.oldestCursor - 1) this.tooSlow('fell_off_ring');
  }

  stop(): void {
    this.ended = true;
  }

  private pump(): void {
    while (!this.ended && this.catchingUp && this.inFlightBytes < HIGH_WATER_BYTES) {
      const { items, scannedTo, fellOff } = this.hub.page(this.tenantId, this.position, PAGE);
      if (fellOff) {
        this.tooSlow('fell_off_ring');
        return;
      }
      for (const item of items) {
        const bytes = estimatedBytes(item.event);
        if (item.cursor > this.liveAfter) this.behindBytes = Math.max(0, this.behindBytes - bytes);
        this.write(item, bytes);
      }
      this.position = Math.max(this.position, scannedTo);
      if (items.length === 0 && scannedTo >= this.hub.lastCursor) this.catchingUp = false;
    }
  }

  private write(item: CursorEvent, bytes: number): void {
    this.position = item.cursor;
    this.inFlightBytes += bytes;
    // The callback runs once the connection took the message (flow control permitting).
    this.call.write(this.encode(item), () => {
      this.inFlightBytes -= bytes;
      this.pump();
    });
  }

  private tooSlow(why: TooSlow): void {
    this.stop();
    this.onTooSlow(why, this.position);
  }
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
