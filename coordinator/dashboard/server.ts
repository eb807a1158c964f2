/**
 * The coordinator's web dashboard: static files built at build time
 * (coordinator/dashboard/public), a JSON API per role (api.ts), server-sent
 * events that tell open pages when to refresh, and Prometheus metrics.
 *
 *   POST /api/login   {code}  one-time code from `cohort dashboard login` -> session cookie
 *   POST /api/logout
 *   GET  /api/me, /api/jobs, /api/jobs/:id, /api/hospitals, /api/ledger
 *   GET  /api/events          text/event-stream: `change` when the database or the live state changed
 *   GET  /metrics             Prometheus text; `Authorization: Bearer <metrics token>`
 *
 * The session cookie is HttpOnly and SameSite=Strict; POSTs must be JSON from
 * this origin. Events carry no data, only "look again": everything a page
 * shows goes through the per-role API.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { CohortError, asCohortError, type ErrorCode } from '../../core/errors.ts';
import type { CoordinatorSnapshot, Viewer } from '../../core/dashboard/index.ts';
import type { Role } from '../../core/auth/policy.ts';
import type { Logger } from '../../core/log.ts';
import { MIN_TOKEN_LENGTH } from '../ledger-http.ts';
import { DashboardApi } from './api.ts';
import type { CoordinatorMetrics } from './metrics.ts';
import { DashboardReader } from './reader.ts';
import { DashboardSessions, type Session } from './sessions.ts';

export interface DashboardOptions {
  port?: number;
  host?: string;
  /** The URL people open (behind a proxy); default: this server's own. */
  publicUrl?: string;
  /** Bearer token for /metrics (>= 32 characters); without it /metrics answers 404. */
  metricsToken?: string;
  /** How often open event streams check for changes. */
  pollMs?: number;
}

export interface DashboardDeps {
  dbPath: string;
  snapshot: () => CoordinatorSnapshot;
  metrics: CoordinatorMetrics;
  log: Logger;
  now: () => number;
  /** Serve https with the coordinator's certificate. */
  tls?: { cert: string | Buffer; key: string | Buffer };
}

export const DEFAULT_POLL_MS = 250;
/** Event streams open at once; more are refused with 503. */
export const MAX_EVENT_STREAMS = 64;
/** Event streams one login session may hold (a few tabs). */
export const MAX_STREAMS_PER_SESSION = 4;
const MAX_BODY_BYTES = 1024;
const MAX_URL_LENGTH = 2048;
const HEARTBEAT_MS = 15_000;
const COOKIE = 'cohort_session';
const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));
const STATIC: Record<string, [file: string, type: string]> = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/app.js': ['app.js', 'text/javascript; charset=utf-8'],
  '/app.css': ['app.css', 'text/css; charset=utf-8'],
};
const STATUS: Partial<Record<ErrorCode, number>> = {
  E_UNAUTHORIZED: 401, E_FORBIDDEN: 403, E_NOT_FOUND: 404, E_HTTP_METHOD: 405, E_HTTP_REQUEST: 400, E_HTTP_BUSY: 503, E_STORE: 503,
};
const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};
const loginBody = z.strictObject({ code: z.string().min(16).max(128) });
const digest = (s: string) => createHash('sha256').update(s).digest();

interface Stream {
  res: ServerResponse;
  token: string;
}

export class DashboardServer {
  readonly sessions = new DashboardSessions();
  private readonly server: Server;
  private readonly files = new Map<string, Buffer>();
  private readonly streams = new Set<Stream>();
  private readonly metricsToken: Buffer | null;
  private reader: DashboardReader | null = null;
  private api: DashboardApi | null = null;
  private poller: NodeJS.Timeout | null = null;
  private lastSignature = '';
  private lastHeartbeat = 0;
  private baseUrl = '';

  constructor(private readonly deps: DashboardDeps, private readonly opts: DashboardOptions = {}) {
    if (deps.dbPath === ':memory:') throw new CohortError('E_CONFIG_INVALID', 'the dashboard reads the coordinator database: it needs a database file, not :memory:');
    if (opts.metricsToken !== undefined && opts.metricsToken.length < MIN_TOKEN_LENGTH) throw new CohortError('E_CONFIG_INVALID', `the metrics token must be at least ${MIN_TOKEN_LENGTH} characters`);
    this.metricsToken = opts.metricsToken ? digest(opts.metricsToken) : null;
    for (const [file] of Object.values(STATIC)) this.files.set(file, readFileSync(PUBLIC_DIR + file));
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
    this.server = deps.tls ? createHttpsServer({ cert: deps.tls.cert, key: deps.tls.key, minVersion: 'TLSv1.2' }, handler) : createServer(handler);
    this.server.requestTimeout = 30_000;
    this.server.headersTimeout = 10_000;
  }

  async listen(): Promise<number> {
    this.reader = new DashboardReader(this.deps.dbPath);
    this.api = new DashboardApi(this.reader, this.deps.dbPath, this.deps.snapshot);
    const host = this.opts.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port ?? 0, host, () => resolve());
    });
    const port = (this.server.address() as AddressInfo).port;
    this.baseUrl = (this.opts.publicUrl ?? `${this.deps.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`).replace(/\/+$/, '');
    this.deps.log.info({ url: this.baseUrl, metrics: this.metricsToken !== null }, 'dashboard listening');
    return port;
  }

  get url(): string {
    return this.baseUrl;
  }

  /** A login URL for an authenticated identity (the code travels in the fragment, never in a request line or a log). */
  login(name: string, role: Role): { url: string; expiresAt: number } {
    const { code, expiresAt } = this.sessions.issueCode(name, role, this.deps.now());
    return { url: `${this.baseUrl}/#code=${code}`, expiresAt };
  }

  async close(): Promise<void> {
    if (this.poller) clearInterval(this.poller);
    for (const s of this.streams) s.res.end();
    this.streams.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.reader?.close();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if ((req.url ?? '').length > MAX_URL_LENGTH) throw new CohortError('E_HTTP_REQUEST', 'URL too long');
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (path === '/metrics') return await this.metrics(req, res);
      const file = STATIC[path];
      if (file) {
        requireMethod(req, 'GET');
        return send(res, 200, file[1], this.files.get(file[0])!, 'public, max-age=0, must-revalidate');
      }
      if (!path.startsWith('/api/')) throw new CohortError('E_NOT_FOUND', 'no such resource');
      if (path === '/api/login') return await this.login_(req, res);
      const { viewer, session, token } = this.authenticate(req);
      const api = this.api!;
      if (path === '/api/logout') {
        requireMethod(req, 'POST');
        this.sessions.end(token);
        res.setHeader('Set-Cookie', `${COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${this.deps.tls ? '; Secure' : ''}`);
        return json(res, 200, { ok: true });
      }
      requireMethod(req, 'GET');
      if (path === '/api/events') return this.openStream(res, token);
      if (path === '/api/me') return json(res, 200, api.me(viewer, session.expiresAt));
      if (path === '/api/jobs') return json(res, 200, api.jobs(viewer));
      if (path === '/api/hospitals') return json(res, 200, api.hospitals(viewer));
      if (path === '/api/ledger') return json(res, 200, api.ledger(viewer));
      const m = /^\/api\/jobs\/([A-Za-z0-9._-]{1,200})$/.exec(path);
      if (m) return json(res, 200, api.job(viewer, m[1]!));
      throw new CohortError('E_NOT_FOUND', 'no such resource');
    } catch (err) {
      const e = asCohortError(err);
      if (e.code === 'E_INTERNAL') this.deps.log.error({ err }, 'dashboard request failed');
      if (e.code === 'E_HTTP_METHOD') res.setHeader('Allow', e.message.startsWith('POST') ? 'POST' : 'GET');
      if (!res.headersSent) json(res, STATUS[e.code] ?? 500, { code: e.code, message: e.code === 'E_INTERNAL' ? 'internal error' : e.message });
      else res.end();
    }
  }

  /** The session of the request's cookie, still valid and of an identity still enrolled in the same role. */
  private authenticate(req: IncomingMessage): { viewer: Viewer; session: Session; token: string } {
    const token = cookie(req, COOKIE);
    const session = token ? this.sessions.session(token, this.deps.now()) : null;
    if (!token || !session) throw new CohortError('E_UNAUTHORIZED', 'no valid dashboard session: run `cohort dashboard login` and open the URL it prints');
    const who = this.reader!.identity(session.name);
    if (!who || who.revokedAt !== null || who.role !== session.role) {
      this.sessions.endAllOf(session.name);
      throw new CohortError('E_UNAUTHORIZED', 'this identity is no longer enrolled in that role');
    }
    return { viewer: { name: session.name, role: session.role }, session, token };
  }

  private async login_(req: IncomingMessage, res: ServerResponse): Promise<void> {
    requireMethod(req, 'POST');
    // A JSON body cannot be sent cross-site without a CORS preflight, which this server never grants.
    if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) throw new CohortError('E_HTTP_REQUEST', 'login expects application/json');
    let parsed: z.infer<typeof loginBody>;
    try {
      parsed = loginBody.parse(JSON.parse(await readBody(req)));
    } catch (err) {
      if (err instanceof CohortError) throw err;
      throw new CohortError('E_HTTP_REQUEST', 'login expects {"code": "..."}');
    }
    const s = this.sessions.redeem(parsed.code, this.deps.now());
    if (!s) throw new CohortError('E_UNAUTHORIZED', 'the login code is unknown, used or expired: run `cohort dashboard login` again');
    const maxAge = Math.floor((s.expiresAt - this.deps.now()) / 1000);
    res.setHeader('Set-Cookie', `${COOKIE}=${s.token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${this.deps.tls ? '; Secure' : ''}`);
    this.deps.log.info({ user: s.name, role: s.role }, 'dashboard login');
    json(res, 200, { name: s.name, role: s.role, expiresAt: s.expiresAt });
  }

  private async metrics(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.metricsToken) throw new CohortError('E_NOT_FOUND', 'metrics are off (no metrics token configured)');
    const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    if (!m || !timingSafeEqual(digest(m[1]!), this.metricsToken)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="cohort-metrics"');
      throw new CohortError('E_UNAUTHORIZED', 'a valid metrics bearer token is required');
    }
    requireMethod(req, 'GET');
    send(res, 200, this.deps.metrics.registry.contentType, Buffer.from(await this.deps.metrics.text()));
  }

  private openStream(res: ServerResponse, token: string): void {
    if (this.streams.size >= MAX_EVENT_STREAMS) throw new CohortError('E_HTTP_BUSY', `more than ${MAX_EVENT_STREAMS} open event streams`);
    // One session cannot take every slot: its oldest stream makes way.
    const own = [...this.streams].filter((x) => x.token === token);
    if (own.length >= MAX_STREAMS_PER_SESSION) this.closeStream(own[0]!, 'event: replaced\ndata: {}\n\n');
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive', ...SECURITY_HEADERS });
    res.write('retry: 2000\n\n');
    const stream = { res, token };
    this.streams.add(stream);
    // A socket error must not become an unhandled 'error' event in the coordinator.
    res.on('error', () => this.closeStream(stream));
    res.on('close', () => {
      this.streams.delete(stream);
      if (this.streams.size === 0 && this.poller) {
        clearInterval(this.poller);
        this.poller = null;
      }
    });
    if (!this.poller) {
      this.lastSignature = this.signature();
      this.poller = setInterval(() => this.poll(), this.opts.pollMs ?? DEFAULT_POLL_MS);
      this.poller.unref();
    }
  }

  /** What a page would see change: any commit to the database, a hospital (dis)connecting, a job changing round or phase. */
  private signature(): string {
    const snap = this.deps.snapshot();
    const live = Object.entries(snap.jobs).map(([id, j]) => `${id}:${j.round}:${j.phase}:${j.members.length}`).join(',');
    return `${this.reader!.dataVersion()}|${snap.hospitals.filter((h) => h.connected).map((h) => h.name).join(',')}|${live}`;
  }

  private poll(): void {
    const now = this.deps.now();
    let sig: string;
    try {
      sig = this.signature();
    } catch (err) {
      this.deps.log.warn({ err: (err as Error).message }, 'dashboard poll failed');
      return;
    }
    const changed = sig !== this.lastSignature;
    this.lastSignature = sig;
    const beat = now - this.lastHeartbeat >= HEARTBEAT_MS;
    if (beat) this.lastHeartbeat = now;
    for (const s of [...this.streams]) {
      if (!this.sessions.session(s.token, now)) {
        this.closeStream(s, 'event: expired\ndata: {}\n\n');
        continue;
      }
      // A reader that stopped reading is dropped rather than buffered for without end.
      const ok = changed ? s.res.write(`event: change\ndata: {"at":${now}}\n\n`) : beat ? s.res.write(': keep-alive\n\n') : true;
      if (!ok) this.closeStream(s);
    }
  }

  /** Ends a stream once: it leaves the set before its end is written, so a later poll never writes after it. */
  private closeStream(s: Stream, last?: string): void {
    this.streams.delete(s);
    if (s.res.writableEnded || s.res.destroyed) return;
    if (last) s.res.end(last);
    else s.res.destroy();
  }
}

function requireMethod(req: IncomingMessage, method: 'GET' | 'POST'): void {
  if (req.method !== method && !(method === 'GET' && req.method === 'HEAD')) throw new CohortError('E_HTTP_METHOD', `${method} only`);
}

function cookie(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=') || null;
  }
  return null;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of req) {
    n += (c as Buffer).length;
    if (n > MAX_BODY_BYTES) throw new CohortError('E_HTTP_REQUEST', `body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, type: string, body: Buffer | string, cache = 'no-store'): void {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': cache, ...SECURITY_HEADERS });
  res.end(body);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
}
