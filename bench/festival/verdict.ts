// The run's verdict from the profile's thresholds: each broken threshold is named with its figure.
// A run whose generators sent too many calls late is void (its latencies measure the generator);
// a failed correctness pass fails the run whatever the latencies. Pure.
import type { FestivalProfile } from './profile.js';
import type { FestivalSummary } from './summary.js';
import type { CorrectnessReport } from './verify.js';

export type Outcome = 'PASS' | 'FAIL' | 'VOID';

export interface Verdict {
  outcome: Outcome;
  /** One line per threshold: name, limit, measured, passed. */
  checks: { name: string; limit: string; measured: string; passed: boolean }[];
  failed: string[];
  exitCode: 0 | 1 | 2 | 3;
}

export function verdictOf(p: FestivalProfile, s: FestivalSummary, correctness: Pick<CorrectnessReport, 'ok' | 'stock'> | null): Verdict {
  const t = p.thresholds;
  const earnPeakP99 = s.rpcs.Earn?.peak.latencyMs?.p99 ?? Number.POSITIVE_INFINITY;
  const errorRate = s.overall.count === 0 ? 1 : s.overall.errors / s.overall.count;
  const oversold = correctness ? correctness.stock.reduce((n, x) => n + x.oversold, 0) : null;
  const checks = [
    {
      name: 'generator on time (late sends share)',
      limit: `<= ${pct(p.late.maxShare)}`,
      measured: pct(s.lateShare),
      passed: s.lateShare <= p.late.maxShare,
    },
    {
      name: 'p99 Earn at peak',
      limit: `<= ${t.earnP99AtPeakMs} ms`,
      measured: `${earnPeakP99} ms`,
      passed: earnPeakP99 <= t.earnP99AtPeakMs,
    },
    {
      name: 'error rate',
      limit: `<= ${pct(t.errorRate)}`,
      measured: `${pct(errorRate)} (${s.overall.errors} of ${s.overall.count})`,
      passed: errorRate <= t.errorRate,
    },
    {
      name: 'oversold units',
      limit: `<= ${t.oversoldUnits}`,
      measured: oversold === null ? 'not checked' : String(oversold),
      passed: oversold !== null && oversold <= t.oversoldUnits,
    },
    {
      name: 'correctness pass',
      limit: 'ok',
      measured: correctness === null ? 'not run' : correctness.ok ? 'ok' : 'FAILED',
      passed: correctness?.ok === true,
    },
  ];
  const failed = checks.filter((c) => !c.passed).map((c) => `${c.name}: ${c.measured} (limit ${c.limit})`);
  if (!checks[0].passed) return { outcome: 'VOID', checks, failed, exitCode: 3 };
  if (!checks[4].passed || !checks[3].passed) return { outcome: 'FAIL', checks, failed, exitCode: 2 };
  return failed.length ? { outcome: 'FAIL', checks, failed, exitCode: 1 } : { outcome: 'PASS', checks, failed, exitCode: 0 };
}

const pct = (x: number) => `${(x * 100).toFixed(3)}%`;
