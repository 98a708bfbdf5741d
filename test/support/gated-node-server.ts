// A node-to-node service port as the engine builds it in cluster mode: the real call gate (with the
// cluster secret) in front of `jifen.cluster.v1.Node`, whose handlers only count the calls that reach
// them; and one Forward call made with given credentials and bearer token, answered by its status name.

import * as grpc from '@grpc/grpc-js';
import { type KeyAuthenticator, callGate } from '../../src/api/call-gate.js';
import { RateLimiter } from '../../src/auth/rate-limiter.js';
import { StreamQuota } from '../../src/auth/stream-quota.js';
import { FORWARD_PATH, NODE_SERVICE } from '../../src/front/forward-wire.js';
import { EngineMetrics } from '../../src/metrics/registry.js';

export interface GatedNodeServer {
  address: string;
  /** Calls that reached a handler so far. */
  handled(): number;
  /** Forward with these credentials and `authorization: Bearer <token>` (none when undefined): 'OK' or the status name. */
  forward(credentials: grpc.ChannelCredentials, token: string | undefined): Promise<string>;
  close(): void;
}

export async function startGatedNodeServer(opts: {
  keys: KeyAuthenticator;
  secret: string;
  credentials: grpc.ServerCredentials;
  metrics?: EngineMetrics;
}): Promise<GatedNodeServer> {
  let handled = 0;
  const clients: grpc.Client[] = [];
  const server = new grpc.Server({
    interceptors: [
      callGate({
        keys: opts.keys,
        certificateCallers: false,
        limiter: new RateLimiter({}),
        streams: new StreamQuota(16, 1024),
        metrics: opts.metrics ?? new EngineMetrics(),
        clock: () => Date.now(),
        nodeSecret: opts.secret,
      }),
    ],
  });
  const answer: grpc.handleUnaryCall<Buffer, Buffer> = (_call, callback) => {
    handled++;
    callback(null, Buffer.from('ok'));
  };
  server.addService(NODE_SERVICE, { Forward: answer, Read: answer });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', opts.credentials, (err, p) => (err ? reject(err) : resolve(p))),
  );
  const address = `127.0.0.1:${port}`;
  return {
    address,
    handled: () => handled,
    forward: (credentials, token) =>
      new Promise<string>((resolve) => {
        const client = new grpc.Client(address, credentials);
        clients.push(client);
        const metadata = new grpc.Metadata();
        if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
        client.makeUnaryRequest(
          FORWARD_PATH,
          (b: Buffer) => b,
          (b: Buffer) => b,
          Buffer.from([0]),
          metadata,
          { deadline: Date.now() + 10_000 },
          (err) => resolve(err ? grpc.status[err.code] : 'OK'),
        );
      }),
    close() {
      for (const c of clients) c.close();
      server.forceShutdown();
    },
  };
}
