/**
 * The auditors' read-only HTTP endpoint over a coordinator database:
 *   GET /ledger?format=json|csv&job=J&hospital=H   entries (as `ledger export`)
 *   GET /ledger/head                               the latest hash and signature
 *   GET /ledger/budget                             spent per hospital and job
 *   GET /ledger/verify                             the `ledger verify` report
 * Every request needs `Authorization: Bearer <token>`; the token is compared
 * in constant time. The database is opened read-only per request, so the
 * endpoint never holds a lock the coordinator needs. (Enrolled auditor
 * identities replace the shared token with the security issue.)
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CohortError, asCohortError } from '../core/errors.ts';
import { budgetSummary, headOf, ledgerRows, readCoordinatorLedger, toCsv } from './ledger-reader.ts';
import { verifyFiles } from './ledger-cli.ts';

export const MIN_TOKEN_LENGTH = 32;
const MAX_URL_LENGTH = 2048;

export interface LedgerServerOptions {
  db: string;
  token: string;
  port?: number;
  host?: string;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export async function serveLedger(o: LedgerServerOptions): Promise<{ server: Server; port: number }> {
  if (o.token.length < MIN_TOKEN_LENGTH) throw new CohortError('E_CONFIG_INVALID', `the auditor token must be at least ${MIN_TOKEN_LENGTH} characters`);
  const expected = digest(o.token);
  const server = createServer((req, res) => {
    try {
      handle(req, res, o.db, expected);
    } catch (err) {
      const e = asCohortError(err);
      send(res, e.code === 'E_STORE' ? 503 : 500, 'application/json', JSON.stringify({ code: e.code, message: e.code === 'E_INTERNAL' ? 'internal error' : e.message }));
    }
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, o.host ?? '127.0.0.1', () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}

function handle(req: IncomingMessage, res: ServerResponse, db: string, expected: Buffer): void {
  const auth = req.headers.authorization ?? '';
  const m = /^Bearer (.+)$/.exec(auth);
  if (!m || !timingSafeEqual(digest(m[1]!), expected)) {
    res.setHeader('WWW-Authenticate', 'Bearer realm="cohort-ledger"');
    send(res, 401, 'application/json', JSON.stringify({ code: 'E_UNAUTHORIZED', message: 'a valid auditor bearer token is required' }));
    return;
  }
  if (req.method !== 'GET') {
    res.setHeader('Allow', 'GET');
    send(res, 405, 'application/json', JSON.stringify({ code: 'E_HTTP_METHOD', message: 'read-only: GET only' }));
    return;
  }
  if ((req.url ?? '').length > MAX_URL_LENGTH) {
    send(res, 414, 'application/json', JSON.stringify({ code: 'E_HTTP_REQUEST', message: 'URL too long' }));
    return;
  }
  const url = new URL(req.url ?? '/', 'http://localhost');
  const q = (k: string) => url.searchParams.get(k) ?? undefined;
  switch (url.pathname) {
    case '/ledger': {
      const format = q('format') ?? 'json';
      if (format !== 'json' && format !== 'csv') {
        send(res, 400, 'application/json', JSON.stringify({ code: 'E_HTTP_REQUEST', message: 'format must be json or csv' }));
        return;
      }
      const job = q('job');
      const hospital = q('hospital');
      const rows = ledgerRows(readCoordinatorLedger(db), { ...(job ? { job } : {}), ...(hospital ? { hospital } : {}) });
      if (format === 'csv') send(res, 200, 'text/csv; charset=utf-8', toCsv(rows));
      else send(res, 200, 'application/json', JSON.stringify(rows));
      return;
    }
    case '/ledger/head':
      send(res, 200, 'application/json', JSON.stringify(headOf(readCoordinatorLedger(db))));
      return;
    case '/ledger/budget':
      send(res, 200, 'application/json', JSON.stringify(budgetSummary(readCoordinatorLedger(db))));
      return;
    case '/ledger/verify': {
      const report = verifyFiles({ db });
      send(res, 200, 'application/json', JSON.stringify(report));
      return;
    }
    default:
      send(res, 404, 'application/json', JSON.stringify({ code: 'E_NOT_FOUND', message: 'no such resource' }));
  }
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  res.end(body);
}
