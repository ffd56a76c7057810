import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // Timeouts only catch a hang; nothing here measures speed (benchmarks do, against a limit of the same run).
    // A loaded CI machine has taken 30 s for a cold start of the embedded PostgreSQL.
    testTimeout: 60_000,
    hookTimeout: 90_000,
    // Each file makes its own databases; two cores run two files at a time without starving PGlite.
    maxWorkers: 2,
  },
});
