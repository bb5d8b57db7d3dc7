import { defineConfig } from 'vitest/config';

// The scale-out test (test/replica/): it makes its own PostgreSQL primary and replica and starts gateways as child
// processes, so it runs apart from the suite's shared database.
export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
  test: {
    include: ['test/replica/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 300_000,
    env: { NODE_ENV: 'test' },
  },
});
