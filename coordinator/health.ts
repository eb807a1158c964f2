/**
 * Health and readiness probes on the coordinator's listening port, for a
 * container's HEALTHCHECK, a load balancer or an orchestrator:
 *
 *   GET /healthz  200 {"status":"ok"}: the process answers
 *   GET /readyz   200 {"status":"ready"}, or 503 {"status":"not ready","reason":...}
 *                 when the socket is not listening, the database is not open and
 *                 writable, or the ledger key is not the one the database is bound to
 *
 * Unauthenticated, so the bodies say nothing beyond the status and a fixed
 * reason: no job, hospital, count or version. Every other plain HTTP request
 * on this port answers 426, as ws's own server does: the port is for WebSockets.
 * With `healthPort` (`--health-port`) the probes are also served as plain
 * http on loopback alone (openHealthServer), for a probe that cannot speak
 * the main port's TLS or present a client certificate under mutual TLS.
 */
import { listenOn } from '../edge/listen.ts';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { UnansweredRequests } from './bounded-http.ts';

/** Whether the coordinator can serve; `reason` is one of a few fixed phrases. */
export type Readiness = { ready: true } | { ready: false; reason: string };

const HEALTH_PATH = '/healthz';
const READY_PATH = '/readyz';

function answer(res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

/**
 * Requests unanswered per connection, over every server answering probes:
 * a stranger's pipelined thousands of requests on a socket it never reads
 * would otherwise each hold a queued response, megabytes a socket, on the
 * port every stranger can reach (bounded-http.ts MAX_UNANSWERED).
 */
const unanswered = new UnansweredRequests();

/** Answers a plain HTTP request on the WebSocket port: a probe, else 426. */
export function answerProbe(req: IncomingMessage, res: ServerResponse, readiness: () => Readiness): void {
  if (!unanswered.admit(req, res)) return;
  const path = (req.url ?? '').split('?')[0];
  if (path !== HEALTH_PATH && path !== READY_PATH) {
    res.writeHead(426, { 'Content-Type': 'text/plain' });
    res.end('Upgrade Required');
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' });
    res.end();
    return;
  }
  if (path === HEALTH_PATH) return answer(res, 200, { status: 'ok' });
  const r = readiness();
  answer(res, r.ready ? 200 : 503, r.ready ? { status: 'ready' } : { status: 'not ready', reason: r.reason });
}

/** The loopback-only probe server: its port, and how to close it. */
export async function openHealthServer(
  port: number,
  readiness: () => Readiness,
): Promise<{ port: number; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => answerProbe(req, res, readiness));
  const bound = await listenOn(server, port, '127.0.0.1');
  return {
    port: bound,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
