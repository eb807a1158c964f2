import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests run real sockets and tfjs training; give them room on a loaded 2-core CI.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    env: { COHORT_LOG_LEVEL: 'silent' },
  },
});
