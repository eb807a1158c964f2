/** The job spec files `coordinator start --job` submits, once across restarts over the same database. */
import type { Logger } from '../edge/log.ts';
import type { Coordinator } from '../coordinator/coordinator.ts';
import { readJsonFile } from '../edge/keys.ts';
import { parseJobSpec } from '../core/job/spec.ts';
import { resolveJob } from '../core/job/privacy.ts';
import { isEnded } from '../core/round/job-types.ts';

/** JSON text with every object's keys sorted: one text per spec, whichever order its fields were written or read in. */
function specKey(spec: unknown): string {
  return JSON.stringify(spec, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/**
 * Submits each --job file, except one whose spec, as this start would
 * prepare it, an unfinished job submitted at an earlier start (one with no
 * owner) already has: that job is resumed from the database instead. A
 * service that names its jobs in --config (docs/deploy.md) would otherwise
 * add another copy at every restart, each trained and paid for again out of
 * every hospital's privacy budget. Each unfinished job answers for one file:
 * the same file named twice is two jobs, at the first start as at the next.
 */
export function submitJobFiles(coordinator: Coordinator, files: readonly string[], log: Logger): void {
  const running = new Map<string, string[]>();
  for (const job of coordinator.database.listJobs()) {
    if (job.owner !== null || job.spec === null || isEnded(job.status)) continue;
    const key = specKey(job.spec);
    running.set(key, [...(running.get(key) ?? []), job.id]);
  }
  for (const file of files) {
    const input = readJsonFile(file, 'E_JOB_SPEC');
    const resumed = running.get(specKey(resolveJob(parseJobSpec(input), coordinator.rosterHead?.size ?? 0)))?.shift();
    if (resumed) {
      log.info(
        { job: resumed, file },
        'job from file already submitted at an earlier start: resumed, not submitted again',
      );
      continue;
    }
    const id = coordinator.submitJob(input);
    log.info({ job: id, file }, 'job submitted from file');
  }
}
