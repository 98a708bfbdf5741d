// 原有积分导入 end to end: the real engine over a real gRPC socket, and the import CLI run as its own
// process (`node --import tsx src/cli/import.ts`) on CSV and JSONL files with good and bad rows.
// Checks the summary, the --report file, balances, lot expiries and tiers through GetAccount, that a
// re-run of the same batch id imports nothing twice, that a dry run writes nothing, and exit codes.

import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportSummary, RejectedRow } from '../../src/cli/import-report.js';
import { lotExpiresAt } from '../../src/rules/expiry.js';
import { type AdminClient, adminClient } from '../support/admin-client.js';
import { type EngineProcess, REPO_ROOT, cleanupEngines, makeDataDir, startEngine } from '../support/engine-process.js';
import { type PointsClient, type Timestamp, codeOf, pointsClient } from '../support/points-client.js';
import { msOf } from '../support/timestamps.js';

const TENANT = 'import-e2e';
const DAY = 86_400_000;
const PROGRAM = `
expiry: { kind: rolling, months: 12, notice_days: 0 }
tiers:
  metric: spend
  window: rolling_12_months
  validity_months: 12
  levels:
    - { id: normal, name: 普通, threshold: 0,       retain: 0,      multiplier: 1.0 }
    - { id: silver, name: 银卡, threshold: 200000,  retain: 150000, multiplier: 1.2 }
    - { id: gold,   name: 金卡, threshold: 1000000, retain: 800000, multiplier: 1.5 }
`;
const ROLLING = { kind: 'rolling' as const, months: 12, days: 0, noticeDays: 0 };
const SHANGHAI = 'Asia/Shanghai';
const MEMBERS = 80;

interface ImportAccount {
  balance: number;
  seq: number;
  lifetime_earned: number;
  enrolled: boolean;
  tier: string;
  lots: { points: number; expires_at: Timestamp | null }[];
}

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

afterAll(cleanupEngines);

describe('legacy import CLI', () => {
  let engine: EngineProcess;
  let points: PointsClient;
  let admin: AdminClient;
  const dir = makeDataDir();
  const now = Date.now();
  // Whole seconds, so ISO text and epoch ms round-trip exactly.
  const earnedAt = Math.floor((now - 30 * DAY) / 1000) * 1000;
  const explicitExpiry = Math.floor((now + 60 * DAY) / 1000) * 1000 + 999;
  const ruleExpiry = lotExpiresAt(ROLLING, earnedAt, SHANGHAI);
  const file = join(dir, 'lots.csv');
  /** Per member: the points and lots the file gives it. */
  const expected = new Map<string, { points: number; lots: { points: number; expiresAt: number }[]; tier: string }>();
  /** Line → the reason it must be rejected with (a fragment). */
  const bad = new Map<number, string>();
  let goodRows = 0;

  beforeAll(async () => {
    engine = await startEngine({ isolateEnv: true, env: { JIFEN_SHARDS: '2' } });
    points = pointsClient(engine.grpcAddr);
    admin = adminClient(engine.grpcAddr);
    await admin.PutProgram({ tenant_id: TENANT, document: PROGRAM });

    // Three lots per member: an explicit expiry (ISO), none (the program's rule; epoch ms), and a
    // small one in a quoted field; every fourth member also gets a tier. Bad rows are mixed in.
    const lines = ['member_id,points,earned_at,expires_at,tier'];
    const iso = (ms: number) => new Date(ms).toISOString();
    const addBad = (text: string, reason: string) => {
      lines.push(text);
      bad.set(lines.length, reason);
    };
    for (let i = 0; i < MEMBERS; i++) {
      const member = `legacy-${String(i).padStart(3, '0')}`;
      const tier = i % 4 === 0 ? (i % 8 === 0 ? 'gold' : 'silver') : '';
      const a = 100 + i;
      const b = 2 * i + 1;
      lines.push(`${member},${a},${iso(earnedAt)},${iso(explicitExpiry)},${tier}`);
      lines.push(`${member},${b},${earnedAt},,`);
      lines.push(`"${member}","7",${iso(earnedAt)},"${iso(explicitExpiry)}",`);
      goodRows += 3;
      expected.set(member, {
        points: a + b + 7,
        tier: tier || 'normal',
        lots: [
          { points: a + 7, expiresAt: explicitExpiry },
          { points: b, expiresAt: ruleExpiry },
        ].sort((x, y) => x.expiresAt - y.expiresAt),
      });
      if (i % 10 === 3) addBad(`${member},x,${iso(earnedAt)},,`, 'points must be a positive integer');
      if (i % 10 === 5) addBad(`${member},5,yesterday,,`, 'earned_at must be epoch milliseconds or an ISO-8601 date-time');
      if (i % 10 === 7) addBad(`${member},5,${iso(earnedAt)},,platinum`, 'tier is not a tier of the program (normal, silver, gold)');
      if (i % 10 === 9) addBad(`${member},5,${iso(now - 300 * DAY)},${iso(now - DAY)},`, 'expires_at is in the past');
      if (i % 20 === 1) addBad(`${member},5,${iso(now - 400 * DAY)},,`, "earned_at is too old: under the program's expiry rule");
      if (i % 20 === 11) addBad(`${member},5,${iso(now + DAY)},,`, 'earned_at is in the future');
    }
    addBad(`bad member,5,${iso(earnedAt)},,`, 'member_id must be 1-128 characters');
    addBad(`legacy-000,5,${iso(earnedAt)}`, 'has 3 fields, the header has 5');
    writeFileSync(file, `${lines.join('\r\n')}\r\n`);
  });

  afterAll(() => {
    points?.close();
    admin?.close();
  });

  const accountOf = async (member: string) =>
    (await points.GetAccount({ tenant_id: TENANT, member_id: member })).account as unknown as ImportAccount;
  const readReport = (path: string) =>
    JSON.parse(readFileSync(path, 'utf8')) as { batch_id: string; rejected_rows: RejectedRow[]; summary: ImportSummary };
  const cli = (...args: string[]) => runCli(['--tenant', TENANT, '--target', engine.grpcAddr, ...args]);

  it('imports the good rows, rejects the bad ones with line and reason, and exits 1', async () => {
    const report = join(dir, 'report-1.json');
    const run = await cli('--batch-id', 'legacy-2024', '--file', file, '--report', report, '--chunk', '50');
    expect(run.code, run.stderr + run.stdout).toBe(1);

    const { summary, rejected_rows: rejected } = readReport(report);
    expect(summary).toMatchObject({
      rows: goodRows + bad.size,
      imported: goodRows,
      already_imported: 0,
      rejected: bad.size,
      complete: true,
    });
    expect(rejected.map((r) => r.line).sort((x, y) => x - y)).toEqual([...bad.keys()]);
    for (const r of rejected) expect(r.reason, `line ${r.line}`).toContain(bad.get(r.line));
    const tierRow = rejected.find((r) => r.reason.startsWith('tier'));
    expect(tierRow).toMatchObject({
      code: 'INVALID_ARGUMENT',
      row_key: `line:${tierRow?.line}`,
      member_id: expect.stringMatching(/^legacy-/),
    });

    expect(run.stdout).toContain(`${goodRows + bad.size} rows read`);
    expect(run.stdout).toMatch(new RegExp(`imported\\s+${goodRows}\\n`));
    expect(run.stdout).toMatch(new RegExp(`rejected\\s+${bad.size}\\n`));
    expect(run.stdout).toContain(`rejected rows (first 20 of ${bad.size} by line; all in --report):`);
    const firstBad = Math.min(...bad.keys());
    expect(run.stdout).toMatch(new RegExp(`\\n  line ${firstBad} \\(legacy-\\d{3}\\): `));
    expect(run.stdout).toContain(bad.get(firstBad));
    expect(run.stderr).toMatch(/import: [\d,]+ rows \(100% of the file read\)/);
  });

  it('every member has the balance, lots and tier the file gave it, without being enrolled', async () => {
    for (const [member, want] of expected) {
      const account = await accountOf(member);
      expect(account, member).toMatchObject({
        balance: want.points,
        lifetime_earned: want.points,
        seq: 3,
        enrolled: false,
        tier: want.tier,
      });
      expect(
        account.lots.map((l) => ({ points: l.points, expiresAt: msOf(l.expires_at) })),
        member,
      ).toEqual(want.lots);
    }
  });

  it('the import entries name their batch and row', async () => {
    const { entries } = await points.ListEntries({ tenant_id: TENANT, member_id: 'legacy-000', page_size: 10 });
    expect(entries.map((e) => [e.type, e.points, e.reason])).toEqual([
      ['ENTRY_TYPE_IMPORT', 100, 'legacy import legacy-2024 row line:2'],
      ['ENTRY_TYPE_IMPORT', 1, 'legacy import legacy-2024 row line:3'],
      ['ENTRY_TYPE_IMPORT', 7, 'legacy import legacy-2024 row line:4'],
    ]);
  });

  it('a re-run of the same batch id finds every good row already imported and changes no balance', async () => {
    const report = join(dir, 'report-2.json');
    const run = await cli('--batch-id', 'legacy-2024', '--file', file, '--report', report, '--parallel', '2');
    expect(run.code, run.stderr + run.stdout).toBe(1);
    expect(readReport(report).summary).toMatchObject({ imported: 0, already_imported: goodRows, rejected: bad.size });
    for (const [member, want] of expected) expect(await accountOf(member), member).toMatchObject({ balance: want.points, seq: 3 });
  });

  it('a dry run checks a new file against the engine and writes nothing', async () => {
    const jsonl = join(dir, 'more.jsonl');
    const rows = Array.from({ length: 30 }, (_, i) => ({ member_id: `dry-${i}`, points: 10 + i, earned_at: earnedAt }));
    rows.push({ member_id: 'legacy-000', points: 9, earned_at: earnedAt });
    writeFileSync(jsonl, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
    const dry = await cli('--batch-id', 'more-1', '--file', jsonl, '--dry-run');
    expect(dry.code, dry.stderr + dry.stdout).toBe(0);
    expect(dry.stdout).toMatch(/would import\s+31\n/);
    expect(dry.stdout).toContain('(dry run: nothing was written)');
    expect(await codeOf(points.GetAccount({ tenant_id: TENANT, member_id: 'dry-0' }))).toBe(grpc.status.NOT_FOUND);
    expect(await accountOf('legacy-000')).toMatchObject({ balance: expected.get('legacy-000')?.points, seq: 3 });

    // A dry run of the batch already imported reads as already imported; the real run of the new file then imports it.
    const dryAgain = await cli('--batch-id', 'legacy-2024', '--file', file, '--dry-run', '--report', join(dir, 'report-3.json'));
    expect(readReport(join(dir, 'report-3.json')).summary).toMatchObject({ imported: 0, already_imported: goodRows, dry_run: true });
    expect(dryAgain.code).toBe(1);
    const real = await cli('--batch-id', 'more-1', '--file', jsonl);
    expect(real.code, real.stderr + real.stdout).toBe(0);
    expect(await accountOf('dry-29')).toMatchObject({ balance: 39, lots: [{ points: 39, expires_at: expect.anything() }] });
  });

  it('the same batch id and row with another payload is rejected as ALREADY_EXISTS', async () => {
    const changed = join(dir, 'changed.csv');
    const original = readFileSync(file, 'utf8').split('\r\n');
    original[1] = original[1].replace(/^legacy-000,100,/, 'legacy-000,101,');
    writeFileSync(changed, original.slice(0, 3).join('\n'));
    const report = join(dir, 'report-4.json');
    const run = await cli('--batch-id', 'legacy-2024', '--file', changed, '--report', report);
    expect(run.code).toBe(1);
    const { summary, rejected_rows: rejected } = readReport(report);
    expect(summary).toMatchObject({ imported: 0, already_imported: 1, rejected: 1 });
    expect(rejected).toEqual([
      {
        line: 2,
        row_key: 'line:2',
        member_id: 'legacy-000',
        code: 'ALREADY_EXISTS',
        reason: 'idempotency_key "\u00a7import:legacy-2024:line:2" was already used with a different payload',
      },
    ]);
  });

  it('exits 2 on a usage error or a file it cannot read, naming the problem', async () => {
    const noTenant = await runCli(['--batch-id', 'b', '--file', file]);
    expect(noTenant.code).toBe(2);
    expect(noTenant.stderr).toContain('--tenant is required');
    expect(noTenant.stderr).toContain('usage: npm run import');
    const badHeader = join(dir, 'bad-header.csv');
    writeFileSync(badHeader, 'member,points,earned_at\nm-1,1,1709258400000\n');
    const header = await cli('--batch-id', 'b', '--file', badHeader);
    expect(header.code).toBe(2);
    expect(header.stdout).toContain('import stopped:');
    expect(header.stdout).toContain('unknown column "member"');
    const missing = await cli('--batch-id', 'b', '--file', join(dir, 'nope.csv'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read');
  });
});

function runCli(args: string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/import.ts', ...args], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
