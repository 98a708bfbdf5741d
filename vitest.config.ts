import { defineConfig } from 'vitest/config';

// Suites that need a real Cassandra node: their own project, so the node (its global setup) starts
// only in runs that include one of them.
const CASSANDRA_SUITES = ['test/**/cassandra-*.test.ts'];

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
        test: { name: 'cassandra', include: CASSANDRA_SUITES, globalSetup: ['test/support/cassandra-global-setup.ts'] },
      },
    ],
  },
});
