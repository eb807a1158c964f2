/**
 * The coordinator's listening socket: a WebSocket server over plain TCP or
 * TLS (mutual TLS with a client CA: the names the client certificate
 * carries go with each connection, for the Hello to match). Plain HTTP
 * requests on it get the health and readiness probes (health.ts).
 */
import { listenOn } from '../edge/listen.ts';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { WebSocketServer, type WebSocket } from 'ws';
import { certificateNames } from '../core/auth/certificate.ts';
import type { Logger } from '../edge/log.ts';
import type { CoordinatorConfig } from './config.ts';
import { answerProbe, type Readiness } from './health.ts';

/** A new WebSocket, with the socket under it (its bytes can be counted before ws has a whole frame). */
export type OnConnection = (ws: WebSocket, remote: string, certNames: string[] | null, socket: Socket) => void;

export interface Listening {
  port: number;
  /** The open sockets (the heartbeat pings them). */
  clients: () => Iterable<WebSocket>;
  close: () => Promise<void>;
}

export async function openServer(
  c: Pick<CoordinatorConfig, 'tls' | 'port' | 'host' | 'maxFrameBytes'>,
  log: Logger,
  onConnection: OnConnection,
  readiness: () => Readiness,
): Promise<Listening> {
  const tls = c.tls;
  const probes = (req: Parameters<typeof answerProbe>[0], res: Parameters<typeof answerProbe>[1]) =>
    answerProbe(req, res, readiness);
  let server: HttpServer;
  if (tls) {
    server = createHttpsServer(
      {
        cert: tls.cert,
        key: tls.key,
        minVersion: 'TLSv1.2',
        ...(tls.clientCa ? { ca: tls.clientCa, requestCert: true, rejectUnauthorized: true } : {}),
      },
      probes,
    );
    // A failed TLS handshake (wrong CA, no client certificate) is logged, never thrown.
    server.on('tlsClientError', (err) => log.warn({ err: err.message }, 'TLS handshake refused'));
  } else server = createHttpServer(probes);
  const wss = new WebSocketServer({ server, maxPayload: c.maxFrameBytes, perMessageDeflate: false });
  // ws re-emits the server's errors: a failed bind (a port in use) is the rejection's to report (E_LISTEN, cli/main.ts),
  // not an unhandled 'error' event on wss that would end the process with a stack trace.
  const duringListen = (): void => undefined;
  wss.on('error', duringListen);
  await listenOn(server, c.port, c.host);
  wss.off('error', duringListen);
  // Under mutual TLS, the names the client certificate carries: the Hello's must be one of them.
  const certNames = (socket: unknown) =>
    tls?.clientCa ? certificateNames((socket as TLSSocket).getPeerCertificate()) : null;
  wss.on('connection', (ws, req) =>
    onConnection(ws, `${req.socket.remoteAddress}:${req.socket.remotePort}`, certNames(req.socket), req.socket),
  );
  wss.on('error', (err) => log.error({ err }, 'server error'));
  return {
    port: (server.address() as AddressInfo).port,
    clients: () => wss.clients,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
