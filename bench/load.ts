// Load generator: drives one PointsService target at a fixed number of calls in flight
// (closed loop), then prints a single JSON line with throughput, latency and errors.
// Runs as its own process so its CPU use is not mixed into the server's. The lines `WINDOW open`
// and `WINDOW closed` on stdout mark the measured window (bench/run.ts reads CPU and counters there).
//
// Usage: node --import tsx bench/load.ts --target 127.0.0.1:50051 --mode unary|batch
//          [--concurrency 64] [--duration 10] [--warmup 3] [--tenant t1]
//          [--batch-size 100] [--members 1000000] [--zipf-s 1.0]
//          [--members-order zipf|sequential] [--items N]
//   unary: Earn calls; batch: SubmitBatch of --batch-size earn commands per call.
//   zipf: member ids drawn from a Zipf distribution over 1..--members; sequential: ids 1,2,3,…
//   in order, wrapping after --members (N items touch min(N, members) distinct members).
//   --items N: the measured window also ends once N items have been acknowledged (whichever of
//   --duration and --items comes first); at most N items are sent inside the window.
//   --ca FILE: TLS, trusting that CA (PEM) for the server's certificate (--servername NAME checks it
//   for that name instead of the target's host). JIFEN_API_KEY in the environment: sent on every
//   call as `authorization: Bearer <key>` (one Metadata, built once). Without either, plaintext and
//   no metadata, as before.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as hdr from 'hdr-histogram-js';
import {
  type Command,
  type EarnRequest,
  type EarnResponse,
  loadPointsProto,
  nowTimestamp,
  type SubmitBatchRequest,
  type SubmitBatchResponse,
  type Timestamp,
} from './proto.js';
import { zipfSampler } from './zipf.js';
import { windowFigures } from './window-figures.js';

const { values: flags } = parseArgs({
  options: {
    target: { type: 'string' },
    mode: { type: 'string', default: 'unary' },
    concurrency: { type: 'string', default: '64' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    tenant: { type: 'string', default: 't1' },
    'batch-size': { type: 'string', default: '100' },
    members: { type: 'string', default: '1000000' },
    'zipf-s': { type: 'string', default: '1.0' },
    'members-order': { type: 'string', default: 'zipf' },
    items: { type: 'string' },
    'device-ids': { type: 'string', default: '0' },
    ca: { type: 'string' },
    servername: { type: 'string' },
  },
});

function positive(name: string, raw: string, allowZero = false): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) throw new Error(`--${name}: bad value ${raw}`);
  return n;
}

if (!flags.target) throw new Error('--target host:port is required');
if (flags.mode !== 'unary' && flags.mode !== 'batch') throw new Error(`--mode must be unary or batch`);
const target = flags.target;
/** With N > 0 every earn carries device_id d<member id mod N> (the velocity profile's device windows). */
const deviceIds = Math.floor(positive('device-ids', flags['device-ids'], true));
const mode = flags.mode;
const concurrency = Math.floor(positive('concurrency', flags.concurrency));
const durationS = positive('duration', flags.duration);
const warmupS = positive('warmup', flags.warmup, true);
const tenant = flags.tenant;
const batchSize = Math.floor(positive('batch-size', flags['batch-size']));
const memberCount = Math.floor(positive('members', flags.members));
const membersOrder = flags['members-order'];
if (membersOrder !== 'zipf' && membersOrder !== 'sequential') throw new Error(`--members-order must be zipf or sequential`);
/** 0 = no item limit, the window is --duration long. */
const itemsTarget = flags.items === undefined ? 0 : Math.floor(positive('items', flags.items));
let sequentialNext = 0;
const nextMember: () => number =
  membersOrder === 'zipf'
    ? zipfSampler(memberCount, positive('zipf-s', flags['zipf-s']))
    : () => {
        const id = sequentialNext + 1;
        sequentialNext = id === memberCount ? 0 : id;
        return id;
      };

// Unique per process so repeated runs against the same data dir never collide on idempotency keys.
const runId = `${mode[0]}${Date.now().toString(36)}${Math.floor(Math.random() * 36 ** 4).toString(36)}`;
let counter = 0;

// ---- measurement state -------------------------------------------------------------------
let measuring = false;
let stopping = false;
let measureStart = 0;
let measureEnd = 0;
let calls = 0;
let items = 0;
/** Items in calls started inside the window and not answered yet (bounds what --items sends). */
let itemsInFlight = 0;
let stoppedBy: 'duration' | 'items' = 'duration';
const errors: Record<string, number> = {};
// One byte per member id (1 MB for 1M members), in both orders: a member counts as touched once
// an item for it was acknowledged without error in a call that counts (same rule as `items`).
const touched = new Uint8Array(memberCount + 1);
let distinctMembers = 0;
// Microseconds; up to a minute with 3 significant digits, auto-resizing past that.
const latencyUs = hdr.build({
  lowestDiscernibleValue: 1,
  highestTrackableValue: 60_000_000,
  numberOfSignificantValueDigits: 3,
});

function countError(key: string, n = 1): void {
  errors[key] = (errors[key] ?? 0) + n;
}

function touch(id: number): void {
  if (touched[id] === 0) {
    touched[id] = 1;
    distinctMembers++;
  }
}

function earnCommand(id: number, occurredAt: Timestamp): EarnRequest {
  const n = ++counter;
  return {
    tenant_id: tenant,
    member_id: `m${id}`,
    idempotency_key: `${runId}-${n}`,
    order_id: `o${runId}-${n}`,
    amount_minor: 100 + Math.floor(Math.random() * 99_901), // 100..100000
    currency: 'CNY',
    channel: 'app',
    store_id: 's1',
    occurred_at: occurredAt,
    ...(deviceIds > 0 ? { device_id: `d${id % deviceIds}` } : {}),
  };
}

// ---- gRPC plumbing -------------------------------------------------------------------------
type Callback<Res> = (err: grpc.ServiceError | null, res?: Res) => void;
interface PointsClient extends grpc.Client {
  Earn(req: EarnRequest, metadata: grpc.Metadata, options: grpc.CallOptions, cb: Callback<EarnResponse>): grpc.ClientUnaryCall;
  SubmitBatch(
    req: SubmitBatchRequest,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    cb: Callback<SubmitBatchResponse>,
  ): grpc.ClientUnaryCall;
}

const { PointsService } = loadPointsProto();
const channelOptions: grpc.ChannelOptions = flags.servername === undefined ? {} : { 'grpc.ssl_target_name_override': flags.servername };
const client = new PointsService(
  target,
  flags.ca === undefined ? grpc.credentials.createInsecure() : grpc.credentials.createSsl(readFileSync(flags.ca)),
  channelOptions,
) as unknown as PointsClient;
/** JIFEN_API_KEY: one Metadata for every call; without it the calls carry none (as before). */
const apiKey = process.env.JIFEN_API_KEY;
const metadata = new grpc.Metadata();
if (apiKey) metadata.set('authorization', `Bearer ${apiKey}`);
const CALL_DEADLINE_MS = 30_000; // a stuck server shows up as DEADLINE_EXCEEDED, not a hung bench

interface Outcome {
  ok: boolean;
  okItems: number;
  /** Member ids of the items acknowledged without error. */
  okMembers: number[];
}

function sendEarn(): Promise<Outcome> {
  const id = nextMember();
  return new Promise((resolve) => {
    client.Earn(earnCommand(id, nowTimestamp()), metadata, { deadline: Date.now() + CALL_DEADLINE_MS }, (err) => {
      if (err) {
        if (measuring) countError(grpc.status[err.code] ?? String(err.code));
        resolve({ ok: false, okItems: 0, okMembers: [] });
      } else resolve({ ok: true, okItems: 1, okMembers: [id] });
    });
  });
}

function sendBatch(size: number): Promise<Outcome> {
  // One clock read per batch: the commands are created in the same instant anyway.
  const occurredAt = nowTimestamp();
  const ids: number[] = new Array(size);
  const commands: Command[] = new Array(size);
  for (let i = 0; i < size; i++) {
    ids[i] = nextMember();
    commands[i] = { earn: earnCommand(ids[i], occurredAt) };
  }
  return new Promise((resolve) => {
    client.SubmitBatch({ commands }, metadata, { deadline: Date.now() + CALL_DEADLINE_MS }, (err, res) => {
      if (err || !res) {
        if (measuring) countError(err ? (grpc.status[err.code] ?? String(err.code)) : 'EMPTY_RESPONSE');
        resolve({ ok: false, okItems: 0, okMembers: [] });
        return;
      }
      let okItems = 0;
      const okMembers: number[] = [];
      // Results answer the commands in order, one each.
      const n = Math.min(res.results.length, size);
      for (let i = 0; i < n; i++) {
        const r = res.results[i];
        if (r.result === 'error' && r.error) {
          if (measuring) countError(`item:${r.error.status || grpc.status[r.error.code] || r.error.code}`);
        } else {
          okItems++;
          okMembers.push(ids[i]);
        }
      }
      // A short answer breaks the "one result per command" contract; count the gap as item errors.
      if (measuring && res.results.length < size) countError('item:MISSING_RESULT', size - res.results.length);
      resolve({ ok: true, okItems, okMembers });
    });
  });
}

// ---- closed-loop workers -----------------------------------------------------------------
const callSize = mode === 'unary' ? 1 : batchSize;
const send: (size: number) => Promise<Outcome> = mode === 'unary' ? sendEarn : sendBatch;
let resolveItemsDone: () => void = () => {};
const itemsDone = new Promise<void>((r) => {
  resolveItemsDone = r;
});

async function worker(): Promise<void> {
  while (!stopping) {
    let size = callSize;
    const inWindow = measuring;
    if (inWindow && itemsTarget > 0) {
      // Send only what may still be needed; items that fail are sent again (next ids).
      size = Math.min(callSize, itemsTarget - items - itemsInFlight);
      if (size <= 0) return; // the others' calls in flight finish the job
    }
    if (inWindow) itemsInFlight += size;
    const t0 = performance.now();
    const outcome = await send(size);
    const t1 = performance.now();
    if (inWindow) itemsInFlight -= size;
    // Only calls that both started and finished inside the window count, so warmup traffic
    // and the drain after the window never leak into throughput or latency.
    if (measuring && t0 >= measureStart && outcome.ok) {
      calls++;
      items += outcome.okItems;
      for (const id of outcome.okMembers) touch(id);
      latencyUs.recordValue(Math.max(1, Math.round((t1 - t0) * 1000)));
      if (itemsTarget > 0 && items >= itemsTarget) {
        stoppedBy = 'items';
        measureEnd = t1;
        measuring = false;
        console.log('WINDOW closed');
        resolveItemsDone();
      }
    }
  }
}

function waitForReady(): Promise<void> {
  return new Promise((resolve, reject) => {
    client.waitForReady(Date.now() + 10_000, (err) => (err ? reject(new Error(`cannot reach ${target}: ${err.message}`)) : resolve()));
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  await waitForReady();
  const openWindow = () => {
    measureStart = performance.now();
    measuring = true;
    console.log('WINDOW open');
  };
  // Without warmup the window opens before the first call, so no call goes uncounted.
  if (warmupS === 0) openWindow();
  const workers = Array.from({ length: concurrency }, () => worker());
  if (warmupS > 0) {
    await sleep(warmupS * 1000);
    openWindow();
  }
  await Promise.race([sleep(durationS * 1000), itemsDone]);
  if (measuring) {
    measuring = false;
    measureEnd = performance.now();
    console.log('WINDOW closed');
  }
  stopping = true;
  await Promise.all(workers); // drain in-flight calls so the server is idle for the next run

  const seconds = (measureEnd - measureStart) / 1000;
  const result = {
    mode,
    concurrency,
    batchSize: mode === 'batch' ? batchSize : 1,
    ...windowFigures(calls, items, seconds, latencyUs),
    errors,
    distinctMembers,
    membersOrder,
    members: memberCount,
    itemsTarget,
    stoppedBy,
  };
  console.log(JSON.stringify(result));
  client.close();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`load: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
