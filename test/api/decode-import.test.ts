// ImportLots request decoding: the call fails only for the tenant, the batch id or the row count;
// every other problem is that row's own InvalidField rejection, and good rows become commands.

import { describe, expect, it } from 'vitest';
import { NEVER_EXPIRES } from '../../src/actor/entries.js';
import { type ImportLotsRequestMsg, type ImportRowMsg, MAX_IMPORT_ROWS, decodeImportLots } from '../../src/api/decode-import.js';
import { RejectionError } from '../../src/api/status.js';

const T0 = 1_709_258_400_000;
const ts = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 });

function rowMsg(o: Partial<ImportRowMsg> = {}): ImportRowMsg {
  return { row_key: 'line:2', member_id: 'm-1', points: 100, earned_at: ts(T0), expires_at: null, tier: '', ...o };
}

function request(o: Partial<ImportLotsRequestMsg> = {}): ImportLotsRequestMsg {
  return { tenant_id: 'acme', batch_id: 'legacy-2024', rows: [rowMsg()], dry_run: false, ...o };
}

describe('decodeImportLots', () => {
  it('turns a good row into an importLot command keyed by batch and row', () => {
    const decoded = decodeImportLots(request({ rows: [rowMsg({ expires_at: ts(T0 + 5_123), tier: 'gold' })], dry_run: true }));
    expect(decoded).toEqual({
      tenantId: 'acme',
      batchId: 'legacy-2024',
      dryRun: true,
      rows: [
        {
          ok: true,
          command: {
            kind: 'importLot',
            tenantId: 'acme',
            memberId: 'm-1',
            idempotencyKey: '\u00a7import:legacy-2024:line:2',
            batchId: 'legacy-2024',
            rowKey: 'line:2',
            points: 100,
            earnedAt: T0,
            expiresAt: T0 + 5_123,
            tier: 'gold',
            dryRun: true,
          },
        },
      ],
    });
    expect(decodeImportLots(request()).rows[0]).toMatchObject({ ok: true, command: { expiresAt: NEVER_EXPIRES, dryRun: false } });
  });

  const callErrors: [string, Partial<ImportLotsRequestMsg>, string][] = [
    ['no tenant', { tenant_id: '' }, 'tenant_id is required'],
    ['a malformed tenant', { tenant_id: 'a b' }, 'tenant_id must be 1-128 characters'],
    ['no batch id', { batch_id: '' }, 'batch_id is required'],
    ['a malformed batch id', { batch_id: 'b:1' }, 'batch_id must be 1-64 characters'],
    ['a batch id of 65 characters', { batch_id: 'b'.repeat(65) }, 'batch_id must be 1-64 characters'],
    ['no rows', { rows: [] }, 'rows must not be empty'],
    ['too many rows', { rows: Array.from({ length: MAX_IMPORT_ROWS + 1 }, () => rowMsg()) }, 'rows must hold at most 1000 rows per call'],
  ];
  for (const [name, o, message] of callErrors) {
    it(`fails the call with INVALID_ARGUMENT for ${name}`, () => {
      let caught: unknown;
      try {
        decodeImportLots(request(o));
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(RejectionError);
      expect((caught as RejectionError).rejection).toMatchObject({ kind: 'InvalidField' });
      expect((caught as RejectionError).message).toContain(message);
    });
  }

  it('accepts exactly 1000 rows', () => {
    expect(decodeImportLots(request({ rows: Array.from({ length: MAX_IMPORT_ROWS }, () => rowMsg()) })).rows).toHaveLength(1000);
  });

  const rowErrors: [string, Partial<ImportRowMsg>, string, string][] = [
    ['no row key', { row_key: '' }, 'row_key', 'row_key must be 1-64 printable ASCII characters'],
    ['a row key with a non-ASCII character', { row_key: '第2行' }, 'row_key', 'row_key must be 1-64 printable ASCII characters'],
    ['no member', { member_id: '' }, 'member_id', 'member_id is required'],
    [
      'a malformed member',
      { member_id: 'm 1' },
      'member_id',
      'member_id must be 1-128 characters of letters, digits and _ . @ + - (starting with a letter or digit)',
    ],
    ['zero points', { points: 0 }, 'points', 'points must be greater than 0'],
    ['negative points', { points: -5 }, 'points', 'points must be greater than 0'],
    ['points above 2^53 - 1', { points: 2 ** 53 }, 'points', 'points must be at most 9007199254740991 (2^53 - 1)'],
    ['no earned_at', { earned_at: null }, 'earned_at', 'earned_at is required'],
    ['earned_at at the epoch', { earned_at: ts(0) }, 'earned_at', 'earned_at must be after 1970-01-01T00:00:00Z'],
    ['a malformed expires_at', { expires_at: { seconds: 1, nanos: 1e9 } }, 'expires_at', 'expires_at is not a valid timestamp'],
    [
      'expires_at past the year 9999',
      { expires_at: { seconds: 253_402_300_800, nanos: 0 } },
      'expires_at',
      'expires_at is beyond the year 9999',
    ],
    ['a tier of 65 characters', { tier: 't'.repeat(65) }, 'tier', 'tier must be at most 64 characters'],
  ];
  for (const [name, o, field, message] of rowErrors) {
    it(`rejects only the row for ${name}, naming ${field}`, () => {
      const decoded = decodeImportLots(request({ rows: [rowMsg(), rowMsg(o), rowMsg({ row_key: 'line:4' })] }));
      expect(decoded.rows.map((r) => r.ok)).toEqual([true, false, true]);
      expect(decoded.rows[1]).toEqual({ ok: false, rejection: { kind: 'InvalidField', field, message } });
    });
  }
});
