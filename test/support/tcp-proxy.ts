// A TCP proxy on a free loopback port, for cutting one process off from a server without touching
// either: cut() black-holes the link (bytes already in flight stay unsent, new connections are held
// without being forwarded), as a network partition looks to both sides; heal() drops what was held so
// the client reconnects, and forwards again.

import { type Server, type Socket, connect, createServer } from 'node:net';
import { freePorts } from './ports.js';

export interface TcpProxy {
  /** host:port clients connect to instead of the target. */
  readonly address: string;
  cut(): void;
  heal(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const [port] = await freePorts(1);
  const links = new Set<{ client: Socket; upstream?: Socket }>();
  let isCut = false;
  const server: Server = createServer((client) => {
    const link: { client: Socket; upstream?: Socket } = { client };
    links.add(link);
    client.on('error', () => {});
    client.on('close', () => {
      links.delete(link);
      link.upstream?.destroy();
    });
    if (isCut) {
      client.pause(); // held: neither refused nor forwarded
      return;
    }
    const upstream = connect(targetPort, targetHost);
    link.upstream = upstream;
    upstream.on('error', () => client.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${port}`,
    cut() {
      isCut = true;
      for (const { client, upstream } of links) {
        client.unpipe();
        upstream?.unpipe();
        client.pause();
        upstream?.pause();
      }
    },
    heal() {
      isCut = false;
      for (const { client, upstream } of [...links]) {
        client.destroy();
        upstream?.destroy();
      }
      links.clear();
    },
    async close() {
      for (const { client, upstream } of links) {
        client.destroy();
        upstream?.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
