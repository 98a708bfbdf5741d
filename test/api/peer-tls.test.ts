// Node-to-node calls over TLS (cluster mode with JIFEN_TLS_CERT/KEY): a node calls its peers with the
// credentials main.ts builds (src/front/peer-credentials.ts: trust the nodes' CA, present the node's own
// certificate), and a peer's port (the engine's own ReloadingCertificates, client certificates of that
// CA required) with the call gate in front admits it only with both the certificate and the cluster
// secret. Certificates made by openssl for this test; a real gRPC server and client on loopback.

import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyAuthenticator } from '../../src/api/call-gate.js';
import { ReloadingCertificates } from '../../src/api/tls-credentials.js';
import type { TlsSettings } from '../../src/config/config.js';
import { peerCredentials } from '../../src/front/peer-credentials.js';
import { EngineMetrics } from '../../src/metrics/registry.js';
import { type TestCa, SERVER_SANS, makeTestCa } from '../support/certs.js';
import { type GatedNodeServer, startGatedNodeServer } from '../support/gated-node-server.js';

type TlsOn = Extract<TlsSettings, { enabled: true }>;

const SECRET = 'cluster-secret-of-this-test-0123456789';
/** No API key passes a node call; the gate only needs to know that authentication is on. */
const NO_KEYS: KeyAuthenticator = { authenticate: async () => ({ ok: false, failure: 'unknown' }) };

describe('node-to-node calls over TLS (mTLS between nodes)', () => {
  let nodesCa: TestCa;
  let otherCa: TestCa;
  let server: GatedNodeServer;
  let certificates: ReloadingCertificates;

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
    server = await startGatedNodeServer({ keys: NO_KEYS, secret: SECRET, credentials: certificates.serverCredentials(), metrics });
  });
  afterAll(() => {
    server?.close();
    certificates?.close();
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
    const before = server.handled();
    expect(await server.forward(credentials(), token)).toBe(expected);
    expect(server.handled() - before, 'reached the handler').toBe(expected === 'OK' ? 1 : 0);
  });

  it('a node whose port is plaintext calls its peers in plaintext; with TLS but no CA it refuses to start, naming the setting', () => {
    expect(peerCredentials({ enabled: false, offByDefault: true }, undefined)._isSecure()).toBe(false);
    const tls = nodeTls(nodesCa, 'node-3');
    expect(() => peerCredentials({ ...tls, clientCaFile: undefined }, undefined)).toThrow(/JIFEN_CLUSTER_PEER_CA/);
  });
});
