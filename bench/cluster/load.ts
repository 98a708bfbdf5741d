// Load generator for the cluster profile (bench/cluster/main.ts): closed loop, like bench/load.ts, but
// over every node of a cluster, routed either to a random node (which forwards to the slot's owner) or
// to the slot's owner itself (an owner-aware client: slotOf(tenant, member), the owner's address from
// the etcd slot map, kept current by a watch). A call that fails retryably (UNAVAILABLE, DEADLINE_EXCEEDED)
// is sent again, same request and idempotency key, to another node until answered (30 s), so latency
// is from the first send to the acknowledgement. With --kill-pid it SIGKILLs that engine --kill-after
// seconds into the measured window and reports the failover: from the kill to the first acknowledged
// write on a slot the dead node owned (sent after the kill, or answered after the generator's watch
// showed that slot's new owner). Prints `WINDOW open` / `WINDOW closed`, then one JSON line.
//
//   node --import tsx bench/cluster/load.ts --targets a:p,b:p --etcd http://… --prefix /p/ --route random|owner
//     [--mode unary|batch] [--concurrency 64] [--batch-size 100] [--duration 8] [--warmup 2] [--tenant t1]
//     [--members 1000000] [--zipf-s 1.0] [--kill-pid P --kill-node ID --kill-after S]
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as hdr from 'hdr-histogram-js';
import { connectEtcd } from '../../src/cluster/etcd-client.js';
import { SlotMapWatch } from '../../src/cluster/map-watch.js';
import { SlotMap } from '../../src/cluster/slot-map.js';
import { SLOT_COUNT, slotOf } from '../../src/front/router.js';
import {
  type EarnRequest,
  type EarnResponse,
  loadPointsProto,
  nowTimestamp,
  type SubmitBatchRequest,
  type SubmitBatchResponse,
} from '../proto.js';
import { zipfSampler } from '../zipf.js';
import { windowFigures } from '../window-figures.js';

const { values: flags } = parseArgs({
  options: {
    targets: { type: 'string' },
    etcd: { type: 'string' },
    prefix: { type: 'string' },
    route: { type: 'string', default: 'random' },
    mode: { type: 'string', default: 'unary' },
    concurrency: { type: 'string', default: '64' },
    'batch-size': { type: 'string', default: '100' },
    duration: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '2' },
    tenant: { type: 'string', default: 't1' },
    members: { type: 'string', default: '1000000' },
    'zipf-s': { type: 'string', default: '1.0' },
    'kill-pid': { type: 'string' },
    'kill-node': { type: 'string' },
    'kill-after': { type: 'string', default: '4' },
  },
});

function num(name: string, raw: string, min = 0): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) throw new Error(`--${name}: expected a number >= ${min}, got ${raw}`);
  return n;
}

if (!flags.targets || !flags.etcd || !flags.prefix) throw new Error('--targets, --etcd and --prefix are required');
if (flags.route !== 'random' && flags.route !== 'owner') throw new Error('--route must be random or owner');
if (flags.mode !== 'unary' && flags.mode !== 'batch') throw new Error('--mode must be unary or batch');
const targets = flags.targets.split(',');
const route = flags.route;
const mode = flags.mode;
const concurrency = Math.floor(num('concurrency', flags.concurrency, 1));
const batchSize = Math.floor(num('batch-size', flags['batch-size'], 1));
const durationS = num('duration', flags.duration, 0.1);
const warmupS = num('warmup', flags.warmup);
const tenant = flags.tenant;
const nextMember = zipfSampler(Math.floor(num('members', flags.members, 1)), num('zipf-s', flags['zipf-s'], 0.01));
const kill =
  flags['kill-pid'] === undefined
    ? undefined
    : {
        pid: Math.floor(num('kill-pid', flags['kill-pid'], 1)),
        node: flags['kill-node'] ?? '',
        afterS: num('kill-after', flags['kill-after']),
      };

/**
 * Per attempt; a retry goes to another node, until GIVE_UP_MS after the first send. A SubmitBatch of
 * 100 earns over ~80 ledger shards takes seconds on the shared 2-core VM, so its attempts get longer.
 */
const ATTEMPT_DEADLINE_MS = mode === 'unary' ? 10_000 : 30_000;
const GIVE_UP_MS = 60_000;
const RETRY_PAUSE_MS = 50;
const RETRYABLE = new Set([grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED]);

// ---- the slot map (owner-aware routing, the victim's slots) --------------------------------------
const etcd = connectEtcd({ endpoints: [flags.etcd] });
const slotMap = new SlotMap();
/** performance.now() when the watch first showed a slot of the victim with another owner. */
let firstVictimSlotReclaimedAt: number | undefined;
let victimSlots: Uint8Array | undefined;
/** Per slot of the victim, when the watch first showed it with another owner (0: not yet). */
const reclaimedAt = new Float64Array(SLOT_COUNT);
const watch = new SlotMapWatch(etcd, flags.prefix, slotMap, () => {
  if (!victimSlots || !kill) return;
  const now = performance.now();
  for (let slot = 0; slot < SLOT_COUNT; slot++) {
    const owner = slotMap.ownerOf(slot);
    if (victimSlots[slot] === 1 && reclaimedAt[slot] === 0 && owner !== undefined && owner.node !== kill.node) {
      reclaimedAt[slot] = now;
      firstVictimSlotReclaimedAt ??= now;
    }
  }
});

// ---- gRPC: one client (one HTTP/2 connection) per node --------------------------------------------
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
const clients = new Map<string, PointsClient>();
function clientOf(address: string): PointsClient {
  let client = clients.get(address);
  if (!client) {
    client = new PointsService(address, grpc.credentials.createInsecure()) as unknown as PointsClient;
    clients.set(address, client);
  }
  return client;
}
const metadata = new grpc.Metadata();

/** Where a member's command goes first: its slot's owner (owner routing, when the map knows one) or any node. */
function firstTarget(slot: number): string {
  if (route === 'owner') {
    const owner = slotMap.ownerOf(slot);
    if (owner !== undefined) return owner.address;
  }
  return targets[Math.floor(Math.random() * targets.length)];
}

/** After a failed attempt at `failed`: the map's owner if it changed, else another node at random. */
function retryTarget(slot: number, failed: string): string {
  const owner = slotMap.ownerOf(slot);
  if (route === 'owner' && owner !== undefined && owner.address !== failed) return owner.address;
  const others = targets.filter((t) => t !== failed);
  return others.length === 0 ? failed : others[Math.floor(Math.random() * others.length)];
}

// ---- measurement state ------------------------------------------------------------------------
let measuring = false;
let stopping = false;
let measureStart = 0;
let measureEnd = 0;
let calls = 0;
let items = 0;
let attempts = 0;
let retries = 0;
let sentToOwner = 0;
let sentTotal = 0;
const errors: Record<string, number> = {};
const latencyUs = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 });
const failover = {
  killedAt: undefined as number | undefined,
  firstAckVictimSlot: undefined as number | undefined,
  firstAckAnyAfterKill: undefined as number | undefined,
  victimSlotCount: 0,
  ackedAfterKill: 0,
  ackedAfterKillOnVictimSlots: 0,
  gaveUp: 0,
};

function countError(key: string, n = 1): void {
  if (measuring) errors[key] = (errors[key] ?? 0) + n;
}

let counter = 0;
const runId = `c${mode[0]}${route[0]}${Date.now().toString(36)}${Math.floor(Math.random() * 36 ** 4).toString(36)}`;
function earnCommand(member: string): EarnRequest {
  const n = ++counter;
  return {
    tenant_id: tenant,
    member_id: member,
    idempotency_key: `${runId}-${n}`,
    order_id: `o${runId}-${n}`,
    amount_minor: 100 + Math.floor(Math.random() * 99_901),
    currency: 'CNY',
    channel: 'app',
    store_id: 's1',
    occurred_at: nowTimestamp(),
  };
}

/** One attempt of `send` at `address`: the error, or the answer. */
function attempt<Res>(
  address: string,
  send: (client: PointsClient, options: grpc.CallOptions, cb: Callback<Res>) => void,
): Promise<{ err: grpc.ServiceError | null; res?: Res }> {
  attempts++;
  return new Promise((resolve) =>
    send(clientOf(address), { deadline: Date.now() + ATTEMPT_DEADLINE_MS }, (err, res) => resolve({ err, res })),
  );
}

/**
 * Sends one call for `slot` until answered: retryable failures go again, same request, to another node.
 * Answers the acknowledgement time and whether the last (successful) attempt started after the kill.
 */
async function untilAnswered<Res>(
  slot: number,
  send: (client: PointsClient, options: grpc.CallOptions, cb: Callback<Res>) => void,
): Promise<{ res?: Res; startedAfterKill: boolean }> {
  const giveUpAt = performance.now() + GIVE_UP_MS;
  let address = firstTarget(slot);
  sentTotal++;
  if (slotMap.ownerOf(slot)?.address === address) sentToOwner++;
  for (;;) {
    const startedAfterKill = failover.killedAt !== undefined;
    const { err, res } = await attempt(address, send);
    if (!err) return { res, startedAfterKill };
    if (!RETRYABLE.has(err.code) || performance.now() > giveUpAt) {
      countError(grpc.status[err.code] ?? String(err.code));
      if (failover.killedAt !== undefined) failover.gaveUp++;
      return { startedAfterKill };
    }
    retries++;
    await new Promise((r) => setTimeout(r, RETRY_PAUSE_MS));
    address = retryTarget(slot, address);
  }
}

/** Notes an acknowledged write on `slot` for the failover figures. */
function noteAck(slot: number, at: number, startedAfterKill: boolean): void {
  const killedAt = failover.killedAt;
  if (killedAt === undefined || at <= killedAt) return;
  failover.ackedAfterKill++;
  failover.firstAckAnyAfterKill ??= at;
  if (victimSlots?.[slot] !== 1) return;
  failover.ackedAfterKillOnVictimSlots++;
  // Surely the new owner's: an attempt sent after the kill, or an answer after the watch showed the
  // slot's new owner. An attempt sent before the kill may bring the dead node's own answer late (a
  // survivor relaying it on a loaded machine took 253 ms once), so time alone does not tell.
  const reclaimed = reclaimedAt[slot];
  if (startedAfterKill || (reclaimed !== 0 && at >= reclaimed)) failover.firstAckVictimSlot ??= at;
}

async function sendEarn(): Promise<number> {
  const request = earnCommand(`m${nextMember()}`);
  const slot = slotOf(tenant, request.member_id);
  const { res, startedAfterKill } = await untilAnswered<EarnResponse>(slot, (c, o, cb) => c.Earn(request, metadata, o, cb));
  if (!res) return 0;
  noteAck(slot, performance.now(), startedAfterKill);
  return 1;
}

/**
 * One SubmitBatch of `batchSize` earns. Owner routing splits it by owner and sends the parts at once
 * (what a smart client does with the same batch); random routing sends it whole to one node, which
 * splits it the same way and forwards. Answers the items acknowledged.
 */
async function sendBatch(): Promise<number> {
  const parts = new Map<string, { slot: number; requests: EarnRequest[] }>();
  for (let i = 0; i < batchSize; i++) {
    const request = earnCommand(`m${nextMember()}`);
    const slot = slotOf(tenant, request.member_id);
    const key = route === 'owner' ? (slotMap.ownerOf(slot)?.node ?? '?') : 'all';
    const part = parts.get(key) ?? { slot, requests: [] };
    part.requests.push(request);
    parts.set(key, part);
  }
  const answered = await Promise.all(
    [...parts.values()].map(async ({ slot, requests }) => {
      const batch = { commands: requests.map((earn) => ({ earn })) };
      const { res } = await untilAnswered<SubmitBatchResponse>(slot, (c, o, cb) => c.SubmitBatch(batch, metadata, o, cb));
      if (!res) return 0;
      let ok = 0;
      for (const r of res.results) {
        if (r.result === 'error' && r.error) countError(`item:${r.error.status || r.error.code}`);
        else ok++;
      }
      return ok;
    }),
  );
  return answered.reduce((a, b) => a + b, 0);
}

async function worker(): Promise<void> {
  const send = mode === 'unary' ? sendEarn : sendBatch;
  while (!stopping) {
    const t0 = performance.now();
    const ok = await send();
    const t1 = performance.now();
    if (measuring && t0 >= measureStart && ok > 0) {
      calls++;
      items += ok;
      latencyUs.recordValue(Math.max(1, Math.round((t1 - t0) * 1000)));
    }
  }
}

/** SIGKILL of the victim; its slots as the map shows them at that instant. */
function killVictim(): void {
  if (!kill) return;
  victimSlots = new Uint8Array(SLOT_COUNT);
  for (let slot = 0; slot < SLOT_COUNT; slot++) {
    if (slotMap.ownerOf(slot)?.node === kill.node) {
      victimSlots[slot] = 1;
      failover.victimSlotCount++;
    }
  }
  process.kill(kill.pid, 'SIGKILL');
  failover.killedAt = performance.now();
  console.log(`KILLED ${kill.node}`);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const since = (t: number | undefined) => (t === undefined || failover.killedAt === undefined ? null : Math.round(t - failover.killedAt));

async function main(): Promise<void> {
  await watch.start();
  await Promise.all(
    targets.map(
      (t) =>
        new Promise<void>((resolve, reject) => clientOf(t).waitForReady(Date.now() + 10_000, (err) => (err ? reject(err) : resolve()))),
    ),
  );
  const workers = Array.from({ length: concurrency }, () => worker());
  await sleep(warmupS * 1000);
  measureStart = performance.now();
  measuring = true;
  console.log('WINDOW open');
  const killer = kill ? setTimeout(killVictim, kill.afterS * 1000) : undefined;
  await sleep(durationS * 1000);
  clearTimeout(killer);
  measuring = false;
  measureEnd = performance.now();
  console.log('WINDOW closed');
  stopping = true;
  await Promise.all(workers);
  const seconds = (measureEnd - measureStart) / 1000;
  const result = {
    mode,
    route,
    nodes: targets.length,
    concurrency,
    batchSize: mode === 'batch' ? batchSize : 1,
    ...windowFigures(calls, items, seconds, latencyUs),
    errors,
    attempts,
    retries,
    /** Of the calls (or batch parts) sent, the share whose first attempt went to the slot's owner per the map. */
    sentToOwnerShare: sentTotal === 0 ? null : Math.round((sentToOwner / sentTotal) * 1000) / 1000,
    failover: kill
      ? {
          node: kill.node,
          /** How the first ack on a victim slot is told from the dead node's late answers (see noteAck). */
          rule: 'sent-after-kill-or-reclaimed',
          victimSlots: failover.victimSlotCount,
          killToFirstAckOnVictimSlotMs: since(failover.firstAckVictimSlot),
          killToFirstAckAnyMs: since(failover.firstAckAnyAfterKill),
          killToFirstVictimSlotReclaimedMs: since(firstVictimSlotReclaimedAt),
          ackedAfterKill: failover.ackedAfterKill,
          ackedAfterKillOnVictimSlots: failover.ackedAfterKillOnVictimSlots,
          gaveUp: failover.gaveUp,
        }
      : null,
  };
  console.log(JSON.stringify(result));
  await watch.stop();
  etcd.close();
  for (const c of clients.values()) c.close();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`cluster load: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
