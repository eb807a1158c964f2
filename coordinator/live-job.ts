/** A job the coordinator is running: its machine and what the driver keeps beside it. */
import type { RefusalGate } from '../core/auth/refusals.ts';
import type { SealedEntry } from '../core/ledger/types.ts';
import type { JobMachine } from '../core/round/job.ts';
import type { Logger } from '../edge/log.ts';
import { modelHash } from './ledger.ts';

export interface LiveJob {
  machine: JobMachine;
  /** The model's parameter count: every update's length. */
  dim: number;
  /** The machine's next wake-up (job-registry.ts wakeAt). */
  timer: NodeJS.Timeout | null;
  log: Logger;
  /** The ledger entry of the last committed training round, sent to its survivors with the round result. */
  lastEntry: { round: number; sealed: SealedEntry } | null;
  /** The enrolled researcher who submitted the job (null: the operator). */
  owner: string | null;
  /** Which budget refusals and declines go into the ledger: the offered hospital's, for the round last sent to it, once each. */
  refusals: RefusalGate;
  /** Each hospital's standing decline of the job, code and short reason (dropped if it joins after all): job-registry.ts declined. */
  declines: Map<string, { code: string; reason: string }>;
  /** The job-created entry's model hash, for its job-ended entry while no round is committed (null for a resumed job: its weights are hashed). */
  createdModelHash: string | null;
}

/** The model hash of a job's end: the job-created one while no round is committed (the weights have not changed), else its weights hashed. */
export function endHash(job: LiveJob): string {
  return job.machine.completedRounds === 0 && job.createdModelHash !== null
    ? job.createdModelHash
    : modelHash(job.machine.globalWeights);
}
