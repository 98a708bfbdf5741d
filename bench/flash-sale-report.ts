// The flash-sale profile's numbers (the JSON line of bench/flash-sale.ts plus what the orchestrator
// measured on the engine process) and their printable summary.

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}

/** The JSON line printed by bench/flash-sale.ts. */
export interface FlashSaleResult {
  target: string;
  tenant: string;
  rewardId: string;
  contenders: number;
  units: number;
  /** Points per unit. */
  price: number;
  /** RedeemReward calls in flight during the sale. */
  concurrency: number;
  /** gRPC channels (one HTTP/2 connection each) the calls are spread over. */
  channels: number;
  seeding: {
    contenders: number;
    pointsEach: number;
    batchSize: number;
    inFlight: number;
    seconds: number;
    membersPerSec: number;
  };
  sale: {
    availableFrom: string;
    /** How long after available_from the first call went out (wall clock). */
    fireLagMs: number;
    /** First call sent -> the U-th success answered; null when it never sold out. */
    sellOutSeconds: number | null;
    /** units / sellOutSeconds. */
    redemptionsPerSec: number | null;
    firstRefusalSeconds: number;
    /** First call sent -> every contender answered. */
    allAnsweredSeconds: number;
    lastAnswerSeconds: number;
    /** contenders / allAnsweredSeconds. */
    requestsPerSec: number;
    successes: number;
    soldOut: number;
    /** Answers that are neither a success nor "sold out", by "STATUS: details". */
    otherRefusals: Record<string, number>;
    latency: { success: LatencySummary; refusal: LatencySummary };
    /** CPU the generator process used during the sale. */
    generatorCpuSeconds: number;
    timelineBucketMs: number;
    /** Answers per bucket since the first call: successes and refusals. */
    timeline: { won: number[]; refused: number[] };
  };
  verification: {
    pass: boolean;
    problems: string[];
    /** The answer to one RedeemReward sent before the sale opened. */
    earlyProbe: string;
    catalog: { unitsLeft: number; unitsSold: number } | null;
    winnersChargedCorrectly: number;
    balancesSampled: number;
    balancesWrong: number;
  };
}

/** What bench/run.ts saw of the engine process during a flash-sale run. */
export interface FlashSaleEngine {
  /** The engine's ledger: embedded (SQLite), or cassandra (with Redis + NATS, --ledger cassandra). */
  ledger?: 'embedded' | 'cassandra';
  shards: string;
  /** CPU seconds (all threads) spent during seeding and during the sale. */
  cpuSecondsSeeding: number | null;
  cpuSecondsSale: number | null;
  /** --ledger cassandra: the Cassandra JVM's CPU seconds over the same spans. */
  ledgerNodeCpuSecondsSeeding?: number | null;
  ledgerNodeCpuSecondsSale?: number | null;
  /** max(VmRSS sampled each second, VmHWM at the end). */
  peakRssBytes: number | null;
  rssAfterSaleBytes: number | null;
  /** From the engine's /metrics, armed (reward on sale soon) -> every contender answered; null if unreadable. */
  saleMetrics: SaleMetrics | null;
}

/** Engine-wide counters over the sale (all shards). */
export interface SaleMetrics {
  commits: number;
  commitMeanMs: number | null;
  /** Shard messages (micro-batches) and their mean size in operations. */
  batches: number;
  opsPerBatch: number | null;
  /** jifen_commands_total deltas, "kind outcome" -> count. */
  commands: Record<string, number>;
  /** jifen_rpc_total{method="RedeemReward"} deltas by code. */
  redeemRewardRpcs: Record<string, number>;
}

/** Prometheus text -> series ("name{labels}") -> value; comments and blank lines skipped. */
export function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    const value = Number(line.slice(cut + 1));
    if (cut > 0 && Number.isFinite(value)) out.set(line.slice(0, cut), value);
  }
  return out;
}

const label = (series: string, name: string) => new RegExp(`${name}="([^"]*)"`).exec(series)?.[1] ?? '';

/** What happened in the engine between two scrapes. */
export function saleMetrics(before: Map<string, number>, after: Map<string, number>): SaleMetrics {
  const delta = (series: string) => (after.get(series) ?? 0) - (before.get(series) ?? 0);
  const commits = delta('jifen_ledger_commit_duration_seconds_count');
  const commitSeconds = delta('jifen_ledger_commit_duration_seconds_sum');
  const batches = delta('jifen_shard_batch_ops_count');
  const ops = delta('jifen_shard_batch_ops_sum');
  const commands: Record<string, number> = {};
  const redeemRewardRpcs: Record<string, number> = {};
  for (const series of after.keys()) {
    const d = delta(series);
    if (d === 0) continue;
    if (series.startsWith('jifen_commands_total{')) commands[`${label(series, 'kind')} ${label(series, 'outcome')}`] = d;
    else if (series.startsWith('jifen_rpc_total{') && label(series, 'method') === 'RedeemReward')
      redeemRewardRpcs[label(series, 'code')] = d;
  }
  return {
    commits,
    commitMeanMs: commits > 0 ? Math.round((commitSeconds / commits) * 1e5) / 100 : null,
    batches,
    opsPerBatch: batches > 0 ? Math.round((ops / batches) * 10) / 10 : null,
    commands,
    redeemRewardRpcs,
  };
}

const n = (x: number) => x.toLocaleString('en-US');
const mb = (b: number | null) => (b === null ? 'n/a' : `${Math.round(b / 2 ** 20)} MB`);
const lat = (l: LatencySummary) =>
  l.count === 0 ? 'none' : `p50 ${l.p50Ms.toFixed(1)} ms, p99 ${l.p99Ms.toFixed(1)} ms, max ${l.maxMs.toFixed(1)} ms (${n(l.count)})`;
const share = (cpu: number | null, seconds: number) =>
  cpu === null ? 'n/a' : `${cpu.toFixed(1)} s (${Math.round((cpu / seconds) * 100)}% of one core)`;

export function formatFlashSale(r: FlashSaleResult, engine: FlashSaleEngine): string {
  const s = r.sale;
  const v = r.verification;
  const lines = [
    `flash sale: ${n(r.contenders)} contenders for ${n(r.units)} units of one coupon (${r.price} points), ${n(r.concurrency)} RedeemReward in flight over ${r.channels} channels, ${engine.shards} shards, ${engine.ledger ?? 'embedded'} ledger`,
    `  seeding          ${n(r.contenders)} members in ${r.seeding.seconds} s (${n(r.seeding.membersPerSec)} members/s, SubmitBatch x${n(r.seeding.batchSize)}, ${r.seeding.inFlight} in flight)`,
    `  sell-out time    ${s.sellOutSeconds === null ? 'NEVER SOLD OUT' : `${s.sellOutSeconds} s`} (first call sent ${s.fireLagMs} ms after available_from -> ${n(r.units)}th success answered)`,
    `  redemptions/s    ${s.redemptionsPerSec === null ? 'n/a' : n(s.redemptionsPerSec)}`,
    `  all answered     ${s.allAnsweredSeconds} s: ${n(s.successes)} won, ${n(s.soldOut)} sold out, ${n(Object.values(s.otherRefusals).reduce((a, b) => a + b, 0))} other; ${n(s.requestsPerSec)} requests/s`,
    `  latency success  ${lat(s.latency.success)}`,
    `  latency refusal  ${lat(s.latency.refusal)}`,
    `  CPU during sale  engine ${share(engine.cpuSecondsSale, s.allAnsweredSeconds)}, generator ${share(s.generatorCpuSeconds, s.allAnsweredSeconds)}${engine.ledgerNodeCpuSecondsSale !== undefined ? `, Cassandra JVM ${share(engine.ledgerNodeCpuSecondsSale, s.allAnsweredSeconds)}` : ''}`,
    `  engine memory    peak RSS ${mb(engine.peakRssBytes)}, after the sale ${mb(engine.rssAfterSaleBytes)}`,
    ...(engine.saleMetrics
      ? [
          `  engine commits   ${n(engine.saleMetrics.commits)} group commits during the sale (mean ${engine.saleMetrics.commitMeanMs ?? 'n/a'} ms), ${n(engine.saleMetrics.batches)} shard messages (mean ${engine.saleMetrics.opsPerBatch ?? 'n/a'} ops)`,
          `  engine commands  ${Object.entries(engine.saleMetrics.commands)
            .map(([k, c]) => `${k} ${n(c)}`)
            .join(', ')}`,
        ]
      : []),
    `  catalog          ${v.catalog ? `units_left ${v.catalog.unitsLeft}, units_sold ${n(v.catalog.unitsSold)}` : 'n/a'}; sampled balances ${v.balancesSampled - v.balancesWrong}/${v.balancesSampled} right`,
  ];
  if (v.pass) {
    lines.push(`  verified         exactly ${n(r.units)} sold, every other contender refused "sold out" and kept its points`);
  } else {
    const bar = '!'.repeat(78);
    lines.push('', bar, '!! FLASH SALE VERIFICATION FAILED', ...v.problems.map((p) => `!!   ${p}`), bar);
  }
  return lines.join('\n');
}
