// A loopback TCP proxy that holds every server→client chunk for a fixed delay. Each round trip then
// costs at least that delay, so elapsed time counts round trips: how a test proves "one pipeline".

import { type Server, type Socket, connect, createServer } from 'node:net';

export interface DelayProxy {
  port: number;
  /** Only raise it: a shorter delay could let a later chunk overtake an earlier one. */
  setDelay(ms: number): void;
  close(): Promise<void>;
}

export async function startDelayProxy(targetPort: number, delayMs: number): Promise<DelayProxy> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.setNoDelay(true); // Nagle plus delayed ACKs would add their own stalls to the measured delay
      s.on('error', () => {});
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk) => upstream.write(chunk));
    // Same delay for every chunk, so timers fire in arrival order and the byte stream stays intact.
    upstream.on('data', (chunk) => setTimeout(() => client.write(chunk), delayMs));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    setDelay: (ms) => {
      delayMs = ms;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
