/**
 * Binds a server, as every server cohort starts does (the coordinator's
 * socket, its probe port, the dashboard, the ledger endpoint): a failed bind
 * (a port in use, a privileged port, an address not on this machine) is one
 * typed E_LISTEN naming the address, for the CLI and for a library caller
 * alike, never Node's raw error. Resolves with the port bound (0 asks the
 * system for a free one).
 */
import type { AddressInfo, Server } from 'node:net';
import { CohortError } from '../core/errors.ts';

export async function listenOn(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
      const why = err.code === 'EADDRINUSE' ? 'the port is in use' : (err.code ?? err.message);
      reject(new CohortError('E_LISTEN', `cannot listen on ${where}: ${why} (${err.code ?? 'error'})`, { cause: err }));
    });
    server.listen(port, host, () => resolve());
  });
  return (server.address() as AddressInfo).port;
}
