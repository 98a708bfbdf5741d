// `npm run report -- --tenant acme --from 2026-11-01 --to 2026-11-30 [--granularity day|month]
// [--point-value-fen 1] [--breakage-bp 2000] [--out report.csv] [--target 127.0.0.1:50051]`:
// the points roll-forward (AdminService.GetRollForward) as CSV, one line per period.
// Exit 0 written, 2 usage or the engine refused or could not be reached.

import { writeFileSync } from 'node:fs';
import type { GetRollForwardResponse__Output } from '../contract/generated/jifen/v1/GetRollForwardResponse.js';
import { callAdmin, flagsOf } from './admin-call.js';

/** CSV columns: the response line's fields in this order; maps as `key=value;…`. */
export const REPORT_COLUMNS = [
  'period',
  'first_day',
  'last_day',
  'opening',
  'issued_orders',
  'issued_campaigns_and_bonuses',
  'issued_behaviours',
  'issued_referrals',
  'issued_imports',
  'issued_transfers_in',
  'issued_review_approvals',
  'issued',
  'reversed',
  'redeemed_mall',
  'redeemed_holds',
  'redeemed',
  'expired',
  'transferred_out',
  'adjustments',
  'closing',
  'pending',
  'held',
  'under_review',
  'expiring_30_days',
  'expiring_60_days',
  'expiring_90_days',
  'accounts',
  'active_members',
  'accounts_by_tier',
  'issued_by_rule',
  'redemption_rate_bp',
  'gross_liability_fen',
  'net_liability_fen',
] as const;

export function csvOf(response: GetRollForwardResponse__Output): string {
  const lines = [REPORT_COLUMNS.join(',')];
  for (const line of response.lines) {
    const record = line as unknown as Record<string, unknown>;
    lines.push(REPORT_COLUMNS.map((c) => csvCell(record[c])).join(','));
  }
  return `${lines.join('\n')}\n`;
}

function csvCell(value: unknown): string {
  const text =
    value !== null && typeof value === 'object'
      ? Object.entries(value as Record<string, unknown>)
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([k, v]) => `${k}=${v}`)
          .join(';')
      : String(value ?? '');
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

async function main(): Promise<number> {
  const flags = flagsOf(process.argv.slice(2));
  const tenant = flags.get('tenant');
  const from = flags.get('from');
  const to = flags.get('to') ?? from;
  if (!tenant || !from) {
    console.error(
      'usage: npm run report -- --tenant <id> --from YYYY-MM-DD [--to YYYY-MM-DD] [--granularity day|month] [--point-value-fen N] [--breakage-bp N] [--out file.csv] [--target host:port]',
    );
    return 2;
  }
  const response = await callAdmin<GetRollForwardResponse__Output>(
    flags.get('target') ?? '127.0.0.1:50051',
    'GetRollForward',
    {
      tenant_id: tenant,
      from_day: from,
      to_day: to,
      granularity: flags.get('granularity') === 'month' ? 'REPORT_GRANULARITY_MONTH' : 'REPORT_GRANULARITY_DAY',
      point_value_fen: Number(flags.get('point-value-fen') ?? 0),
      expected_breakage_bp: Number(flags.get('breakage-bp') ?? 0),
    },
    60_000,
  );
  const csv = csvOf(response);
  const out = flags.get('out');
  if (out) writeFileSync(out, csv);
  else process.stdout.write(csv);
  console.error(
    `roll-forward of ${response.tenant_id} (${response.time_zone}), ${response.lines.length} periods from ${response.rows_read} rows; ` +
      `value ${response.point_value_fen} fen/point, breakage ${response.expected_breakage_bp} bp`,
  );
  return 0;
}

if (process.argv[1]?.endsWith('report.ts') || process.argv[1]?.endsWith('report.js')) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error(`report: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(2);
    },
  );
}
