/** The `cohort` command's entry point (cohort.mjs loads it): runs the program of commands.ts on this command line. */
import { CohortError } from '../core/errors.ts';
import { buildProgram } from './commands.ts';

/**
 * A server's failed bind (a port in use, a privileged port, an address not on this machine) as E_LISTEN. Every
 * server cohort starts (coordinator, dashboard, ledger endpoint) rejects its listen promise with Node's error, whose
 * `syscall` is 'listen': caught here once rather than at each server, so none prints a stack trace.
 */
function listenError(err: unknown): CohortError | undefined {
  const e = err as NodeJS.ErrnoException & { address?: string; port?: number };
  if (typeof e !== 'object' || e === null || e.syscall !== 'listen') return undefined;
  const where = e.address === undefined ? `port ${e.port ?? '?'}` : `${e.address}:${e.port ?? '?'}`;
  const why = e.code === 'EADDRINUSE' ? 'the port is in use' : (e.code ?? 'error');
  return new CohortError('E_LISTEN', `cannot listen on ${where}: ${why} (${e.code ?? 'error'})`, { cause: err });
}

try {
  await (await buildProgram()).parseAsync(process.argv);
} catch (caught) {
  const err = listenError(caught) ?? caught;
  if (err instanceof CohortError) {
    process.stderr.write(`cohort: ${err.code}: ${err.message}\n`);
    process.exit(2);
  }
  throw err;
}
