// The call gate in front of the node-to-node service (cluster mode): with authentication on, only a
// peer presenting the cluster secret passes; every API key (even an admin's), a made-up token and no
// token at all are refused UNAUTHENTICATED and never reach the handler. Real gate, real keys in a
// KeyBook over a data directory, a real gRPC server and client on loopback.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey } from '../../src/auth/key-admin.js';
import { KeyBook } from '../../src/auth/key-book.js';
import { KeyStore } from '../../src/auth/key-store.js';
import { DataDirFiles } from '../../src/ledger/embedded/data-dir-files.js';
import { type GatedNodeServer, startGatedNodeServer } from '../support/gated-node-server.js';

const SECRET = 'cluster-secret-of-this-test-0123456789';

describe('node-to-node calls behind the gate, authentication on', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jifen-node-gate-'));
  let keys: KeyBook;
  let server: GatedNodeServer;
  const secrets: Record<string, string> = {};

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
    server = await startGatedNodeServer({ keys, secret: SECRET, credentials: grpc.ServerCredentials.createInsecure() });
  });
  afterAll(() => {
    server?.close();
    keys?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['no token', undefined, 'UNAUTHENTICATED'],
    ["a tenant admin's API key", 'admin', 'UNAUTHENTICATED'],
    ["the platform admin's API key", 'platformAdmin', 'UNAUTHENTICATED'],
    ['an integration API key', 'integration', 'UNAUTHENTICATED'],
    ['a made-up token', 'made-up', 'UNAUTHENTICATED'],
    ['the cluster secret', 'secret', 'OK'],
  ])('%s (%s) → %s', async (_what, who, expected) => {
    const before = server.handled();
    const token = who === undefined ? undefined : who === 'secret' ? SECRET : (secrets[who] ?? 'not-a-key-at-all-0123456789');
    expect(await server.forward(grpc.credentials.createInsecure(), token)).toBe(expected);
    expect(server.handled() - before, 'reached the handler').toBe(expected === 'OK' ? 1 : 0);
  });
});
