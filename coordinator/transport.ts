/**
 * The coordinator's listening socket: a WebSocket server over plain TCP or
 * TLS (mutual TLS with a client CA: the names the client certificate
 * carries go with each connection, for the Hello to match). Plain HTTP
 * requests on it get the health and readiness probes (health.ts). Every
 * stranger can reach it, so a socket is bounded before it is a WebSocket:
 * in time (PortLimits) and in number (preUpgradeCaps).
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
import { PendingHellos } from './pending-hellos.ts';

/** A new WebSocket, with the socket under it (its bytes can be counted before ws has a whole frame). */
export type OnConnection = (ws: WebSocket, remote: string, certNames: string[] | null, socket: Socket) => void;

export interface Listening {
  port: number;
  /** The open sockets (the heartbeat pings them). */
  clients: () => Iterable<WebSocket>;
  close: () => Promise<void>;
}

type PortConfig = Pick<
  CoordinatorConfig,
  'tls' | 'port' | 'host' | 'maxFrameBytes' | 'helloTimeoutMs' | 'maxPendingHellos' | 'maxPendingHellosPerAddress'
>;

/**
 * How long a socket may take to become a WebSocket (or to have a probe
 * answered): Node's defaults held a stranger's idle socket 120 s in its TLS
 * handshake, then 60 s (plus up to 30 s until Node looks) for its headers,
 * 300 s for a request, each an open file descriptor. An honest peer needs a
 * round trip or two for each. Tests shorten them.
 */
export interface PortLimits {
  /** A TLS handshake not finished within this is cut (tls.Server handshakeTimeout). */
  handshakeTimeoutMs: number;
  /** A request (the upgrade, a probe) whose headers are not all in within this is answered 408 and cut. */
  headersTimeoutMs: number;
  /** Likewise a whole request. */
  requestTimeoutMs: number;
  /** How often Node looks for requests past those two (connectionsCheckingInterval, default 30 s). */
  checkEveryMs: number;
}

export const PORT_LIMITS: PortLimits = {
  handshakeTimeoutMs: 10_000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  checkEveryMs: 1_000,
};

/**
 * Sockets open at once that are not yet WebSockets, in all and from one
 * remote address: past either a new one is closed as it is accepted, unread
 * and unlogged. Once upgraded a socket counts instead among those waiting
 * for their Hello (pending-hellos.ts), and not at all once authenticated:
 * Node's server.maxConnections would count the authenticated too, so a
 * stranger filling it would shut out enrolled hospitals, however many the
 * roster holds (up to 10,000), with a fixed number of idle sockets.
 *
 * The caps are the Hello caps scaled by how much longer a socket may wait
 * for its upgrade (handshake, then a whole request) than for its Hello
 * (helloTimeoutMs): to keep either set full a stranger must open
 * connections as fast, from as many addresses (the per-address caps scale
 * alike), so this shuts out no hospital more easily than the Hello caps,
 * which a stranger can already fill. Holding a socket past the request
 * timeout takes a keep-alive request every 5 s (Node's keepAliveTimeout),
 * more than a connection every helloTimeoutMs takes. Never below the Hello
 * caps: room for every hospital reconnecting at once after a restart.
 */
export function preUpgradeCaps(c: PortConfig, limits: PortLimits): { most: number; perAddress: number } {
  const longest = (c.tls ? limits.handshakeTimeoutMs : 0) + limits.requestTimeoutMs + limits.checkEveryMs;
  const scale = Math.max(1, longest / c.helloTimeoutMs);
  return {
    most: Math.ceil(c.maxPendingHellos * scale),
    perAddress: Math.ceil(c.maxPendingHellosPerAddress * scale),
  };
}

export async function openServer(
  c: PortConfig,
  log: Logger,
  onConnection: OnConnection,
  readiness: () => Readiness,
  limits: PortLimits = PORT_LIMITS,
): Promise<Listening> {
  const tls = c.tls;
  const server = portServer(c, limits, readiness, log);
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

/** The HTTP or HTTPS server under the WebSocket server: probes, PortLimits, and the pre-upgrade caps. */
function portServer(c: PortConfig, limits: PortLimits, readiness: () => Readiness, log: Logger): HttpServer {
  const tls = c.tls;
  const probes = (req: Parameters<typeof answerProbe>[0], res: Parameters<typeof answerProbe>[1]) =>
    answerProbe(req, res, readiness);
  const http = {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    connectionsCheckingInterval: limits.checkEveryMs,
  };
  let server: HttpServer;
  if (tls) {
    server = createHttpsServer(
      {
        ...http,
        cert: tls.cert,
        key: tls.key,
        minVersion: 'TLSv1.2',
        handshakeTimeout: limits.handshakeTimeoutMs,
        ...(tls.clientCa ? { ca: tls.clientCa, requestCert: true, rejectUnauthorized: true } : {}),
      },
      probes,
    );
    // A failed TLS handshake (wrong CA, no client certificate) is logged, never thrown.
    server.on('tlsClientError', (err) => log.warn({ err: err.message }, 'TLS handshake refused'));
  } else server = createHttpServer(http, probes);
  capBeforeUpgrade(server, preUpgradeCaps(c, limits));
  return server;
}

/** The TCP connection a socket (a plain one, or the TLS socket over it) is: the same for both while it is open. */
const connectionOf = (s: Socket): string => `${s.remoteAddress}|${s.remotePort}|${s.localAddress}|${s.localPort}`;

/**
 * Counts each accepted socket (PendingHellos, by remote address) until it is
 * upgraded or closes; past a cap it is destroyed before Node's own connection
 * listener (TLS or HTTP, taken off the server and called from here) sees it,
 * so it costs no handshake and no log line ('TLS handshake refused').
 */
function capBeforeUpgrade(server: HttpServer, caps: { most: number; perAddress: number }): void {
  const waiting = new PendingHellos(caps.most, caps.perAddress);
  const uncountOf = new Map<string, () => void>();
  const accept = server.listeners('connection') as ((socket: Socket) => void)[];
  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket) => {
    const uncount = socket.remoteAddress === undefined ? null : waiting.admit(socket.remoteAddress);
    if (!uncount) {
      socket.destroy();
      return;
    }
    const key = connectionOf(socket);
    const release = () => {
      if (uncountOf.get(key) === release) uncountOf.delete(key);
      uncount();
    };
    uncountOf.set(key, release);
    socket.once('close', release);
    for (const listener of accept) listener.call(server, socket);
  });
  server.on('upgrade', (_req, socket: Socket) => uncountOf.get(connectionOf(socket))?.());
}
