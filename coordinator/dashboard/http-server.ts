/**
 * The dashboard's HTTP or HTTPS server, with the limits that hold before any
 * login: how long a request and its headers may take to arrive, and how many
 * sockets may be open at once (server.ts MAX_CONNECTIONS). Past the socket
 * cap Node closes each new connection as it is accepted.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';

export function dashboardHttpServer(
  handler: RequestListener,
  maxConnections: number,
  tls?: { cert: string | Buffer; key: string | Buffer },
): Server {
  const server = tls
    ? createHttpsServer({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' }, handler)
    : createServer(handler);
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.maxConnections = maxConnections;
  return server;
}
