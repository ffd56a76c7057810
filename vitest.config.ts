import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each file makes its own databases; two cores run two files at a time without starving PGlite.
    maxWorkers: 2,
  },
});
