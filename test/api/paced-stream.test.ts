// One WatchEvents stream's pacing against a connection that takes messages only when the test says
// so: what a stalled stream is sent, that it catches up from the hub's ring in order once the
// connection takes data again, and that it is ended when it falls too far behind or off the ring.

import type * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { HIGH_WATER_BYTES, PacedStream, type TooSlow, estimatedBytes } from '../../src/api/paced-stream.js';
import { type CursorEvent, EventHub } from '../../src/events/event-hub.js';
import { pointsEvent } from '../support/points-events.js';

const event = pointsEvent;

/** A connection that holds every written message until take() lets them go. */
class Connection {
  written: number[] = [];
  private pending: (() => void)[] = [];
  readonly call = {
    write: (message: { seq: number }, done: () => void) => {
      this.written.push(message.seq);
      this.pending.push(done);
      return true;
    },
  } as unknown as grpc.ServerWritableStream<unknown, { seq: number }>;

  /** The connection takes everything written so far (each take may let the stream write more). */
  take(rounds = 1_000): void {
    for (let i = 0; i < rounds && this.pending.length > 0; i++) for (const done of this.pending.splice(0)) done();
  }
}

function setup(capacity: number, maxBehind: number, retained: { tenant: string; seq: number }[] = []) {
  const hub = new EventHub(capacity);
  const publish = (tenant: string, seq: number) =>
    hub.accept([{ batchId: `b${seq}`, tenantId: tenant, event: 'earned', events: [event(tenant, seq)] }]);
  for (const r of retained) publish(r.tenant, r.seq);
  const connection = new Connection();
  const endings: TooSlow[] = [];
  const stream = new PacedStream(
    connection.call,
    hub,
    't',
    0,
    (item: CursorEvent) => ({ seq: item.event.seq }),
    maxBehind,
    (why) => endings.push(why),
  );
  hub.subscribe('t', (item) => stream.push(item));
  stream.start();
  return { hub, publish, connection, endings };
}

const perEvent = estimatedBytes(event('t', 1));
const upToHighWater = Math.ceil(HIGH_WATER_BYTES / perEvent);

describe('PacedStream', () => {
  it('sends the retained events of its tenant, then live ones, in order', () => {
    const { publish, connection } = setup(100, 1 << 20, [
      { tenant: 't', seq: 1 },
      { tenant: 'other', seq: 100 },
      { tenant: 't', seq: 2 },
    ]);
    publish('t', 3);
    connection.take();
    publish('t', 4);
    expect(connection.written).toEqual([1, 2, 3, 4]);
  });

  it('a stalled consumer is sent only up to the high-water mark, then catches up from the ring in order', () => {
    const { publish, connection, endings } = setup(10_000, 1 << 24);
    for (let seq = 1; seq <= 2_000; seq++) publish('t', seq);
    // About HIGH_WATER_BYTES of events written, the rest left in the ring.
    expect(connection.written.length).toBeGreaterThan(upToHighWater / 2);
    expect(connection.written.length).toBeLessThanOrEqual(upToHighWater);
    connection.take();
    expect(connection.written).toEqual(Array.from({ length: 2_000 }, (_, i) => i + 1));
    expect(endings).toEqual([]);
  });

  it.each<[string, number, number, TooSlow[]]>([
    ['falls more than maxBehindBytes behind: ended as behind', 100_000, 50 * perEvent, ['behind']],
    ['stays within maxBehindBytes: not ended', 100_000, 10_000 * perEvent, []],
    ['its place leaves the ring: ended as fell off', 500, 10_000 * perEvent, ['fell_off_ring']],
  ])('a consumer that never reads and %s', (_, capacity, maxBehind, expected) => {
    const { publish, connection, endings } = setup(capacity, maxBehind);
    for (let seq = 1; seq <= 1_000 + upToHighWater; seq++) publish('t', seq);
    connection.take(1);
    expect(endings).toEqual(expected);
  });

  it('a consumer that never reads again is ended as soon as its place leaves the ring, once', () => {
    const { publish, connection, endings } = setup(500, 10_000 * perEvent);
    const written = () => connection.written.length;
    for (let seq = 1; seq <= 500; seq++) publish('t', seq);
    // Every event since its place is still in the ring: not ended yet.
    expect(endings).toEqual([]);
    for (let seq = 501; seq <= 2_000; seq++) publish('t', seq);
    // Nothing was taken by the connection: ended from the live events alone, and only once.
    expect(endings).toEqual(['fell_off_ring']);
    expect(written()).toBeLessThanOrEqual(upToHighWater);
  });

  it('what a consumer is behind shrinks as it catches up: a reader that keeps up now and then is never ended', () => {
    const { publish, connection, endings } = setup(100_000, 200 * perEvent);
    for (let seq = 1; seq <= 5_000; seq++) {
      publish('t', seq);
      if (seq % 100 === 0) connection.take();
    }
    connection.take();
    expect(endings).toEqual([]);
    expect(connection.written).toHaveLength(5_000);
  });
});
