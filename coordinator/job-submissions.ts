/**
 * A researcher's job submission over the network (issue 16, finding 1):
 * refused cheaply when it is too large or its owner is over a quota, else
 * parsed and calibrated in a worker thread (core/job/prepare.ts through
 * worker-pool.ts) under time and memory limits, while the event loop goes on
 * serving every hospital. The coordinator commits the prepared job, checking
 * the quotas again (job-registry.ts register).
 */
import { z } from 'zod';
import { CohortError } from '../core/errors.ts';
import type { Logger } from '../edge/log.ts';
import { intOption, parseOptions } from '../core/options.ts';
import type { PreparedJob } from '../core/job/prepare.ts';
import { SubmissionWindow, quotaProblem, type JobQuotas } from '../core/job/quota.ts';
import { MAX_SPEC_JSON_CHARS } from '../edge/wire/codec.ts';
import type { CoordinatorStore } from './store.ts';
import { WorkerPool } from './worker-pool.ts';

/**
 * Limits of the preparation. Defaults: one worker thread (a hostile
 * submission loop costs at most one core) and two submissions waiting for
 * it; 20 s per submission, which a job of 200 rounds at ε = 8 (about 9 s on
 * a 2-core machine) fits and the 3,000-round, ε = 99.5 spec of the finding
 * (about 52 s) does not; 512 MB of heap; 2 MiB of spec JSON (100,000 feature
 * names of 16 characters fit). Each field's description is its
 * `coordinator start` flag's help.
 */
export const submissionLimitsSchema = z.strictObject({
  workers: intOption(1, 64, 1).describe(
    "worker threads that parse and calibrate researchers' job submissions, off the event loop",
  ),
  queue: intOption(0, 10_000, 2).describe('submissions that may wait for a worker; beyond, E_BUSY'),
  timeLimitMs: intOption(10, 3_600_000, 20_000).describe(
    "time one submission may take in its worker (a new worker's start-up included); beyond, E_TOO_COSTLY",
  ),
  memoryLimitMb: intOption(16, 65_536, 512).describe('V8 heap of each worker; beyond, E_TOO_COSTLY'),
  // Beyond 3 · MAX_SPEC_JSON_CHARS nothing arrives: the wire refuses a longer spec (edge/wire/codec.ts), and a UTF-16 unit is at most 3 bytes of UTF-8.
  maxSpecBytes: intOption(1024, 3 * MAX_SPEC_JSON_CHARS, 2 << 20).describe(
    'largest job spec JSON a researcher may submit',
  ),
});

export type SubmissionLimits = z.output<typeof submissionLimitsSchema>;
export type SubmissionLimitsInput = z.input<typeof submissionLimitsSchema>;

/** Validates the limits once; throws E_CONFIG_INVALID naming the field. */
export function parseSubmissionLimits(
  input: SubmissionLimitsInput = {},
  names?: Readonly<Record<string, string>>,
): SubmissionLimits {
  return parseOptions(submissionLimitsSchema, 'submissions', input, names);
}

export class JobSubmissions {
  private readonly pool: WorkerPool;
  private readonly window: SubmissionWindow;
  /** Submissions being prepared, per owner. */
  private readonly pending = new Map<string, number>();

  constructor(
    private readonly limits: SubmissionLimits,
    private readonly quotas: JobQuotas,
    private readonly store: CoordinatorStore,
    private readonly now: () => number,
    log: Logger,
  ) {
    this.pool = new WorkerPool(limits, log.child({ component: 'workers' }));
    this.window = new SubmissionWindow(quotas.maxSubmissions, quotas.windowMs);
  }

  /**
   * The job `owner` submitted as `specJson`, prepared for a network of
   * `networkSize` hospitals (null: no roster). Rejects with E_JOB_SPEC_SIZE,
   * E_QUOTA_EXCEEDED or E_BUSY before any parsing, else with the spec's own
   * error, E_TOO_COSTLY or E_INTERNAL from the worker.
   */
  async prepare(owner: string, specJson: string, networkSize: number | null): Promise<PreparedJob> {
    // UTF-8 takes at least one byte per UTF-16 unit: a string longer than the cap is over it without being measured.
    const max = this.limits.maxSpecBytes;
    if (specJson.length > max || Buffer.byteLength(specJson, 'utf8') > max) {
      throw new CohortError('E_JOB_SPEC_SIZE', `the job spec is over ${max} bytes of JSON`);
    }
    const pending = this.pending.get(owner) ?? 0;
    if (pending >= this.quotas.maxPending)
      throw new CohortError(
        'E_QUOTA_EXCEEDED',
        `${owner} already has ${pending} submission(s) being prepared, the most allowed at once`,
      );
    // A full window refuses first: the owner's usage (SQL over every job it ever stored) is read only for a submission it admits.
    const full = this.window.refusal(owner, this.now());
    if (full) throw new CohortError('E_QUOTA_EXCEEDED', full);
    const problem = quotaProblem(owner, this.store.ownerUsage(owner), this.quotas);
    if (problem) throw new CohortError('E_QUOTA_EXCEEDED', problem);
    // The window counts a submission once the pool has room for it: a refusal for a busy pool (E_BUSY) costs the researcher nothing.
    const prepared = this.pool.run(
      'job.prepare',
      { specJson, offered: this.store.offeredDatasetsJson(), networkSize },
      'preparing the job (parsing it, calibrating its noise)',
      () => {
        const late = this.window.take(owner, this.now());
        if (late) throw new CohortError('E_QUOTA_EXCEEDED', late);
      },
    );
    this.pending.set(owner, pending + 1);
    try {
      return await prepared;
    } finally {
      const left = (this.pending.get(owner) ?? 1) - 1;
      if (left > 0) this.pending.set(owner, left);
      else this.pending.delete(owner);
    }
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
