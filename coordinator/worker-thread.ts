/**
 * The body of a coordinator worker thread (started by worker-pool.ts; from
 * source through worker-entry.mjs): runs one task of worker-tasks.ts at a time and answers
 * with its value or its typed error. Pure work only: no socket, no database.
 */
import { parentPort } from 'node:worker_threads';
import { CohortError } from '../core/errors.ts';
import { TASKS, type TaskName, type WorkerReply, type WorkerRequest } from './worker-tasks.ts';

const port = parentPort;
if (!port) throw new Error('worker-thread.ts runs in a worker thread only');

port.on('message', (m: WorkerRequest) => {
  try {
    const run = TASKS[m.task as TaskName] as (input: unknown) => { value: unknown; transfer?: ArrayBuffer[] };
    if (!run) throw new CohortError('E_INTERNAL', `no worker task "${m.task}"`);
    const { value, transfer } = run(m.input);
    port.postMessage({ id: m.id, value } satisfies WorkerReply, transfer ?? []);
  } catch (err) {
    // A CohortError travels as its code and message; anything else as E_INTERNAL, with its stack for the coordinator's log only.
    const reply: WorkerReply =
      err instanceof CohortError
        ? { id: m.id, error: { code: err.code, message: err.message } }
        : {
            id: m.id,
            error: {
              code: 'E_INTERNAL',
              message: 'internal error',
              detail: err instanceof Error ? (err.stack ?? err.message) : String(err),
            },
          };
    port.postMessage(reply);
  }
});
port.postMessage({ ready: true } satisfies WorkerReply);
