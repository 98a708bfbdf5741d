// ImportLots request → one ImportLotCommand per valid row. Only what concerns the call as a whole
// (tenant, batch id, row count) fails it; a bad row becomes that row's rejection, naming its field.

import { type ImportLotCommand, importKeyOf } from '../actor/commands.js';
import { NEVER_EXPIRES } from '../actor/entries.js';
import { type Rejection, reject } from '../actor/rejections.js';
import type { ImportLotsRequest__Output } from '../contract/generated/jifen/v1/ImportLotsRequest.js';
import type { ImportRow__Output } from '../contract/generated/jifen/v1/ImportRow.js';
import { decodeMemberId, decodeTenant } from './decode.js';
import { RejectionError } from './status.js';
import type { Timestamp } from './wire.js';

export const MAX_IMPORT_ROWS = 1_000;

export type ImportRowMsg = ImportRow__Output;
export type ImportLotsRequestMsg = ImportLotsRequest__Output;

export type DecodedImportRow = { ok: true; command: ImportLotCommand } | { ok: false; rejection: Rejection };

export interface DecodedImport {
  tenantId: string;
  batchId: string;
  dryRun: boolean;
  rows: DecodedImportRow[];
}

const BATCH_ID = /^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,63}$/;
const ROW_KEY = /^[\x20-\x7e]{1,64}$/;
const MAX_TIER_CHARS = 64;

export function decodeImportLots(m: ImportLotsRequestMsg): DecodedImport {
  const tenantId = decodeTenant(m.tenant_id);
  const batchId = m.batch_id ?? '';
  if (batchId === '') throw invalid('batch_id', 'is required');
  if (!BATCH_ID.test(batchId)) {
    throw invalid('batch_id', 'must be 1-64 characters of letters, digits and _ . @ + - (starting with a letter or digit)');
  }
  const rows = m.rows ?? [];
  if (rows.length === 0) throw invalid('rows', 'must not be empty');
  if (rows.length > MAX_IMPORT_ROWS) throw invalid('rows', `must hold at most ${MAX_IMPORT_ROWS} rows per call`);
  const dryRun = m.dry_run === true;
  return { tenantId, batchId, dryRun, rows: rows.map((row) => decodeRow(row, tenantId, batchId, dryRun)) };
}

function decodeRow(row: ImportRowMsg, tenantId: string, batchId: string, dryRun: boolean): DecodedImportRow {
  try {
    const rowKey = row.row_key ?? '';
    if (!ROW_KEY.test(rowKey)) throw invalid('row_key', 'must be 1-64 printable ASCII characters');
    const tier = row.tier ?? '';
    if (tier.length > MAX_TIER_CHARS) throw invalid('tier', `must be at most ${MAX_TIER_CHARS} characters`);
    if (!row.earned_at) throw invalid('earned_at', 'is required');
    const command: ImportLotCommand = {
      kind: 'importLot',
      tenantId,
      memberId: decodeMemberId(row.member_id),
      idempotencyKey: importKeyOf(batchId, rowKey),
      batchId,
      rowKey,
      points: positivePoints(row.points),
      earnedAt: instant(row.earned_at, 'earned_at'),
      expiresAt: row.expires_at ? instant(row.expires_at, 'expires_at') : NEVER_EXPIRES,
      tier,
      dryRun,
    };
    return { ok: true, command };
  } catch (err) {
    if (err instanceof RejectionError) return { ok: false, rejection: err.rejection };
    throw err;
  }
}

function positivePoints(value: number): number {
  if (!Number.isInteger(value)) throw invalid('points', 'must be an integer');
  if (value <= 0) throw invalid('points', 'must be greater than 0');
  if (value > Number.MAX_SAFE_INTEGER) throw invalid('points', `must be at most ${Number.MAX_SAFE_INTEGER} (2^53 - 1)`);
  return value;
}

/** Epoch ms of a timestamp after 1970 (0 is the "not given" of expires_at, so it cannot be a real instant). */
function instant(ts: Timestamp, field: string): number {
  if (!Number.isInteger(ts.seconds) || !Number.isInteger(ts.nanos) || ts.nanos < 0 || ts.nanos > 999_999_999) {
    throw invalid(field, 'is not a valid timestamp');
  }
  const ms = ts.seconds * 1000 + Math.floor(ts.nanos / 1_000_000);
  if (ms <= 0) throw invalid(field, 'must be after 1970-01-01T00:00:00Z');
  if (!Number.isSafeInteger(ms) || ms > MAX_INSTANT_MS) throw invalid(field, 'is beyond the year 9999');
  return ms;
}

/** 9999-12-31T23:59:59.999Z */
const MAX_INSTANT_MS = 253_402_300_799_999;

function invalid(field: string, problem: string): RejectionError {
  return new RejectionError(reject.invalidField(field, problem));
}
