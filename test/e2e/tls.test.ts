// TLS and mTLS over real sockets, with certificates the test makes (test/support/certs.ts): plaintext
// and untrusted clients are refused; the server certificate is replaced on disk and new connections
// get the new one without a restart, while a broken file leaves the old one serving; a client
// certificate of the trusted client CA stands for the tenant and role its URI names, one of another CA
// stands for nobody; with JIFEN_TLS_CLIENT_CERT=require a connection without one is refused.

import { execFile } from 'node:child_process';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { promisify } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_SANS, type TestCa, callerSan, makeTestCa } from '../support/certs.js';
import { type EngineProcess, REPO_ROOT, cleanupEngines, makeDataDir, startEngine } from '../support/engine-process.js';
import { failureOf } from '../support/expect-grpc.js';
import { pointsServiceChannel } from '../support/points-client.js';
import { eventually } from '../support/waiting.js';

const RELOAD_MS = 200;

let serverCa: TestCa;
let clientCa: TestCa;
let strangerCa: TestCa;
let engine: EngineProcess;
let certFile: string;
let keyFile: string;
let integrationKey: string;

type Msg = Record<string, unknown>;

function getAccount(client: grpc.Client, tenantId: string, metadata = new grpc.Metadata()): Promise<Msg> {
  const method = (
    client as unknown as Record<
      string,
      (r: Msg, m: grpc.Metadata, o: grpc.CallOptions, cb: (e: grpc.ServiceError | null, r?: Msg) => void) => void
    >
  ).GetAccount;
  return new Promise((resolve, reject) =>
    method.call(client, { tenant_id: tenantId, member_id: 'nobody' }, metadata, { deadline: Date.now() + 5_000 }, (err, res) =>
      err ? reject(err) : resolve(res as Msg),
    ),
  );
}

/** The status GetAccount ends with: NOT_FOUND means the call got past TLS and the gate (no such member). */
async function codeOf(client: grpc.Client, tenantId: string, metadata?: grpc.Metadata): Promise<string> {
  try {
    await getAccount(client, tenantId, metadata);
    return 'OK';
  } catch (err) {
    return grpc.status[(err as grpc.ServiceError).code];
  }
}

function clientWith(credentials: grpc.ChannelCredentials): grpc.Client {
  return pointsServiceChannel(engine.grpcAddr, { credentials, separateConnection: true });
}

function bearer(secret: string): grpc.Metadata {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${secret}`);
  return metadata;
}

/** The serial number of the certificate a new TLS connection to the engine is shown. */
function servedSerial(): Promise<string> {
  const port = Number(engine.grpcAddr.split(':')[1]);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: serverCa.pem, ALPNProtocols: ['h2'] }, () => {
      resolve(socket.getPeerCertificate().serialNumber);
      socket.end();
    });
    socket.on('error', reject);
  });
}

async function metric(name: string, labels: string): Promise<number> {
  const text = await (await fetch(engine.metricsUrl)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

/** Replaces a file the way a certificate manager does: write aside, then rename over. */
function replaceFile(path: string, content: Buffer | string): void {
  writeFileSync(`${path}.new`, content);
  renameSync(`${path}.new`, path);
}

beforeAll(async () => {
  serverCa = makeTestCa('server-ca');
  clientCa = makeTestCa('client-ca');
  strangerCa = makeTestCa('stranger-ca');
  const server = serverCa.issue('server', SERVER_SANS, { serial: 1001 });
  certFile = join(serverCa.dir, 'live-cert.pem');
  keyFile = join(serverCa.dir, 'live-key.pem');
  writeFileSync(certFile, server.cert);
  writeFileSync(keyFile, server.key);
  const dataDir = makeDataDir();
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'src/cli/keys.ts', 'create', '--tenant', 'acme', '--role', 'integration', '--json'],
    { cwd: REPO_ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, JIFEN_DATA_DIR: dataDir } },
  );
  integrationKey = (JSON.parse(stdout) as { secret: string }).secret;
  engine = await startEngine({
    dataDir,
    isolateEnv: true,
    env: {
      JIFEN_AUTH: 'on',
      JIFEN_TLS_CERT: certFile,
      JIFEN_TLS_KEY: keyFile,
      JIFEN_TLS_CLIENT_CA: clientCa.certFile,
      JIFEN_TLS_RELOAD_MS: String(RELOAD_MS),
    },
  });
}, 120_000);

afterAll(async () => {
  await cleanupEngines();
});

describe('TLS', () => {
  it('says at start that it serves mTLS with optional client certificates', () => {
    expect(engine.output()).toContain('mTLS (client certificates optional)');
  });

  it.each<[string, () => grpc.ChannelCredentials, string]>([
    ['a plaintext client cannot connect', () => grpc.credentials.createInsecure(), 'UNAVAILABLE'],
    ['a client that does not trust the server CA cannot connect', () => grpc.credentials.createSsl(strangerCa.pem), 'UNAVAILABLE'],
    ['a TLS client with a key gets through', () => grpc.credentials.createSsl(serverCa.pem), 'NOT_FOUND'],
  ])('%s', async (_, credentials, code) => {
    const client = clientWith(credentials());
    try {
      expect(await codeOf(client, 'acme', bearer(integrationKey))).toBe(code);
    } finally {
      client.close();
    }
  });

  it('a renewed certificate serves new connections without a restart; open channels carry on', async () => {
    const open = clientWith(grpc.credentials.createSsl(serverCa.pem));
    try {
      expect(await codeOf(open, 'acme', bearer(integrationKey))).toBe('NOT_FOUND');
      expect(await servedSerial()).toBe('03E9'); // 1001
      const loadedBefore = await metric('jifen_tls_reloads_total', 'result="loaded"');
      const renewed = serverCa.issue('server-renewed', SERVER_SANS, { serial: 2002 });
      replaceFile(keyFile, renewed.key);
      replaceFile(certFile, renewed.cert);
      await eventually('the renewed certificate served', async () => ((await servedSerial()) === '07D2' ? true : undefined), 10_000); // 2002
      expect(await metric('jifen_tls_reloads_total', 'result="loaded"')).toBeGreaterThan(loadedBefore);
      expect(await codeOf(open, 'acme', bearer(integrationKey))).toBe('NOT_FOUND');
      expect(engine.output()).toContain('TLS certificate files changed');
    } finally {
      open.close();
    }
  });

  it('a broken certificate file is not taken up: the previous certificate keeps serving', async () => {
    const serving = await servedSerial();
    const good = readFileSync(certFile);
    const rejectedBefore = await metric('jifen_tls_reloads_total', 'result="rejected"');
    replaceFile(certFile, '-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n');
    try {
      // Five re-reads: each must leave the old certificate serving.
      await new Promise((resolve) => setTimeout(resolve, 5 * RELOAD_MS));
      expect(await servedSerial()).toBe(serving);
      const client = clientWith(grpc.credentials.createSsl(serverCa.pem));
      expect(await codeOf(client, 'acme', bearer(integrationKey))).toBe('NOT_FOUND');
      client.close();
      expect(await metric('jifen_tls_reloads_total', 'result="rejected"')).toBeGreaterThan(rejectedBefore);
      expect(engine.output()).toContain('TLS certificate files not taken up, the previous ones keep serving');
    } finally {
      replaceFile(certFile, good);
    }
  });
});

describe('mTLS: a client certificate stands for a tenant and role', () => {
  const withCertificate = (ca: TestCa, name: string, sans: string[]) => {
    const cert = ca.issue(name, sans);
    return clientWith(grpc.credentials.createSsl(serverCa.pem, cert.key, cert.cert));
  };

  it.each<[string, () => grpc.Client, string, string]>([
    [
      'acme/integration reads acme without a key',
      () => withCertificate(clientCa, 'acme-int', [callerSan('acme', 'integration')]),
      'acme',
      'NOT_FOUND',
    ],
    [
      'acme/integration naming bravo is refused',
      () => withCertificate(clientCa, 'acme-int2', [callerSan('acme', 'integration')]),
      'bravo',
      'PERMISSION_DENIED',
    ],
    [
      'a platform auditor reads any tenant',
      () => withCertificate(clientCa, 'plat-aud', [callerSan(null, 'auditor')]),
      'bravo',
      'NOT_FOUND',
    ],
    [
      'acme/admin may not read accounts',
      () => withCertificate(clientCa, 'acme-adm', [callerSan('acme', 'admin')]),
      'acme',
      'PERMISSION_DENIED',
    ],
    [
      'a certificate of the client CA naming no caller is no key',
      () => withCertificate(clientCa, 'plain', ['DNS:checkout.local']),
      'acme',
      'UNAUTHENTICATED',
    ],
    [
      'a certificate of another CA stands for nobody',
      () => withCertificate(strangerCa, 'stranger', [callerSan('acme', 'integration')]),
      'acme',
      'UNAUTHENTICATED',
    ],
  ])('%s', async (_, client, tenant, code) => {
    const c = client();
    try {
      expect(await codeOf(c, tenant)).toBe(code);
    } finally {
      c.close();
    }
  });

  it('an API key, when sent, decides instead of the certificate', async () => {
    const c = withCertificate(clientCa, 'acme-adm2', [callerSan('acme', 'admin')]);
    try {
      expect(await codeOf(c, 'acme', bearer(integrationKey))).toBe('NOT_FOUND');
    } finally {
      c.close();
    }
  });

  it('with JIFEN_TLS_CLIENT_CERT=require a connection without a client certificate is refused', async () => {
    const strict = await startEngine({
      isolateEnv: true,
      env: {
        JIFEN_AUTH: 'on',
        JIFEN_TLS_CERT: certFile,
        JIFEN_TLS_KEY: keyFile,
        JIFEN_TLS_CLIENT_CA: clientCa.certFile,
        JIFEN_TLS_CLIENT_CERT: 'require',
      },
    });
    const cert = clientCa.issue('strict-client', [callerSan('acme', 'integration')]);
    const without = pointsServiceChannel(strict.grpcAddr, {
      credentials: grpc.credentials.createSsl(serverCa.pem),
      separateConnection: true,
    });
    const withCert = pointsServiceChannel(strict.grpcAddr, {
      credentials: grpc.credentials.createSsl(serverCa.pem, cert.key, cert.cert),
      separateConnection: true,
    });
    try {
      expect(strict.output()).toContain('mTLS (client certificates required)');
      expect(grpc.status[(await failureOf(getAccount(without, 'acme', bearer(integrationKey)))).code]).toBe('UNAVAILABLE');
      expect(await codeOf(withCert, 'acme')).toBe('NOT_FOUND');
    } finally {
      without.close();
      withCert.close();
      await strict.stop();
    }
  });
});
