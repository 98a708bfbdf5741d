// The LedgerStore contract against a real Cassandra node: the one the `cassandra` project's global
// setup starts for the run (test/support/cassandra-global-setup.ts), or the cluster named by
// CASSANDRA_CONTACT_POINTS. A fresh keyspace is created by the real migration, every test starts from
// truncated tables, and the keyspace is dropped at the end.
// CASSANDRA_REPLICATION defaults to SimpleStrategy with one replica (a single test node).

import { describe } from 'vitest';
import { CassandraLedgerStore } from '../../src/ledger/cassandra/cassandra-store.js';
import type { LedgerStore } from '../../src/ledger/store.js';
import { migratedKeyspace, truncateLedger } from '../support/cassandra-keyspace.js';
import { cassandraTarget } from '../support/cassandra-server.js';
import { ledgerStoreContract } from './ledger-store.contract.js';

const target = cassandraTarget();

if ('skipped' in target) {
  describe.skip(`Cassandra LedgerStore (skipped: ${target.skipped})`, () => {
    ledgerStoreContract(
      'CassandraLedgerStore',
      async () => {
        throw new Error('unreachable: the suite is skipped');
      },
      async () => {},
    );
  });
} else {
  const { keyspace, admin, settings } = migratedKeyspace(target, 'jifen_contract');

  const open = (): Promise<LedgerStore> => CassandraLedgerStore.open({ ...settings, shard: 0 });

  const cleanup = (): Promise<void> => truncateLedger(admin, keyspace);

  ledgerStoreContract('CassandraLedgerStore', open, cleanup);
}
