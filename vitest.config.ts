import { configDefaults, defineConfig } from 'vitest/config';

// One worker, files in sequence, modules shared: every test file talks to the same migrated database (an in-memory
// PGlite, or the PostgreSQL database named by TEST_DATABASE_URL) instead of racing each other over it.
export default defineConfig({
  // Node loads graphql's CommonJS entry for every package; Vite would pick its "module" build for our own code, and
  // two copies of graphql cannot share a schema. Resolve it the way Node does.
  resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
  test: {
    include: ['test/**/*.test.ts'],
    // The scale-out test makes its own servers: `npm run test:replica`.
    exclude: [...configDefaults.exclude, 'test/replica/**'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    isolate: false,
    setupFiles: ['test/setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 300_000,
    env: {
      NODE_ENV: 'test',
      DATABASE_URL: process.env.TEST_DATABASE_URL ?? '',
      SPENDGRAPH_DATA_DIR: 'memory://',
      // Quotas are tested with apps of their own; the suite's shared app must not run out of calls.
      SPENDGRAPH_QUOTA_ANONYMOUS: '0',
      SPENDGRAPH_QUOTA_KEY: '0',
      REDIS_URL: '',
    },
  },
});
