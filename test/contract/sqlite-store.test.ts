// The LedgerStore contract against the embedded SQLite store, in both durability modes.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { type Durability, SqliteLedgerStore } from '../../src/ledger/embedded/sqlite-store.js';
import { ledgerStoreContract } from './ledger-store.contract.js';

const dir = mkdtempSync(join(tmpdir(), 'jifen-sqlite-contract-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

for (const durability of ['fsync', 'os'] as Durability[]) {
  const file = join(dir, durability, 'ledger.db');
  ledgerStoreContract(
    `SqliteLedgerStore (durability ${durability})`,
    async () => new SqliteLedgerStore({ file, durability }),
    async () => rmSync(join(dir, durability), { recursive: true, force: true }),
  );
}
