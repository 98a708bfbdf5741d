// The rows of a legacy import file, parsed line by line (the file is streamed, never held whole):
// CSV with a header row (RFC 4180 quoting, CRLF, quoted fields spanning lines) or JSONL (one object
// per line). Pure: lines in, rows or bad rows (with their line number and reason) out.

export type ImportFormat = 'csv' | 'jsonl';

/** One lot to import, as the file states it; the engine checks it against the member and the program. */
export interface ImportRow {
  /** 1-based line of the file where the row starts. */
  line: number;
  /** `line:<n>`, or `id:<row_id>` when the file gives its own row ids: the row's idempotency within the batch. */
  rowKey: string;
  memberId: string;
  points: number;
  earnedAt: number;
  /** undefined: the program's expiry rule applies. */
  expiresAt: number | undefined;
  /** '' = leave the member's tier alone. */
  tier: string;
}

export interface BadRow {
  line: number;
  /** Whatever of the member id could be read ('' when none), so the report can name it. */
  memberId: string;
  reason: string;
}

export type ParsedRow = { ok: true; row: ImportRow } | { ok: false; bad: BadRow };

/** The file as a whole cannot be imported (a CSV header without a required column, an unknown column). */
export class ImportFileError extends Error {
  override name = 'ImportFileError';
}

export interface RowParserOptions {
  /** Offset from UTC (minutes) for times written without one and for bare dates; undefined: such times are refused. */
  utcOffsetMinutes?: number;
}

export const COLUMNS = ['member_id', 'points', 'earned_at', 'expires_at', 'tier', 'row_id'] as const;
const REQUIRED: readonly Column[] = ['member_id', 'points', 'earned_at'];
type Column = (typeof COLUMNS)[number];

/** csv or jsonl from the file name (.csv; .jsonl, .ndjson), undefined when it says neither. */
export function formatOfPath(path: string): ImportFormat | undefined {
  const lower = path.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'jsonl';
  return undefined;
}

/** Feed it the file's lines in order (without line breaks), then call end(). */
export interface RowParser {
  push(line: string, lineNumber: number): ParsedRow[];
  end(): ParsedRow[];
}

export function rowParser(format: ImportFormat, options: RowParserOptions = {}): RowParser {
  return format === 'csv' ? csvParser(options) : jsonlParser(options);
}

/** A quoted CSV field may span lines, but not without bound: an unclosed quote would swallow the file. */
export const MAX_LINES_PER_RECORD = 100;

function csvParser(options: RowParserOptions): RowParser {
  let columns: Column[] | undefined;
  let pending: { text: string; line: number; lines: number } | undefined;
  let first = true;

  const record = (text: string, line: number): ParsedRow[] => {
    const fields = splitCsvRecord(text);
    if (typeof fields === 'string') {
      if (!columns) throw new ImportFileError(`the CSV header (line ${line}) ${fields}`);
      return [bad(line, '', fields)];
    }
    if (!columns) {
      columns = headerOf(fields);
      return [];
    }
    const memberId = fields[columns.indexOf('member_id')] ?? '';
    if (fields.length !== columns.length) {
      return [bad(line, memberId, `has ${fields.length} fields, the header has ${columns.length}`)];
    }
    const values: Partial<Record<Column, string>> = {};
    for (let i = 0; i < columns.length; i++) values[columns[i]] = fields[i];
    return [rowOf(values, line, options)];
  };

  return {
    push(raw, lineNumber) {
      let line = raw;
      if (first) {
        first = false;
        if (line.startsWith('\uFEFF')) line = line.slice(1); // spreadsheet exports often start with a BOM
      }
      if (pending) {
        pending.text += `\n${line}`;
        pending.lines++;
      } else {
        if (line.trim() === '') return [];
        pending = { text: line, line: lineNumber, lines: 1 };
      }
      if (insideQuotes(pending.text)) {
        if (pending.lines < MAX_LINES_PER_RECORD) return [];
        const stuck = pending;
        pending = undefined;
        return [bad(stuck.line, '', `has a quoted field not closed within ${MAX_LINES_PER_RECORD} lines`)];
      }
      const done = pending;
      pending = undefined;
      return record(done.text, done.line);
    },
    end() {
      if (pending) {
        const stuck = pending;
        pending = undefined;
        return [bad(stuck.line, '', 'has a quoted field that is never closed')];
      }
      if (!columns) throw new ImportFileError('the CSV file has no header row');
      return [];
    },
  };
}

function jsonlParser(options: RowParserOptions): RowParser {
  let first = true;
  return {
    push(raw, lineNumber) {
      let line = raw;
      if (first) {
        first = false;
        if (line.startsWith('\uFEFF')) line = line.slice(1);
      }
      if (line.trim() === '') return [];
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        return [bad(lineNumber, '', 'is not valid JSON')];
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return [bad(lineNumber, '', 'is not a JSON object')];
      const object = parsed as Record<string, unknown>;
      const memberId = typeof object.member_id === 'string' ? object.member_id : '';
      const values: Partial<Record<Column, string>> = {};
      for (const [key, value] of Object.entries(object)) {
        if (!(COLUMNS as readonly string[]).includes(key))
          return [bad(lineNumber, memberId, `has an unknown field ${JSON.stringify(key)}`)];
        if (value === null) continue;
        if (typeof value === 'number') values[key as Column] = numberText(value);
        else if (typeof value === 'string') values[key as Column] = value;
        else return [bad(lineNumber, memberId, `${key} must be a string or a number`)];
      }
      return [rowOf(values, lineNumber, options)];
    },
    end: () => [],
  };
}

/** Integers as their digits (never 1e+21); anything else as written, for the checks to refuse. */
function numberText(value: number): string {
  return Number.isSafeInteger(value) ? value.toFixed(0) : String(value);
}

function headerOf(fields: string[]): Column[] {
  const names = fields.map((f) => f.trim().toLowerCase());
  const seen = new Set<string>();
  for (const name of names) {
    if (!(COLUMNS as readonly string[]).includes(name)) {
      throw new ImportFileError(`unknown column ${JSON.stringify(name)} in the CSV header (columns: ${COLUMNS.join(', ')})`);
    }
    if (seen.has(name)) throw new ImportFileError(`column ${name} appears twice in the CSV header`);
    seen.add(name);
  }
  const missing = REQUIRED.filter((c) => !seen.has(c));
  if (missing.length > 0) throw new ImportFileError(`the CSV header lacks ${missing.join(', ')}`);
  return names as Column[];
}

/** The row's checks that need neither the member nor the program; the engine does the rest. */
function rowOf(values: Partial<Record<Column, string>>, line: number, options: RowParserOptions): ParsedRow {
  const memberId = (values.member_id ?? '').trim();
  if (memberId === '') return bad(line, '', 'member_id is required');
  const pointsText = (values.points ?? '').trim();
  if (!/^[0-9]+$/.test(pointsText)) return bad(line, memberId, 'points must be a positive integer');
  const points = Number(pointsText);
  if (points === 0) return bad(line, memberId, 'points must be greater than 0');
  if (!Number.isSafeInteger(points)) return bad(line, memberId, `points must be at most ${Number.MAX_SAFE_INTEGER} (2^53 - 1)`);
  const earnedText = (values.earned_at ?? '').trim();
  if (earnedText === '') return bad(line, memberId, 'earned_at is required');
  const earnedAt = parseInstant(earnedText, 'start', options.utcOffsetMinutes);
  if (typeof earnedAt === 'string') return bad(line, memberId, `earned_at ${earnedAt}`);
  const expiresText = (values.expires_at ?? '').trim();
  let expiresAt: number | undefined;
  if (expiresText !== '') {
    const parsed = parseInstant(expiresText, 'end', options.utcOffsetMinutes);
    if (typeof parsed === 'string') return bad(line, memberId, `expires_at ${parsed}`);
    expiresAt = parsed;
  }
  const rowId = (values.row_id ?? '').trim();
  if (rowId !== '' && !/^[\x20-\x7e]{1,61}$/.test(rowId)) return bad(line, memberId, 'row_id must be 1-61 printable ASCII characters');
  return {
    ok: true,
    row: {
      line,
      rowKey: rowId === '' ? `line:${line}` : `id:${rowId}`,
      memberId,
      points,
      earnedAt,
      expiresAt,
      tier: (values.tier ?? '').trim(),
    },
  };
}

/** Epoch ms below this (3 March 1973) are almost surely epoch seconds written by mistake. */
const MIN_EPOCH_MS = 100_000_000_000;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Epoch milliseconds, or ISO-8601 (`2024-03-01T10:00:00+08:00`, `2024-03-01 10:00Z`, `2024-03-01`).
 * A bare date is the start of that day (`start`, for earned_at) or its last millisecond (`end`, for
 * expires_at: the lot is valid through that day). Returns the instant, or why the text is not one.
 */
export function parseInstant(text: string, bound: 'start' | 'end', defaultOffsetMinutes?: number): number | string {
  if (/^[0-9]+$/.test(text)) {
    const ms = Number(text);
    if (!Number.isSafeInteger(ms)) return 'is too large for epoch milliseconds';
    if (ms < MIN_EPOCH_MS) return 'is too small for epoch milliseconds (epoch seconds?)';
    return ms;
  }
  const m = ISO.exec(text);
  if (!m) return 'must be epoch milliseconds or an ISO-8601 date-time such as 2024-03-01T10:00:00+08:00';
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dateOnly = m[4] === undefined;
  const hour = dateOnly ? 0 : Number(m[4]);
  const minute = dateOnly ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const milli = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0').slice(0, 3));
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return 'is not a calendar date';
  if (hour > 23 || minute > 59 || second > 59) return 'is not a time of day';
  if (year < 1970) return 'is before 1970';
  const offset = m[8] === undefined ? defaultOffsetMinutes : offsetMinutesOf(m[8]);
  if (offset === undefined) {
    return m[8] === undefined ? 'has no UTC offset: write Z or +08:00, or pass --utc-offset' : 'has an invalid UTC offset';
  }
  const local =
    dateOnly && bound === 'end' ? Date.UTC(year, month - 1, day + 1) - 1 : Date.UTC(year, month - 1, day, hour, minute, second, milli);
  return local - offset * 60_000;
}

/** `Z`, `+08:00`, `+0800`, `-05:30` → minutes east of UTC. */
export function offsetMinutesOf(text: string): number | undefined {
  if (text.toUpperCase() === 'Z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(text);
  if (!m) return undefined;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  if (Number(m[2]) > 14 || Number(m[3]) > 59) return undefined;
  return m[1] === '-' ? -minutes : minutes;
}

/**
 * Fields of one CSV record (RFC 4180: `""` inside quotes is a quote; unquoted fields are trimmed).
 * Returns a reason instead when the record is malformed.
 */
export function splitCsvRecord(text: string): string[] | string {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (text[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const quote = text.indexOf('"', i);
        if (quote === -1) return 'has a quoted field that is never closed';
        value += text.slice(i, quote);
        if (text[quote + 1] === '"') {
          value += '"';
          i = quote + 2;
          continue;
        }
        i = quote + 1;
        break;
      }
      while (text[i] === ' ' || text[i] === '\t') i++;
      fields.push(value);
      if (i === text.length) return fields;
      if (text[i] !== ',') return `has a character after a closing quote (field ${fields.length})`;
      i++;
    } else {
      const comma = text.indexOf(',', i);
      const end = comma === -1 ? text.length : comma;
      fields.push(text.slice(i, end).trim());
      if (comma === -1) return fields;
      i = comma + 1;
    }
  }
}

/** Whether a record ends inside a quoted field (its next line belongs to it). Quotes only open at a field's start. */
function insideQuotes(text: string): boolean {
  let inside = false;
  let fieldStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inside) {
      if (c === '"') {
        if (text[i + 1] === '"') i++;
        else inside = false;
      }
    } else if (c === ',') {
      fieldStart = true;
    } else if (c === '"' && fieldStart) {
      inside = true;
      fieldStart = false;
    } else if (c !== ' ' && c !== '\t') {
      fieldStart = false;
    }
  }
  return inside;
}

function bad(line: number, memberId: string, reason: string): ParsedRow {
  return { ok: false, bad: { line, memberId, reason } };
}
