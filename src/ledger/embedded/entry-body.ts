// How the embedded ledger stores an entry: one JSON array per row, its key fields (tenant, member,
// seq) in the row's primary key. The entry's detail, most of an earn's bytes when written as an
// object, is stored as an array: its always-present fields in a fixed order (the breakdown flattened,
// each month as 0 where it is the day's month), then whatever else it holds as an object. Under random
// members an earn's bytes are what its write costs (fuller pages, page writes, the redo journal):
// the stored earn is about half as long. Rows written with the detail as an object read as they are.

import type { BreakdownLine, EntryDetail, EntryType, LedgerEntry } from '../../actor/entries.js';
import type { MemberRef } from '../store.js';

/** The detail's fields every entry decided under a program has, stored by position. */
type CompactDetail = [
  programVersion: number,
  /** ruleId, points, ruleId, points, … */
  breakdown: (string | number)[],
  pendingPoints: number,
  availableAt: number,
  dayKey: string,
  /** 0: the month of dayKey. */
  monthKey: string | 0,
  /** 0: the month of dayKey. */
  metricMonth: string | 0,
  metricDelta: number,
  /** The detail's other defined fields, as they are (absent: none). */
  rest?: Record<string, unknown>,
];

/** Entry fields in body order; the detail compact, or an object (written so by earlier versions, or not compactable). */
type EntryBody = [
  type: EntryType,
  points: number,
  balanceAfter: number,
  idempotencyKey: string,
  orderId: string,
  reason: string,
  operator: string,
  amountMinor: number,
  createdAt: number,
  expiresAt: number,
  payloadHash: string,
  detail?: CompactDetail | EntryDetail,
];

const POSITIONAL = new Set([
  'programVersion',
  'breakdown',
  'pendingPoints',
  'availableAt',
  'dayKey',
  'monthKey',
  'metricMonth',
  'metricDelta',
]);

/** The stored text of an entry's row. */
export function entryBodyOf(e: LedgerEntry): string {
  const body = entryFieldsOf(e);
  if (e.detail) body.push(compactDetailOf(e.detail) ?? e.detail);
  return JSON.stringify(body);
}

/** The entry's fields in body order, without its detail. */
export function entryFieldsOf(e: LedgerEntry): EntryBody {
  return [
    e.type,
    e.points,
    e.balanceAfter,
    e.idempotencyKey,
    e.orderId,
    e.reason,
    e.operator,
    e.amountMinor,
    e.createdAt,
    e.expiresAt,
    e.payloadHash,
  ];
}

/** The entry a row holds: the member's ref, the row's seq and its stored text. */
export function entryOfBody(ref: MemberRef, seq: number, text: string): LedgerEntry {
  const [type, points, balanceAfter, idempotencyKey, orderId, reason, operator, amountMinor, createdAt, expiresAt, payloadHash, detail] =
    JSON.parse(text) as EntryBody;
  const entry: LedgerEntry = {
    tenantId: ref.tenantId,
    memberId: ref.memberId,
    seq,
    type,
    points,
    balanceAfter,
    idempotencyKey,
    orderId,
    reason,
    operator,
    amountMinor,
    createdAt,
    expiresAt,
    payloadHash,
  };
  if (detail) entry.detail = Array.isArray(detail) ? detailOfCompact(detail) : detail;
  return entry;
}

/**
 * The detail by position, or undefined where it is not of the shape that reads back the same (a
 * positional field missing or of another type, a breakdown line with more than a rule and points):
 * such a detail is stored as an object.
 */
export function compactDetailOf(d: EntryDetail): CompactDetail | undefined {
  const { programVersion, breakdown, pendingPoints, availableAt, dayKey, monthKey, metricMonth, metricDelta } = d;
  if (
    typeof programVersion !== 'number' ||
    !Array.isArray(breakdown) ||
    typeof pendingPoints !== 'number' ||
    typeof availableAt !== 'number' ||
    typeof dayKey !== 'string' ||
    typeof monthKey !== 'string' ||
    typeof metricMonth !== 'string' ||
    typeof metricDelta !== 'number'
  )
    return undefined;
  const lines: (string | number)[] = [];
  for (const line of breakdown) {
    if (typeof line?.ruleId !== 'string' || typeof line.points !== 'number' || Object.keys(line).length !== 2) return undefined;
    lines.push(line.ruleId, line.points);
  }
  const month = dayKey.slice(0, 7);
  const compact: CompactDetail = [
    programVersion,
    lines,
    pendingPoints,
    availableAt,
    dayKey,
    monthKey === month ? 0 : monthKey,
    metricMonth === month ? 0 : metricMonth,
    metricDelta,
  ];
  let rest: Record<string, unknown> | undefined;
  for (const key of Object.keys(d)) {
    const value = (d as unknown as Record<string, unknown>)[key];
    if (value === undefined || POSITIONAL.has(key)) continue;
    rest ??= {};
    rest[key] = value;
  }
  if (rest) compact.push(rest);
  return compact;
}

function detailOfCompact(stored: CompactDetail): EntryDetail {
  const [programVersion, lines, pendingPoints, availableAt, dayKey, monthKey, metricMonth, metricDelta, rest] = stored;
  const breakdown: BreakdownLine[] = [];
  for (let i = 0; i < lines.length; i += 2) breakdown.push({ ruleId: lines[i] as string, points: lines[i + 1] as number });
  const month = dayKey.slice(0, 7);
  // As the object form reads: the fields that were defined, no others (tierChange and the like absent when unset).
  return {
    programVersion,
    breakdown,
    pendingPoints,
    availableAt,
    dayKey,
    monthKey: monthKey === 0 ? month : monthKey,
    metricMonth: metricMonth === 0 ? month : metricMonth,
    metricDelta,
    ...rest,
  } as EntryDetail;
}
