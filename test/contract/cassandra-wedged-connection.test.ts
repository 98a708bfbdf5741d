// A ledger client whose connection stops answering while the node answers new connections (what a
// shard appears to have met in one CI run after its node was paused: every rollback attempt timed out
// for minutes while a fresh client was answered): after a few timed-out requests the client drops that
// connection and the next request goes over a new one. The client reaches the real node through a TCP
// relay that can freeze the connections it carries. With the driver's default threshold (64) the
// frozen connection is still in use 20 s later and this test fails.

import { type Server, type Socket, createServer, connect } from 'node:net';
import type { Client } from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEDGER_DEFUNCT_TIMEOUTS, connectLedgerClient } from '../../src/ledger/cassandra/cassandra-store.js';
import { cassandraTarget } from '../support/cassandra-server.js';

const target = cassandraTarget();
const PROBE = 'SELECT release_version FROM system.local';
/** Requests left to time out on the frozen connection: one more than the client tolerates. */
const TIMED_OUT = 5;

/** Relays TCP to `to`; freeze() stops moving bytes on the connections open now (new ones relay normally). */
class FreezableRelay {
  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly open: Set<[Socket, Socket]>,
  ) {}

  static async start(to: { host: string; port: number }): Promise<FreezableRelay> {
    const open = new Set<[Socket, Socket]>();
    const server = createServer((client) => {
      const upstream = connect(to.port, to.host);
      const pair: [Socket, Socket] = [client, upstream];
      open.add(pair);
      client.pipe(upstream);
      upstream.pipe(client);
      const end = () => {
        open.delete(pair);
        client.destroy();
        upstream.destroy();
      };
      client.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new FreezableRelay(server, (server.address() as { port: number }).port, open);
  }

  /** The connections open now keep their sockets but carry nothing more, either way. */
  freeze(): number {
    for (const [client, upstream] of this.open) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
    return this.open.size;
  }

  async close(): Promise<void> {
    for (const [client, upstream] of this.open) {
      client.destroy();
      upstream.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

describe.skipIf('skipped' in target)('a ledger connection that stops answering', () => {
  if ('skipped' in target) return;
  const [host, port] = target.contactPoints[0].split(':');
  let relay: FreezableRelay;
  let client: Client;

  beforeAll(async () => {
    relay = await FreezableRelay.start({ host, port: Number(port) });
    client = await connectLedgerClient({
      contactPoints: [`127.0.0.1:${relay.port}`],
      localDataCenter: target.localDataCenter,
      keyspace: 'system',
    });
  });
  afterAll(async () => {
    await client?.shutdown();
    await relay?.close();
  });

  it(`is replaced once ${TIMED_OUT} requests on it have timed out: the next request is answered over a new one`, async () => {
    expect(LEDGER_DEFUNCT_TIMEOUTS).toBeLessThan(TIMED_OUT);
    expect((await client.execute(PROBE)).rowLength).toBe(1);
    expect(relay.freeze(), 'connections frozen').toBeGreaterThan(0);

    // Requests on the frozen connection time out (1 s here instead of the ledger's 12 s).
    const timedOut = await Promise.allSettled(Array.from({ length: TIMED_OUT }, () => client.execute(PROBE, [], { readTimeout: 1_000 })));
    expect(timedOut.every((r) => r.status === 'rejected')).toBe(true);

    // The connection is dropped and a new one opened (through the relay, which relays new connections):
    // within a few seconds a request is answered again.
    const deadline = Date.now() + 20_000;
    let answered = false;
    while (!answered && Date.now() < deadline) {
      answered = await client.execute(PROBE, [], { readTimeout: 1_000 }).then(
        (r) => r.rowLength === 1,
        () => false,
      );
      if (!answered) await new Promise((r) => setTimeout(r, 500));
    }
    expect(answered, 'a request answered after the connection was replaced').toBe(true);
  });
});
