import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores in CI: e2e files start engine processes of their own, so keep file parallelism modest.
    maxWorkers: 2,
  },
});
