// The embedded ledger's stored form of an entry: every entry reads back exactly as its JSON round trip
// would give it (the detail's defined fields, no others), whether its detail went in by position or as
// an object; an earn's row is much shorter than with the detail as an object; rows written by earlier
// versions (detail as an object) read as they are.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { type EntryDetail, type LedgerEntry, emptyDetail } from '../../src/actor/entries.js';
import { compactDetailOf, entryBodyOf, entryOfBody } from '../../src/ledger/embedded/entry-body.js';
import { SqliteLedgerStore } from '../../src/ledger/embedded/sqlite-store.js';

const ref = { tenantId: 't1', memberId: 'm1' };

function entry(detail: EntryDetail | undefined, over: Partial<LedgerEntry> = {}): LedgerEntry {
  const e: LedgerEntry = {
    ...ref,
    seq: 7,
    type: 'earn',
    points: 123,
    balanceAfter: 1_230,
    idempotencyKey: 'k-7',
    orderId: 'o-7',
    reason: '',
    operator: '',
    amountMinor: 12_345,
    createdAt: 1_796_625_486_969,
    expiresAt: 0,
    payloadHash: '1179ffbd935fa9c0',
    ...over,
  };
  if (detail) e.detail = detail;
  return e;
}

function earnDetail(over: Partial<EntryDetail> = {}): EntryDetail {
  return {
    ...emptyDetail(3),
    breakdown: [
      { ruleId: 'base', points: 100 },
      { ruleId: 'tier:gold', points: 23 },
    ],
    dayKey: '2026-12-07',
    monthKey: '2026-12',
    metricMonth: '2026-12',
    metricDelta: 12_345,
    ...over,
  };
}

/** What the entry reads back as through JSON: undefined fields gone, nothing else changed. */
const viaJson = (e: LedgerEntry): LedgerEntry => JSON.parse(JSON.stringify(e));

describe('stored entry body', () => {
  it.each([
    { name: 'no detail (decided without a program)', e: entry(undefined), positional: false },
    { name: 'a bare earn', e: entry(earnDetail({ breakdown: [{ ruleId: 'base', points: 123 }] })), positional: true },
    { name: 'an empty breakdown', e: entry(earnDetail({ breakdown: [] })), positional: true },
    {
      name: 'tier change, pending points and the available balance',
      e: entry(
        earnDetail({
          tierChange: { from: 'silver', to: 'gold', validUntil: 1_828_195_199_999, reason: 'upgrade' },
          pendingPoints: 100,
          availableAt: 1_797_264_000_000,
          availableAfter: 1_130,
        }),
      ),
      positional: true,
    },
    {
      name: "a metric month other than the day's (a refund of last month's order)",
      e: entry(earnDetail({ metricMonth: '2026-11', metricDelta: -5_000 }), { type: 'reverse', points: -50 }),
      positional: true,
    },
    { name: 'no day (months alone)', e: entry(earnDetail({ dayKey: '', monthKey: '2026-12', metricMonth: '' })), positional: true },
    { name: 'no day, no months', e: entry(earnDetail({ dayKey: '', monthKey: '', metricMonth: '' })), positional: true },
    {
      name: 'activity and enrolment',
      e: entry(
        earnDetail({
          activity: { behaviourId: 'b1', activity: 'check_in', targetId: '', streak: 3 },
          enrolment: { birthday: { month: 2, day: 29 }, referrer: 'm9', channel: 'app' },
        }),
        { type: 'activity' },
      ),
      positional: true,
    },
    {
      name: 'the optional parts (referral, hold, transfer, lot, import, risk)',
      e: entry(
        earnDetail({
          referral: { referrerMemberId: 'm9', referredMemberId: 'm1' },
          expiringSoon: { points: 10, expiresAt: 1_800_000_000_000 },
          hold: { holdId: 'h1', points: 40, expiresAt: 1_797_000_000_000, orderId: 'o-9' },
          transfer: { transferId: 'x1', kind: 'partner', counterparty: '', partnerId: 'air', partnerReference: 'r1', partnerUnits: 7 },
          reverseLot: { expiresAt: 1_828_195_199_999, availableAt: 0 },
          import: { batchId: 'b', rowKey: 'r', earnedAt: 1_700_000_000_000 },
          risk: { device: 'd1', payment: 'p1' },
        }),
      ),
      positional: true,
    },
    {
      name: 'a breakdown line with more than a rule and points: kept as an object',
      e: entry(earnDetail({ breakdown: [{ ruleId: 'base', points: 1, note: 'x' } as never] })),
      positional: false,
    },
    {
      name: 'a positional field missing: kept as an object',
      e: entry({ ...earnDetail(), monthKey: undefined } as never),
      positional: false,
    },
  ])('$name', ({ e, positional }) => {
    const text = entryBodyOf(e);
    expect(entryOfBody(ref, e.seq, text)).toStrictEqual(viaJson(e));
    const stored = (JSON.parse(text) as unknown[])[11];
    if (e.detail) expect(Array.isArray(stored)).toBe(positional);
  });

  it("an earn's row is at most 60 % of its length with the detail as an object", () => {
    const e = entry(earnDetail({ breakdown: [{ ruleId: 'base', points: 123 }] }));
    const asObject = JSON.stringify([...(JSON.parse(entryBodyOf(e)) as unknown[]).slice(0, 11), e.detail]);
    expect(entryBodyOf(e).length).toBeLessThanOrEqual(0.6 * asObject.length);
  });

  it('a row written with the detail as an object (earlier versions) reads as it is', () => {
    const e = entry(earnDetail({ tierChange: { from: 'normal', to: 'silver', validUntil: 0, reason: 'upgrade' } }));
    const d = e.detail as EntryDetail;
    const old = JSON.stringify(['earn', 123, 1_230, 'k-7', 'o-7', '', '', 12_345, e.createdAt, 0, e.payloadHash, d]);
    expect(entryOfBody(ref, 7, old)).toStrictEqual(viaJson(e));
  });

  it('compactDetailOf refuses a detail whose fixed fields are not all of their types', () => {
    expect(compactDetailOf({ ...earnDetail(), metricDelta: '5' } as never)).toBeUndefined();
    expect(compactDetailOf({ ...earnDetail(), breakdown: undefined } as never)).toBeUndefined();
    expect(compactDetailOf(earnDetail())).toBeDefined();
  });
});

describe('a ledger file holding rows of both forms', () => {
  it('reads, activates and pages them alike', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jifen-entry-body-'));
    const file = join(dir, 'shard.db');
    try {
      const entries = [1, 2, 3].map((seq) =>
        entry(earnDetail({ metricDelta: seq * 100 }), { seq, idempotencyKey: `k-${seq}`, orderId: `o-${seq}`, balanceAfter: seq * 123 }),
      );
      const store = new SqliteLedgerStore({ file, durability: 'fsync' });
      await store.commit({ entries, orders: [], snapshots: [], outbox: [] });
      await store.close();
      // Seq 2 as an earlier version wrote it: the detail as an object.
      const db = new Database(file);
      const e2 = entries[1];
      const old = [e2.type, e2.points, e2.balanceAfter, e2.idempotencyKey, e2.orderId, e2.reason, e2.operator];
      old.push(e2.amountMinor, e2.createdAt, e2.expiresAt, e2.payloadHash, e2.detail as never);
      db.prepare("UPDATE ledger SET body = ? WHERE rk = 'e000000000000002'").run(JSON.stringify(old));
      expect((db.prepare("SELECT body FROM ledger WHERE rk = 'e000000000000002'").get() as { body: string }).body).toContain(
        '"programVersion"',
      );
      db.close();

      const reopened = new SqliteLedgerStore({ file, durability: 'fsync' });
      const expected = entries.map(viaJson);
      expect(await reopened.listEntries(ref, 0, 10)).toStrictEqual(expected);
      expect((await reopened.loadMembers([ref]))[0].entries).toStrictEqual(expected);
      const found = await reopened.findByIdempotencyKeys(entries.map((e) => ({ ...ref, idempotencyKey: e.idempotencyKey })));
      expect(found).toStrictEqual(expected);
      await reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
