import { defineConfig } from 'vitest/config';

/**
 * `npm run test:faults`: the fault suite (test/faults/*.faults.ts), kept out of the default run by its file
 * suffix. One file, one world, scenarios in order; it restarts only its own PostgreSQL and Redis.
 */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.faults.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
