import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * The slow project: the chaos simulation, the suites that drive Chromium, and
 * end-to-end suites that take 15 s or more of a full run each (processes killed
 * and restarted, CLI round trips, whole simulated jobs). `npm test` runs both
 * projects, as CI does; `npm run test:fast` only `unit`, for the edit-run loop.
 */
const SLOW = [
  'test/simulations/chaos/chaos.test.ts',
  'test/**/*.browser.test.ts',
  'test/hostile/f8-web.test.ts',
  'test/hostile/f1-calibration.test.ts',
  'test/hostile/f3-reservations.test.ts',
  'test/simulations/fed-heart-disease.test.ts',
  'test/simulations/fed-tcga-brca.test.ts',
  'test/simulations/fed-pneumonia.test.ts',
  'test/simulations/fed-pneumonia-threads.test.ts',
  'test/simulations/fed-pneumonia-dicom.test.ts',
  'test/cli/roster.test.ts',
  'test/coordinator/ledger-tamper.test.ts',
  'test/coordinator/ledger-checkpoint.test.ts',
  'test/coordinator/ledger-crash.test.ts',
  'test/coordinator/secagg-large-model.test.ts',
];

export default defineConfig({
  test: {
    // Integration tests run real sockets and tfjs training; give them room on a loaded 2-core CI.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Every core, not vitest's default of one fewer: on CI's 2 cores that default is a single fork, and much of a
    // test's time is spent waiting on sockets, child processes and worker threads rather than computing.
    maxWorkers: availableParallelism(),
    env: { COHORT_LOG_LEVEL: 'silent' },
    // One pool for both: a full run schedules every file together, so splitting adds no wall time to CI.
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...SLOW] },
      },
      { extends: true, test: { name: 'slow', include: SLOW } },
    ],
  },
});
