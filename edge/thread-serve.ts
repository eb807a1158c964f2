/**
 * The part every worker thread's body shares (coordinator/worker-thread.ts,
 * coordinator/dashboard/ledger-verifier-thread.ts, edge/ledger-thread.ts):
 * each request from the thread that started it is answered, and an error the
 * work throws becomes a typed error reply instead of a crashed thread.
 */
import { parentPort, type MessagePort } from 'node:worker_threads';
import { CohortError, type ErrorCode } from '../core/errors.ts';

/** A failed request as a thread answers it. */
export interface ThreadError {
  code: ErrorCode;
  message: string;
  /** An internal error's stack, for the starting thread's log only. */
  detail?: string;
}

/** One request's reply, and the buffers it moves rather than copies. */
export interface ThreadAnswer<Reply> {
  reply: Reply;
  transfer?: ArrayBuffer[];
}

/**
 * How an error that is not a CohortError is answered: 'log' as E_INTERNAL
 * "internal error" with its stack in `detail` (the coordinator's threads: its
 * message may reach a remote party, the stack goes to the log); 'show' as
 * E_INTERNAL with its own message (an auditor's local threads, with no log).
 */
export type InternalErrors = 'log' | 'show';

/** A CohortError travels as its code and message; anything else as `internal` says. */
export function threadError(err: unknown, internal: InternalErrors = 'log'): ThreadError {
  if (err instanceof CohortError) return { code: err.code, message: err.message };
  if (internal === 'show') return { code: 'E_INTERNAL', message: err instanceof Error ? err.message : String(err) };
  return {
    code: 'E_INTERNAL',
    message: 'internal error',
    detail: err instanceof Error ? (err.stack ?? err.message) : String(err),
  };
}

/** This thread's port to the thread that started it; throws when `file` is not running in a worker thread. */
export function threadPort(file: string): MessagePort {
  if (!parentPort) throw new Error(`${file} runs in a worker thread only`);
  return parentPort;
}

/** Answers every request on `port` with `answer`'s reply or, when it throws, `{ id, error }` (threadError). */
export function serveRequests<Req extends { id: number }, Reply>(
  port: MessagePort,
  answer: (request: Req) => ThreadAnswer<Reply>,
  internal: InternalErrors = 'log',
): void {
  port.on('message', (m: Req) => {
    try {
      const { reply, transfer } = answer(m);
      port.postMessage(reply, transfer ?? []);
    } catch (err) {
      port.postMessage({ id: m.id, error: threadError(err, internal) });
    }
  });
}
