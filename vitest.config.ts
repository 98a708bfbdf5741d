import { defineConfig } from 'vitest/config';

// Suites that need a real Cassandra node: their own project, so the node (its global setup) starts
// only in runs that include one of them.
const CASSANDRA_SUITES = ['test/**/cassandra-*.test.ts'];
// End-to-end files that run twice: on the embedded defaults (project main) and again with every
// engine on the Cassandra ledger, Redis and NATS (project cassandra, test/support/cassandra-engines.ts).
const ON_CASSANDRA_TOO = ['test/e2e/points-api.test.ts', 'test/e2e/crash.test.ts', 'test/e2e/transfers.test.ts', 'test/e2e/import.test.ts', 'test/e2e/flash-sale.test.ts', 'test/e2e/programs.test.ts', 'test/e2e/holds.test.ts', 'test/e2e/cassandra-ledger-faults.test.ts'];

export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores in CI: e2e files start engine processes of their own, so keep file parallelism modest.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'main', include: ['test/**/*.test.ts'], exclude: CASSANDRA_SUITES } },
      {
        extends: true,
        test: {
          name: 'cassandra',
          // The node's JVM shares the two cores with the engines: the same steps take longer here.
          testTimeout: 300_000,
          hookTimeout: 300_000,
          include: [...CASSANDRA_SUITES, ...ON_CASSANDRA_TOO],
          globalSetup: ['test/support/cassandra-global-setup.ts'],
          setupFiles: ['test/support/cassandra-engines.ts'],
        },
      },
    ],
  },
});
