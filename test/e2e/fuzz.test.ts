// Hostile input against a running engine: every RPC of PointsService and AdminService with seeded
// random messages built from the contract itself (empty, huge, unicode and control-character strings,
// out-of-range numbers and enums, odd timestamps, oneofs, nested and repeated fields), raw random
// bytes as request bodies, and a 100,000-command batch. The engine must stay up, answer every call
// with a status that names the caller's mistake (never INTERNAL or UNKNOWN, except gRPC's own answer
// to a body it cannot decode), and change nothing for a member no request named.
// FUZZ_SEED=<n> replays a run; every failure message carries the seed, method and request.

import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PROTO, POINTS_PROTO, PROTO_DIR } from '../../src/contract/proto.js';
import { type EngineProcess, cleanupEngines, startEngine } from '../support/engine-process.js';
import { healthClient, type PointsClient, pointsClient } from '../support/points-client.js';
import { mulberry32 } from '../support/random.js';

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
const CALLS_PER_METHOD = 30;
const RAW_BODIES = 200;
/** What a call may answer: each names the caller's input or the engine's state, none an engine fault. */
const ACCEPTABLE = new Set([
  grpc.status.OK,
  grpc.status.INVALID_ARGUMENT,
  grpc.status.FAILED_PRECONDITION,
  grpc.status.NOT_FOUND,
  grpc.status.ALREADY_EXISTS,
  grpc.status.RESOURCE_EXHAUSTED,
  grpc.status.OUT_OF_RANGE,
  grpc.status.PERMISSION_DENIED,
  grpc.status.UNAUTHENTICATED,
  grpc.status.DEADLINE_EXCEEDED,
  grpc.status.CANCELLED,
]);
const BYSTANDER = { tenant_id: 'fuzz-bystander', member_id: 'untouched' };

afterAll(cleanupEngines);

describe(`hostile input (FUZZ_SEED=${SEED})`, () => {
  let engine: EngineProcess;
  let client: PointsClient;
  let raw: grpc.Client;
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => `${PROTO_DIR}/${target}`;
  root.loadSync([POINTS_PROTO, ADMIN_PROTO], { keepCase: true }).resolveAll();
  const methods = ['jifen.v1.PointsService', 'jifen.v1.AdminService'].flatMap((name) =>
    Object.values(root.lookupService(name).methods).map((m) => ({ service: name, method: m })),
  );

  beforeAll(async () => {
    engine = await startEngine({ env: { JIFEN_SHARDS: '2' } });
    client = pointsClient(engine.grpcAddr);
    raw = new grpc.Client(engine.grpcAddr, grpc.credentials.createInsecure());
    await client.Adjust({ ...BYSTANDER, idempotency_key: 'seed', points: 1_000, reason: 'seed', operator: 'fuzz' });
  });
  afterAll(() => {
    client?.close();
    raw?.close();
  });

  it(`every RPC (${CALLS_PER_METHOD} seeded random messages each) answers with a status naming the input; raw bytes too; the engine lives and the bystander is unchanged`, async () => {
    const before = await client.GetAccount(BYSTANDER);
    const random = mulberry32(SEED);
    const faults: string[] = [];
    for (const { service, method } of methods) {
      const type = method.resolvedRequestType as protobuf.Type;
      for (let i = 0; i < CALLS_PER_METHOD; i++) {
        const message = randomMessage(type, random, 0);
        const body = type.encode(type.fromObject(message)).finish();
        const outcome = await call(raw, `/${service}/${method.name}`, Buffer.from(body), method.responseStream === true);
        if (!ACCEPTABLE.has(outcome.code))
          faults.push(`${method.name} ${grpc.status[outcome.code]} ${outcome.details}: ${preview(message)}`);
      }
    }
    for (let i = 0; i < RAW_BODIES; i++) {
      const { service, method } = methods[Math.floor(random() * methods.length)];
      const body = Buffer.from(Array.from({ length: Math.floor(random() * 64) }, () => Math.floor(random() * 256)));
      const outcome = await call(raw, `/${service}/${method.name}`, body, method.responseStream === true);
      const undecodable = outcome.code === grpc.status.INTERNAL && /deserializ|parse|decode/i.test(outcome.details);
      if (!ACCEPTABLE.has(outcome.code) && !undecodable)
        faults.push(`${method.name} raw ${body.toString('hex')}: ${grpc.status[outcome.code]} ${outcome.details}`);
    }
    expect(faults, `FUZZ_SEED=${SEED}`).toEqual([]);
    expect(engine.output()).not.toMatch(/FATAL|out of memory|Uncaught/i);
    const health = healthClient(engine.grpcAddr);
    expect(await health.check()).toEqual({ status: 'SERVING' });
    health.close();
    expect(await client.GetAccount(BYSTANDER)).toEqual(before);
  }, 240_000);

  it('a SubmitBatch of 100,000 commands is INVALID_ARGUMENT naming commands, and the engine keeps serving', async () => {
    const commands = Array.from({ length: 100_000 }, (_, i) => ({
      earn: {
        tenant_id: 'fuzz',
        member_id: `m${i % 100}`,
        idempotency_key: `k${i}`,
        order_id: `o${i}`,
        amount_minor: 100,
        currency: 'CNY',
      },
    }));
    const err = await client.SubmitBatch({ commands }).then(
      () => undefined,
      (e: grpc.ServiceError) => e,
    );
    expect([err?.code, err?.details]).toEqual([grpc.status.INVALID_ARGUMENT, expect.stringContaining('commands')]);
    expect(await client.GetAccount(BYSTANDER)).toMatchObject({ account: { balance: 1_000 } });
  });
});

/** One call with a raw body; a server stream is read for a moment and then cancelled (CANCELLED counts as answered). */
function call(raw: grpc.Client, path: string, body: Buffer, streaming: boolean): Promise<{ code: number; details: string }> {
  const identity = (b: Buffer) => b;
  const deadline = Date.now() + 20_000;
  return new Promise((resolve) => {
    if (!streaming) {
      raw.makeUnaryRequest(path, identity, identity, body, new grpc.Metadata(), { deadline }, (err) =>
        resolve(err ? { code: err.code, details: err.details } : { code: grpc.status.OK, details: '' }),
      );
      return;
    }
    const stream = raw.makeServerStreamRequest(path, identity, identity, body, new grpc.Metadata(), { deadline });
    stream.on('data', () => {});
    stream.on('error', () => {});
    stream.on('status', (s: grpc.StatusObject) => resolve({ code: s.code, details: s.details }));
    setTimeout(() => stream.cancel(), 200);
  });
}

type Random = () => number;

function randomMessage(type: protobuf.Type, random: Random, depth: number): Record<string, unknown> {
  if (type.fullName === '.google.protobuf.Timestamp') {
    return {
      seconds: pick(random, [0, -1, 1_750_000_000, 253_402_300_800, -62_135_596_801, Math.floor(random() * 2e9)]),
      nanos: pick(random, [0, 999_999_999, 1_000_000_000, -1]),
    };
  }
  const message: Record<string, unknown> = {};
  const oneofFields = new Set<string>();
  for (const oneof of type.oneofsArray) {
    const chosen = pick(random, oneof.fieldsArray);
    for (const f of oneof.fieldsArray) if (f !== chosen) oneofFields.add(f.name);
  }
  for (const field of type.fieldsArray) {
    if (oneofFields.has(field.name) || random() < 0.15) continue;
    if (field.repeated || field.map) {
      if (field.map) continue;
      const count = depth > 1 ? 0 : Math.floor(random() * 4);
      message[field.name] = Array.from({ length: count }, () => randomValue(field, random, depth));
    } else {
      message[field.name] = randomValue(field, random, depth);
    }
  }
  return message;
}

function randomValue(field: protobuf.Field, random: Random, depth: number): unknown {
  if (field.resolvedType instanceof protobuf.Type) return depth > 3 ? {} : randomMessage(field.resolvedType, random, depth + 1);
  if (field.resolvedType instanceof protobuf.Enum) {
    const values = Object.values(field.resolvedType.values);
    return random() < 0.8 ? pick(random, values) : pick(random, [-1, 999, 2 ** 31 - 1]);
  }
  switch (field.type) {
    case 'string':
      if (field.name === 'document' && random() < 0.5) return pick(random, HOSTILE_DOCUMENTS);
      // Mostly well-formed ids and codes, so a request gets past the first check and reaches the rest.
      if (/(_id|_key|^currency|^operator|^reason)$/.test(field.name) && random() < 0.7)
        return pick(random, WELL_FORMED[field.name] ?? ['t1', 'm1', 'k-1', 'CNY']);
      return randomString(random);
    case 'bool':
      return random() < 0.5;
    case 'double':
    case 'float':
      return pick(random, [0, -0.5, 1e308, Number.NaN, Number.POSITIVE_INFINITY, random() * 1000]);
    case 'bytes':
      return Buffer.from(randomString(random));
    default:
      return pick(random, [
        0,
        1,
        -1,
        100,
        2 ** 31 - 1,
        -(2 ** 31),
        Number.MAX_SAFE_INTEGER,
        -Number.MAX_SAFE_INTEGER,
        Math.floor(random() * 1e6),
      ]);
  }
}

const WELL_FORMED: Record<string, string[]> = {
  tenant_id: ['fuzz', 'fuzz-2'],
  member_id: ['m1', 'm2', 'm3'],
  idempotency_key: ['k-1', 'k-2', 'k-3', 'k-4'],
  currency: ['CNY'],
};

/** Documents that once took the engine down or answered INTERNAL (PutProgram). */
const HOSTILE_DOCUMENTS = [
  `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
  [
    'a: &a [x,x,x,x,x,x,x,x,x]',
    ...'bcdefghij'.split('').map((n, i) => `${n}: &${n} [${Array(9).fill(`*${'abcdefghij'[i]}`).join(',')}]`),
  ].join('\n'),
  `name: x\n# ${'y'.repeat(300_000)}`,
];

const STRINGS = [
  '',
  ' ',
  'a',
  't1',
  'm1',
  '积分🎉',
  '\u0000\u0001\u001f',
  'a b',
  'tenant:colon',
  '../../etc/passwd',
  '%s%n%x',
  "'; DROP TABLE entries; --",
  '\uFFFD\uD800',
  'x'.repeat(129),
  'y'.repeat(70_000),
  '[[[[[[[[',
  '&a [*a,*a]',
  '{"a":',
];

function randomString(random: Random): string {
  if (random() < 0.7) return pick(random, STRINGS);
  return Array.from({ length: 1 + Math.floor(random() * 40) }, () => String.fromCharCode(32 + Math.floor(random() * 95))).join('');
}

function pick<T>(random: Random, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)];
}

function preview(message: unknown): string {
  const text = JSON.stringify(message, (_k, v) => (typeof v === 'string' && v.length > 60 ? `${v.slice(0, 20)}…(${v.length})` : v));
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}
