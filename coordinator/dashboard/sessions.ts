/**
 * Dashboard logins. `cohort dashboard login` proves an enrolled identity over
 * the WebSocket handshake and gets a one-time login code; the page trades the
 * code for a session token held in an HttpOnly, SameSite=Strict cookie. Codes
 * and sessions live in memory only (a restarted coordinator logs everyone
 * out) and are stored by their SHA-256, so the table itself holds no usable
 * credential.
 *
 * Both tables are capped per identity: an identity over its cap loses its own
 * oldest code or session, never another identity's. The global caps are a
 * memory backstop far above any deployment's identities times the
 * per-identity cap; when one is reached, new codes are refused (E_HTTP_BUSY),
 * nobody is logged out.
 */
import { createHash, randomBytes } from 'node:crypto';
import { CohortError } from '../../core/errors.ts';
import type { Role } from '../../core/auth/policy.ts';

/** A login code must be redeemed this soon after `cohort dashboard login` printed it. */
export const LOGIN_CODE_TTL_MS = 2 * 60_000;
/** A session ends this long after login; log in again with the CLI. */
export const SESSION_TTL_MS = 15 * 60_000;
/** Outstanding codes one identity may hold; a newer one drops its oldest. */
export const MAX_CODES_PER_IDENTITY = 8;
/** Live sessions one identity may hold (a few browsers); a newer login ends its oldest. */
export const MAX_SESSIONS_PER_IDENTITY = 8;
/** Backstops over all identities (8,192 identities at the per-identity caps): past them new codes are refused. */
export const MAX_LOGIN_CODES = 65_536;
export const MAX_SESSIONS = 65_536;
const SECRET_BYTES = 32;

export interface Session {
  name: string;
  role: Role;
  expiresAt: number;
}

const digest = (s: string) => createHash('sha256').update(s).digest('hex');

export class DashboardSessions {
  private readonly codes = new Table(MAX_CODES_PER_IDENTITY, MAX_LOGIN_CODES);
  private readonly sessions = new Table(MAX_SESSIONS_PER_IDENTITY, MAX_SESSIONS);

  /** A fresh one-time code for `name` in `role`; E_HTTP_BUSY if every identity together holds MAX_LOGIN_CODES. */
  issueCode(name: string, role: Role, now: number): { code: string; expiresAt: number } {
    const code = randomBytes(SECRET_BYTES).toString('base64url');
    const expiresAt = now + LOGIN_CODE_TTL_MS;
    this.codes.put(digest(code), { name, role, expiresAt }, now, 'login codes');
    return { code, expiresAt };
  }

  /** Whose code this is, without using it up; null if unknown or expired. */
  peek(code: string, now: number): Session | null {
    return this.codes.get(digest(code), now);
  }

  /** Trades a code (once) for a session token; null if unknown, used or expired. */
  redeem(code: string, now: number): (Session & { token: string }) | null {
    const key = digest(code);
    const c = this.codes.get(key, now);
    if (!c) return null;
    const token = randomBytes(SECRET_BYTES).toString('base64url');
    const s = { name: c.name, role: c.role, expiresAt: now + SESSION_TTL_MS };
    // The session first: if the table is full the code is refused (E_HTTP_BUSY) but not used up.
    this.sessions.put(digest(token), s, now, 'sessions');
    this.codes.take(key, now);
    return { ...s, token };
  }

  session(token: string, now: number): Session | null {
    return this.sessions.get(digest(token), now);
  }

  end(token: string): void {
    this.sessions.take(digest(token), 0);
  }

  /** Ends every session of `name` (its identity was revoked). */
  endAllOf(name: string): void {
    this.sessions.dropAllOf(name);
  }

  /** Live sessions of `name`. */
  sessionsOf(name: string, now: number): number {
    return this.sessions.countOf(name, now);
  }
}

/** Entries by key, grouped by identity in insertion order (a Set iterates oldest first). */
class Table {
  private readonly byKey = new Map<string, Session>();
  private readonly byName = new Map<string, Set<string>>();

  constructor(
    private readonly perIdentity: number,
    private readonly max: number,
  ) {}

  get(key: string, now: number): Session | null {
    const s = this.byKey.get(key);
    if (!s) return null;
    if (s.expiresAt <= now) {
      this.delete(key, s);
      return null;
    }
    return s;
  }

  /** Removes and returns the entry (null if absent or expired). */
  take(key: string, now: number): Session | null {
    const s = this.byKey.get(key);
    if (!s) return null;
    this.delete(key, s);
    return s.expiresAt > now ? s : null;
  }

  /** Adds after dropping this identity's expired entries, then its oldest while at its cap. */
  put(key: string, s: Session, now: number, what: string): void {
    const own = this.byName.get(s.name) ?? new Set<string>();
    for (const k of own) if (this.byKey.get(k)!.expiresAt <= now) this.delete(k, this.byKey.get(k)!);
    for (const k of own) {
      if (own.size < this.perIdentity) break;
      this.delete(k, this.byKey.get(k)!);
    }
    if (this.byKey.size >= this.max) {
      for (const [k, v] of this.byKey) if (v.expiresAt <= now) this.delete(k, v);
      if (this.byKey.size >= this.max)
        throw new CohortError(
          'E_HTTP_BUSY',
          `the dashboard holds ${this.max} ${what}, as many as it allows: try again when some expire`,
        );
    }
    this.byKey.set(key, s);
    own.add(key);
    this.byName.set(s.name, own);
  }

  dropAllOf(name: string): void {
    for (const k of this.byName.get(name) ?? []) this.byKey.delete(k);
    this.byName.delete(name);
  }

  countOf(name: string, now: number): number {
    let n = 0;
    for (const k of this.byName.get(name) ?? []) if (this.byKey.get(k)!.expiresAt > now) n++;
    return n;
  }

  private delete(key: string, s: Session): void {
    this.byKey.delete(key);
    const own = this.byName.get(s.name);
    if (!own) return;
    own.delete(key);
    if (own.size === 0) this.byName.delete(s.name);
  }
}
