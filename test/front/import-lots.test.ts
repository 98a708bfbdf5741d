// Legacy import through ShardCore over a real SQLite ledger (temp dir, injected clock, no threads):
// a re-run of a batch is answered from the ledger (replayed), the same row with another payload is
// IdempotencyConflict, a dry run writes nothing, and what an import wrote survives a restart and
// lapses through housekeeping like any lot.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ImportLotCommand, type ShardOp, importKeyOf } from '../../src/actor/commands.js';
import { NEVER_EXPIRES } from '../../src/actor/entries.js';
import type { AccountView, OpResult, WriteResult } from '../../src/actor/results.js';
import { ProgramBook } from '../../src/shard/program-book.js';
import { ShardCore, settleBatch } from '../../src/shard/shard-core.js';
import { SqliteLedgerStore } from '../../src/ledger/embedded/sqlite-store.js';
import type { LedgerStore } from '../../src/ledger/store.js';
import { TENANT } from '../actor/member-fixtures.js';
import { CHINA_TIERS, programFixture } from '../rules/program-fixture.js';

const at = (wall: string) => Date.parse(`${wall.replace(' ', 'T')}+08:00`);
const NOW = at('2025-06-15 12:00');
const PROGRAM = programFixture({
  expiry: { kind: 'rolling', months: 12, days: 0, noticeDays: 0 },
  tiers: { metric: 'spend', window: 'rolling_12_months', validityMonths: 12, levels: CHINA_TIERS },
});
const JULY_END = at('2025-07-31 23:59:59.999');

let dir: string;
let open: { core: ShardCore; store: LedgerStore }[];
let clock: number;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'jifen-import-'));
  open = [];
  clock = NOW;
});

afterEach(async () => {
  for (const { core } of open) await core.close();
  rmSync(dir, { recursive: true, force: true });
});

async function startCore() {
  const store = new SqliteLedgerStore({ file: join(dir, 'shard-0000.db'), durability: 'os' });
  const core = await ShardCore.open(store, {
    actorCapacity: 1_000,
    snapshotEvery: 100,
    clock: () => clock,
    shard: 0,
    ledgerId: 'test',
    programs: new ProgramBook([PROGRAM]),
  });
  open.push({ core, store });
  return { core, store };
}

async function restart(core: ShardCore) {
  await core.close();
  open = open.filter((o) => o.core !== core);
  return startCore();
}

function row(memberId: string, rowKey: string, o: Partial<ImportLotCommand> = {}): ImportLotCommand {
  return {
    kind: 'importLot',
    tenantId: TENANT,
    memberId,
    idempotencyKey: importKeyOf('b-1', rowKey),
    batchId: 'b-1',
    rowKey,
    points: 100,
    earnedAt: at('2025-01-10 09:00'),
    expiresAt: NEVER_EXPIRES,
    tier: '',
    dryRun: false,
    ...o,
  };
}

const FILE = [
  row('alice', 'line:2', { points: 300, expiresAt: JULY_END, tier: 'gold' }),
  row('alice', 'line:3', { points: 200 }),
  row('bob', 'line:4', { points: 50 }),
  row('carol', 'line:5', { tier: 'platinum' }),
];

/** imported / replayed / the rejection kind, per row. */
function outcomes(results: OpResult[]): string[] {
  return results.map((r) => (r.ok ? (r.replayed ? 'replayed' : 'imported') : r.rejection.kind));
}

async function accountOf(core: ShardCore, memberId: string): Promise<OpResult> {
  return (await core.applyBatch([{ kind: 'getAccount', tenantId: TENANT, memberId }])).results[0];
}

function view(r: OpResult): AccountView {
  if (!r.ok) throw new Error(`${r.rejection.kind}: ${r.rejection.message}`);
  return r.value as AccountView;
}

describe('importing lots through a shard', () => {
  it('a re-run of the batch is answered from the ledger with the first entries, writing nothing, also after a restart', async () => {
    const first = await startCore();
    const run1 = (await first.core.applyBatch(FILE)).results;
    expect(outcomes(run1)).toEqual(['imported', 'imported', 'imported', 'InvalidField']);
    const again = (await first.core.applyBatch(FILE)).results;
    expect(outcomes(again)).toEqual(['replayed', 'replayed', 'replayed', 'InvalidField']);
    expect(again.slice(0, 3).map((r) => (r.ok ? (r.value as WriteResult).entryId : ''))).toEqual([
      `${TENANT}:alice:1`,
      `${TENANT}:alice:2`,
      `${TENANT}:bob:1`,
    ]);

    const { core } = await restart(first.core);
    expect(outcomes((await core.applyBatch(FILE)).results)).toEqual(['replayed', 'replayed', 'replayed', 'InvalidField']);
    expect(view(await accountOf(core, 'alice'))).toMatchObject({ balance: 500, seq: 2, tier: 'gold' });
    expect(view(await accountOf(core, 'bob'))).toMatchObject({ balance: 50, seq: 1 });
  });

  it('the same batch row with another payload is IdempotencyConflict and changes nothing', async () => {
    const { core } = await startCore();
    await core.applyBatch(FILE);
    const changed = [
      row('alice', 'line:2', { points: 301, expiresAt: JULY_END, tier: 'gold' }),
      row('bob', 'line:4', { points: 50, tier: 'silver' }),
    ];
    expect(outcomes((await core.applyBatch(changed)).results)).toEqual(['IdempotencyConflict', 'IdempotencyConflict']);
    // The same row key under another batch id is another row.
    const otherBatch = row('bob', 'line:4', { batchId: 'b-2', idempotencyKey: importKeyOf('b-2', 'line:4'), points: 7 });
    expect(outcomes((await core.applyBatch([otherBatch])).results)).toEqual(['imported']);
    expect(view(await accountOf(core, 'alice'))).toMatchObject({ balance: 500, seq: 2 });
    expect(view(await accountOf(core, 'bob'))).toMatchObject({ balance: 57, seq: 2 });
  });

  it('a dry run decides every row against the member but writes nothing; rows imported before read as such', async () => {
    const { core, store } = await startCore();
    const dry = (ops: ImportLotCommand[]) => ops.map((op) => ({ ...op, dryRun: true }));
    expect(outcomes((await core.applyBatch(dry(FILE))).results)).toEqual(['imported', 'imported', 'imported', 'InvalidField']);
    expect((await accountOf(core, 'alice')).ok).toBe(false);
    expect(await store.listEntries({ tenantId: TENANT, memberId: 'alice' }, 0, 10)).toEqual([]);

    await core.applyBatch(FILE.slice(0, 1));
    const next: ShardOp[] = dry([...FILE, row('alice', 'line:2', { points: 1 })]);
    expect(outcomes((await core.applyBatch(next)).results)).toEqual([
      'replayed',
      'imported',
      'imported',
      'InvalidField',
      'IdempotencyConflict',
    ]);
    expect(view(await accountOf(core, 'alice'))).toMatchObject({ balance: 300, seq: 1 });
    expect((await accountOf(core, 'bob')).ok).toBe(false);
  });

  it('the import detail, lot expiry and tier survive a restart, and the lot lapses through housekeeping', async () => {
    const first = await startCore();
    await first.core.applyBatch(FILE);
    const { core, store } = await restart(first.core);
    const [entry] = await store.listEntries({ tenantId: TENANT, memberId: 'alice' }, 0, 1);
    expect(entry).toMatchObject({ type: 'import', points: 300, expiresAt: JULY_END, reason: 'legacy import b-1 row line:2' });
    expect(entry.detail?.import).toEqual({ batchId: 'b-1', rowKey: 'line:2', earnedAt: at('2025-01-10 09:00') });
    expect(entry.detail?.tierChange).toMatchObject({ from: 'normal', to: 'gold' });
    expect(view(await accountOf(core, 'alice')).lots).toEqual([
      { points: 300, expiresAt: JULY_END, availableAt: 0 },
      { points: 200, expiresAt: at('2026-01-10 23:59:59.999'), availableAt: 0 },
    ]);

    clock = JULY_END + 1;
    const staged = await core.stageHousekeeping(clock);
    expect(staged).toBeDefined();
    await settleBatch(staged as NonNullable<typeof staged>);
    const after = view(await accountOf(core, 'alice'));
    expect(after).toMatchObject({ balance: 200, seq: 3 });
    expect((await store.listEntries({ tenantId: TENANT, memberId: 'alice' }, 2, 1))[0]).toMatchObject({ type: 'expire', points: -300 });
  });
});
