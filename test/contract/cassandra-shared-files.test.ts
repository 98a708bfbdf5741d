// The SharedFiles contract on the real Cassandra node: a keyspace made by the real migration, the
// shared_files table truncated after each test, the keyspace dropped at the end.

import { describe } from 'vitest';
import { CassandraSharedFiles } from '../../src/ledger/cassandra/shared-files.js';
import { migratedKeyspace } from '../support/cassandra-keyspace.js';
import { cassandraTarget } from '../support/cassandra-server.js';
import { sharedFilesContract } from './shared-files.contract.js';

const target = cassandraTarget();

describe.skipIf('skipped' in target)('Cassandra shared files', () => {
  if ('skipped' in target) return;
  const { contactPoints, localDataCenter } = target;
  const { keyspace, admin } = migratedKeyspace(target, 'jifen_files');

  sharedFilesContract(
    'CassandraSharedFiles',
    () => CassandraSharedFiles.open({ contactPoints, localDataCenter, keyspace }),
    async () => {
      await admin.execute(`TRUNCATE ${keyspace}.shared_files`);
    },
  );
});
