// The import's tally, summary text, --report file and progress line.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { progressLine } from '../../src/cli/import-progress.js';
import {
  type ImportSummary,
  ImportTally,
  REJECTED_SHOWN,
  type RejectedRow,
  ReportWriter,
  summaryText,
} from '../../src/cli/import-report.js';

const HEADER = { tenant_id: 'acme', batch_id: 'b-1', file: 'lots.csv', format: 'csv', dry_run: false };
const SUMMARY: ImportSummary = {
  rows: 10,
  imported: 7,
  already_imported: 1,
  rejected: 2,
  complete: true,
  stopped: '',
  dry_run: false,
  started_at: '2025-06-15T04:00:00.000Z',
  finished_at: '2025-06-15T04:00:01.000Z',
};
const rejectedAt = (line: number): RejectedRow => ({
  line,
  row_key: `line:${line}`,
  member_id: `m-${line}`,
  code: 'INVALID_ARGUMENT',
  reason: `reason ${line}`,
});

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('import tally and report', () => {
  it(`keeps the ${REJECTED_SHOWN} lowest lines of rejected rows for the summary, whatever order they are answered in`, () => {
    const tally = new ImportTally(undefined);
    const lines = Array.from({ length: 50 }, (_, i) => ((i * 37) % 50) + 2);
    for (const line of lines) tally.addRejected(rejectedAt(line));
    tally.addImported();
    tally.addAlreadyImported();
    expect(tally.firstRejected.map((r) => r.line)).toEqual(Array.from({ length: REJECTED_SHOWN }, (_, i) => i + 2));
    expect([tally.rejected, tally.imported, tally.alreadyImported, tally.done]).toEqual([50, 1, 1, 52]);
  });

  for (const rows of [0, 1, 3]) {
    it(`writes a report that is valid JSON with ${rows} rejected rows, the summary last`, () => {
      dir = mkdtempSync(join(tmpdir(), 'jifen-report-'));
      const path = join(dir, 'report.json');
      const writer = new ReportWriter(path, HEADER);
      const tally = new ImportTally(writer);
      for (let i = 0; i < rows; i++) tally.addRejected(rejectedAt(i + 2));
      writer.close(SUMMARY);
      const text = readFileSync(path, 'utf8');
      expect(JSON.parse(text)).toEqual({
        ...HEADER,
        rejected_rows: Array.from({ length: rows }, (_, i) => rejectedAt(i + 2)),
        summary: SUMMARY,
      });
      expect(Object.keys(JSON.parse(text)).at(-1)).toBe('summary');
    });
  }

  it('summarises counts, the first rejected rows and how to finish an import that stopped', () => {
    expect(summaryText(SUMMARY, [rejectedAt(3), { ...rejectedAt(9), member_id: '' }], HEADER)).toBe(
      [
        'batch b-1 (tenant acme) from lots.csv: 10 rows read',
        '  imported          7',
        '  already imported  1',
        '  rejected          2',
        'rejected rows:',
        '  line 3 (m-3): reason 3',
        '  line 9: reason 9',
        '',
      ].join('\n'),
    );
    const stopped = { ...SUMMARY, rejected: 30, complete: false, stopped: 'ImportLots failed: UNAVAILABLE: shutting down' };
    const text = summaryText(stopped, [rejectedAt(3)], HEADER);
    expect(text).toContain('rejected rows (first 1 of 30 by line; all in --report):');
    expect(text).toContain('import stopped: ImportLots failed: UNAVAILABLE: shutting down\n');
    expect(text).toContain('run the same command again (same --batch-id) to finish');
    const dry = summaryText({ ...SUMMARY, dry_run: true, rejected: 0 }, [], { ...HEADER, dry_run: true });
    expect(dry).toContain('dry run of batch b-1');
    expect(dry).toContain('  would import      7\n');
    expect(dry).toContain('(dry run: nothing was written)');
  });
});

describe('progress line', () => {
  const counts = { done: 12_345, imported: 12_000, alreadyImported: 300, rejected: 45 };
  const cases: [string, Parameters<typeof progressLine>, string][] = [
    [
      'a bar on a terminal, with the share of the file read',
      [{ ...counts, fraction: 0.5 }, 5_000, true],
      '[############............]  50% 12,345 rows  2,469 rows/s  (imported 12,000, already imported 300, rejected 45)',
    ],
    [
      'no bar when the size is unknown',
      [{ ...counts, fraction: undefined }, 5_000, true],
      '12,345 rows  2,469 rows/s  (imported 12,000, already imported 300, rejected 45)',
    ],
    [
      'a plain line for logs',
      [{ ...counts, fraction: 0.25 }, 5_000, false],
      'import: 12,345 rows (25% of the file read), 2,469 rows/s; imported 12,000, already imported 300, rejected 45',
    ],
  ];
  for (const [name, args, expected] of cases) {
    it(name, () => expect(progressLine(...args)).toBe(expected));
  }
});
