// Prints the cluster profile's tables again from a results file (bench/results/cluster-*.json), with
// the summaries of this code: `npx tsx bench/cluster/summarize.ts bench/results/cluster-….json`.
import { readFileSync } from 'node:fs';
import { forwardingCosts, formatClusterReport, type PhaseRun, summarizeFailovers, summarizeIdle, summarizePhases } from './report.js';

const file = process.argv[2];
if (!file) throw new Error('usage: npx tsx bench/cluster/summarize.ts <results file>');
const record = JSON.parse(readFileSync(file, 'utf8')) as { runs: PhaseRun[]; failoverRuns: PhaseRun[]; jvmIdleCores: number | null };
const summaries = summarizePhases(record.runs, record.jvmIdleCores);
console.log(
  formatClusterReport(
    summaries,
    forwardingCosts(record.runs, summaries),
    summarizeFailovers(record.failoverRuns),
    summarizeIdle(record.runs),
  ),
);
