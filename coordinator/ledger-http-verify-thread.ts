/**
 * The body of the ledger endpoint's verification thread
 * (ledger-http-verify.ts starts one per verification; from source through
 * ledger-http-verify-entry.mjs): the `ledger verify` report of the database
 * named in workerData, every ε recomputed on `workers` threads of its own,
 * posted once, as its value or its typed error.
 */
import { workerData } from 'node:worker_threads';
import { threadError, threadPort } from '../edge/thread-serve.ts';
import { verifyFiles, verifyFilesParallel } from './ledger-audit.ts';
import type { VerifyThreadInput, VerifyThreadReply } from './ledger-http-verify.ts';

const port = threadPort('ledger-http-verify-thread.ts');
const { db, workers } = workerData as VerifyThreadInput;

try {
  const report = workers > 1 ? await verifyFilesParallel({ db, workers }) : verifyFiles({ db });
  port.postMessage({ report } satisfies VerifyThreadReply);
} catch (err) {
  // The report goes to a remote auditor: an internal error's stack stays out of it (the endpoint logs it, ledger-http.ts).
  port.postMessage({ error: threadError(err, 'log') } satisfies VerifyThreadReply);
}
