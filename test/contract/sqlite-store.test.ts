// The LedgerStore contract against the embedded SQLite store, in both durability modes.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Durability, SqliteLedgerStore } from '../../src/ledger/embedded/sqlite-store.js';
import { ledgerStoreContract } from './ledger-store.contract.js';

const dir = mkdtempSync(join(tmpdir(), 'jifen-sqlite-contract-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// foldRows: the default (a commit every 16,384 rows, so most cases never fold before close), 1 (a
// commit after every batch, through the journal) and 0 (a commit per batch, no journal).
for (const [durability, foldRows] of [
  ['fsync', undefined],
  ['os', undefined],
  ['fsync', 1],
  ['fsync', 0],
] as [Durability, number | undefined][]) {
  const name = `${durability}-${foldRows ?? 'default'}`;
  const file = join(dir, name, 'ledger.db');
  ledgerStoreContract(
    `SqliteLedgerStore (durability ${durability}, fold rows ${foldRows ?? 'default'})`,
    async () => new SqliteLedgerStore({ file, durability, foldRows }),
    async () => rmSync(join(dir, name), { recursive: true, force: true }),
  );
}

describe('SqliteLedgerStore page cache (JIFEN_SQLITE_CACHE_MB)', () => {
  it.each([
    { cacheMb: undefined, kib: 65_536 },
    { cacheMb: 16, kib: 16_384 },
    { cacheMb: 1, kib: 1_024 },
  ])('cacheMb $cacheMb holds the shard to $kib KiB of pages', async ({ cacheMb, kib }) => {
    const store = new SqliteLedgerStore({ file: join(dir, `cache-${cacheMb}`, 'ledger.db'), durability: 'os', cacheMb });
    try {
      // SQLite's own answer: a negative cache_size is a bound in KiB.
      const db = (store as unknown as { db: { pragma(q: string, o: { simple: true }): number } }).db;
      expect(db.pragma('cache_size', { simple: true })).toBe(-kib);
    } finally {
      await store.close();
    }
  });
});
