// `npm run audit -- [--tenant acme] [--grace-seconds 600] [--repair-cache] [--json] [--target 127.0.0.1:50051]`:
// 积分审计 through AdminService.AuditLedger — every member's ledger replayed by its shard, the engine's
// state and the cache's copy compared, the roll-forward tied out. Prints the mismatches.
// Exit 0 nothing disagrees, 1 mismatches found, 2 usage or the engine refused or could not be reached.

import type { AuditLedgerResponse__Output } from '../contract/generated/jifen/v1/AuditLedgerResponse.js';
import { callAdmin, flagsOf } from './admin-call.js';

async function main(): Promise<number> {
  const flags = flagsOf(process.argv.slice(2));
  const response = await callAdmin<AuditLedgerResponse__Output>(
    flags.get('target') ?? '127.0.0.1:50051',
    'AuditLedger',
    {
      tenant_id: flags.get('tenant') ?? '',
      grace_seconds: Number(flags.get('grace-seconds') ?? 0),
      repair_cache: flags.has('repair-cache'),
      max_mismatches: 1000,
    },
    30 * 60_000,
  );
  if (flags.has('json')) process.stdout.write(`${JSON.stringify(response, null, 2)}\n`);
  else {
    console.log(`audited ${response.checked} member ledgers: ${response.ok ? 'no mismatch' : 'MISMATCHES FOUND'}`);
    for (const [kind, count] of Object.entries(response.mismatch_counts)) console.log(`  ${kind}: ${count}`);
    for (const m of response.mismatches) console.log(`${m.kind}\t${m.tenant_id}\t${m.member_id}\t${m.message}`);
    for (const t of response.tie_out) {
      console.log(
        `tenant ${t.tenant_id}: ${t.members} members, outstanding ${t.outstanding} (roll-forward ${t.roll_forward_closing}), ` +
          `under review ${t.under_review} (roll-forward ${t.roll_forward_under_review})`,
      );
    }
    if (response.repaired > 0) console.log(`cache copies rewritten: ${response.repaired}`);
  }
  return response.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`audit: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
