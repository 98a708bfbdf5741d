// The SharedFiles contract on the real Cassandra node: a keyspace made by the real migration, the
// shared_files table truncated after each test, the keyspace dropped at the end.

import { randomBytes } from 'node:crypto';
import { Client } from 'cassandra-driver';
import { afterAll, beforeAll, describe } from 'vitest';
import { migrateLedger } from '../../src/cli/migrate.js';
import { CassandraSharedFiles } from '../../src/ledger/cassandra/shared-files.js';
import { cassandraTarget } from '../support/cassandra-server.js';
import { sharedFilesContract } from './shared-files.contract.js';

const target = cassandraTarget();

describe.skipIf('skipped' in target)('Cassandra shared files', () => {
  if ('skipped' in target) return;
  const { contactPoints, localDataCenter } = target;
  const keyspace = `jifen_files_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ contactPoints, localDataCenter });

  beforeAll(async () => {
    await admin.connect();
    await migrateLedger({ contactPoints, localDataCenter, keyspace, replication: "{'class':'SimpleStrategy','replication_factor':1}" });
  }, 180_000);
  afterAll(async () => {
    await admin.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
    await admin.shutdown();
  }, 120_000);

  sharedFilesContract(
    'CassandraSharedFiles',
    () => CassandraSharedFiles.open({ contactPoints, localDataCenter, keyspace }),
    async () => {
      await admin.execute(`TRUNCATE ${keyspace}.shared_files`);
    },
  );
});
