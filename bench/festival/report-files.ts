// Writes a run's pages next to its JSON: <base>.html (charts inline) and <base>/<chart>.png.
// Shared by the run itself and by redraw.ts, which redraws them from a saved results file.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chartSpecs } from './charts.js';
import { type ReportHead, reportHtml } from './html.js';
import { drawCharts } from './render.js';
import type { FestivalSummary } from './summary.js';
import type { Verdict } from './verdict.js';
import type { CorrectnessReport } from './verify.js';

export async function writeReportPages(
  dir: string,
  base: string,
  head: ReportHead,
  summary: FestivalSummary,
  verdict: Verdict,
  correctness: CorrectnessReport | null,
  earnP99LimitMs: number,
): Promise<void> {
  const charts = await drawCharts(chartSpecs(summary, earnP99LimitMs));
  mkdirSync(join(dir, base), { recursive: true });
  for (const c of charts) writeFileSync(join(dir, base, `${c.name}.png`), c.png);
  writeFileSync(join(dir, `${base}.html`), reportHtml(head, summary, verdict, correctness, charts));
}
