/**
 * The coordinator's web dashboard: static files built at build time
 * (coordinator/dashboard/public), a JSON API per role (api.ts), server-sent
 * events that tell open pages when to refresh, and Prometheus metrics.
 *
 *   POST /api/login   {code, replace?}  one-time code from `cohort dashboard login` -> session cookie
 *   POST /api/logout
 *   GET  /api/me, /api/jobs, /api/jobs/:id, /api/hospitals, /api/hospitals/:name, /api/ledger
 *   GET  /api/events          text/event-stream: `change` when the database or the live state changed
 *   GET  /metrics             Prometheus text; `Authorization: Bearer <metrics token>`
 *
 * The session cookie is HttpOnly and SameSite=Strict, and `__Host-` prefixed
 * and Secure when the page is served over https (cookieFor). Every POST must
 * name this origin in its Origin header, and no /api/ request may come from
 * another origin by Sec-Fetch-Site (crossOriginProblem): SameSite does not
 * stop a page on another port of the same host, which is the same site. A
 * login code opened in a browser that holds another identity's session is
 * refused (409 E_SESSION_EXISTS) until the page asks again with
 * `replace: true`, which it does only when the user confirms. Events carry no
 * data, only "look again": everything a page shows goes through the per-role
 * API; the streams of a revoked identity end at the commit that revokes it.
 * Sessions and event streams are capped per identity: nobody's logins or
 * streams close another identity's. Each session's API reads are rate
 * limited (request-budget.ts: 429 E_RATE_LIMIT past it).
 */
import { listenOn } from '../../edge/listen.ts';
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { CohortError, asCohortError, httpStatusOf } from '../../core/errors.ts';
import type { CoordinatorSnapshot, Viewer } from '../../core/dashboard/index.ts';
import type { Role } from '../../core/auth/policy.ts';
import type { Logger } from '../../edge/log.ts';
import { requireStrongToken } from '../../core/auth/token.ts';
import { HSTS } from '../ledger-http.ts';
import { DashboardApi } from './api.ts';
import {
  LedgerVerifier,
  ledgerVerifierOptions,
  type LedgerVerifierOptions,
  type VerifierWorkerFactory,
} from './ledger-verifier.ts';
import type { CoordinatorMetrics } from './metrics.ts';
import { boundedHttpServer } from '../bounded-http.ts';
import {
  PLAIN_COOKIE,
  cookieFor,
  cookieValues,
  crossOriginProblem,
  decodeName,
  pathOf,
  readBody,
  requireMethod,
} from './http-request.ts';
import { DashboardReader } from './reader.ts';
import { SessionRequestBudget, API_READS_PER_SECOND, API_READ_BURST } from './request-budget.ts';
import { DashboardSessions, type Session } from './sessions.ts';

export interface DashboardOptions {
  port?: number;
  host?: string;
  /** The URL people open (behind a proxy); default: this server's own. */
  publicUrl?: string;
  /** Bearer token for /metrics (strong: core/auth/token.ts); without it /metrics answers 404. */
  metricsToken?: string;
  /** How often open event streams check for changes. */
  pollMs?: number;
  /** The ledger view's verifier thread (ledger-verifier.ts: its heap, how soon a full pass follows a change). */
  ledgerVerifier?: Partial<LedgerVerifierOptions>;
  /** Sockets held at once (default MAX_CONNECTIONS). */
  maxConnections?: number;
}

export interface DashboardDeps {
  dbPath: string;
  snapshot: () => CoordinatorSnapshot;
  metrics: CoordinatorMetrics;
  log: Logger;
  now: () => number;
  /** Serve https with the coordinator's certificate. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** How the ledger verifier's thread is started (default: ledger-verifier-thread.ts). */
  startVerifier?: VerifierWorkerFactory;
}

export const DEFAULT_POLL_MS = 250;
/** Event streams open at once over all identities, a backstop (512 identities each at MAX_STREAMS_PER_IDENTITY); more are refused with 503, none is closed. */
export const MAX_EVENT_STREAMS = 4096;
/** Event streams one login session may hold (a few tabs); a newer one closes the session's oldest. */
export const MAX_STREAMS_PER_SESSION = 4;
/** Event streams one identity may hold over all its sessions; a newer one closes the identity's oldest. */
export const MAX_STREAMS_PER_IDENTITY = 8;
/**
 * Sockets the dashboard's HTTP server holds at once (`server.maxConnections`):
 * room for MAX_EVENT_STREAMS event streams, the most that may be open, and
 * 1024 requests beside them. Past it a new connection is closed as it is
 * accepted, so strangers holding slow-header sockets cannot take every file
 * descriptor of the process, which the coordinator's WebSocket side shares.
 */
export const MAX_CONNECTIONS = MAX_EVENT_STREAMS + 1024;
const MAX_URL_LENGTH = 2048;
const HEARTBEAT_MS = 15_000;
const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));
const STATIC: Record<string, [file: string, type: string]> = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/app.js': ['app.js', 'text/javascript; charset=utf-8'],
  '/app.css': ['app.css', 'text/css; charset=utf-8'],
};
const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};
const loginBody = z.strictObject({ code: z.string().min(16).max(128), replace: z.literal(true).optional() });
const digest = (s: string) => createHash('sha256').update(s).digest();

interface Stream {
  res: ServerResponse;
  token: string;
  name: string;
}

export class DashboardServer {
  readonly sessions = new DashboardSessions();
  private readonly reads = new SessionRequestBudget();
  private readonly server: Server;
  private readonly files = new Map<string, Buffer>();
  private readonly streams = new Set<Stream>();
  private readonly metricsToken: Buffer | null;
  private readonly verifierOptions: LedgerVerifierOptions;
  private verifier: LedgerVerifier | null = null;
  private reader: DashboardReader | null = null;
  private api: DashboardApi | null = null;
  private poller: NodeJS.Timeout | null = null;
  private lastSignature = '';
  private lastHeartbeat = 0;
  private baseUrl = '';
  /** Origins a POST may come from: the URL people open (set at listen); the request's own Host is added per request. */
  private publicOrigin = '';
  private cookie = { name: PLAIN_COOKIE, attributes: 'Path=/; HttpOnly; SameSite=Strict' };

  constructor(
    private readonly deps: DashboardDeps,
    private readonly opts: DashboardOptions = {},
  ) {
    if (deps.dbPath === ':memory:')
      throw new CohortError(
        'E_CONFIG_INVALID',
        'the dashboard reads the coordinator database: it needs a database file, not :memory:',
      );
    if (opts.metricsToken !== undefined) requireStrongToken(opts.metricsToken, 'the metrics token');
    this.metricsToken = opts.metricsToken ? digest(opts.metricsToken) : null;
    this.verifierOptions = ledgerVerifierOptions(opts.ledgerVerifier);
    for (const [file] of Object.values(STATIC)) this.files.set(file, readFileSync(PUBLIC_DIR + file));
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
    this.server = boundedHttpServer(handler, opts.maxConnections ?? MAX_CONNECTIONS, deps.tls);
  }

  async listen(): Promise<number> {
    this.reader = new DashboardReader(this.deps.dbPath);
    // Its thread starts at the first change it is told of: when someone first opens the ledger view.
    this.verifier = new LedgerVerifier(this.deps.dbPath, this.verifierOptions, {
      log: this.deps.log,
      ...(this.deps.startVerifier ? { createWorker: this.deps.startVerifier } : {}),
    });
    this.api = new DashboardApi(this.reader, this.verifier, this.deps.snapshot);
    const host = this.opts.host ?? '127.0.0.1';
    const port = await listenOn(this.server, this.opts.port ?? 0, host);
    this.baseUrl = (
      this.opts.publicUrl ?? `${this.deps.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`
    ).replace(/\/+$/, '');
    this.publicOrigin = new URL(this.baseUrl).origin;
    this.cookie = cookieFor(this.baseUrl);
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
    await this.verifier?.close();
    this.reader?.close();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.deps.tls) res.setHeader('Strict-Transport-Security', HSTS);
    try {
      if ((req.url ?? '').length > MAX_URL_LENGTH) throw new CohortError('E_HTTP_URL_TOO_LONG', 'URL too long');
      const path = pathOf(req.url ?? '/');
      if (path.startsWith('/api/') || (req.method !== 'GET' && req.method !== 'HEAD')) {
        const problem = crossOriginProblem(req, [
          this.publicOrigin,
          `${this.deps.tls ? 'https' : 'http'}://${req.headers.host ?? ''}`,
        ]);
        if (problem) throw new CohortError('E_HTTP_CROSS_ORIGIN', problem);
      }
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
        res.setHeader('Set-Cookie', `${this.cookie.name}=; ${this.cookie.attributes}; Max-Age=0`);
        return json(res, 200, { ok: true });
      }
      requireMethod(req, 'GET');
      if (path === '/api/events') return this.openStream(res, token, session.name);
      if (!this.reads.take(session, this.deps.now())) tooManyReads(res);
      if (path === '/api/me') return json(res, 200, api.me(viewer, session.expiresAt));
      if (path === '/api/jobs') return json(res, 200, api.jobs(viewer));
      if (path === '/api/hospitals') return json(res, 200, api.hospitals(viewer));
      if (path === '/api/ledger') return json(res, 200, api.ledger(viewer));
      const m = /^\/api\/jobs\/([A-Za-z0-9._-]{1,200})$/.exec(path);
      if (m) return json(res, 200, api.job(viewer, m[1]!));
      const hm = /^\/api\/hospitals\/([^/]{1,600})$/.exec(path);
      if (hm) return json(res, 200, api.hospital(viewer, decodeName(hm[1]!)));
      throw new CohortError('E_NOT_FOUND', 'no such resource');
    } catch (err) {
      const e = asCohortError(err);
      if (e.code === 'E_INTERNAL') this.deps.log.error({ err }, 'dashboard request failed');
      if (e.code === 'E_HTTP_METHOD') res.setHeader('Allow', e.message.startsWith('POST') ? 'POST' : 'GET');
      if (!res.headersSent)
        json(res, httpStatusOf(e.code), {
          code: e.code,
          message: e.code === 'E_INTERNAL' ? 'internal error' : e.message,
        });
      else res.end();
    }
  }

  /** The session of the request's cookie, still valid and of an identity still enrolled in the same role. */
  private authenticate(req: IncomingMessage): { viewer: Viewer; session: Session; token: string } {
    const found = this.current(req);
    if (!found)
      throw new CohortError(
        'E_UNAUTHORIZED',
        'no valid dashboard session: run `cohort dashboard login` and open the URL it prints',
      );
    const { token, session } = found;
    if (!this.stillEnrolled(session))
      throw new CohortError('E_UNAUTHORIZED', 'this identity is no longer enrolled in that role');
    return { viewer: { name: session.name, role: session.role }, session, token };
  }

  /** The request's live session, if its cookie holds one (a second cookie of that name, as another port could plant, counts as none). */
  private current(req: IncomingMessage): { token: string; session: Session } | null {
    const tokens = cookieValues(req, this.cookie.name);
    const token = tokens.length === 1 ? tokens[0]! : null;
    const session = token ? this.sessions.session(token, this.deps.now()) : null;
    return token && session ? { token, session } : null;
  }

  /** Whether the session's identity is still enrolled, unrevoked, in the same role; if not, every session of it ends. */
  private stillEnrolled(session: Session): boolean {
    const who = this.reader!.identity(session.name);
    if (who && who.revokedAt === null && who.role === session.role) return true;
    this.sessions.endAllOf(session.name);
    return false;
  }

  private async login_(req: IncomingMessage, res: ServerResponse): Promise<void> {
    requireMethod(req, 'POST');
    // A JSON body cannot be sent cross-site without a CORS preflight, which this server never grants.
    if (!/^application\/json\b/.test(req.headers['content-type'] ?? ''))
      throw new CohortError('E_HTTP_REQUEST', 'login expects application/json');
    let parsed: z.infer<typeof loginBody>;
    try {
      parsed = loginBody.parse(JSON.parse(await readBody(req)));
    } catch (err) {
      if (err instanceof CohortError) throw err;
      throw new CohortError('E_HTTP_REQUEST', 'login expects {"code": "..."}');
    }
    const unknown = () =>
      new CohortError(
        'E_UNAUTHORIZED',
        'the login code is unknown, used or expired: run `cohort dashboard login` again',
      );
    const offered = this.sessions.peek(parsed.code, this.deps.now());
    if (!offered) throw unknown();
    // A link carrying someone else's code must not silently swap the identity this browser is logged in as.
    const found = this.current(req);
    const current = found && this.stillEnrolled(found.session) ? found : null;
    if (current && current.session.name !== offered.name && !parsed.replace) {
      return json(res, httpStatusOf('E_SESSION_EXISTS'), {
        code: 'E_SESSION_EXISTS',
        message: `this browser is logged in as ${current.session.name}; the link would log it in as ${offered.name} instead`,
        current: { name: current.session.name, role: current.session.role },
        offered: { name: offered.name, role: offered.role },
      });
    }
    const s = this.sessions.redeem(parsed.code, this.deps.now());
    if (!s) throw unknown();
    if (current) this.sessions.end(current.token);
    const maxAge = Math.floor((s.expiresAt - this.deps.now()) / 1000);
    res.setHeader('Set-Cookie', `${this.cookie.name}=${s.token}; ${this.cookie.attributes}; Max-Age=${maxAge}`);
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

  private openStream(res: ServerResponse, token: string, name: string): void {
    // An identity's streams make way only for its own: its session's oldest past MAX_STREAMS_PER_SESSION, its oldest past MAX_STREAMS_PER_IDENTITY.
    const mine = [...this.streams].filter((x) => x.name === name);
    const session = mine.filter((x) => x.token === token);
    const oldest =
      session.length >= MAX_STREAMS_PER_SESSION
        ? session[0]
        : mine.length >= MAX_STREAMS_PER_IDENTITY
          ? mine[0]
          : undefined;
    if (oldest) this.closeStream(oldest, 'event: replaced\ndata: {}\n\n');
    if (this.streams.size >= MAX_EVENT_STREAMS)
      throw new CohortError('E_HTTP_BUSY', `more than ${MAX_EVENT_STREAMS} open event streams`);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      ...SECURITY_HEADERS,
    });
    res.write('retry: 2000\n\n');
    const stream = { res, token, name };
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

  /** What a page would see change: any commit to the database, a hospital (dis)connecting, a job changing round or phase, a ledger verification ending. */
  private signature(): string {
    const snap = this.deps.snapshot();
    const live = Object.entries(snap.jobs)
      .map(([id, j]) => `${id}:${j.round}:${j.phase}:${j.members.length}`)
      .join(',');
    return `${this.reader!.dataVersion()}|${this.verifier!.generation}|${snap.hospitals
      .filter((h) => h.connected)
      .map((h) => h.name)
      .join(',')}|${live}`;
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
    const stillIn = this.enrolledOnce();
    for (const s of [...this.streams]) {
      const session = this.sessions.session(s.token, now);
      if (!session || (changed && !stillIn(session))) {
        this.closeStream(s, 'event: expired\ndata: {}\n\n');
        continue;
      }
      // A reader that stopped reading is dropped rather than buffered for without end.
      const ok = changed
        ? s.res.write(`event: change\ndata: {"at":${now}}\n\n`)
        : beat
          ? s.res.write(': keep-alive\n\n')
          : true;
      if (!ok) this.closeStream(s);
    }
  }

  /**
   * Whether a stream's session is still of an enrolled identity in its role,
   * asked of the database once per identity and role in a poll: a commit may
   * have revoked it, and its streams then end with its sessions, as a read's
   * would. A database that cannot be read ends nothing (the next poll asks again).
   */
  private enrolledOnce(): (session: Session) => boolean {
    const known = new Map<string, boolean>();
    return (session) => {
      const key = `${session.role}:${session.name}`;
      if (!known.has(key)) {
        try {
          known.set(key, this.stillEnrolled(session));
        } catch (err) {
          this.deps.log.warn({ err: (err as Error).message }, 'dashboard poll could not read identities');
          known.set(key, true);
        }
      }
      return known.get(key)!;
    };
  }

  /** Ends a stream once: it leaves the set before its end is written, so a later poll never writes after it. */
  private closeStream(s: Stream, last?: string): void {
    this.streams.delete(s);
    if (s.res.writableEnded || s.res.destroyed) return;
    if (last) s.res.end(last);
    else s.res.destroy();
  }
}

function send(res: ServerResponse, status: number, type: string, body: Buffer | string, cache = 'no-store'): void {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': cache, ...SECURITY_HEADERS });
  res.end(body);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
}

/**
 * E_RATE_LIMIT (429 through the error registry, answered by the request's
 * catch like every refusal), its code the one a peer past its message budget
 * gets on the wire; Retry-After: when the next read is allowed.
 */
function tooManyReads(res: ServerResponse): never {
  res.setHeader('Retry-After', String(Math.ceil(1 / API_READS_PER_SECOND)));
  throw new CohortError(
    'E_RATE_LIMIT',
    `more than ${API_READ_BURST} dashboard reads at once or ${API_READS_PER_SECOND} a second from this session: try again shortly`,
  );
}
