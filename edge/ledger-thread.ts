/**
 * The body of an auditor's ledger thread (started by ledger-pool.ts; from
 * source through ledger-thread-entry.mjs): runs one task of ledger-tasks.ts
 * at a time and answers with its value or its typed error.
 */
import { CohortError } from '../core/errors.ts';
import { LEDGER_TASKS, type LedgerReply, type LedgerRequest } from './ledger-tasks.ts';
import { serveRequests, threadPort } from './thread-serve.ts';

const port = threadPort('ledger-thread.ts');

serveRequests(
  port,
  (m: LedgerRequest) => {
    const run = LEDGER_TASKS[m.task] as ((input: unknown) => unknown) | undefined;
    if (!run) throw new CohortError('E_INTERNAL', `no ledger task "${m.task}"`);
    const value = run(m.input);
    // A packed result (subtree roots) is moved, not copied.
    return {
      reply: { id: m.id, value } satisfies LedgerReply,
      transfer: value instanceof Uint8Array ? [value.buffer as ArrayBuffer] : [],
    };
  },
  // The auditor's own machine, with no log to put a stack in: an internal error's message is shown.
  'show',
);
port.postMessage({ ready: true } satisfies LedgerReply);
