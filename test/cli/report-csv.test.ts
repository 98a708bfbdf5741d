// npm run report's CSV: one header of the response line's fields, one line per period, maps as
// key=value pairs in key order, and a cell with a comma or a quote quoted as RFC 4180 says.

import { describe, expect, it } from 'vitest';
import { REPORT_COLUMNS, csvOf } from '../../src/cli/report.js';
import type { GetRollForwardResponse__Output } from '../../src/contract/generated/jifen/v1/GetRollForwardResponse.js';

describe('report CSV', () => {
  it('writes the header and one line per period, maps as sorted pairs, odd cells quoted', () => {
    const line = Object.fromEntries(REPORT_COLUMNS.map((c) => [c, 0])) as Record<string, unknown>;
    Object.assign(line, {
      period: '2026-11',
      first_day: '2026-11-01',
      last_day: '2026-11-30',
      opening: 100,
      closing: 150,
      accounts_by_tier: { silver: 2, gold: 1 },
      issued_by_rule: { 'a,b': 5, base: 45 },
    });
    const response = { lines: [line] } as unknown as GetRollForwardResponse__Output;
    const [header, row, end] = csvOf(response).split('\n');
    expect(header.split(',')).toEqual([...REPORT_COLUMNS]);
    const cells = row.match(/("([^"]|"")*"|[^,]*)(,|$)/g)?.map((c) => c.replace(/,$/, '')) ?? [];
    const byColumn = Object.fromEntries(REPORT_COLUMNS.map((c, i) => [c, cells[i]]));
    expect(byColumn).toMatchObject({
      period: '2026-11',
      opening: '100',
      closing: '150',
      accounts_by_tier: 'gold=1;silver=2',
      issued_by_rule: '"a,b=5;base=45"',
    });
    expect(end).toBe('');
  });
});
