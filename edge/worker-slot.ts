/**
 * What a pool of worker threads keeps per thread and per task, shared by the
 * coordinator's pool (coordinator/worker-pool.ts) and the auditor's ledger
 * pool (ledger-pool.ts). The two differ in policy (which tasks one thread's
 * failure refuses, when threads start), not in this bookkeeping or in how a
 * thread's typed error comes back.
 */
import type { Worker } from 'node:worker_threads';
import { CohortError, isErrorCode } from '../core/errors.ts';

/** A task given to the pool, answered once through `resolve` or `reject`. */
export interface PendingTask<Name extends string> {
  id: number;
  task: Name;
  input: unknown;
  resolve: (value: unknown) => void;
  reject: (err: CohortError) => void;
}

/** One thread: whether it has loaded, the task it runs and that task's time limit. */
export interface WorkerSlot<T> {
  worker: Worker;
  ready: boolean;
  task: T | null;
  timer: NodeJS.Timeout | null;
}

/**
 * A thread's refusal of a task as a CohortError; a code the registry does not
 * hold becomes E_INTERNAL. A `detail` it sent (an internal error's stack) is
 * the cause, for the receiver's log only.
 */
export function errorFromThread(error: { code: string; message: string; detail?: unknown }): CohortError {
  const code = isErrorCode(error.code) ? error.code : 'E_INTERNAL';
  return new CohortError(code, error.message, error.detail === undefined ? undefined : { cause: error.detail });
}
