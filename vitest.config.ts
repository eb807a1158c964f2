import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * The slow project: the chaos simulation, the suites that drive Chromium, and
 * end-to-end suites that take 15 s or more of a full run each (processes killed
 * and restarted, CLI round trips, whole simulated jobs). `npm test` runs every
 * project, as CI does; `npm run test:fast` `unit` and `isolated`, for the
 * edit-run loop.
 */
export const SLOW = [
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

/**
 * Suites that change what a process shares (mocked modules, environment
 * variables read once, tfjs's backend, process-wide handlers), or that assert
 * what a fresh process has not loaded yet, run each in a fresh process.
 * Every other suite shares its worker's module cache with the suites before
 * it (isolate: false): a file's imports (tfjs, zod schemas, protobufjs, the
 * accountant) then load once per worker instead of once per file (imports
 * were 175 s of the 1,660 s summed over all suites in a CI run before).
 * test/lint/isolation.test.ts checks that every suite doing one of those
 * things is listed here.
 */
export const ISOLATED = [
  'test/cli/commands.test.ts',
  'test/client/image-daemon.test.ts',
  'test/client/roster-holder.test.ts',
  'test/client/trainer/**/*.test.ts',
  'test/client/model-export.test.ts',
  'test/coordinator/ledger-http.test.ts',
  'test/coordinator/port-limits.test.ts',
  'test/core/data/image-pixels.test.ts',
  // Asserts that the FHIRPath engine is not loaded until a schema needs it: only true in a fresh process.
  'test/core/data/fhir-path.test.ts',
  'test/core/ledger/roster-entries-cost.test.ts',
  'test/core/model/graph.test.ts',
  'test/core/model/keras-json.test.ts',
  'test/core/privacy/audit-dpsgd.test.ts',
  'test/core/secagg/ed25519-key-cache.test.ts',
  'test/edge/log-level.test.ts',
  'test/hostile/issue18-cost.test.ts',
  'test/hostile/issue18-dp-chunks.test.ts',
  'test/hostile/issue19-intake.test.ts',
  // Records every frame the process sends: in a shared worker, also those of an earlier suite's lingering sockets.
  'test/simulations/synthetic-ehr/no-leak.test.ts',
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
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...SLOW, ...ISOLATED],
          isolate: false,
        },
      },
      {
        extends: true,
        test: { name: 'isolated', include: ISOLATED, exclude: [...configDefaults.exclude, ...SLOW] },
      },
      { extends: true, test: { name: 'slow', include: SLOW } },
    ],
  },
});
