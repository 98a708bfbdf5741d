// What an import did: the running tally, the summary printed at the end, and the --report JSON file.
// Rejected rows are streamed into the report as they are answered (a large file may have many), and
// only the first few, by line, are kept for the printed summary.

import { closeSync, openSync, writeSync } from 'node:fs';

export interface RejectedRow {
  line: number;
  row_key: string;
  member_id: string;
  /** gRPC status name from the engine (INVALID_ARGUMENT, ALREADY_EXISTS …), or FILE for a line the file itself got wrong. */
  code: string;
  reason: string;
}

export interface ImportSummary {
  rows: number;
  imported: number;
  already_imported: number;
  rejected: number;
  /** Every row of the file was read and answered. */
  complete: boolean;
  /** Why the import stopped early; '' when complete. */
  stopped: string;
  dry_run: boolean;
  started_at: string;
  finished_at: string;
}

export interface ReportHeader {
  tenant_id: string;
  batch_id: string;
  file: string;
  format: string;
  dry_run: boolean;
}

/** Rejected rows printed in the summary; the report has them all. */
export const REJECTED_SHOWN = 20;

export class ImportTally {
  imported = 0;
  alreadyImported = 0;
  rejected = 0;
  /** The REJECTED_SHOWN lowest line numbers, sorted. */
  readonly firstRejected: RejectedRow[] = [];

  constructor(private readonly report: ReportWriter | undefined) {}

  get done(): number {
    return this.imported + this.alreadyImported + this.rejected;
  }

  addImported(): void {
    this.imported++;
  }

  addAlreadyImported(): void {
    this.alreadyImported++;
  }

  addRejected(row: RejectedRow): void {
    this.rejected++;
    this.report?.addRejected(row);
    const shown = this.firstRejected;
    if (shown.length === REJECTED_SHOWN && row.line >= shown[shown.length - 1].line) return;
    let i = shown.length;
    while (i > 0 && shown[i - 1].line > row.line) i--;
    shown.splice(i, 0, row);
    if (shown.length > REJECTED_SHOWN) shown.pop();
  }
}

/** The --report file, written as the import goes: header, rejected rows, then the summary. */
export class ReportWriter {
  private readonly fd: number;
  private buffered = '';
  private rows = 0;

  constructor(path: string, header: ReportHeader) {
    this.fd = openSync(path, 'w');
    const head = JSON.stringify(header, null, 2);
    this.buffered = `${head.slice(0, head.lastIndexOf('}')).trimEnd()},\n  "rejected_rows": [`;
  }

  addRejected(row: RejectedRow): void {
    this.buffered += `${this.rows++ === 0 ? '\n' : ',\n'}    ${JSON.stringify(row)}`;
    if (this.buffered.length > 64 * 1024) this.flush();
  }

  close(summary: ImportSummary): void {
    const body = JSON.stringify(summary, null, 2).replace(/\n/g, '\n  ');
    this.buffered += `${this.rows === 0 ? '' : '\n  '}],\n  "summary": ${body}\n}\n`;
    this.flush();
    closeSync(this.fd);
  }

  private flush(): void {
    writeSync(this.fd, this.buffered);
    this.buffered = '';
  }
}

export function summaryText(s: ImportSummary, firstRejected: RejectedRow[], header: ReportHeader): string {
  const lines: string[] = [];
  const what = s.dry_run ? 'dry run of batch' : 'batch';
  lines.push(`${what} ${header.batch_id} (tenant ${header.tenant_id}) from ${header.file}: ${s.rows} rows read`);
  const count = (label: string, n: number) => lines.push(`  ${label.padEnd(18)}${n}`);
  count(s.dry_run ? 'would import' : 'imported', s.imported);
  count('already imported', s.already_imported);
  count('rejected', s.rejected);
  if (s.dry_run) lines.push('  (dry run: nothing was written)');
  if (firstRejected.length > 0) {
    lines.push(
      s.rejected > firstRejected.length
        ? `rejected rows (first ${firstRejected.length} of ${s.rejected} by line; all in --report):`
        : 'rejected rows:',
    );
    for (const r of firstRejected) lines.push(`  line ${r.line}${r.member_id ? ` (${r.member_id})` : ''}: ${r.reason}`);
  }
  if (!s.complete) {
    lines.push(`import stopped: ${s.stopped}`);
    if (!s.dry_run) {
      lines.push(
        '  rows answered so far are in the ledger; run the same command again (same --batch-id) to finish: imported rows are skipped',
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
