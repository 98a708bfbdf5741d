// The legacy import file parser: CSV (header, RFC 4180 quoting, CRLF, fields spanning lines) and
// JSONL, fed through the same readline the CLI streams the file with, so line numbers are the file's.

import { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import {
  type ImportFormat,
  ImportFileError,
  type ParsedRow,
  formatOfPath,
  parseInstant,
  rowParser,
  splitCsvRecord,
} from '../../src/cli/import-rows.js';

const T0 = Date.UTC(2024, 2, 1, 2, 0, 0); // 2024-03-01T10:00:00+08:00
const EXP = Date.UTC(2026, 2, 1, 15, 59, 59, 999); // 2026-03-01T23:59:59.999+08:00

async function parse(text: string, format: ImportFormat, utcOffsetMinutes?: number): Promise<ParsedRow[]> {
  const parser = rowParser(format, { utcOffsetMinutes });
  const out: ParsedRow[] = [];
  let n = 0;
  for await (const line of createInterface({ input: Readable.from([text]), crlfDelay: Number.POSITIVE_INFINITY })) {
    out.push(...parser.push(line, ++n));
  }
  out.push(...parser.end());
  return out;
}

/** A parsed row in one short form: [line, member, points, earnedAt, expiresAt, tier, rowKey] or [line, 'bad', reason]. */
function brief(r: ParsedRow): unknown[] {
  if (!r.ok) return [r.bad.line, 'bad', r.bad.reason];
  const { line, memberId, points, earnedAt, expiresAt, tier, rowKey } = r.row;
  return [line, memberId, points, earnedAt, expiresAt, tier, rowKey];
}

describe('CSV rows', () => {
  const HEADER = 'member_id,points,earned_at,expires_at,tier';
  const cases: { name: string; text: string; offset?: number; expected: unknown[][] }[] = [
    {
      name: 'plain rows with line numbers, optional columns left empty',
      text: `${HEADER}\nm-1,100,2024-03-01T10:00:00+08:00,2026-03-01T23:59:59.999+08:00,gold\nm-2,5,${T0},,\n`,
      expected: [
        [2, 'm-1', 100, T0, EXP, 'gold', 'line:2'],
        [3, 'm-2', 5, T0, undefined, '', 'line:3'],
      ],
    },
    {
      name: 'CRLF line ends, a BOM, columns in another order and case, blank lines skipped but counted',
      text: `\uFEFFPoints,Member_ID,Earned_At\r\n\r\n7,m-1,${T0}\r\n  \r\n8,m-2,${T0}\r\n`,
      expected: [
        [3, 'm-1', 7, T0, undefined, '', 'line:3'],
        [5, 'm-2', 8, T0, undefined, '', 'line:5'],
      ],
    },
    {
      name: 'quoted fields: commas, doubled quotes, spaces around them, a field spanning lines',
      text: `${HEADER}\n"m-1", "100" ,${T0},,"Gold, ""VIP"""\nm-2,3,${T0},,"two\nlines"\nm-3,4,${T0},,\n`,
      expected: [
        [2, 'm-1', 100, T0, undefined, 'Gold, "VIP"', 'line:2'],
        [3, 'm-2', 3, T0, undefined, 'two\nlines', 'line:3'],
        [5, 'm-3', 4, T0, undefined, '', 'line:5'],
      ],
    },
    {
      name: 'a row_id column gives the row key; an empty one falls back to the line',
      text: `member_id,points,earned_at,row_id\nm-1,1,${T0},legacy-42\nm-1,2,${T0},\n`,
      expected: [
        [2, 'm-1', 1, T0, undefined, '', 'id:legacy-42'],
        [3, 'm-1', 2, T0, undefined, '', 'line:3'],
      ],
    },
    {
      name: 'bare dates and times without offset take --utc-offset; a bare expiry date lasts to the end of its day',
      text: `${HEADER}\nm-1,1,2024-03-01 10:00:00,2026-03-01,\n`,
      offset: 8 * 60,
      expected: [[2, 'm-1', 1, T0, EXP, '', 'line:2']],
    },
    {
      name: 'bad rows say why, with their line; good rows around them still parse',
      text: [
        HEADER,
        `m-1,abc,${T0},,`,
        `m-2,0,${T0},,`,
        `m-3,-5,${T0},,`,
        `m-4,1.5,${T0},,`,
        `m-5,9007199254740993,${T0},,`,
        'm-6,1,,,',
        'm-7,1,yesterday,,',
        'm-8,1,2024-03-01T10:00:00,,',
        'm-9,1,1709258400,,',
        `m-10,1,${T0},2024-02-30,`,
        `,1,${T0},,`,
        `m-12,1,${T0}`,
        `"m-13"x,1,${T0},,`,
        `m-14,1,${T0},,`,
      ].join('\n'),
      expected: [
        [2, 'bad', 'points must be a positive integer'],
        [3, 'bad', 'points must be greater than 0'],
        [4, 'bad', 'points must be a positive integer'],
        [5, 'bad', 'points must be a positive integer'],
        [6, 'bad', 'points must be at most 9007199254740991 (2^53 - 1)'],
        [7, 'bad', 'earned_at is required'],
        [8, 'bad', 'earned_at must be epoch milliseconds or an ISO-8601 date-time such as 2024-03-01T10:00:00+08:00'],
        [9, 'bad', 'earned_at has no UTC offset: write Z or +08:00, or pass --utc-offset'],
        [10, 'bad', 'earned_at is too small for epoch milliseconds (epoch seconds?)'],
        [11, 'bad', 'expires_at is not a calendar date'],
        [12, 'bad', 'member_id is required'],
        [13, 'bad', 'has 3 fields, the header has 5'],
        [14, 'bad', 'has a character after a closing quote (field 1)'],
        [15, 'm-14', 1, T0, undefined, '', 'line:15'],
      ],
    },
    {
      name: 'a quoted field never closed is one bad row at its first line',
      text: `${HEADER}\nm-1,1,${T0},,\nm-2,1,${T0},,"open\nm-3,1,${T0},,\n`,
      expected: [
        [2, 'm-1', 1, T0, undefined, '', 'line:2'],
        [3, 'bad', 'has a quoted field that is never closed'],
      ],
    },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      expect((await parse(c.text, 'csv', c.offset)).map(brief)).toEqual(c.expected);
    });
  }

  it('bad rows keep the member id they could read, for the report', async () => {
    const [row] = await parse(`${HEADER}\nm-1,abc,${T0},,\n`, 'csv');
    expect(row).toEqual({ ok: false, bad: { line: 2, memberId: 'm-1', reason: 'points must be a positive integer' } });
  });

  const fileErrors: [string, string, string][] = [
    ['an unknown column', `member_id,points,earned_at,expire_at\n`, 'unknown column "expire_at"'],
    ['a missing required column', `member_id,earned_at\n`, 'the CSV header lacks points'],
    ['a column twice', `member_id,points,earned_at,points\n`, 'column points appears twice'],
    ['no header at all', '\n\n', 'the CSV file has no header row'],
  ];
  for (const [name, text, message] of fileErrors) {
    it(`refuses the whole file for ${name}`, async () => {
      const err = await parse(text, 'csv').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ImportFileError);
      expect((err as Error).message).toContain(message);
    });
  }
});

describe('JSONL rows', () => {
  it('reads one object per line: numbers or strings, null for absent, blank lines skipped', async () => {
    const text = [
      JSON.stringify({ member_id: 'm-1', points: 100, earned_at: T0, expires_at: EXP, tier: 'gold' }),
      '',
      JSON.stringify({ member_id: 'm-2', points: '5', earned_at: '2024-03-01T02:00:00Z', expires_at: null, tier: null, row_id: 7 }),
    ].join('\n');
    expect((await parse(text, 'jsonl')).map(brief)).toEqual([
      [1, 'm-1', 100, T0, EXP, 'gold', 'line:1'],
      [3, 'm-2', 5, T0, undefined, '', 'id:7'],
    ]);
  });

  it('refuses lines that are not objects of known fields, naming the line', async () => {
    const text = [
      '{"member_id":"m-1",',
      '[1,2]',
      '{"member_id":"m-3","points":1,"earned_at":1709258400000,"expire_at":1}',
      '{"member_id":"m-4","points":{"n":1},"earned_at":1709258400000}',
      '{"member_id":"m-5","points":2.5,"earned_at":1709258400000}',
    ].join('\n');
    expect((await parse(text, 'jsonl')).map(brief)).toEqual([
      [1, 'bad', 'is not valid JSON'],
      [2, 'bad', 'is not a JSON object'],
      [3, 'bad', 'has an unknown field "expire_at"'],
      [4, 'bad', 'points must be a string or a number'],
      [5, 'bad', 'points must be a positive integer'],
    ]);
  });
});

describe('instants and records', () => {
  const instants: [string, 'start' | 'end', number | undefined, number | string][] = [
    ['1709258400000', 'start', undefined, T0],
    ['2024-03-01T02:00:00Z', 'start', undefined, T0],
    ['2024-03-01T10:00:00+08:00', 'start', undefined, T0],
    ['2024-03-01T10:00:00+0800', 'start', undefined, T0],
    ['2024-03-01T10:00:00.5+08:00', 'start', undefined, T0 + 500],
    ['2024-02-29', 'start', 0, Date.UTC(2024, 1, 29)],
    ['2024-02-29', 'end', 0, Date.UTC(2024, 2, 1) - 1],
    ['2023-02-29', 'start', 0, 'is not a calendar date'],
    ['2024-03-01T24:00:00Z', 'start', undefined, 'is not a time of day'],
    ['2024-03-01T10:00:00+25:00', 'start', 0, 'has an invalid UTC offset'],
    ['1969-12-31T23:00:00Z', 'start', undefined, 'is before 1970'],
  ];
  for (const [text, bound, offset, expected] of instants) {
    it(`${text} (${bound}${offset === undefined ? '' : `, offset ${offset}`}) → ${expected}`, () => {
      expect(parseInstant(text, bound, offset)).toBe(expected);
    });
  }

  it('splits CSV records by RFC 4180', () => {
    expect(splitCsvRecord('a,"b,c","d""e",,f ')).toEqual(['a', 'b,c', 'd"e', '', 'f']);
    expect(splitCsvRecord('"a')).toBe('has a quoted field that is never closed');
  });

  it('tells the format from the file name', () => {
    expect([formatOfPath('x.CSV'), formatOfPath('a/b.jsonl'), formatOfPath('c.ndjson'), formatOfPath('d.txt')]).toEqual([
      'csv',
      'jsonl',
      'jsonl',
      undefined,
    ]);
  });
});
