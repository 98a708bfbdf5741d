// Node-to-node calls over TLS (cluster mode with JIFEN_TLS_CERT/KEY): a node calls its peers with the
// credentials main.ts builds (src/front/peer-credentials.ts: trust the nodes' CA, present the node's own
// certificate), and a peer's port (the engine's own ReloadingCertificates, client certificates of that
// CA required) with the call gate in front admits it only with both the certificate and the cluster
// secret. Certificates made by openssl for this test; a real gRPC server and client on loopback.

import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callGate } from '../../src/api/call-gate.js';
import { ReloadingCertificates } from '../../src/api/tls-credentials.js';
import { RateLimiter } from '../../src/auth/rate-limiter.js';
import { StreamQuota } from '../../src/auth/stream-quota.js';
import type { KeyAuthenticator } from '../../src/api/call-gate.js';
import type { TlsSettings } from '../../src/config/config.js';
import { FORWARD_PATH, NODE_SERVICE } from '../../src/front/forward-wire.js';
import { peerCredentials } from '../../src/front/peer-credentials.js';
import { EngineMetrics } from '../../src/metrics/registry.js';
import { type TestCa, SERVER_SANS, makeTestCa } from '../support/certs.js';

type TlsOn = Extract<TlsSettings, { enabled: true }>;

const SECRET = 'cluster-secret-of-this-test-0123456789';
/** No API key passes a node call; the gate only needs to know that authentication is on. */
const NO_KEYS: KeyAuthenticator = { authenticate: async () => ({ ok: false, failure: 'unknown' }) };

describe('node-to-node calls over TLS (mTLS between nodes)', () => {
  let nodesCa: TestCa;
  let otherCa: TestCa;
  let server: grpc.Server;
  let certificates: ReloadingCertificates;
  let address: string;
  let handled = 0;
  const clients: grpc.Client[] = [];

  /** The TLS settings of a node whose certificate `ca` issued. */
  const nodeTls = (ca: TestCa, name: string): TlsOn => {
    const cert = ca.issue(name, SERVER_SANS);
    return {
      enabled: true,
      certFile: cert.certFile,
      keyFile: cert.keyFile,
      clientCaFile: ca.certFile,
      requireClientCert: true,
      reloadIntervalMs: 60_000,
    };
  };

  beforeAll(async () => {
    nodesCa = makeTestCa('jifen-nodes-ca');
    otherCa = makeTestCa('jifen-other-ca');
    const metrics = new EngineMetrics();
    certificates = await ReloadingCertificates.open(nodeTls(nodesCa, 'node-2'), metrics);
    server = new grpc.Server({
      interceptors: [
        callGate({
          keys: NO_KEYS,
          certificateCallers: false,
          limiter: new RateLimiter({}),
          streams: new StreamQuota(16, 1024),
          metrics,
          clock: () => Date.now(),
          nodeSecret: SECRET,
        }),
      ],
    });
    const answer: grpc.handleUnaryCall<Buffer, Buffer> = (_call, callback) => {
      handled++;
      callback(null, Buffer.from('ok'));
    };
    server.addService(NODE_SERVICE, { Forward: answer, Read: answer });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', certificates.serverCredentials(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    address = `127.0.0.1:${port}`;
  });
  afterAll(() => {
    for (const c of clients) c.close();
    server?.forceShutdown();
    certificates?.close();
  });

  const forward = (credentials: grpc.ChannelCredentials, token: string | undefined) =>
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
    });

  type Case = [what: string, expected: string, credentials: () => grpc.ChannelCredentials, token: string | undefined];
  const cases: Case[] = [
    [
      "a peer node: the nodes' CA trusted, its own certificate, the secret",
      'OK',
      () => peerCredentials(nodeTls(nodesCa, 'node-1'), nodesCa.certFile),
      SECRET,
    ],
    ['a peer node without the secret', 'UNAUTHENTICATED', () => peerCredentials(nodeTls(nodesCa, 'node-1'), nodesCa.certFile), undefined],
    // The port asks for client certificates of the nodes' CA: TLS without one does not connect.
    ['the secret over TLS without a client certificate', 'UNAVAILABLE', () => grpc.credentials.createSsl(nodesCa.pem), SECRET],
    [
      'the secret with a certificate of another CA',
      'UNAVAILABLE',
      () => peerCredentials(nodeTls(otherCa, 'stranger'), nodesCa.certFile),
      SECRET,
    ],
    // A node that trusts another CA does not accept this peer's server certificate.
    ['a node trusting another CA', 'UNAVAILABLE', () => peerCredentials(nodeTls(nodesCa, 'node-1'), otherCa.certFile), SECRET],
    ['the secret in plaintext', 'UNAVAILABLE', () => grpc.credentials.createInsecure(), SECRET],
  ];
  it.each(cases)('%s → %s', async (_what, expected, credentials, token) => {
    const before = handled;
    expect(await forward(credentials(), token)).toBe(expected);
    expect(handled - before, 'reached the handler').toBe(expected === 'OK' ? 1 : 0);
  });

  it('a node whose port is plaintext calls its peers in plaintext; with TLS but no CA it refuses to start, naming the setting', () => {
    expect(peerCredentials({ enabled: false, offByDefault: true }, undefined)._isSecure()).toBe(false);
    const tls = nodeTls(nodesCa, 'node-3');
    expect(() => peerCredentials({ ...tls, clientCaFile: undefined }, undefined)).toThrow(/JIFEN_CLUSTER_PEER_CA/);
  });
});
