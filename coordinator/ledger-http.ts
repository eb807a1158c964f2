/**
 * The auditors' read-only HTTP endpoint over a coordinator database:
 *   GET /ledger?format=json|csv&job=J&hospital=H&after=S&limit=N
 *                    entries as `ledger export` gives them, a page at a time:
 *                    at most N (default and maximum 1000) after seq S, the
 *                    next page named in a Link header (ledger-http-page.ts)
 *   GET /ledger/head     the latest hash and signature
 *   GET /ledger/budget   spent per hospital and job (ledger-http-budget.ts)
 *   GET /ledger/verify   the `ledger verify` report
 * What a request may make the server read is bounded: a page of entries, the
 * last row, or an answer kept until the database changes (its data_version,
 * ledger-http-version.ts): the budget summary, and the verification, which
 * runs in a worker thread, one at a time, its report shared by the requests
 * that wait for it (ledger-http-verify.ts): the other routes answer meanwhile.
 * Every request needs `Authorization: Bearer <token>`; the token is compared
 * in constant time, and must be strong (core/auth/token.ts). The database is
 * opened read-only per request (and once more, read-only, to watch
 * data_version, outside any transaction), so the endpoint never holds a lock
 * the coordinator needs. A database that cannot be read (E_STORE) or an
 * internal error is answered with a fixed message: the detail, which names
 * the database's path, goes to the server's log only. It binds loopback by
 * default; any other address needs TLS (the token would otherwise cross the
 * network in clear), and under TLS every response carries
 * Strict-Transport-Security. (Enrolled auditor identities replace the shared
 * token with the security issue.)
 */
import { listenOn } from '../edge/listen.ts';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { requireStrongToken } from '../core/auth/token.ts';
import { isLoopbackHost } from '../core/loopback.ts';
import { CohortError, asCohortError, httpStatusOf, type ErrorCode } from '../core/errors.ts';
import { createLogger, type Logger } from '../edge/log.ts';
import { boundedHttpServer } from './bounded-http.ts';
import { ledgerRows, readCoordinatorHead, toCsv } from './ledger-reader.ts';
import { CachedBudget } from './ledger-http-budget.ts';
import { nextLink, pageQuery, readLedgerPage } from './ledger-http-page.ts';
import { DataVersion } from './ledger-http-version.ts';
import { SharedVerification, type SharedVerificationOptions } from './ledger-http-verify.ts';

const MAX_URL_LENGTH = 2048;
/**
 * Sockets the endpoint holds at once (`server.maxConnections`), room for a
 * few auditors many times over; past it a new connection is closed as it is
 * accepted. Without it a stranger's idle sockets (slow headers, or a TLS
 * handshake never finished) take every file descriptor of the process, and
 * each request's own read-only open of the database then fails.
 */
export const MAX_LEDGER_CONNECTIONS = 256;
/** Sent on every https response, here and by the dashboard (RFC 6797): one year, this host only. */
export const HSTS = 'max-age=31536000';

export interface LedgerServerOptions {
  db: string;
  token: string;
  port?: number;
  /** Default 127.0.0.1; an address other than loopback (core/loopback.ts) needs `tls`. */
  host?: string;
  /** Serve https with this certificate chain and key (PEM). */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** How /ledger/verify runs (its threads, their memory; ledger-http-verify.ts). */
  verify?: SharedVerificationOptions;
  /** Where a failed request's detail goes (the client gets a fixed message); default edge/log.ts's logger on stderr. */
  log?: Logger;
  /** Sockets held at once (default MAX_LEDGER_CONNECTIONS). */
  maxConnections?: number;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export async function serveLedger(o: LedgerServerOptions): Promise<{ server: Server; port: number }> {
  requireStrongToken(o.token, 'the auditor token');
  const host = o.host ?? '127.0.0.1';
  if (!o.tls && !isLoopbackHost(host))
    throw new CohortError(
      'E_CONFIG_INVALID',
      `refusing to serve the ledger over plain http on ${host}: bind it to loopback, or serve TLS (--tls-cert and --tls-key)`,
    );
  const expected = digest(o.token);
  const log = o.log ?? createLogger({ destination: process.stderr });
  const dataVersion = new DataVersion(o.db);
  const verification = new SharedVerification(o.db, o.verify, dataVersion);
  const served: Served = { db: o.db, expected, verification, budget: new CachedBudget(o.db, dataVersion), log };
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    if (o.tls) res.setHeader('Strict-Transport-Security', HSTS);
    try {
      handle(req, res, served);
    } catch (err) {
      sendError(res, err, log);
    }
  };
  // Receiving a request (not answering it: a verification may take minutes), the sockets held and the requests
  // one of them may have unanswered are bounded (bounded-http.ts).
  const server = boundedHttpServer(handler, o.maxConnections ?? MAX_LEDGER_CONNECTIONS, o.tls);
  server.on('close', () => verification.close()); // and dataVersion with it
  return { server, port: await listenOn(server, o.port ?? 0, host) };
}

/** What the client is told of an error whose message is for the operator (a path, SQLite's words, a stack). */
const FIXED: Partial<Record<ErrorCode, string>> = {
  E_STORE: 'the ledger database cannot be read',
  E_INTERNAL: 'internal error',
};

function sendError(res: ServerResponse, err: unknown, log: Logger): void {
  const e = asCohortError(err);
  const fixed = FIXED[e.code];
  // pino prints an Error cause under err; a verification thread's stack comes as a string (ledger-http-verify.ts).
  if (fixed) log.error({ err: e, detail: typeof e.cause === 'string' ? e.cause : undefined }, 'ledger request failed');
  // Each code's status is the error registry's (core/errors.ts).
  send(res, httpStatusOf(e.code), 'application/json', JSON.stringify({ code: e.code, message: fixed ?? e.message }));
}

interface Served {
  db: string;
  expected: Buffer;
  verification: SharedVerification;
  budget: CachedBudget;
  log: Logger;
}

function handle(req: IncomingMessage, res: ServerResponse, { db, expected, verification, budget, log }: Served): void {
  const auth = req.headers.authorization ?? '';
  const m = /^Bearer (.+)$/.exec(auth);
  if (!m || !timingSafeEqual(digest(m[1]!), expected)) {
    res.setHeader('WWW-Authenticate', 'Bearer realm="cohort-ledger"');
    throw new CohortError('E_UNAUTHORIZED', 'a valid auditor bearer token is required');
  }
  if (req.method !== 'GET') {
    res.setHeader('Allow', 'GET');
    throw new CohortError('E_HTTP_METHOD', 'read-only: GET only');
  }
  if ((req.url ?? '').length > MAX_URL_LENGTH) throw new CohortError('E_HTTP_URL_TOO_LONG', 'URL too long');
  const url = urlOf(req.url ?? '/');
  const q = (k: string) => url.searchParams.get(k) ?? undefined;
  switch (url.pathname) {
    case '/ledger': {
      const format = q('format') ?? 'json';
      if (format !== 'json' && format !== 'csv') throw new CohortError('E_HTTP_REQUEST', 'format must be json or csv');
      const job = q('job');
      const hospital = q('hospital');
      const page = readLedgerPage(db, pageQuery(url.searchParams));
      const rows = ledgerRows(page, { ...(job ? { job } : {}), ...(hospital ? { hospital } : {}) });
      if (page.next !== null) res.setHeader('Link', nextLink(url.searchParams, page.next));
      if (format === 'csv') send(res, 200, 'text/csv; charset=utf-8', toCsv(rows));
      else send(res, 200, 'application/json', JSON.stringify(rows));
      return;
    }
    case '/ledger/head':
      send(res, 200, 'application/json', JSON.stringify(readCoordinatorHead(db)));
      return;
    case '/ledger/budget':
      send(res, 200, 'application/json', budget.json());
      return;
    case '/ledger/verify':
      void verification.report().then(
        (report) => send(res, 200, 'application/json', JSON.stringify(report)),
        (err: unknown) => sendError(res, err, log),
      );
      return;
    default:
      throw new CohortError('E_NOT_FOUND', 'no such resource');
  }
}

/** The request target as a URL; one that is none (`//[`, which Node's parser lets through) is the sender's bad request. */
function urlOf(target: string): URL {
  try {
    return new URL(target, 'http://localhost');
  } catch {
    throw new CohortError('E_HTTP_REQUEST', 'the request target is not a URL');
  }
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  res.end(body);
}
