// Child process of sqlite-fold.test.ts: commits batches to an embedded ledger shard and says "acked N"
// after each commit returns (what the engine would acknowledge), then waits to be killed with -9.
// Batch `refuse` (if given) reuses batch 1's idempotency key under a new seq: the store must refuse it.
//
// Usage: node --import tsx sqlite-fold-writer.ts FILE BATCHES FOLD_ROWS DURABILITY [REFUSE]

import { type Durability, SqliteLedgerStore } from '../../src/ledger/embedded/sqlite-store.js';
import { foldEntry } from './sqlite-fold-entry.js';

const [file, batches, foldRows, durability, refuse] = process.argv.slice(2);
const store = new SqliteLedgerStore({ file, durability: durability as Durability, foldRows: Number(foldRows) });

for (let n = 1; n <= Number(batches); n++) {
  const entry = foldEntry(n);
  try {
    await store.commit({
      entries: n === Number(refuse) ? [{ ...foldEntry(1), seq: 2 }] : [entry],
      orders: [
        {
          tenantId: 'acme',
          memberId: entry.memberId,
          orderId: entry.orderId,
          amountMinor: 100,
          points: 10,
          refundedMinor: 0,
          reversedPoints: 0,
        },
      ],
      snapshots: [],
      outbox: [{ id: n, envelope: { batchId: `0-${n}-earned`, tenantId: 'acme', event: 'earned', events: [] } }],
    });
    process.stdout.write(`acked ${n}\n`);
  } catch (err) {
    process.stdout.write(`refused ${n}: ${err instanceof Error ? err.message : String(err)}\n`);
  }
}
process.stdout.write('done\n');
setInterval(() => {}, 60_000);
