// A live engine's /metrics, over real sockets (the engine as a child process, embedded defaults,
// 2 shards): promtool accepts the exposition; the standard process and Node.js names are there
// without a prefix; points flows per tenant add up to what the calls answered; the outbox lag and
// the review queue show; no label carries a member id; and every query of the Grafana dashboard
// and every alert expression reads only metrics the engine exports.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type AdminClient, adminClient } from '../support/admin-client.js';
import { type EngineProcess, REPO_ROOT, cleanupEngines, startEngine } from '../support/engine-process.js';
import { uniq } from '../support/ids.js';
import { pointsServiceChannel, promisedClient } from '../support/points-client.js';
import { eventually } from '../support/waiting.js';
import { exportedSeriesNames, metricNamesOf } from './promql-names.js';
import { promtool, promtoolOnPath } from './promtool.js';

afterAll(cleanupEngines);

interface Reply {
  points: number;
  hold_id?: string;
  review_rule?: string;
}

interface OpsClient {
  Earn(req: Record<string, unknown>): Promise<Reply>;
  Redeem(req: Record<string, unknown>): Promise<Reply>;
  Reverse(req: Record<string, unknown>): Promise<Reply>;
  Adjust(req: Record<string, unknown>): Promise<Reply>;
  Hold(req: Record<string, unknown>): Promise<Reply>;
  CaptureHold(req: Record<string, unknown>): Promise<Reply>;
  GetAccount(req: Record<string, unknown>): Promise<unknown>;
  close(): void;
}

/** Prometheus itself adds `up`; the rules add their recording rules. */
const NOT_FROM_THE_ENGINE = new Set(['up']);

let engine: EngineProcess;
let client: OpsClient;
let admin: AdminClient;
const tenant = uniq('ops');
const reviewTenant = uniq('ops-review');
const members = [uniq('m'), uniq('m'), uniq('m')];
const expected = { issued: 0, earned: 0, redeemed: 0, captured: 0, reversed: 0, adjustedDown: 0 };

beforeAll(async () => {
  engine = await startEngine({ isolateEnv: true, env: { JIFEN_SHARDS: '2' } });
  client = promisedClient<OpsClient>(pointsServiceChannel(engine.grpcAddr), [
    'Earn',
    'Redeem',
    'Reverse',
    'Adjust',
    'Hold',
    'CaptureHold',
    'GetAccount',
  ]);
  admin = adminClient(engine.grpcAddr);
  const base = (member: string) => ({ tenant_id: tenant, member_id: member, idempotency_key: uniq('k') });
  for (const member of members) {
    const earned = await client.Earn({ ...base(member), order_id: `o-${member}`, amount_minor: 50_000, currency: 'CNY' });
    expected.earned += earned.points;
    await client.Redeem({ ...base(member), points: 30, reason: 'ops test' });
    expected.redeemed += 30;
  }
  const refund = await client.Reverse({ ...base(members[0]), order_id: `o-${members[0]}`, amount_minor: 20_000, reason: 'refund' });
  expected.reversed += -refund.points;
  await client.Adjust({ ...base(members[1]), points: 7, reason: 'goodwill', operator: 'ops' });
  await client.Adjust({ ...base(members[1]), points: -5, reason: 'correction', operator: 'ops' });
  expected.issued = expected.earned + 7;
  expected.adjustedDown = 5;
  const hold = await client.Hold({ ...base(members[2]), points: 20, ttl_seconds: 600, order_id: 'checkout-1' });
  await client.CaptureHold({ ...base(members[2]), hold_id: hold.hold_id, points: 12 });
  expected.captured = 12;
  await client.Hold({ ...base(members[2]), points: 5, ttl_seconds: 600, order_id: 'checkout-2' }); // stays open
  await client.GetAccount({ tenant_id: tenant, member_id: members[0] });

  await admin.PutProgram({
    tenant_id: reviewTenant,
    document: 'review:\n  order_amount: { factor: 10, history: 5, min_history: 3, max_minor: 1000000 }\n',
  });
  const flagged = await client.Earn({
    ...base(uniq('m')),
    tenant_id: reviewTenant,
    order_id: 'big',
    amount_minor: 2_000_000,
    currency: 'CNY',
  });
  expect(flagged.review_rule).toBe('amount_limit');
});

afterAll(async () => {
  client?.close();
  admin?.close();
  if (engine) expect(await engine.stop(), engine.output()).toBe(0);
});

async function scrape(): Promise<string> {
  const res = await fetch(engine.metricsUrl);
  expect(res.status).toBe(200);
  return res.text();
}

/** The value of the series `name` whose labels include every one of `labels`, or undefined. */
function sampleOf(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelText = line.slice(name.length, line.lastIndexOf(' '));
    if (wanted.every((w) => labelText.includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('a live engine /metrics', () => {
  it.skipIf(!promtoolOnPath())('passes promtool check metrics', async () => {
    const run = promtool(['check', 'metrics'], { input: await scrape() });
    expect(run.code, run.output).toBe(0);
  });

  it('has the standard process and Node.js names, without a doubled prefix', async () => {
    const names = exportedSeriesNames(await scrape());
    for (const name of [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
    ]) {
      expect(names.has(name), name).toBe(true);
    }
    expect([...names].filter((n) => n.startsWith('jifen_process_'))).toEqual([]);
  });

  it('counts points issued, redeemed and taken back per tenant as the calls answered them', async () => {
    const text = await eventually('every event published', async () => {
      const t = await scrape();
      return sampleOf(t, 'jifen_holds_total', { tenant, step: 'opened' }) === 2 ? t : undefined;
    });
    expect(expected.earned).toBeGreaterThan(0);
    expect(sampleOf(text, 'jifen_points_issued_total', { tenant, event: 'earned' })).toBe(expected.earned);
    expect(sampleOf(text, 'jifen_points_issued_total', { tenant, event: 'adjusted' })).toBe(7);
    expect(sampleOf(text, 'jifen_points_redeemed_total', { tenant, event: 'redeemed' })).toBe(expected.redeemed);
    expect(sampleOf(text, 'jifen_points_reversed_total', { tenant, event: 'reversed' })).toBe(expected.reversed);
    expect(sampleOf(text, 'jifen_points_reversed_total', { tenant, event: 'adjusted' })).toBe(expected.adjustedDown);
    expect(sampleOf(text, 'jifen_holds_total', { tenant, step: 'opened' })).toBe(2);
    expect(sampleOf(text, 'jifen_holds_total', { tenant, step: 'captured' })).toBe(1);
    expect(sampleOf(text, 'jifen_holds_open', { tenant })).toBe(1);
    expect(sampleOf(text, 'jifen_points_expired_total', { tenant })).toBeUndefined();
  });

  it('shows each shard outbox lag, back at 0 once everything is published', async () => {
    await eventually('outbox published', async () => {
      const text = await scrape();
      return sampleOf(text, 'jifen_outbox_lag_seconds', { shard: '0' }) === 0 &&
        sampleOf(text, 'jifen_outbox_lag_seconds', { shard: '1' }) === 0
        ? true
        : undefined;
    });
  });

  it('counts the review queue of a tenant with a flagged earn, and how long it has waited', async () => {
    const text = await eventually(
      'the flag counted',
      async () => {
        const t = await scrape();
        return sampleOf(t, 'jifen_review_queue_depth', { tenant: reviewTenant }) === 1 ? t : undefined;
      },
      15_000,
    );
    expect(sampleOf(text, 'jifen_review_queue_oldest_age_seconds', { tenant: reviewTenant })).toBeGreaterThan(0);
    // Only tenants with a program are counted: flags come from a program's review rules.
    expect(sampleOf(text, 'jifen_review_queue_depth', { tenant })).toBeUndefined();
  });

  it('carries no member id in any label', async () => {
    const text = await scrape();
    const samples = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(samples.length).toBeGreaterThan(0);
    expect(samples.filter((l) => members.some((m) => l.includes(m)) || /\bmember(_id)?="/.test(l))).toEqual([]);
  });
});

describe('dashboard and alert queries read only what the engine exports', () => {
  let exported: Set<string>;
  beforeAll(async () => {
    exported = exportedSeriesNames(await scrape());
  });

  it('every query of deploy/grafana/jifen.json', () => {
    const dashboard = JSON.parse(readFileSync(join(REPO_ROOT, 'deploy/grafana/jifen.json'), 'utf8'));
    const queries = dashboardQueries(dashboard);
    expect(queries.length).toBeGreaterThan(20);
    expect(unexported(queries, exported, new Set())).toEqual([]);
  });

  it('every expression of deploy/prometheus/alerts.yml (recording rules aside)', () => {
    const rules = parse(readFileSync(join(REPO_ROOT, 'deploy/prometheus/alerts.yml'), 'utf8')) as {
      groups: { rules: { record?: string; expr: string }[] }[];
    };
    const all = rules.groups.flatMap((g) => g.rules);
    const recorded = new Set(all.flatMap((r) => (r.record ? [r.record] : [])));
    expect(
      unexported(
        all.map((r) => r.expr),
        exported,
        recorded,
      ),
    ).toEqual([]);
  });

  it('the check fails on a query that reads a metric the engine does not export', () => {
    expect(unexported(['sum(rate(jifen_rpc_totl[5m]))', 'up == 0'], exported, new Set())).toEqual([
      'jifen_rpc_totl in sum(rate(jifen_rpc_totl[5m]))',
    ]);
  });
});

/** Every PromQL text of a dashboard: panel targets (rows' nested panels too) and query variables. */
function dashboardQueries(dashboard: {
  panels?: { targets?: { expr?: string }[]; panels?: unknown[] }[];
  templating?: { list?: { type: string; query?: string | { query?: string } }[] };
}): string[] {
  const out: string[] = [];
  const visit = (panels: { targets?: { expr?: string }[]; panels?: unknown[] }[] = []) => {
    for (const p of panels) {
      for (const t of p.targets ?? []) if (t.expr) out.push(t.expr);
      visit(p.panels as typeof panels);
    }
  };
  visit(dashboard.panels);
  for (const v of dashboard.templating?.list ?? []) {
    if (v.type !== 'query') continue;
    const text = typeof v.query === 'string' ? v.query : (v.query?.query ?? '');
    // label_values(<series selector>, <label>): the selector is PromQL, the label is not.
    const selector = /^label_values\((.*),\s*\w+\)$/.exec(text.trim())?.[1];
    out.push(selector ?? text);
  }
  return out;
}

function unexported(queries: string[], exported: Set<string>, recorded: Set<string>): string[] {
  return queries.flatMap((q) =>
    metricNamesOf(q)
      .filter((name) => !exported.has(name) && !recorded.has(name) && !NOT_FROM_THE_ENGINE.has(name))
      .map((name) => `${name} in ${q}`),
  );
}
