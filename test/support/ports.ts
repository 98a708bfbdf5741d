// Loopback ports for the servers a test starts (engine, redis-server, nats-server).

import { createServer } from 'node:net';

/** Ports the OS hands out for port 0 on loopback, all distinct, released again for the server to bind. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => {
    const address = s.address();
    if (address === null || typeof address === 'string') throw new Error('no port bound');
    return address.port;
  });
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  return ports;
}

/** One port free right now (see freePorts). */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port;
}

/**
 * A port freePorts found free may be taken before the server binds it (another process's outgoing
 * connection gets it as its ephemeral port, or a parallel test file's server): a start that fails with
 * "address already in use" is tried again on new ports (`start` picks its own), up to three times.
 * Nothing was served, so nothing is lost by it.
 */
export async function onNewPortsIfTaken<T>(start: () => Promise<T>, tries = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (err) {
      if (attempt >= tries || !portWasTaken(err)) throw err;
    }
  }
}

export function portWasTaken(err: unknown): boolean {
  return err instanceof Error && /EADDRINUSE|address already in use/i.test(err.message);
}
