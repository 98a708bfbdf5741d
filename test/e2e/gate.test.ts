// The rest of the call gate over a real TLS socket (auth.test.ts has the role table, tls.test.ts mTLS
// and certificate reloads):
// API keys managed through AdminService by a tenant's admin, the audit trail of admin and operator
// actions read by the auditor (and kept across kill -9), per-key rate limits with a retry hint, and
// WatchEvents stream quotas per key and in all.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminServiceConstructor } from '../support/admin-client.js';
import { SERVER_SANS, makeTestCa } from '../support/certs.js';
import { type EngineProcess, REPO_ROOT, cleanupEngines, makeDataDir, startEngine } from '../support/engine-process.js';
import { failureOf } from '../support/expect-grpc.js';
import { uniq } from '../support/ids.js';
import { pointsServiceChannel } from '../support/points-client.js';
import { eventually } from '../support/waiting.js';

const RELOAD_MS = 300;
const ENV = {
  JIFEN_AUTH: 'on',
  JIFEN_AUTH_RELOAD_MS: String(RELOAD_MS),
  JIFEN_RATE_LIMITS: 'integration=50:50,operator=1:5,admin=100:100,auditor=1000:1000',
  JIFEN_WATCH_STREAMS_PER_KEY: '2',
  JIFEN_WATCH_MAX_STREAMS: '3',
};

type Msg = Record<string, unknown>;
type Unary = (req: Msg, md: grpc.Metadata, cb: (err: grpc.ServiceError | null, res?: Msg) => void) => void;

let dataDir: string;
let env: Record<string, string>;
let tls: grpc.ChannelCredentials;
let engine: EngineProcess;
let points: grpc.Client;
let admin: grpc.Client;
const keys: Record<string, string> = {};
const keyIds: Record<string, string> = {};

async function cliKey(tenant: string, role: string): Promise<{ id: string; secret: string }> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'src/cli/keys.ts', 'create', '--tenant', tenant, '--role', role, '--json'],
    { cwd: REPO_ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, JIFEN_DATA_DIR: dataDir } },
  );
  return JSON.parse(stdout) as { id: string; secret: string };
}

function bearer(secret: string): grpc.Metadata {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${secret}`);
  return metadata;
}

function call(method: string, request: Msg, secret: string): Promise<Msg> {
  const client = ['GetAccount', 'Adjust', 'SubmitBatch'].includes(method) ? points : admin;
  const unary = (client as unknown as Record<string, Unary>)[method];
  return new Promise((resolve, reject) =>
    unary.call(client, request, bearer(secret), (err, res) => (err ? reject(err) : resolve(res as Msg))),
  );
}

async function code(method: string, request: Msg, secret: string): Promise<string> {
  try {
    await call(method, request, secret);
    return 'OK';
  } catch (err) {
    return grpc.status[(err as grpc.ServiceError).code];
  }
}

const account = (tenant = 'acme') => ({ tenant_id: tenant, member_id: uniq('m') });

async function metric(name: string, labels: string): Promise<number> {
  const text = await (await fetch(engine.metricsUrl)).text();
  const line = text.split('\n').find((l) => l.startsWith(labels ? `${name}{${labels}}` : `${name} `));
  return line ? Number(line.split(' ').pop()) : 0;
}

interface AuditRecordMsg {
  record_id: string;
  key_id: string;
  role: string;
  tenant_id: string;
  method: string;
  request_json: string;
  reason: string;
  outcome: string;
  outcome_message: string;
}

async function auditOf(tenant: string, secret: string, pageSize = 1000): Promise<AuditRecordMsg[]> {
  const records: AuditRecordMsg[] = [];
  let token = '';
  do {
    const page = (await call('ListAuditRecords', { tenant_id: tenant, page_size: pageSize, page_token: token }, secret)) as {
      records: AuditRecordMsg[];
      next_page_token: string;
    };
    records.push(...page.records);
    token = page.next_page_token;
  } while (token !== '');
  return records;
}

function connect(): void {
  points = pointsServiceChannel(engine.grpcAddr, { separateConnection: true, credentials: tls });
  admin = new (adminServiceConstructor())(engine.grpcAddr, tls);
}

beforeAll(async () => {
  dataDir = makeDataDir();
  const made = await Promise.all(
    [
      ['admin', 'acme', 'admin'],
      ['operator', 'acme', 'operator'],
      ['auditor', 'acme', 'auditor'],
      ['operator2', 'acme', 'operator'],
      ['operator3', 'acme', 'operator'],
      ['integration', 'acme', 'integration'],
      ['watcher1', 'acme', 'integration'],
      ['watcher2', 'acme', 'integration'],
      ['watcher3', 'acme', 'integration'],
      ['bravoIntegration', 'bravo', 'integration'],
      ['bravoAuditor', 'bravo', 'auditor'],
    ].map(async ([name, tenant, role]) => [name, await cliKey(tenant, role)] as const),
  );
  for (const [name, key] of made) {
    keys[name] = key.secret;
    keyIds[name] = key.id;
  }
  const ca = makeTestCa();
  const server = ca.issue('server', SERVER_SANS);
  tls = grpc.credentials.createSsl(ca.pem);
  env = { ...ENV, JIFEN_TLS_CERT: server.certFile, JIFEN_TLS_KEY: server.keyFile };
  engine = await startEngine({ dataDir, isolateEnv: true, env });
  connect();
}, 120_000);

afterAll(async () => {
  points?.close();
  admin?.close();
  await cleanupEngines();
});

describe('API keys through AdminService', () => {
  let created: { key: { key_id: string }; secret: string };

  it('a tenant admin creates a key that works at once and is listed without its secret', async () => {
    created = (await call('CreateApiKey', { tenant_id: 'acme', role: 'integration', name: 'checkout' }, keys.admin)) as typeof created;
    expect(created.secret).toMatch(/^jfk_[a-z0-9]{16}_/);
    expect(await code('GetAccount', account(), created.secret)).toBe('NOT_FOUND');
    const listed = (await call('ListApiKeys', { tenant_id: 'acme' }, keys.admin)) as {
      keys: { key_id: string; state: string; name: string }[];
    };
    expect(listed.keys.find((k) => k.key_id === created.key.key_id)).toMatchObject({ state: 'active', name: 'checkout' });
    expect(JSON.stringify(listed)).not.toContain(created.secret.slice(22));
  });

  it('rotation: both secrets work during the overlap, the old one carries its end', async () => {
    const rotated = (await call('RotateApiKey', { tenant_id: 'acme', key_id: created.key.key_id, overlap_seconds: 3600 }, keys.admin)) as {
      secret: string;
      replaced: { expires_at: { seconds: number } | null; rotated_to: string };
      key: { key_id: string };
    };
    expect(rotated.replaced.rotated_to).toBe(rotated.key.key_id);
    expect(Number(rotated.replaced.expires_at?.seconds)).toBeGreaterThan(Date.now() / 1000 + 3500);
    expect(await code('GetAccount', account(), rotated.secret)).toBe('NOT_FOUND');
    await eventually('the old key still working after a reload', async () => {
      await new Promise((r) => setTimeout(r, RELOAD_MS));
      return (await code('GetAccount', account(), created.secret)) === 'NOT_FOUND' ? true : undefined;
    });
  });

  it('revocation reaches the engine within the reload interval', async () => {
    await call('RevokeApiKey', { tenant_id: 'acme', key_id: created.key.key_id }, keys.admin);
    await eventually('the revoked key refused', async () =>
      (await code('GetAccount', account(), created.secret)) === 'UNAUTHENTICATED' ? true : undefined,
    );
  });

  it.each<[string, Msg, string]>([
    ["another tenant's key is not found (and stays valid)", { method: 'RevokeApiKey', tenant_id: 'acme', key_id: 'bravo' }, 'NOT_FOUND'],
    ['a platform key from a tenant admin', { method: 'CreateApiKey', tenant_id: '', role: 'admin' }, 'PERMISSION_DENIED'],
    ['a key for another tenant', { method: 'CreateApiKey', tenant_id: 'bravo', role: 'admin' }, 'PERMISSION_DENIED'],
    ['an unknown role', { method: 'CreateApiKey', tenant_id: 'acme', role: 'root' }, 'INVALID_ARGUMENT'],
    ['a negative expiry', { method: 'CreateApiKey', tenant_id: 'acme', role: 'auditor', expires_in_seconds: -1 }, 'INVALID_ARGUMENT'],
  ])('refused: %s', async (_, { method, ...request }, expected) => {
    const req = request.key_id === 'bravo' ? { ...request, key_id: keyIds.bravoIntegration } : request;
    expect(await code(method as string, req, keys.admin)).toBe(expected);
    expect(await code('GetAccount', account('bravo'), keys.bravoIntegration)).toBe('NOT_FOUND');
  });

  it('an operator or integration key may not manage keys', async () => {
    expect(await code('ListApiKeys', { tenant_id: 'acme' }, keys.operator)).toBe('PERMISSION_DENIED');
    expect(await code('CreateApiKey', { tenant_id: 'acme', role: 'admin' }, keys.integration)).toBe('PERMISSION_DENIED');
  });
});

describe('audit trail', () => {
  const member = uniq('audited');
  const reason = uniq('goodwill for a late parcel');

  beforeAll(async () => {
    await call(
      'Adjust',
      { tenant_id: 'acme', member_id: member, idempotency_key: uniq('adj'), points: 500, reason, operator: 'li.na' },
      keys.operator,
    );
    await failureOf(
      call('Adjust', { tenant_id: 'acme', member_id: member, idempotency_key: uniq('adj'), points: 0, reason: 'zero' }, keys.operator),
    );
    await call('GetAccount', { tenant_id: 'acme', member_id: member }, keys.auditor);
    await call('CreateApiKey', { tenant_id: 'acme', role: 'auditor', name: 'external audit' }, keys.admin);
  });

  it('records who, what, why and the answer of each admin and operator action, and nothing of reads', async () => {
    const records = await auditOf('acme', keys.auditor);
    const adjust = records.find((r) => r.method === 'PointsService.Adjust' && r.reason === reason);
    expect(adjust).toMatchObject({ key_id: keyIds.operator, role: 'operator', tenant_id: 'acme', outcome: 'OK' });
    expect(JSON.parse(adjust?.request_json ?? '{}')).toMatchObject({ member_id: member, points: 500, operator: 'li.na' });
    const refused = records.find((r) => r.method === 'PointsService.Adjust' && r.reason === 'zero');
    expect(refused).toMatchObject({ outcome: 'INVALID_ARGUMENT', outcome_message: expect.stringContaining('points') });
    const created = records.filter((r) => r.method === 'AdminService.CreateApiKey' && r.outcome === 'OK');
    expect(created.length).toBeGreaterThanOrEqual(2);
    expect(created.every((r) => r.key_id === keyIds.admin)).toBe(true);
    expect(JSON.stringify(records)).not.toMatch(/jfk_[a-z0-9]{16}_[A-Za-z0-9_-]{43}/);
    expect(records.some((r) => r.method === 'PointsService.GetAccount')).toBe(false);
  });

  it('records the keys the CLI made, as the operating-system user who ran it', async () => {
    const records = await auditOf('acme', keys.auditor);
    const made = records.find((r) => r.method === 'keys create' && JSON.parse(r.request_json).key_id === keyIds.admin);
    expect(made).toMatchObject({ key_id: expect.stringMatching(/^cli:.+@.+/), tenant_id: 'acme', outcome: 'OK' });
  });

  it('pages oldest first without gaps or repeats', async () => {
    const all = await auditOf('acme', keys.auditor);
    const paged = await auditOf('acme', keys.auditor, 2);
    expect(paged.map((r) => r.record_id)).toEqual(all.map((r) => r.record_id));
    expect([...all.map((r) => r.record_id)].sort()).toEqual(all.map((r) => r.record_id));
  });

  it.each<[string, string, string]>([
    ['an auditor of another tenant', 'bravoAuditor', 'PERMISSION_DENIED'],
    ['an operator', 'operator', 'PERMISSION_DENIED'],
    ['the tenant admin', 'admin', 'OK'],
  ])("acme's trail read by %s: %s", async (_, who, expected) => {
    expect(await code('ListAuditRecords', { tenant_id: 'acme' }, keys[who])).toBe(expected);
  });

  it('a bad window or page token is INVALID_ARGUMENT', async () => {
    expect(await code('ListAuditRecords', { tenant_id: 'acme', page_token: 'x' }, keys.auditor)).toBe('INVALID_ARGUMENT');
    expect(
      await code('ListAuditRecords', { tenant_id: 'acme', since: { seconds: 2_000_000_000 }, until: { seconds: 1 } }, keys.auditor),
    ).toBe('INVALID_ARGUMENT');
  });
});

describe('rate limits per key', () => {
  it('refuses past the burst with RESOURCE_EXHAUSTED and a retry hint, other keys unaffected, then lets through again', async () => {
    const before = await metric('jifen_rate_limited_total', 'role="operator"');
    const flagged = { tenant_id: 'acme' };
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) codes.push(await code('ListFlagged', flagged, keys.operator2));
    expect(codes).toEqual(['OK', 'OK', 'OK', 'OK', 'OK']);
    const err = await failureOf(call('ListFlagged', flagged, keys.operator2));
    expect(grpc.status[err.code]).toBe('RESOURCE_EXHAUSTED');
    expect(err.details).toContain('JIFEN_RATE_LIMITS');
    const retryAfterMs = Number(err.metadata.get('retry-after-ms')[0]);
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(1_000);
    expect(await code('ListFlagged', flagged, keys.operator3)).toBe('OK');
    await new Promise((r) => setTimeout(r, retryAfterMs + 50));
    expect(await code('ListFlagged', flagged, keys.operator2)).toBe('OK');
    expect(await metric('jifen_rate_limited_total', 'role="operator"')).toBeGreaterThan(before);
  });

  it('a SubmitBatch costs one token per command: a batch beyond the burst is refused whole, changing nothing', async () => {
    const member = uniq('m');
    const commands = Array.from({ length: 51 }, () => ({
      earn: {
        tenant_id: 'acme',
        member_id: member,
        idempotency_key: uniq('k'),
        order_id: uniq('o'),
        amount_minor: 10_000,
        currency: 'CNY',
      },
    }));
    const err = await failureOf(call('SubmitBatch', { commands }, keys.integration));
    expect(grpc.status[err.code]).toBe('RESOURCE_EXHAUSTED');
    expect(err.details).toContain('a batch of 51 commands is more than its burst of 50');
    expect(await code('GetAccount', { tenant_id: 'acme', member_id: member }, keys.integration)).toBe('NOT_FOUND');
  });
});

describe('WatchEvents streams', () => {
  type Stream = grpc.ClientReadableStream<Msg>;
  const open = (secret: string): Stream =>
    (points as unknown as { WatchEvents(req: Msg, md: grpc.Metadata): Stream }).WatchEvents(
      { tenant_id: 'acme', after: 0 },
      bearer(secret),
    );

  /** OK when the stream is still open after 500 ms, else the code it ended with. */
  const fate = (stream: Stream) =>
    new Promise<string>((resolve) => {
      const timer = setTimeout(() => resolve('OK'), 500);
      stream.on('data', () => undefined);
      stream.on('error', (err: grpc.ServiceError) => {
        clearTimeout(timer);
        resolve(grpc.status[err.code]);
      });
    });

  it('a key holds at most JIFEN_WATCH_STREAMS_PER_KEY, the engine at most JIFEN_WATCH_MAX_STREAMS; a closed stream frees its place', async () => {
    const first = open(keys.watcher1);
    const second = open(keys.watcher1);
    expect(await Promise.all([fate(first), fate(second)])).toEqual(['OK', 'OK']);
    const third = open(keys.watcher1);
    expect(await fate(third)).toBe('RESOURCE_EXHAUSTED');
    const other = open(keys.watcher2);
    expect(await fate(other)).toBe('OK');
    expect(await metric('jifen_watch_streams_open', '')).toBe(3);
    expect(await fate(open(keys.watcher3))).toBe('RESOURCE_EXHAUSTED');
    first.cancel();
    await eventually('the cancelled stream released', async () =>
      (await metric('jifen_watch_streams_open', '')) === 2 ? true : undefined,
    );
    const again = open(keys.watcher1);
    expect(await fate(again)).toBe('OK');
    for (const s of [second, other, again]) s.cancel();
    await eventually('every stream released', async () => ((await metric('jifen_watch_streams_open', '')) === 0 ? true : undefined));
  });
});

describe('durability', () => {
  it('an acknowledged audited action keeps its record across kill -9', async () => {
    const reason = uniq('after-crash');
    await call(
      'Adjust',
      { tenant_id: 'acme', member_id: uniq('m'), idempotency_key: uniq('adj'), points: 5, reason, operator: 'li.na' },
      keys.operator,
    );
    await engine.kill9();
    points.close();
    admin.close();
    engine = await startEngine({ dataDir, isolateEnv: true, env });
    connect();
    const records = await auditOf('acme', keys.auditor);
    expect(records.filter((r) => r.reason === reason)).toHaveLength(1);
  });
});
