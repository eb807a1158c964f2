/**
 * The body of a coordinator worker thread (started by worker-pool.ts; from
 * source through worker-entry.mjs): runs one task of worker-tasks.ts at a time and answers
 * with its value or its typed error. Pure work only: no socket, no database.
 */
import { CohortError } from '../core/errors.ts';
import { serveRequests, threadPort } from '../edge/thread-serve.ts';
import { TASKS, type TaskName, type WorkerReply, type WorkerRequest } from './worker-tasks.ts';

const port = threadPort('worker-thread.ts');

// A task's CohortError travels as its code and message; anything else as E_INTERNAL, with its stack for the
// coordinator's log only.
serveRequests(port, (m: WorkerRequest) => {
  const run = TASKS[m.task as TaskName] as (input: unknown) => { value: unknown; transfer?: ArrayBuffer[] };
  if (!run) throw new CohortError('E_INTERNAL', `no worker task "${m.task}"`);
  const { value, transfer } = run(m.input);
  return { reply: { id: m.id, value } satisfies WorkerReply, transfer };
});
port.postMessage({ ready: true } satisfies WorkerReply);
