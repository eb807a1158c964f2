/**
 * The auditors' read-only HTTP endpoint over a coordinator database:
 *   GET /ledger?format=json|csv&job=J&hospital=H   entries (as `ledger export`)
 *   GET /ledger/head                               the latest hash and signature
 *   GET /ledger/budget                             spent per hospital and job
 *   GET /ledger/verify                             the `ledger verify` report
 * The verification runs in a worker thread, one at a time, its report shared
 * by the requests that wait for it and kept until the database changes
 * (ledger-http-verify.ts): the other routes answer meanwhile.
 * Every request needs `Authorization: Bearer <token>`; the token is compared
 * in constant time, and must be strong (core/auth/token.ts). The database is
 * opened read-only per request (and once more, read-only, to watch
 * data_version, outside any transaction), so the endpoint never holds a lock
 * the coordinator needs. It binds loopback by default; any other address needs
 * TLS (the token would otherwise cross the network in clear), and under TLS
 * every response carries Strict-Transport-Security. (Enrolled auditor
 * identities replace the shared token with the security issue.)
 */
import { listenOn } from '../edge/listen.ts';
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { requireStrongToken } from '../core/auth/token.ts';
import { isLoopbackHost } from '../core/loopback.ts';
import { CohortError, asCohortError, httpStatusOf } from '../core/errors.ts';
import { budgetSummary, ledgerRows, readCoordinatorHead, readCoordinatorLedger, toCsv } from './ledger-reader.ts';
import { SharedVerification, type SharedVerificationOptions } from './ledger-http-verify.ts';

const MAX_URL_LENGTH = 2048;
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
  const verification = new SharedVerification(o.db, o.verify);
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    if (o.tls) res.setHeader('Strict-Transport-Security', HSTS);
    try {
      handle(req, res, { db: o.db, expected, verification });
    } catch (err) {
      sendError(res, err);
    }
  };
  const server = o.tls
    ? createHttpsServer({ cert: o.tls.cert, key: o.tls.key, minVersion: 'TLSv1.2' }, handler)
    : createServer(handler);
  server.on('close', () => verification.close());
  // Receiving a request (not answering it: a verification may take minutes) is bounded.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  return { server, port: await listenOn(server, o.port ?? 0, host) };
}

function sendError(res: ServerResponse, err: unknown): void {
  const e = asCohortError(err);
  // Each code's status is the error registry's (core/errors.ts).
  send(
    res,
    httpStatusOf(e.code),
    'application/json',
    JSON.stringify({ code: e.code, message: e.code === 'E_INTERNAL' ? 'internal error' : e.message }),
  );
}

interface Served {
  db: string;
  expected: Buffer;
  verification: SharedVerification;
}

function handle(req: IncomingMessage, res: ServerResponse, { db, expected, verification }: Served): void {
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
  const url = new URL(req.url ?? '/', 'http://localhost');
  const q = (k: string) => url.searchParams.get(k) ?? undefined;
  switch (url.pathname) {
    case '/ledger': {
      const format = q('format') ?? 'json';
      if (format !== 'json' && format !== 'csv') throw new CohortError('E_HTTP_REQUEST', 'format must be json or csv');
      const job = q('job');
      const hospital = q('hospital');
      const rows = ledgerRows(readCoordinatorLedger(db), {
        ...(job ? { job } : {}),
        ...(hospital ? { hospital } : {}),
      });
      if (format === 'csv') send(res, 200, 'text/csv; charset=utf-8', toCsv(rows));
      else send(res, 200, 'application/json', JSON.stringify(rows));
      return;
    }
    case '/ledger/head':
      send(res, 200, 'application/json', JSON.stringify(readCoordinatorHead(db)));
      return;
    case '/ledger/budget':
      send(res, 200, 'application/json', JSON.stringify(budgetSummary(readCoordinatorLedger(db))));
      return;
    case '/ledger/verify':
      void verification.report().then(
        (report) => send(res, 200, 'application/json', JSON.stringify(report)),
        (err: unknown) => sendError(res, err),
      );
      return;
    default:
      throw new CohortError('E_NOT_FOUND', 'no such resource');
  }
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  res.end(body);
}
