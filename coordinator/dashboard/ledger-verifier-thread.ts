/**
 * The body of the dashboard's ledger verifier thread (started by
 * ledger-verifier.ts; from source through ledger-verifier-entry.mjs): keeps
 * one IncrementalAudit of the database named in workerData, and runs one
 * verification per message, answering with its report or its typed error.
 * The database is read here, never on the dashboard's event loop.
 */
import { workerData } from 'node:worker_threads';
import { serveRequests, threadPort } from '../../edge/thread-serve.ts';
import { IncrementalAudit } from './incremental-audit.ts';
import type { VerifierReply, VerifierRequest } from './ledger-verifier.ts';

const port = threadPort('ledger-verifier-thread.ts');
const audit = new IncrementalAudit((workerData as { dbPath: string }).dbPath);

// A CohortError (an unreadable database, no ledger key) travels as its code and message; anything else as
// E_INTERNAL, with its stack for the coordinator's log only.
serveRequests(port, (m: VerifierRequest) => ({
  reply: { id: m.id, report: audit.run(m.full) } satisfies VerifierReply,
}));
