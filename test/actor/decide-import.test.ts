// 原有积分导入 in the pure core: decide(importLot) + applyEntry, as a spec. A legacy lot keeps the expiry
// it is given (or gets the program's rule from when it was earned), is spendable at once, may set the
// member's tier, and is refused when it has already expired or names a tier the program lacks.

import { describe, expect, it } from 'vitest';
import { type ImportLotCommand, importKeyOf } from '../../src/actor/commands.js';
import { type LedgerEntry, NEVER_EXPIRES, type TierChange } from '../../src/actor/entries.js';
import { accountViewOf } from '../../src/actor/results.js';
import { type MemberState, applyEntry, emptyState } from '../../src/actor/state.js';
import { lotExpiresAt } from '../../src/rules/expiry.js';
import type { Program } from '../../src/rules/program/program.js';
import { CHINA_TIERS, programFixture } from '../rules/program-fixture.js';
import { MEMBER, MemberTimeline, TENANT, redeemCmd } from './member-fixtures.js';

const DAY = 86_400_000;
/** Asia/Shanghai wall time 'YYYY-MM-DD HH:mm[:ss.sss]' (UTC+8, no DST). */
const at = (wall: string) => Date.parse(`${wall.replace(' ', 'T')}+08:00`);
const NOW = at('2025-06-15 12:00');

const ROLLING: Program = programFixture({
  expiry: { kind: 'rolling', months: 12, days: 0, noticeDays: 0 },
  tiers: { metric: 'spend', window: 'rolling_12_months', validityMonths: 12, levels: CHINA_TIERS },
});
const KEEPS: Program = programFixture({ tiers: ROLLING.tiers });

function importCmd(o: Partial<ImportLotCommand> = {}): ImportLotCommand {
  const batchId = o.batchId ?? 'legacy-1';
  const rowKey = o.rowKey ?? 'line:2';
  return {
    kind: 'importLot',
    tenantId: TENANT,
    memberId: MEMBER,
    idempotencyKey: importKeyOf(batchId, rowKey),
    batchId,
    rowKey,
    points: 500,
    earnedAt: at('2025-01-10 09:00'),
    expiresAt: NEVER_EXPIRES,
    tier: '',
    dryRun: false,
    ...o,
  };
}

describe('importLot accepted', () => {
  const rows: {
    name: string;
    program: Program;
    before?: ImportLotCommand[];
    cmd: ImportLotCommand;
    entry: Partial<LedgerEntry>;
    tierChange?: TierChange;
    account: Record<string, unknown>;
  }[] = [
    {
      name: 'a lot with its own expiry, spendable at once, traced to its batch and row; the member need not be enrolled',
      program: ROLLING,
      cmd: importCmd({ expiresAt: at('2025-07-31 23:59:59.999') }),
      entry: {
        seq: 1,
        type: 'import',
        points: 500,
        balanceAfter: 500,
        idempotencyKey: '\u00a7import:legacy-1:line:2',
        reason: 'legacy import legacy-1 row line:2',
        createdAt: NOW,
        expiresAt: at('2025-07-31 23:59:59.999'),
      },
      account: {
        balance: 500,
        pending: 0,
        lots: [{ points: 500, expiresAt: at('2025-07-31 23:59:59.999'), availableAt: 0 }],
        expiring: [{ points: 500, expiresAt: at('2025-07-31 23:59:59.999') }],
        enrolled: false,
        lifetimeEarned: 500,
        tier: 'normal',
      },
    },
    {
      name: "no expiry given: the program's rule from earned_at (rolling 12 months to the end of that local day)",
      program: ROLLING,
      cmd: importCmd({ earnedAt: at('2025-01-10 23:30') }),
      entry: { expiresAt: at('2026-01-10 23:59:59.999') },
      account: { balance: 500, lots: [{ points: 500, expiresAt: at('2026-01-10 23:59:59.999'), availableAt: 0 }] },
    },
    {
      name: 'no expiry given and a program that keeps points: the lot never expires',
      program: KEEPS,
      cmd: importCmd({ earnedAt: at('2015-01-10 09:00') }),
      entry: { expiresAt: NEVER_EXPIRES },
      account: { balance: 500, lots: [{ points: 500, expiresAt: NEVER_EXPIRES, availableAt: 0 }], expiring: [] },
    },
    {
      name: 'a tier above the first: the member is put on it for one validity period from the import',
      program: ROLLING,
      cmd: importCmd({ tier: 'gold' }),
      entry: { points: 500 },
      tierChange: { from: 'normal', to: 'gold', validUntil: at('2026-06-15 23:59:59.999'), reason: 'upgrade' },
      account: { tier: 'gold', tierName: '金卡', tierValidUntil: at('2026-06-15 23:59:59.999') },
    },
    {
      name: 'a later row with a lower tier moves the member down to it',
      program: ROLLING,
      before: [importCmd({ tier: 'gold', rowKey: 'line:1' })],
      cmd: importCmd({ tier: 'silver', points: 20 }),
      entry: { seq: 2, balanceAfter: 520 },
      tierChange: { from: 'gold', to: 'silver', validUntil: at('2026-06-15 23:59:59.999'), reason: 'downgrade' },
      account: { tier: 'silver', balance: 520 },
    },
    {
      name: 'the tier the member already has changes nothing about it',
      program: ROLLING,
      cmd: importCmd({ tier: 'normal' }),
      entry: { points: 500 },
      tierChange: undefined,
      account: { tier: 'normal', tierValidUntil: 0 },
    },
    {
      name: 'lots of several rows are kept apart by expiry, soonest first',
      program: ROLLING,
      before: [importCmd({ rowKey: 'line:1', points: 100, expiresAt: at('2025-12-31 23:59:59.999') })],
      cmd: importCmd({ points: 40, expiresAt: at('2025-08-31 23:59:59.999') }),
      entry: { seq: 2, points: 40, balanceAfter: 140 },
      account: {
        balance: 140,
        lots: [
          { points: 40, expiresAt: at('2025-08-31 23:59:59.999'), availableAt: 0 },
          { points: 100, expiresAt: at('2025-12-31 23:59:59.999'), availableAt: 0 },
        ],
      },
    },
  ];

  for (const row of rows) {
    it(row.name, () => {
      const member = new MemberTimeline(row.program);
      for (const cmd of row.before ?? []) member.accept(cmd, NOW);
      const entry = member.accept(row.cmd, NOW);
      expect(entry).toMatchObject(row.entry);
      expect(entry.detail?.import).toEqual({ batchId: row.cmd.batchId, rowKey: row.cmd.rowKey, earnedAt: row.cmd.earnedAt });
      if ('tierChange' in row) expect(entry.detail?.tierChange).toEqual(row.tierChange);
      expect(accountViewOf(member.state, row.program, NOW)).toMatchObject(row.account);
      // The fold alone rebuilds the same state from the entries (what activation after a restart does).
      expect(replayed(member.entries)).toEqual(member.state);
    });
  }

  it('imported points are spent like earned ones, soonest-expiring first', () => {
    const member = new MemberTimeline(ROLLING);
    member.accept(importCmd({ rowKey: 'a', points: 100, expiresAt: at('2025-12-31 23:59:59.999') }), NOW);
    member.accept(importCmd({ rowKey: 'b', points: 50, expiresAt: at('2025-07-31 23:59:59.999') }), NOW);
    member.accept(redeemCmd(70), NOW + DAY);
    expect(member.state.lots).toEqual([{ points: 80, expiresAt: at('2025-12-31 23:59:59.999'), availableAt: 0 }]);
  });
});

describe('importLot refused', () => {
  const rows: { name: string; program: Program; before?: ImportLotCommand[]; cmd: ImportLotCommand; field: string; message: string }[] = [
    {
      name: 'earned in the future',
      program: ROLLING,
      cmd: importCmd({ earnedAt: NOW + 1 }),
      field: 'earned_at',
      message: 'earned_at is in the future',
    },
    {
      name: 'an expiry already past: the lot has expired',
      program: ROLLING,
      cmd: importCmd({ expiresAt: NOW - 1 }),
      field: 'expires_at',
      message: `expires_at is in the past: the lot has already expired (${new Date(NOW - 1).toISOString()})`,
    },
    {
      name: "no expiry given, and the program's rule from earned_at has already run out",
      program: ROLLING,
      cmd: importCmd({ earnedAt: at('2024-06-14 09:00') }),
      field: 'earned_at',
      message: `earned_at is too old: under the program's expiry rule the lot has already expired (${new Date(at('2025-06-14 23:59:59.999')).toISOString()})`,
    },
    {
      name: 'an expiry not after earned_at',
      program: ROLLING,
      cmd: importCmd({ earnedAt: at('2025-06-01 00:00'), expiresAt: at('2025-06-01 00:00') }),
      field: 'expires_at',
      message: 'expires_at must be after earned_at',
    },
    {
      name: 'a tier the program does not have',
      program: ROLLING,
      cmd: importCmd({ tier: 'platinum' }),
      field: 'tier',
      message: 'tier is not a tier of the program (normal, silver, gold, diamond)',
    },
    {
      name: 'a balance that would pass 2^53 - 1',
      program: ROLLING,
      before: [importCmd({ rowKey: 'big', points: Number.MAX_SAFE_INTEGER - 10 })],
      cmd: importCmd({ points: 11 }),
      field: 'points',
      message: 'points would take the balance beyond 9007199254740991 (2^53 - 1)',
    },
  ];

  for (const row of rows) {
    it(`${row.name}: InvalidField ${row.field}, nothing changes`, () => {
      const member = new MemberTimeline(row.program);
      for (const cmd of row.before ?? []) member.accept(cmd, NOW);
      const before = structuredClone(member.state);
      const decision = member.attempt(row.cmd, NOW);
      expect(decision).toEqual({ ok: false, rejection: { kind: 'InvalidField', field: row.field, message: row.message } });
      expect(member.state).toEqual(before);
    });
  }

  it('an expiry at this very millisecond is still live (the lot is spendable through it)', () => {
    expect(new MemberTimeline(ROLLING).attempt(importCmd({ expiresAt: NOW }), NOW).ok).toBe(true);
    expect(lotExpiresAt(ROLLING.expiry, at('2024-06-15 09:00'), ROLLING.timeZone)).toBe(at('2025-06-15 23:59:59.999'));
    expect(new MemberTimeline(ROLLING).attempt(importCmd({ earnedAt: at('2024-06-15 09:00') }), NOW).ok).toBe(true);
  });
});

function replayed(entries: LedgerEntry[]): MemberState {
  const state = emptyState(TENANT, MEMBER);
  for (const entry of entries) applyEntry(state, entry);
  return state;
}
