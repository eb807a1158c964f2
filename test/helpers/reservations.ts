/**
 * One budget state for the BudgetStore's tests and the `cohort budget` CLI's:
 * two open reservations, as a daemon restarted mid-job leaves them.
 */
import type { BudgetStore } from '../../client/budget-store.ts';
import type { Mechanism } from '../../core/privacy/spend.ts';

/** A reservation of n rounds of one mechanism. */
export const times = <T>(m: T, n: number): T[] => Array.from({ length: n }, () => m);

export const ROUND: Mechanism = { kind: 'sampled-gaussian', q: 0.05, sigma: 2, steps: 20 };
export const DATASET = 'heart-disease';

/**
 * On DATASET (whose budget must be set): job-a admitted for 10 rounds of ROUND
 * and 3 of them charged, then job-b admitted for 2. `tick` runs between the
 * three steps, for a test clock.
 */
export function reserveTwoJobs(s: BudgetStore, tick: () => void = () => {}): void {
  s.admitJob(DATASET, 'job-a', times(ROUND, 10));
  tick();
  for (let r = 1; r <= 3; r++) s.spendRound(DATASET, 'job-a', r, ROUND);
  tick();
  s.admitJob(DATASET, 'job-b', times(ROUND, 2));
}

/** An open reservation on DATASET of `rounds` rounds of ROUND, `charged` of them charged, as the store lists it but for its times. */
const open = (jobId: string, rounds: number, charged: number) => ({
  dataset: DATASET,
  jobId,
  mechanisms: times(ROUND, rounds),
  rounds,
  charged,
  open: true,
});
/** reserveTwoJobs's reservations. */
export const JOB_A = open('job-a', 10, 3);
export const JOB_B = open('job-b', 2, 0);
