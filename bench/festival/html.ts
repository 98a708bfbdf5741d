// The one self-contained HTML report: verdict first, then the figures an SRE reads (per RPC, the
// peak, the generator's own lateness), the four charts as inline SVG and the correctness pass. No
// script, no external file: it opens offline. Pure: report in, text out.
import type { DrawnChart } from './render.js';
import type { FestivalSummary, LatencyMs, RpcSummary } from './summary.js';
import type { Verdict } from './verdict.js';
import type { CorrectnessReport } from './verify.js';

export interface ReportHead {
  title: string;
  startedAt: string;
  command: string;
  machine: string;
  targets: string;
  generators: number;
  /** Per generator: sends, CPU seconds, µs per send. */
  generatorCpu: string;
  profileFile: string;
}

export function reportHtml(
  head: ReportHead,
  s: FestivalSummary,
  verdict: Verdict,
  correctness: CorrectnessReport | null,
  charts: DrawnChart[],
): string {
  const colour = verdict.outcome === 'PASS' ? '#2ca02c' : verdict.outcome === 'VOID' ? '#ff7f0e' : '#d62728';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(head.title)}</title>
<style>
body{font-family:system-ui,'DejaVu Sans',sans-serif;margin:24px auto;max-width:1000px;color:#222}
table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right;font-size:13px}
th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}.verdict{font-size:22px;font-weight:bold;color:${colour}}
.muted{color:#666;font-size:13px}figure{margin:16px 0}code{background:#f5f5f5;padding:1px 4px}
</style></head><body>
<h1>${esc(head.title)}</h1>
<p class="muted">${esc(head.startedAt)} · ${esc(head.machine)} · targets ${esc(head.targets)} · ${head.generators} generator process(es) (${esc(head.generatorCpu)}) · profile ${esc(head.profileFile)}<br><code>${esc(head.command)}</code></p>
<p class="verdict">Verdict: ${verdict.outcome}</p>
${table(
  ['threshold', 'limit', 'measured', ''],
  verdict.checks.map((c) => [c.name, c.limit, c.measured, c.passed ? 'ok' : 'FAILED']),
)}
<h2>Run</h2>
${table(
  ['sends', 'late sends', 'max lateness', 'duration', 'peak scheduled', 'calls', 'OK', 'refusals', 'errors'],
  [
    [
      n(s.sent),
      `${n(s.late)} (${(s.lateShare * 100).toFixed(3)}%)`,
      `${s.maxLateMs} ms`,
      `${s.durationS.toFixed(1)} s`,
      `${n(s.peakRate)}/s`,
      n(s.overall.count),
      n(s.overall.ok),
      n(s.overall.refusals),
      n(s.overall.errors),
    ],
  ],
)}
<p class="muted">Latency counts from each call's intended send time. A late send left the generator more than the profile's late.thresholdMs after its time; past late.maxShare the run is void.</p>
<h2>Per RPC (whole run; peak = calls scheduled from midnight to the end of the peak)</h2>
${table(
  ['RPC', 'count', 'rate/s', 'OK', 'refusals', 'errors', 'p50 ms', 'p90', 'p99', 'p99.9', 'p99.99', 'max', 'peak count', 'peak p99'],
  Object.entries(s.rpcs).map(([rpc, r]) => rpcRow(rpc, r)),
)}
<h2>Status distribution</h2>
${table(
  ['RPC', 'statuses'],
  Object.entries(s.rpcs).map(([rpc, r]) => [
    rpc,
    Object.entries(r.statusDistribution)
      .map(([k, v]) => `${k} ${n(v)}`)
      .join(', '),
  ]),
)}
${charts.map((c) => `<figure>${c.svg}</figure>`).join('\n')}
<h2>Correctness pass</h2>
${correctness ? correctnessHtml(correctness) : '<p>not run</p>'}
</body></html>
`;
}

function rpcRow(rpc: string, r: RpcSummary): string[] {
  const l: Partial<LatencyMs> = r.latencyMs ?? {};
  return [
    rpc,
    n(r.count),
    String(r.rate),
    n(r.ok),
    n(r.refusals),
    n(r.errors),
    f(l.p50),
    f(l.p90),
    f(l.p99),
    f(l.p999),
    f(l.p9999),
    f(l.max),
    n(r.peak.count),
    f(r.peak.latencyMs?.p99),
  ];
}

function correctnessHtml(c: CorrectnessReport): string {
  const w = c.writes;
  const k = c.conservation;
  const settled = `after waiting ${c.settle.seconds.toFixed(1)} s for the engine to settle${c.settle.settled ? '' : ' (it did NOT settle: counts still moving)'}`;
  return `<p>${c.ok ? 'All checks passed' : '<b>FAILED</b>'} ${settled} (${n(c.membersRead)} members read back in ${c.seconds.toFixed(1)} s through GetAccount, ListEntries, ListRedemptions, ListRewards).</p>
${table(
  ['check', 'result'],
  [
    [
      'acknowledged writes present exactly once',
      `${n(w.presentOnce)} of ${n(w.acknowledged)}; missing ${w.missing.length}, duplicated ${w.duplicated.length}, other entry id ${w.idMismatch.length}`,
    ],
    ['client retries answered with the same entry', n(w.retriedConsistently)],
    ['unacknowledged writes found in the ledger (allowed)', n(w.unacknowledgedButWritten)],
    [
      'conservation: issued − spent − expired = balances',
      `${n(k.issued)} − ${n(k.spent)} − ${n(k.expired)} = ${n(k.issued - k.spent - k.expired)}; balances ${n(k.balances)} (available ${n(k.available)} + pending ${n(k.pending)} + held ${n(k.held)}) over ${n(k.members)} members, ${n(k.entries)} entries; ${k.violations.length} violations`,
    ],
    [
      "the engine's audit (AuditLedger: every member replayed, roll-forward tied out)",
      !c.audit
        ? 'not in this run'
        : c.audit.ran
          ? `${c.audit.ok ? 'ok' : 'FAILED'}: ${n(c.audit.checked)} members; ${
              Object.entries(c.audit.mismatchCounts)
                .map(([kind, count]) => `${kind} ${count}`)
                .join(', ') || 'no mismatches'
            }`
          : `not run: ${esc(c.audit.why)}`,
    ],
  ],
)}
${table(
  ['reward', 'stock', 'sold', 'left', 'paid redemptions', 'acknowledged', 'oversold', ''],
  c.stock.map((x) => [x.id, n(x.stock), n(x.sold), n(x.left), n(x.paid), n(x.acknowledged), n(x.oversold), x.ok ? 'ok' : 'FAILED']),
)}
${[...w.missing, ...w.duplicated, ...w.idMismatch, ...k.violations].map((x) => `<div class="muted">${esc(x)}</div>`).join('')}`;
}

function table(head: string[], rows: string[][]): string {
  return `<table><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>${rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</table>`;
}

const n = (x: number) => x.toLocaleString('en-US');
const f = (x: number | undefined) => (x === undefined ? '' : x.toFixed(x < 10 ? 2 : 1));
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
