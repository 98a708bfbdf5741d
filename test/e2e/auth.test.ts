// API keys and roles over a real TLS socket: an engine with JIFEN_AUTH=on and a certificate of a CA the
// test makes (test/support/certs.ts), keys made by the keys CLI run
// as a process (`node --import tsx src/cli/keys.ts`, what `npm run keys` runs) on the engine's data
// directory. Every method's row for every role, cross-tenant calls refused and changing nothing,
// UNAUTHENTICATED without a key and with an unknown, revoked or expired one, rotation overlap, and the
// start-up rules (off on loopback by default and said so, refused on another address unless set).

import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES_OF_PATH } from '../../src/api/roles.js';
import { ROLES, type Role } from '../../src/auth/api-key.js';
import { adminServiceConstructor } from '../support/admin-client.js';
import {
  type EngineProcess,
  REPO_ROOT,
  cleanupEngines,
  makeDataDir,
  startEngine,
  startEngineExpectingExit,
} from '../support/engine-process.js';
import { SERVER_SANS, type TestCa, makeTestCa } from '../support/certs.js';
import { failureOf } from '../support/expect-grpc.js';
import { uniq } from '../support/ids.js';
import { healthClient, listServicesByReflection, pointsServiceChannel } from '../support/points-client.js';
import { freePorts } from '../support/ports.js';
import { eventually } from '../support/waiting.js';

const RELOAD_MS = 500;
const ACME = 'acme';
const BRAVO = 'bravo';

interface CreatedKey {
  id: string;
  secret: string;
  tenant_id: string | null;
  role: Role;
}

let dataDir: string;
let ca: TestCa;
let tls: grpc.ChannelCredentials;
let engine: EngineProcess;
let points: grpc.Client;
let admin: grpc.Client;
/** acme's key of each role, and bravo's integration key. */
const keys = {} as Record<Role, CreatedKey> & { bravo: CreatedKey };

/** Runs the keys CLI as a process on the test's data directory; `--json` output parsed. */
async function keysCli(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/keys.ts', ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, JIFEN_DATA_DIR: dataDir },
  });
  return stdout;
}

/** Runs the import CLI as a process, with JIFEN_API_KEY set when a key is given. */
async function importCli(args: string[], apiKey: string | undefined): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    JIFEN_TLS_CA: ca.certFile,
    ...(apiKey ? { JIFEN_API_KEY: apiKey } : {}),
  };
  return promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/import.ts', ...args], { cwd: REPO_ROOT, env }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }),
  );
}

async function createKey(...args: string[]): Promise<CreatedKey> {
  return JSON.parse(await keysCli('create', ...args, '--json')) as CreatedKey;
}

function bearer(key: CreatedKey | string): grpc.Metadata {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${typeof key === 'string' ? key : key.secret}`);
  return metadata;
}

type Msg = Record<string, unknown>;

type UnaryMethod = (req: Msg, metadata: grpc.Metadata, callback: (err: grpc.ServiceError | null, res?: Msg) => void) => void;

/** One unary call by path; resolves with the response or rejects with the ServiceError. */
function call(path: string, request: Msg, metadata: grpc.Metadata): Promise<Msg> {
  const [, service, method] = /^\/jifen\.v1\.(\w+)\/(\w+)$/.exec(path) as RegExpExecArray;
  const client = service === 'PointsService' ? points : admin;
  const unary = (client as unknown as Record<string, UnaryMethod>)[method];
  return new Promise((resolve, reject) => unary.call(client, request, metadata, (err, res) => (err ? reject(err) : resolve(res as Msg))));
}

/** The status a WatchEvents stream ends with within 2 s, or OK when it is still open then (cancelled). */
function watchCode(request: Msg, metadata: grpc.Metadata): Promise<grpc.status> {
  const open = (points as unknown as { WatchEvents(req: Msg, md: grpc.Metadata): grpc.ClientReadableStream<Msg> }).WatchEvents.bind(points);
  const stream = open(request, metadata);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      stream.cancel();
      resolve(grpc.status.OK);
    }, 2_000);
    stream.on('data', () => undefined);
    stream.on('error', (err: grpc.ServiceError) => {
      clearTimeout(timer);
      resolve(err.code);
    });
  });
}

/** The status code of one call of path naming tenant: OK when it got past the keys (even if the handler then refused it). */
async function codeOfCall(path: string, tenant: string, metadata: grpc.Metadata): Promise<grpc.status> {
  const request = requestFor(path, tenant);
  if (path.endsWith('/WatchEvents')) return watchCode(request, metadata);
  try {
    await call(path, request, metadata);
    return grpc.status.OK;
  } catch (err) {
    return (err as grpc.ServiceError).code;
  }
}

/** A request naming tenant: valid enough to be judged, mostly refused by the handler afterwards (changing nothing). */
function requestFor(path: string, tenant: string): Msg {
  if (path.endsWith('/SubmitBatch'))
    return {
      commands: [
        {
          earn: {
            tenant_id: tenant,
            member_id: uniq('m'),
            idempotency_key: uniq('k'),
            order_id: uniq('o'),
            amount_minor: -1,
            currency: 'CNY',
          },
        },
      ],
    };
  return { tenant_id: tenant, member_id: uniq('m'), after: 0 };
}

const passedTheKeys = (code: grpc.status) => code !== grpc.status.PERMISSION_DENIED && code !== grpc.status.UNAUTHENTICATED;

async function balanceOf(tenant: string, member: string, key: CreatedKey): Promise<{ balance: number; seq: number }> {
  const { account } = (await call('/jifen.v1.PointsService/GetAccount', { tenant_id: tenant, member_id: member }, bearer(key))) as {
    account: { balance: number; seq: number };
  };
  return { balance: account.balance, seq: account.seq };
}

function earnRequest(tenant: string, member: string, amountMinor: number): Msg {
  return {
    tenant_id: tenant,
    member_id: member,
    idempotency_key: uniq('earn'),
    order_id: uniq('order'),
    amount_minor: amountMinor,
    currency: 'CNY',
  };
}

async function metricValue(name: string, reason: string): Promise<number> {
  const text = await (await fetch(engine.metricsUrl)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{reason="${reason}"}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

beforeAll(async () => {
  dataDir = makeDataDir();
  // Keys made before the engine starts: it loads them at start.
  const made = await Promise.all([
    ...ROLES.map((role) => createKey('--tenant', ACME, '--role', role)),
    createKey('--tenant', BRAVO, '--role', 'integration'),
  ]);
  ROLES.forEach((role, i) => {
    keys[role] = made[i];
  });
  keys.bravo = made[ROLES.length];
  ca = makeTestCa();
  const server = ca.issue('server', SERVER_SANS);
  tls = grpc.credentials.createSsl(ca.pem);
  engine = await startEngine({
    dataDir,
    isolateEnv: true,
    env: { JIFEN_AUTH: 'on', JIFEN_AUTH_RELOAD_MS: String(RELOAD_MS), JIFEN_TLS_CERT: server.certFile, JIFEN_TLS_KEY: server.keyFile },
  });
  points = pointsServiceChannel(engine.grpcAddr, { credentials: tls });
  admin = new (adminServiceConstructor())(engine.grpcAddr, tls);
}, 120_000);

afterAll(async () => {
  points?.close();
  admin?.close();
  await cleanupEngines();
});

describe('roles', () => {
  const rows = [...ROLES_OF_PATH].flatMap(([path, allowed]) => ROLES.map((role) => [path, role, allowed.includes(role)] as const));

  it.each(rows)('%s by an %s key of the tenant: allowed %s', async (path, role, allowed) => {
    const code = await codeOfCall(path, ACME, bearer(keys[role]));
    if (allowed) expect(passedTheKeys(code), `got ${grpc.status[code]}`).toBe(true);
    else expect(grpc.status[code]).toBe('PERMISSION_DENIED');
  });

  it('every method a role may call is refused with PERMISSION_DENIED when it names another tenant', async () => {
    const refused: string[] = [];
    for (const [path, allowed] of ROLES_OF_PATH) {
      for (const role of allowed) {
        const code = await codeOfCall(path, BRAVO, bearer(keys[role]));
        if (code !== grpc.status.PERMISSION_DENIED) refused.push(`${path} by ${role}: ${grpc.status[code]}`);
      }
    }
    expect(refused).toEqual([]);
  });
});

describe('cross-tenant attempts', () => {
  it("change nothing of the other tenant's member, one by one and inside a batch", async () => {
    const member = uniq('bravo-member');
    await call('/jifen.v1.PointsService/Earn', earnRequest(BRAVO, member, 10_000), bearer(keys.bravo));
    const before = await balanceOf(BRAVO, member, keys.bravo);
    expect(before.balance).toBeGreaterThan(0);
    const acme = keys.integration;
    const attempts: [string, Msg, CreatedKey][] = [
      ['/jifen.v1.PointsService/Earn', earnRequest(BRAVO, member, 50_000), acme],
      ['/jifen.v1.PointsService/Redeem', { tenant_id: BRAVO, member_id: member, idempotency_key: uniq('r'), points: 1 }, acme],
      [
        '/jifen.v1.PointsService/Adjust',
        { tenant_id: BRAVO, member_id: member, idempotency_key: uniq('a'), points: -1, reason: 'x', operator: 'x' },
        keys.operator,
      ],
      [
        '/jifen.v1.PointsService/SubmitBatch',
        {
          commands: [
            { earn: earnRequest(ACME, uniq('m'), 100) },
            { redeem: { tenant_id: BRAVO, member_id: member, idempotency_key: uniq('r'), points: 1 } },
          ],
        },
        acme,
      ],
      ['/jifen.v1.PointsService/GetAccount', { tenant_id: BRAVO, member_id: member }, keys.auditor],
    ];
    for (const [path, request, key] of attempts) {
      const err = await failureOf(call(path, request, bearer(key)));
      expect(grpc.status[err.code], path).toBe('PERMISSION_DENIED');
      expect(err.details).toContain(`acts for tenant ${ACME}`);
    }
    expect(await balanceOf(BRAVO, member, keys.bravo)).toEqual(before);
  });

  it('an integration key may not Adjust, also not inside a SubmitBatch', async () => {
    const member = uniq('acme-member');
    await call('/jifen.v1.PointsService/Earn', earnRequest(ACME, member, 10_000), bearer(keys.integration));
    const before = await balanceOf(ACME, member, keys.integration);
    const adjust = { tenant_id: ACME, member_id: member, idempotency_key: uniq('a'), points: 1_000, reason: 'x', operator: 'x' };
    const err = await failureOf(call('/jifen.v1.PointsService/SubmitBatch', { commands: [{ adjust }] }, bearer(keys.integration)));
    expect(grpc.status[err.code]).toBe('PERMISSION_DENIED');
    expect(err.details).toBe('role integration may not call SubmitBatch(adjust)');
    expect(await balanceOf(ACME, member, keys.integration)).toEqual(before);
  });

  it('counts each refusal in jifen_auth_failures_total by reason', async () => {
    expect(await metricValue('jifen_auth_failures_total', 'tenant')).toBeGreaterThan(0);
    expect(await metricValue('jifen_auth_failures_total', 'role')).toBeGreaterThan(0);
  });
});

describe('authentication', () => {
  const getAccount = '/jifen.v1.PointsService/GetAccount';

  const authorization = (value: string) => {
    const metadata = new grpc.Metadata();
    metadata.set('authorization', value);
    return metadata;
  };

  it.each([
    ['no authorization metadata', () => new grpc.Metadata(), 'missing API key'],
    ['a non-Bearer authorization', () => authorization('Basic abc'), 'malformed API key'],
    ['a bearer string not of a key’s form', () => bearer('not-a-key'), 'malformed API key'],
    ['an id nobody created', () => bearer(`jfk_${'q'.repeat(16)}_${'w'.repeat(43)}`), 'unknown API key'],
    ['a known id with another secret', () => bearer(`jfk_${keys.integration.id}_${'w'.repeat(43)}`), 'unknown API key'],
  ])('%s is UNAUTHENTICATED', async (_what, metadata, message) => {
    const err = await failureOf(call(getAccount, { tenant_id: ACME, member_id: 'm' }, metadata()));
    expect(grpc.status[err.code]).toBe('UNAUTHENTICATED');
    expect(err.details).toContain(message);
  });

  it('an unauthenticated write changes nothing', async () => {
    const member = uniq('m');
    const err = await failureOf(call('/jifen.v1.PointsService/Earn', earnRequest(ACME, member, 10_000), new grpc.Metadata()));
    expect(grpc.status[err.code]).toBe('UNAUTHENTICATED');
    const missing = await failureOf(call(getAccount, { tenant_id: ACME, member_id: member }, bearer(keys.integration)));
    expect(grpc.status[missing.code]).toBe('NOT_FOUND');
  });

  it('health and reflection stay open without a key', async () => {
    const health = healthClient(engine.grpcAddr, tls);
    try {
      expect((await health.check()).status).toBe('SERVING');
    } finally {
      health.close();
    }
    expect(await listServicesByReflection(engine.grpcAddr, tls)).toContain('jifen.v1.PointsService');
  });

  it('a key created while the engine runs works at once; revoked by the CLI, it is refused within the reload interval', async () => {
    const key = await createKey('--tenant', ACME, '--role', 'auditor');
    const member = uniq('m');
    await call('/jifen.v1.PointsService/Earn', earnRequest(ACME, member, 100), bearer(keys.integration));
    await call(getAccount, { tenant_id: ACME, member_id: member }, bearer(key));
    await keysCli('revoke', key.id);
    const revokedAt = Date.now();
    const err = await eventually(
      'refusal of the revoked key',
      async () => {
        const code = await codeOfCall(getAccount, ACME, bearer(key));
        return code === grpc.status.UNAUTHENTICATED ? code : undefined;
      },
      RELOAD_MS + 4_000,
    );
    expect(err).toBe(grpc.status.UNAUTHENTICATED);
    expect(Date.now() - revokedAt).toBeLessThan(RELOAD_MS + 4_000);
    const details = (await failureOf(call(getAccount, { tenant_id: ACME, member_id: member }, bearer(key)))).details;
    expect(details).toBe('API key revoked');
    expect(await metricValue('jifen_auth_failures_total', 'revoked')).toBeGreaterThan(0);
  });

  it('npm run import sends the admin key from JIFEN_API_KEY; without it the engine refuses the import and nothing is imported', async () => {
    const file = join(dataDir, `lots-${uniq('f')}.csv`);
    const member = uniq('imported');
    writeFileSync(file, `member_id,points,earned_at\n${member},300,2026-01-01T00:00:00+08:00\n`);
    const args = ['--tenant', ACME, '--batch-id', uniq('b'), '--file', file, '--target', engine.grpcAddr];
    const refused = await importCli(args, undefined);
    expect(refused.code, refused.stdout + refused.stderr).toBe(2);
    expect(refused.stdout).toContain('import stopped: ImportLots failed: UNAUTHENTICATED');
    const imported = await importCli(args, keys.admin.secret);
    expect(imported.code, imported.stdout + imported.stderr).toBe(0);
    const account = await call('/jifen.v1.PointsService/GetAccount', { tenant_id: ACME, member_id: member }, bearer(keys.integration));
    expect((account.account as Msg).balance).toBe(300);
  });

  it('an expired key is UNAUTHENTICATED', async () => {
    // Long enough that the first call comes before the expiry also on a loaded machine.
    const key = await createKey('--tenant', ACME, '--role', 'auditor', '--expires-in', '5s');
    const createdAt = Date.now();
    expect(passedTheKeys(await codeOfCall(getAccount, ACME, bearer(key)))).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, createdAt + 5_500 - Date.now())));
    const err = await failureOf(call(getAccount, { tenant_id: ACME, member_id: 'm' }, bearer(key)));
    expect(grpc.status[err.code]).toBe('UNAUTHENTICATED');
    expect(err.details).toBe('API key expired');
  });

  it('rotation: the old and the new secret both work until the overlap ends, then only the new one', async () => {
    const old = await createKey('--tenant', ACME, '--role', 'auditor');
    expect(passedTheKeys(await codeOfCall(getAccount, ACME, bearer(old)))).toBe(true);
    const rotated = JSON.parse(await keysCli('rotate', old.id, '--overlap', '8s', '--json')) as CreatedKey;
    const rotatedAt = Date.now();
    expect(rotated).toMatchObject({ tenant_id: ACME, role: 'auditor' });
    // Past one reload, so the engine holds the old key's new expiry: both still work.
    await new Promise((resolve) => setTimeout(resolve, RELOAD_MS * 2));
    expect(passedTheKeys(await codeOfCall(getAccount, ACME, bearer(old)))).toBe(true);
    expect(passedTheKeys(await codeOfCall(getAccount, ACME, bearer(rotated)))).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, rotatedAt + 8_500 - Date.now())));
    expect(grpc.status[await codeOfCall(getAccount, ACME, bearer(old))]).toBe('UNAUTHENTICATED');
    expect(passedTheKeys(await codeOfCall(getAccount, ACME, bearer(rotated)))).toBe(true);
  });

  it('list shows each key with its state and last use, never a secret', async () => {
    const listed = JSON.parse(await keysCli('list', '--tenant', ACME, '--json')) as {
      id: string;
      state: string;
      last_used_at: string | null;
    }[];
    const integration = listed.find((k) => k.id === keys.integration.id);
    expect(integration?.state).toBe('active');
    expect(integration?.last_used_at).not.toBeNull();
    expect(listed.some((k) => k.state === 'revoked')).toBe(true);
    expect(JSON.stringify(listed)).not.toContain(keys.integration.secret);
    expect(engine.output()).not.toContain(keys.integration.secret);
  });
});

describe('start-up', () => {
  it('on a loopback address without JIFEN_AUTH the engine starts with authentication off and says so loudly', async () => {
    const dev = await startEngine({ isolateEnv: true });
    try {
      expect(dev.output()).toContain('jifen: AUTHENTICATION OFF (development mode)');
    } finally {
      await dev.stop();
    }
  });

  it('on a non-loopback address without JIFEN_AUTH the engine refuses to start, naming the setting', async () => {
    const [port] = await freePorts(1);
    const { code, output } = await startEngineExpectingExit({ isolateEnv: true, env: { JIFEN_GRPC_ADDR: `0.0.0.0:${port}` } });
    expect(code).not.toBe(0);
    expect(output).toContain('JIFEN_AUTH');
    expect(output).not.toMatch(/^\s+at /m);
  });

  it('on a non-loopback address with keys but without TLS the engine refuses to start, naming the settings', async () => {
    const [port] = await freePorts(1);
    const { code, output } = await startEngineExpectingExit({
      isolateEnv: true,
      env: { JIFEN_GRPC_ADDR: `0.0.0.0:${port}`, JIFEN_AUTH: 'on' },
    });
    expect(code).not.toBe(0);
    expect(output).toContain('JIFEN_TLS_CERT');
    expect(output).toContain('JIFEN_TLS=off');
  });
});
