/**
 * The HTTP or HTTPS server of the dashboard and of `ledger serve`, with the
 * limits that hold before any login or token: how long a TLS handshake,
 * headers and a whole request may take to arrive (10 s, 10 s, 30 s, looked
 * at every second; Node's defaults held a stranger's idle socket 120 s in
 * its handshake and up to 90 s for its headers), how many sockets may be
 * open at once (past the cap Node closes each new connection as it is
 * accepted), and how many requests one connection may have unanswered
 * (MAX_UNANSWERED).
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';

/**
 * Requests one connection may have unanswered at once; the next closes it.
 * Node parses every request a read brings and queues a response for each
 * behind the one being sent, so a stranger who pipelines thousands of
 * requests (for the page's 67 KB script, or for a 401) and never reads
 * makes the process hold megabytes per socket, for as long as the socket
 * lives: a few hundred such sockets exhaust the heap. Browsers do not
 * pipeline; a client that does gets this many answered in one go.
 */
export const MAX_UNANSWERED = 8;

export function boundedHttpServer(
  handler: RequestListener,
  maxConnections: number,
  tls?: { cert: string | Buffer; key: string | Buffer },
): Server {
  const guarded = boundedPipelining(handler);
  // As createServer options: set afterwards, Node still looks for late requests only every 30 s.
  const limits = { headersTimeout: 10_000, requestTimeout: 30_000, connectionsCheckingInterval: 1_000 };
  const server = tls
    ? createHttpsServer(
        { ...limits, cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2', handshakeTimeout: 10_000 },
        guarded,
      )
    : createServer(limits, guarded);
  server.maxConnections = maxConnections;
  return server;
}

/** Unfinished responses per connection: a request past MAX_UNANSWERED closes its connection unanswered. */
export class UnansweredRequests {
  private readonly count = new WeakMap<Socket, number>();

  /** Whether `req` may be answered; if not, its connection is destroyed. Counted until `res` finishes or closes. */
  admit(req: IncomingMessage, res: ServerResponse): boolean {
    const socket = req.socket;
    const n = this.count.get(socket) ?? 0;
    if (n >= MAX_UNANSWERED) {
      socket.destroy();
      return false;
    }
    this.count.set(socket, n + 1);
    let done = false;
    const answered = () => {
      if (done) return;
      done = true;
      this.count.set(socket, (this.count.get(socket) ?? 1) - 1);
    };
    res.once('finish', answered);
    res.once('close', answered);
    return true;
  }
}

/** `handler`, called only for the requests UnansweredRequests admits. */
function boundedPipelining(handler: RequestListener): RequestListener {
  const unanswered = new UnansweredRequests();
  return (req, res) => {
    if (unanswered.admit(req, res)) handler(req, res);
  };
}
