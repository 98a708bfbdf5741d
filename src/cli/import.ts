// `jifen import` (原有积分导入): streams a CSV or JSONL file of opening balances to a running engine's
// AdminService.ImportLots in chunks, a few in flight, with progress on stderr and a summary at the end.
// Idempotent by --batch-id: a re-run answers every row already imported from the ledger.
//
//   npm run import -- --tenant acme --batch-id legacy-2024 --file lots.csv [--dry-run] [--report out.json]
//
// Exit code: 0 nothing rejected, 1 some rows rejected, 2 usage, file or connection errors.

import { createReadStream, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { TRANSIENT_KINDS } from '../actor/rejections.js';
import { statusOf } from '../api/status.js';
import { ADMIN_PROTO, LOADER_OPTIONS, POINTS_PROTO } from '../contract/proto.js';
import { ImportProgress, type ProgressStream } from './import-progress.js';
import { type ImportSummary, ImportTally, type ReportHeader, ReportWriter, summaryText } from './import-report.js';
import { type ImportFormat, ImportFileError, type ImportRow, formatOfPath, offsetMinutesOf, rowParser } from './import-rows.js';

export interface ImportOptions {
  tenant: string;
  batchId: string;
  file: string;
  format: ImportFormat;
  target: string;
  dryRun: boolean;
  report: string | undefined;
  /** Rows per ImportLots call (the engine takes at most 1000). */
  chunk: number;
  /** Calls in flight at once. */
  parallel: number;
  utcOffsetMinutes: number | undefined;
  /** An admin key for an engine with JIFEN_AUTH=on, from JIFEN_API_KEY (never a flag: it would show in ps and shell history). */
  apiKey: string | undefined;
  /** The CA that signed the engine's certificate, from JIFEN_TLS_CA: set, the import speaks TLS to it. */
  tlsCaFile: string | undefined;
}

export interface ImportIo {
  stdout: ProgressStream;
  stderr: ProgressStream;
}

/** Bad command line: the message says what, the usage follows. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = `usage: npm run import -- --tenant T --batch-id B --file F [options]
  --format csv|jsonl     file format (default: from the extension .csv / .jsonl / .ndjson)
  --target host:port     engine gRPC address (default 127.0.0.1:50051)
  --dry-run              check every row against the engine, write nothing
  --report out.json      write the summary and every rejected row as JSON
  --chunk N              rows per call, 1-1000 (default 500)
  --parallel N           calls in flight, 1-64 (default 4)
  --utc-offset +08:00    offset for times without one and for bare dates (default: refuse them)
columns: member_id, points, earned_at (required); expires_at, tier, row_id (optional)`;

const DEFAULT_TARGET = '127.0.0.1:50051';
/**
 * Codes the engine answers for a row or a call it did not apply but might on a second try: the
 * statuses of transient rejections (rows carry a code, not the kind), the call's deadline, no server.
 */
const TRANSIENT = new Set([
  ...TRANSIENT_KINDS.map((kind) => statusOf({ kind, message: '' })),
  grpc.status.DEADLINE_EXCEEDED,
  grpc.status.UNAVAILABLE,
]);
const MAX_ATTEMPTS = 8;
const CALL_TIMEOUT_MS = 60_000;
const CONNECT_TIMEOUT_MS = 10_000;

export function parseImportArgs(argv: string[]): ImportOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        tenant: { type: 'string' },
        'batch-id': { type: 'string' },
        file: { type: 'string' },
        format: { type: 'string' },
        target: { type: 'string' },
        'dry-run': { type: 'boolean' },
        report: { type: 'string' },
        chunk: { type: 'string' },
        parallel: { type: 'string' },
        'utc-offset': { type: 'string' },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const required = (name: string): string => {
    const value = values[name];
    if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
    return value;
  };
  const file = required('file');
  const formatText = values.format as string | undefined;
  if (formatText !== undefined && formatText !== 'csv' && formatText !== 'jsonl') throw new UsageError('--format must be csv or jsonl');
  const format = (formatText as ImportFormat | undefined) ?? formatOfPath(file);
  if (!format) throw new UsageError(`cannot tell the format of ${file} from its name: pass --format csv or --format jsonl`);
  let utcOffsetMinutes: number | undefined;
  if (values['utc-offset'] !== undefined) {
    utcOffsetMinutes = offsetMinutesOf(values['utc-offset'] as string);
    if (utcOffsetMinutes === undefined) throw new UsageError('--utc-offset must be Z or like +08:00 / -05:30');
  }
  return {
    tenant: required('tenant'),
    batchId: required('batch-id'),
    file,
    format,
    target: (values.target as string | undefined) ?? DEFAULT_TARGET,
    dryRun: values['dry-run'] === true,
    report: values.report as string | undefined,
    chunk: intOption(values.chunk as string | undefined, 'chunk', 500, 1, 1000),
    parallel: intOption(values.parallel as string | undefined, 'parallel', 4, 1, 64),
    utcOffsetMinutes,
    apiKey: process.env.JIFEN_API_KEY || undefined,
    tlsCaFile: process.env.JIFEN_TLS_CA || undefined,
  };
}

/** Runs the import; resolves with the exit code. */
export async function runImport(options: ImportOptions, io: ImportIo): Promise<number> {
  let size: number;
  try {
    size = statSync(options.file).size;
  } catch (err) {
    io.stderr.write(`cannot read ${options.file}: ${(err as Error).message}\n`);
    return 2;
  }
  const client = adminClient(options.target, options.tlsCaFile);
  try {
    try {
      await waitForReady(client, CONNECT_TIMEOUT_MS);
    } catch {
      io.stderr.write(`cannot reach the engine at ${options.target} (within ${CONNECT_TIMEOUT_MS / 1000} s)\n`);
      return 2;
    }
    return await importFile(options, io, client, size);
  } finally {
    client.close();
  }
}

interface ImportResultMsg {
  outcome: string;
  entry_id: string;
  code: number;
  status: string;
  message: string;
}

interface AdminClient extends grpc.Client {
  ImportLots(
    req: unknown,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: (err: grpc.ServiceError | null, res?: { results: ImportResultMsg[] }) => void,
  ): void;
}

/** A call failed as a whole (not one row): the import cannot go on. */
class CallFailed extends Error {
  override name = 'CallFailed';
}

async function importFile(options: ImportOptions, io: ImportIo, client: AdminClient, size: number): Promise<number> {
  const header: ReportHeader = {
    tenant_id: options.tenant,
    batch_id: options.batchId,
    file: options.file,
    format: options.format,
    dry_run: options.dryRun,
  };
  const startedAt = new Date();
  let report: ReportWriter | undefined;
  try {
    report = options.report ? new ReportWriter(options.report, header) : undefined;
  } catch (err) {
    io.stderr.write(`cannot write the report ${options.report}: ${(err as Error).message}\n`);
    return 2;
  }
  const tally = new ImportTally(report);
  const input = createReadStream(options.file);
  const progress = new ImportProgress(io.stderr, () => ({
    done: tally.done,
    imported: tally.imported,
    alreadyImported: tally.alreadyImported,
    rejected: tally.rejected,
    fraction: size > 0 ? Math.min(1, input.bytesRead / size) : undefined,
  }));
  progress.start();

  let rows = 0;
  let stopped = '';
  let usageFailure = false;
  const inflight = new Set<Promise<void>>();
  const send = async (chunk: ImportRow[]) => {
    while (inflight.size >= options.parallel) await Promise.race(inflight);
    const call: Promise<void> = sendChunk(client, options, chunk, tally)
      .catch((err: unknown) => {
        stopped ||= err instanceof Error ? err.message : String(err);
      })
      .finally(() => inflight.delete(call));
    inflight.add(call);
  };

  try {
    const parser = rowParser(options.format, { utcOffsetMinutes: options.utcOffsetMinutes });
    const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
    let lineNumber = 0;
    let chunk: ImportRow[] = [];
    const take = (parsed: ReturnType<typeof parser.push>) => {
      for (const item of parsed) {
        rows++;
        if (item.ok) chunk.push(item.row);
        else tally.addRejected({ line: item.bad.line, row_key: '', member_id: item.bad.memberId, code: 'FILE', reason: item.bad.reason });
      }
    };
    for await (const line of lines) {
      take(parser.push(line, ++lineNumber));
      if (chunk.length >= options.chunk) {
        await send(chunk);
        chunk = [];
      }
      if (stopped) break;
    }
    if (!stopped) {
      take(parser.end());
      if (chunk.length > 0) await send(chunk);
    }
  } catch (err) {
    if (!(err instanceof ImportFileError)) throw err;
    stopped ||= `${options.file}: ${err.message}`;
    usageFailure = true;
  } finally {
    input.destroy();
    await Promise.all(inflight);
    progress.stop();
  }

  const summary: ImportSummary = {
    rows,
    imported: tally.imported,
    already_imported: tally.alreadyImported,
    rejected: tally.rejected,
    complete: stopped === '',
    stopped,
    dry_run: options.dryRun,
    started_at: startedAt.toISOString(),
    finished_at: new Date().toISOString(),
  };
  report?.close(summary);
  io.stdout.write(summaryText(summary, tally.firstRejected, header));
  if (usageFailure || stopped !== '') return 2;
  return tally.rejected > 0 ? 1 : 0;
}

/**
 * One chunk, until every row has its answer: rows the engine could not take now (mailbox full,
 * deadline, shutting down) go again with backoff; a retry is safe, the batch id makes it idempotent.
 */
async function sendChunk(client: AdminClient, options: ImportOptions, chunk: ImportRow[], tally: ImportTally): Promise<void> {
  let pending = chunk;
  for (let attempt = 1; pending.length > 0; attempt++) {
    const last = attempt >= MAX_ATTEMPTS;
    let results: ImportResultMsg[];
    try {
      results = await importLots(client, options.apiKey, {
        tenant_id: options.tenant,
        batch_id: options.batchId,
        dry_run: options.dryRun,
        rows: pending.map(rowMessage),
      });
    } catch (err) {
      const e = err as grpc.ServiceError;
      if (!last && TRANSIENT.has(e.code)) {
        await backoff(attempt);
        continue;
      }
      throw new CallFailed(`ImportLots failed: ${grpc.status[e.code] ?? e.code}: ${e.details ?? e.message}`);
    }
    const again: ImportRow[] = [];
    for (let i = 0; i < pending.length; i++) {
      const row = pending[i];
      const r = results[i];
      if (r.outcome === 'IMPORT_OUTCOME_IMPORTED') tally.addImported();
      else if (r.outcome === 'IMPORT_OUTCOME_ALREADY_IMPORTED') tally.addAlreadyImported();
      else if (!last && TRANSIENT.has(r.code)) again.push(row);
      else tally.addRejected({ line: row.line, row_key: row.rowKey, member_id: row.memberId, code: r.status, reason: r.message });
    }
    pending = again;
    if (pending.length > 0) await backoff(attempt);
  }
}

function rowMessage(row: ImportRow): Record<string, unknown> {
  return {
    row_key: row.rowKey,
    member_id: row.memberId,
    points: row.points,
    earned_at: timestampOf(row.earnedAt),
    expires_at: row.expiresAt === undefined ? null : timestampOf(row.expiresAt),
    tier: row.tier,
  };
}

function timestampOf(ms: number): { seconds: number; nanos: number } {
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: (ms - seconds * 1000) * 1_000_000 };
}

function importLots(client: AdminClient, apiKey: string | undefined, req: Record<string, unknown>): Promise<ImportResultMsg[]> {
  const metadata = new grpc.Metadata();
  if (apiKey) metadata.set('authorization', `Bearer ${apiKey}`);
  return new Promise((resolve, reject) =>
    client.ImportLots(req, metadata, { deadline: Date.now() + CALL_TIMEOUT_MS }, (err, res) =>
      err ? reject(err) : resolve(res?.results ?? []),
    ),
  );
}

function backoff(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 100 * 2 ** attempt)));
}

function adminClient(target: string, tlsCaFile: string | undefined): AdminClient {
  const loaded = grpc.loadPackageDefinition(protoLoader.loadSync([POINTS_PROTO, ADMIN_PROTO], LOADER_OPTIONS)) as unknown as {
    jifen: { v1: { AdminService: grpc.ServiceClientConstructor } };
  };
  const credentials = tlsCaFile ? grpc.credentials.createSsl(readFileSync(tlsCaFile)) : grpc.credentials.createInsecure();
  return new loaded.jifen.v1.AdminService(target, credentials) as unknown as AdminClient;
}

function waitForReady(client: grpc.Client, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => client.waitForReady(Date.now() + timeoutMs, (err) => (err ? reject(err) : resolve())));
}

function intOption(text: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^[0-9]+$/.test(text) || value < min || value > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}`);
  return value;
}

async function main(): Promise<void> {
  let options: ImportOptions;
  try {
    options = parseImportArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  process.exitCode = await runImport(options, { stdout: process.stdout, stderr: process.stderr });
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
    process.exitCode = 2;
  });
}
