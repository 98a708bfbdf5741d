// Flash-sale generator (积分秒杀), the client side of `npm run bench -- --profile flash-sale`. Runs as
// its own process against a running engine: seeds N contenders with points (SubmitBatch adjusts),
// puts a coupon reward with U units on sale a few seconds ahead, and the instant it opens fires
// every contender's RedeemReward once, with a bounded number in flight over several channels. It
// measures the sell-out time (first call sent -> the U-th success answered), redemptions/s, requests/s
// until every contender is answered and latency of successes and refusals, then verifies the outcome
// (exactly U winners who paid, every other contender refused "sold out" with its points intact, the
// catalog at 0 left / U sold). Prints `PHASE <name>` lines while it runs and one JSON line at the end
// (FlashSaleResult); exits 0 when it got that far, whatever the verdict.
//
// Usage: node --import tsx bench/flash-sale.ts --target 127.0.0.1:50051
//          [--contenders 100000] [--units 10000] [--concurrency 2000] [--channels 8]
//          [--price 1000] [--sale-delay 2] [--seed-batch 1000] [--seed-concurrency 4] [--tenant t1]
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import * as hdr from 'hdr-histogram-js';
import { ADMIN_PROTO, LOADER_OPTIONS, POINTS_PROTO } from '../src/contract/proto.js';
import type { FlashSaleResult, LatencySummary } from './flash-sale-report.js';

const { values: flags } = parseArgs({
  options: {
    target: { type: 'string' },
    contenders: { type: 'string', default: '100000' },
    units: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '2000' },
    channels: { type: 'string', default: '8' },
    price: { type: 'string', default: '1000' },
    'sale-delay': { type: 'string', default: '2' },
    'seed-batch': { type: 'string', default: '1000' },
    'seed-concurrency': { type: 'string', default: '4' },
    tenant: { type: 'string', default: 't1' },
  },
});

function int(name: string, raw: string, min = 1): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name}: expected an integer >= ${min}, got ${raw}`);
  return n;
}

if (!flags.target) throw new Error('--target host:port is required');
const target = flags.target;
const contenders = int('contenders', flags.contenders);
const units = int('units', flags.units);
const concurrency = Math.min(int('concurrency', flags.concurrency), contenders);
const channels = int('channels', flags.channels);
const price = int('price', flags.price);
const saleDelayMs = Number(flags['sale-delay']) * 1000;
if (!Number.isFinite(saleDelayMs) || saleDelayMs < 500) throw new Error('--sale-delay: expected seconds >= 0.5');
const seedBatch = Math.min(int('seed-batch', flags['seed-batch']), 10_000);
const seedConcurrency = int('seed-concurrency', flags['seed-concurrency']);
const tenant = flags.tenant;
if (units > contenders) throw new Error('--units must not exceed --contenders (the sale must sell out)');

/** Every contender can afford one unit twice over: a refusal can only be "sold out". */
const SEED_POINTS = 2 * price;
const REWARD_ID = 'flash-coupon';
const SOLD_OUT = `reward ${REWARD_ID} is sold out`;
/** A stuck engine shows up as DEADLINE_EXCEEDED (a failed verdict), not as a hung bench. */
const CALL_DEADLINE_MS = 120_000;
/** Calls go out this long after available_from, so no contender is early by the engine's clock. */
const FIRE_MARGIN_MS = 10;
/** Timeline bucket width. */
const BUCKET_MS = 250;
/** Contenders whose balance is read back after the sale, per side (winners, refused). */
const BALANCE_SAMPLE = 500;

const progress = (msg: string) => console.error(`[flash-sale] ${msg}`);
const phase = (name: string) => console.log(`PHASE ${name}`);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const member = (i: number) => `c${i}`;
const timestamp = (ms: number) => {
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: (ms - seconds * 1000) * 1_000_000 };
};

// ---- gRPC plumbing -------------------------------------------------------------------------
type Msg = Record<string, any>;
type Callback = (err: grpc.ServiceError | null, res?: Msg) => void;
type UnaryMethod = (req: Msg, options: grpc.CallOptions, cb: Callback) => void;

const loaded = grpc.loadPackageDefinition(protoLoader.loadSync([POINTS_PROTO, ADMIN_PROTO], LOADER_OPTIONS)) as unknown as {
  jifen: {
    v1: {
      PointsService: grpc.ServiceClientConstructor;
      AdminService: grpc.ServiceClientConstructor;
    };
  };
};
const { PointsService, AdminService } = loaded.jifen.v1;
const credentials = grpc.credentials.createInsecure();
// A local subchannel pool per client: each channel is its own HTTP/2 connection (the default pool
// would put all of them on one).
const points = Array.from(
  { length: channels },
  () =>
    new PointsService(target, credentials, {
      'grpc.use_local_subchannel_pool': 1,
    }) as unknown as Record<string, UnaryMethod> & grpc.Client,
);
const admin = new AdminService(target, credentials) as unknown as Record<string, UnaryMethod> & grpc.Client;

function call(client: Record<string, UnaryMethod>, rpc: string, req: Msg): Promise<Msg> {
  return new Promise((resolve, reject) => {
    client[rpc](req, { deadline: Date.now() + CALL_DEADLINE_MS }, (err, res) => (err ? reject(err) : resolve(res ?? {})));
  });
}

const describe = (err: unknown) => {
  const e = err as Partial<grpc.ServiceError>;
  return e && typeof e.code === 'number' ? `${grpc.status[e.code] ?? e.code}: ${e.details}` : String(err);
};

function waitForReady(client: grpc.Client): Promise<void> {
  return new Promise((resolve, reject) =>
    client.waitForReady(Date.now() + 10_000, (err) => (err ? reject(new Error(`cannot reach ${target}: ${err.message}`)) : resolve())),
  );
}

// ---- seeding -------------------------------------------------------------------------------
async function seed(): Promise<FlashSaleResult['seeding']> {
  let next = 0;
  let done = 0;
  let lastReport = performance.now();
  const t0 = performance.now();
  const worker = async (w: number) => {
    while (next < contenders) {
      const from = next;
      const to = Math.min(contenders, from + seedBatch);
      next = to;
      const commands: Msg[] = [];
      for (let i = from; i < to; i++)
        commands.push({
          adjust: {
            tenant_id: tenant,
            member_id: member(i),
            idempotency_key: `seed-${member(i)}`,
            points: SEED_POINTS,
            reason: 'flash-sale bench seed',
            operator: 'bench',
          },
        });
      const res = await call(points[w % channels], 'SubmitBatch', {
        commands,
      });
      const failed = (res.results as Msg[]).filter((r) => r.result !== 'adjust');
      if (failed.length || res.results.length !== commands.length)
        throw new Error(
          `seeding c${from}..c${to - 1}: ${failed.length} of ${commands.length} failed, first: ${JSON.stringify(failed[0]?.error)}`,
        );
      done += commands.length;
      if (performance.now() - lastReport > 10_000) {
        lastReport = performance.now();
        progress(`seeded ${done.toLocaleString('en-US')} of ${contenders.toLocaleString('en-US')}`);
      }
    }
  };
  await Promise.all(Array.from({ length: seedConcurrency }, (_, w) => worker(w)));
  const seconds = (performance.now() - t0) / 1000;
  return {
    contenders,
    pointsEach: SEED_POINTS,
    batchSize: seedBatch,
    inFlight: seedConcurrency,
    seconds: round3(seconds),
    membersPerSec: Math.round(contenders / seconds),
  };
}

// ---- the sale ------------------------------------------------------------------------------
const OUTCOME = { pending: 0, won: 1, soldOut: 2, other: 3 } as const;

const histogram = () =>
  hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 600_000_000,
    numberOfSignificantValueDigits: 3,
  });

function latency(h: hdr.Histogram): LatencySummary {
  const ms = (us: number) => Math.round(us) / 1000;
  return {
    count: h.totalCount,
    p50Ms: ms(h.getValueAtPercentile(50)),
    p99Ms: ms(h.getValueAtPercentile(99)),
    p999Ms: ms(h.getValueAtPercentile(99.9)),
    maxMs: ms(h.maxValue),
  };
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

async function main(): Promise<void> {
  await Promise.all([...points, admin].map((c) => waitForReady(c)));
  progress(
    `seeding ${contenders.toLocaleString('en-US')} contenders with ${SEED_POINTS} points (SubmitBatch x${seedBatch}, ${seedConcurrency} in flight)`,
  );
  const seeding = await seed();
  phase('seeded');
  progress(`seeded in ${seeding.seconds} s (${seeding.membersPerSec.toLocaleString('en-US')} members/s)`);

  const startsAt = Date.now() + saleDelayMs;
  await call(admin, 'PutReward', {
    tenant_id: tenant,
    reward: {
      reward_id: REWARD_ID,
      name: '秒杀券 (bench)',
      kind: 'REWARD_KIND_COUPON',
      points: price,
      stock: units,
      per_member_limit: 1,
      available_from: timestamp(startsAt),
    },
  });
  // The sale must not be open early: one probe, refused with "on sale from".
  let earlyProbe: string;
  try {
    await call(points[0], 'RedeemReward', {
      tenant_id: tenant,
      member_id: member(0),
      idempotency_key: 'probe-too-early',
      reward_id: REWARD_ID,
    });
    earlyProbe = 'OK (the sale was open before available_from)';
  } catch (err) {
    earlyProbe = describe(err);
  }
  const earlyProbeOk = earlyProbe === `FAILED_PRECONDITION: reward ${REWARD_ID} is on sale from ${new Date(startsAt).toISOString()}`;
  phase('armed');
  progress(
    `reward ${REWARD_ID}: ${units.toLocaleString('en-US')} units at ${price} points, on sale at ${new Date(startsAt).toISOString()}; early probe: ${earlyProbe}`,
  );

  const outcome = new Uint8Array(contenders);
  const okLatency = histogram();
  const refusalLatency = histogram();
  const otherRefusals: Record<string, number> = {};
  const winners: number[] = [];
  let winnersPaidWrong = 0;
  let firstWrongPayment: string | null = null;
  const timeline: { won: number[]; refused: number[] } = {
    won: [],
    refused: [],
  };
  const bump = (xs: number[], at: number) => {
    const b = Math.floor(at / BUCKET_MS);
    while (xs.length <= b) xs.push(0);
    xs[b]++;
  };

  let soldOutAt = 0; // ms since fireStart when the U-th success was answered
  let firstRefusalAt = 0;
  let lastAnswerAt = 0;
  let soldOut = 0;
  let other = 0;
  let next = 0;
  let fireStart = 0;

  const worker = async (w: number) => {
    const client = points[w % channels];
    while (next < contenders) {
      const i = next++;
      const t0 = performance.now();
      const res = await new Promise<{
        err: grpc.ServiceError | null;
        res?: Msg;
      }>((resolve) =>
        client.RedeemReward(
          {
            tenant_id: tenant,
            member_id: member(i),
            idempotency_key: `grab-${member(i)}`,
            reward_id: REWARD_ID,
            quantity: 1,
          },
          { deadline: Date.now() + CALL_DEADLINE_MS },
          (err, r) => resolve({ err, res: r }),
        ),
      );
      const t1 = performance.now();
      const at = t1 - fireStart;
      const us = Math.max(1, Math.round((t1 - t0) * 1000));
      lastAnswerAt = at;
      if (!res.err) {
        outcome[i] = OUTCOME.won;
        winners.push(i);
        okLatency.recordValue(us);
        bump(timeline.won, at);
        if (winners.length === units) soldOutAt = at;
        const paid = res.res ?? {};
        if (paid.points !== -price || paid.balance !== SEED_POINTS - price) {
          winnersPaidWrong++;
          firstWrongPayment ??= `${member(i)}: points ${paid.points}, balance ${paid.balance}`;
        }
      } else {
        refusalLatency.recordValue(us);
        bump(timeline.refused, at);
        if (firstRefusalAt === 0) firstRefusalAt = at;
        if (res.err.code === grpc.status.FAILED_PRECONDITION && res.err.details === SOLD_OUT) {
          outcome[i] = OUTCOME.soldOut;
          soldOut++;
        } else {
          outcome[i] = OUTCOME.other;
          other++;
          const key = describe(res.err);
          otherRefusals[key] = (otherRefusals[key] ?? 0) + 1;
        }
      }
    }
  };

  await sleep(Math.max(0, startsAt + FIRE_MARGIN_MS - Date.now() - 5));
  while (Date.now() < startsAt + FIRE_MARGIN_MS) {
    // the last few ms: spin, a timer may fire late
  }
  const fireLagMs = Date.now() - startsAt;
  phase('sale-start');
  const cpuAtStart = process.cpuUsage();
  fireStart = performance.now();
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  const allAnsweredMs = performance.now() - fireStart;
  const cpu = process.cpuUsage(cpuAtStart);
  phase('sale-end');
  progress(
    `all ${contenders.toLocaleString('en-US')} answered in ${round3(allAnsweredMs / 1000)} s: ${winners.length} won, ${soldOut} sold out, ${other} other`,
  );

  // ---- verification ------------------------------------------------------------------------
  const problems: string[] = [];
  if (!earlyProbeOk) problems.push(`early probe: expected "on sale from", got ${earlyProbe}`);
  if (winners.length !== units) problems.push(`${winners.length} successful redemptions, expected exactly ${units}`);
  if (soldOut !== contenders - units) problems.push(`${soldOut} "${SOLD_OUT}" refusals, expected ${contenders - units}`);
  if (other > 0) problems.push(`${other} other answers: ${JSON.stringify(otherRefusals)}`);
  if (winnersPaidWrong > 0) problems.push(`${winnersPaidWrong} winners not charged ${price} points (first: ${firstWrongPayment})`);
  let catalog: FlashSaleResult['verification']['catalog'] = null;
  try {
    const { rewards } = await call(admin, 'ListRewards', {
      tenant_id: tenant,
    });
    const r = (rewards as Msg[]).find((x) => x.reward_id === REWARD_ID);
    if (!r) problems.push(`ListRewards: ${REWARD_ID} missing`);
    else {
      catalog = { unitsLeft: r.units_left, unitsSold: r.units_sold };
      if (r.units_left !== 0 || r.units_sold !== units)
        problems.push(`ListRewards: units_left ${r.units_left} (expected 0), units_sold ${r.units_sold} (expected ${units})`);
    }
  } catch (err) {
    problems.push(`ListRewards failed: ${describe(err)}`);
  }
  // Durable balances of a sample of each side, spread over the contenders.
  const refusedIdx: number[] = [];
  const step = Math.max(1, Math.floor(contenders / (BALANCE_SAMPLE * 2)));
  for (let i = 0; i < contenders && refusedIdx.length < BALANCE_SAMPLE; i += step) if (outcome[i] === OUTCOME.soldOut) refusedIdx.push(i);
  const winnerStep = Math.max(1, Math.floor(winners.length / BALANCE_SAMPLE));
  const winnerIdx = winners.filter((_, k) => k % winnerStep === 0).slice(0, BALANCE_SAMPLE);
  let balancesWrong = 0;
  let firstWrongBalance: string | null = null;
  const sample = [...winnerIdx.map((i) => [i, SEED_POINTS - price] as const), ...refusedIdx.map((i) => [i, SEED_POINTS] as const)];
  for (let k = 0; k < sample.length; k += 100) {
    await Promise.all(
      sample.slice(k, k + 100).map(async ([i, expected], j) => {
        try {
          const { account } = await call(points[j % channels], 'GetAccount', { tenant_id: tenant, member_id: member(i) });
          if (account?.balance !== expected) {
            balancesWrong++;
            firstWrongBalance ??= `${member(i)}: ${account?.balance}, expected ${expected}`;
          }
        } catch (err) {
          balancesWrong++;
          firstWrongBalance ??= `${member(i)}: ${describe(err)}`;
        }
      }),
    );
  }
  if (balancesWrong > 0) problems.push(`${balancesWrong} of ${sample.length} sampled balances wrong (first: ${firstWrongBalance})`);

  const sellOutSeconds = soldOutAt > 0 ? soldOutAt / 1000 : null;
  const result: FlashSaleResult = {
    target,
    tenant,
    rewardId: REWARD_ID,
    contenders,
    units,
    price,
    concurrency,
    channels,
    seeding,
    sale: {
      availableFrom: new Date(startsAt).toISOString(),
      fireLagMs,
      sellOutSeconds: sellOutSeconds === null ? null : round3(sellOutSeconds),
      redemptionsPerSec: sellOutSeconds === null ? null : Math.round(units / sellOutSeconds),
      firstRefusalSeconds: round3(firstRefusalAt / 1000),
      allAnsweredSeconds: round3(allAnsweredMs / 1000),
      lastAnswerSeconds: round3(lastAnswerAt / 1000),
      requestsPerSec: Math.round(contenders / (allAnsweredMs / 1000)),
      successes: winners.length,
      soldOut,
      otherRefusals,
      latency: {
        success: latency(okLatency),
        refusal: latency(refusalLatency),
      },
      generatorCpuSeconds: round3((cpu.user + cpu.system) / 1e6),
      timelineBucketMs: BUCKET_MS,
      timeline,
    },
    verification: {
      pass: problems.length === 0,
      problems,
      earlyProbe,
      catalog,
      winnersChargedCorrectly: winners.length - winnersPaidWrong,
      balancesSampled: sample.length,
      balancesWrong,
    },
  };
  console.log(JSON.stringify(result));
  for (const c of [...points, admin]) c.close();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`[flash-sale] failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
