/** What a Coordinator tells its listeners (simulations, tests, the dashboard's metrics). */
import type { ErrorCode } from '../core/errors.ts';
import type { JobStatus, RoundRecord } from '../core/round/job.ts';

export interface RoundEvent {
  jobId: string;
  record: RoundRecord;
  totalRounds: number;
}

export interface JobStatusEvent {
  jobId: string;
  status: JobStatus;
  reason: string;
}

export interface RoundFailedEvent {
  jobId: string;
  round: number;
  attempt: number;
  reason: string;
  code: ErrorCode;
}

export interface CoordinatorEvents {
  round: [RoundEvent];
  roundFailed: [RoundFailedEvent];
  job: [JobStatusEvent];
  listening: [{ port: number }];
}

/** The emitting half of the Coordinator, as its pieces see it. */
export interface CoordinatorEmitter {
  emit<K extends keyof CoordinatorEvents>(event: K, ...args: CoordinatorEvents[K]): boolean;
}
