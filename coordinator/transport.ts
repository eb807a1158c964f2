/**
 * The coordinator's listening socket: a WebSocket server over plain TCP or
 * TLS (mutual TLS with a client CA: the names the client certificate
 * carries go with each connection, for the Hello to match).
 */
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { WebSocketServer, type WebSocket } from 'ws';
import { certificateNames } from '../core/auth/certificate.ts';
import type { Logger } from '../edge/log.ts';
import type { CoordinatorConfig } from './config.ts';

export type OnConnection = (ws: WebSocket, remote: string, certNames: string[] | null) => void;

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
): Promise<Listening> {
  const tls = c.tls;
  const common = { maxPayload: c.maxFrameBytes, perMessageDeflate: false };
  let https: HttpsServer | null = null;
  let wss: WebSocketServer;
  if (tls) {
    https = createHttpsServer({
      cert: tls.cert,
      key: tls.key,
      minVersion: 'TLSv1.2',
      ...(tls.clientCa ? { ca: tls.clientCa, requestCert: true, rejectUnauthorized: true } : {}),
    });
    // A failed TLS handshake (wrong CA, no client certificate) is logged, never thrown.
    https.on('tlsClientError', (err) => log.warn({ err: err.message }, 'TLS handshake refused'));
    wss = new WebSocketServer({ server: https, ...common });
    const server = https;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(c.port, c.host, () => resolve());
    });
  } else {
    wss = new WebSocketServer({ port: c.port, host: c.host, ...common });
  }
  // Under mutual TLS, the names the client certificate carries: the Hello's must be one of them.
  const certNames = (socket: unknown) =>
    tls?.clientCa ? certificateNames((socket as TLSSocket).getPeerCertificate()) : null;
  wss.on('connection', (ws, req) =>
    onConnection(ws, `${req.socket.remoteAddress}:${req.socket.remotePort}`, certNames(req.socket)),
  );
  wss.on('error', (err) => log.error({ err }, 'server error'));
  if (!tls) {
    await new Promise<void>((resolve, reject) => {
      wss.once('listening', resolve);
      wss.once('error', reject);
    });
  }
  return {
    port: ((https ?? wss).address() as AddressInfo).port,
    clients: () => wss.clients,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      if (https) await new Promise<void>((resolve) => https.close(() => resolve()));
    },
  };
}
