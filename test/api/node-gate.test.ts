// The call gate in front of the node-to-node service (cluster mode): with authentication on, only a
// peer presenting the cluster secret passes; every API key (even an admin's), a made-up token and no
// token at all are refused UNAUTHENTICATED and never reach the handler. Real gate, real keys in a
// KeyBook over a data directory, a real gRPC server and client on loopback.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callGate } from '../../src/api/call-gate.js';
import { createKey } from '../../src/auth/key-admin.js';
import { KeyBook } from '../../src/auth/key-book.js';
import { KeyStore } from '../../src/auth/key-store.js';
import { RateLimiter } from '../../src/auth/rate-limiter.js';
import { StreamQuota } from '../../src/auth/stream-quota.js';
import { FORWARD_PATH, NODE_SERVICE } from '../../src/front/forward-wire.js';
import { DataDirFiles } from '../../src/ledger/embedded/data-dir-files.js';
import { EngineMetrics } from '../../src/metrics/registry.js';

const SECRET = 'cluster-secret-of-this-test-0123456789';

describe('node-to-node calls behind the gate, authentication on', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jifen-node-gate-'));
  let keys: KeyBook;
  let server: grpc.Server;
  let client: grpc.Client;
  const secrets: Record<string, string> = {};
  let handled = 0;

  beforeAll(async () => {
    const store = new KeyStore(new DataDirFiles(dir));
    for (const [name, role, tenantId] of [
      ['admin', 'admin', 'acme'],
      ['platformAdmin', 'admin', null],
      ['integration', 'integration', 'acme'],
    ] as const) {
      secrets[name] = (await createKey(store, { tenantId, role, name, expiresAt: null }, Date.now())).secret;
    }
    keys = await KeyBook.open(store, { reloadIntervalMs: 60_000, clock: () => Date.now() });
    server = new grpc.Server({
      interceptors: [
        callGate({
          keys,
          certificateCallers: false,
          limiter: new RateLimiter({}),
          streams: new StreamQuota(16, 1024),
          metrics: new EngineMetrics(),
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
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  });
  afterAll(() => {
    client?.close();
    server?.forceShutdown();
    keys?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const forward = (token: string | undefined) =>
    new Promise<string>((resolve) => {
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

  it.each([
    ['no token', undefined, 'UNAUTHENTICATED'],
    ["a tenant admin's API key", 'admin', 'UNAUTHENTICATED'],
    ["the platform admin's API key", 'platformAdmin', 'UNAUTHENTICATED'],
    ['an integration API key', 'integration', 'UNAUTHENTICATED'],
    ['a made-up token', 'made-up', 'UNAUTHENTICATED'],
    ['the cluster secret', 'secret', 'OK'],
  ])('%s (%s) → %s', async (_what, who, expected) => {
    const before = handled;
    const token = who === undefined ? undefined : who === 'secret' ? SECRET : (secrets[who] ?? 'not-a-key-at-all-0123456789');
    expect(await forward(token)).toBe(expected);
    expect(handled - before, 'reached the handler').toBe(expected === 'OK' ? 1 : 0);
  });
});
