/**
 * Dashboard logins. `cohort dashboard login` proves an enrolled identity over
 * the WebSocket handshake and gets a one-time login code; the page trades the
 * code for a session token held in an HttpOnly, SameSite=Strict cookie. Codes
 * and sessions live in memory only (a restarted coordinator logs everyone
 * out) and are stored by their SHA-256, so the table itself holds no usable
 * credential.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Role } from '../../core/auth/policy.ts';

/** A login code must be redeemed this soon after `cohort dashboard login` printed it. */
export const LOGIN_CODE_TTL_MS = 2 * 60_000;
/** A session ends this long after login; log in again with the CLI. */
export const SESSION_TTL_MS = 15 * 60_000;
/** Outstanding codes and live sessions kept; past it the oldest are dropped. */
export const MAX_LOGIN_CODES = 256;
export const MAX_SESSIONS = 1024;
const SECRET_BYTES = 32;

export interface Session {
  name: string;
  role: Role;
  expiresAt: number;
}

const digest = (s: string) => createHash('sha256').update(s).digest('hex');

export class DashboardSessions {
  private readonly codes = new Map<string, Session>();
  private readonly sessions = new Map<string, Session>();

  /** A fresh one-time code for `name` in `role`. */
  issueCode(name: string, role: Role, now: number): { code: string; expiresAt: number } {
    const code = randomBytes(SECRET_BYTES).toString('base64url');
    const expiresAt = now + LOGIN_CODE_TTL_MS;
    put(this.codes, digest(code), { name, role, expiresAt }, MAX_LOGIN_CODES, now);
    return { code, expiresAt };
  }

  /** Trades a code (once) for a session token; null if unknown, used or expired. */
  redeem(code: string, now: number): (Session & { token: string }) | null {
    const key = digest(code);
    const c = this.codes.get(key);
    this.codes.delete(key);
    if (!c || c.expiresAt <= now) return null;
    const token = randomBytes(SECRET_BYTES).toString('base64url');
    const s = { name: c.name, role: c.role, expiresAt: now + SESSION_TTL_MS };
    put(this.sessions, digest(token), s, MAX_SESSIONS, now);
    return { ...s, token };
  }

  session(token: string, now: number): Session | null {
    const key = digest(token);
    const s = this.sessions.get(key);
    if (!s) return null;
    if (s.expiresAt <= now) {
      this.sessions.delete(key);
      return null;
    }
    return s;
  }

  end(token: string): void {
    this.sessions.delete(digest(token));
  }

  /** Ends every session of `name` (its identity was revoked). */
  endAllOf(name: string): void {
    for (const [k, s] of this.sessions) if (s.name === name) this.sessions.delete(k);
  }
}

/** Inserts after dropping expired entries, then the oldest while over `max` (Maps iterate in insertion order). */
function put(m: Map<string, Session>, key: string, s: Session, max: number, now: number): void {
  for (const [k, v] of m) if (v.expiresAt <= now) m.delete(k);
  while (m.size >= max) m.delete(m.keys().next().value!);
  m.set(key, s);
}
