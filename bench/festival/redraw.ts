// Redraws a festival run's HTML and PNGs from its results file (after a change to the charts, or to
// read an old run the same way): npx tsx bench/festival/redraw.ts bench/results/festival-<date>.json
import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { ReportHead } from './html.js';
import type { FestivalProfile } from './profile.js';
import { writeReportPages } from './report-files.js';
import type { FestivalSummary } from './summary.js';
import type { Verdict } from './verdict.js';
import type { CorrectnessReport } from './verify.js';

const file = process.argv[2];
if (!file?.endsWith('.json')) throw new Error('usage: npx tsx bench/festival/redraw.ts bench/results/festival-<date>.json');
const record = JSON.parse(readFileSync(file, 'utf8')) as ReportHead & {
  profile: FestivalProfile;
  summary: FestivalSummary;
  verdict: Verdict;
  correctness: CorrectnessReport | null;
};
await writeReportPages(
  dirname(file),
  basename(file, '.json'),
  record,
  record.summary,
  record.verdict,
  record.correctness,
  record.profile.thresholds.earnP99AtPeakMs,
);
console.error(`redrew ${file.replace(/\.json$/, '.html')} and its PNGs`);
