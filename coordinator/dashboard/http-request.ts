/**
 * How the dashboard reads a request before any view: its path, method,
 * session cookie, origin and body, each refused as the sender's error
 * (E_HTTP_*) rather than a server fault. Its session cookie's names and
 * attributes (cookieFor) and its cross-origin rule (crossOriginProblem).
 */
import type { IncomingMessage } from 'node:http';
import { CohortError } from '../../core/errors.ts';

const MAX_BODY_BYTES = 1024;
/** The session cookie's name over https (the prefix makes browsers refuse it without Secure, Path=/ or with a Domain) and over plain http. */
export const SECURE_COOKIE = '__Host-cohort_session';
export const PLAIN_COOKIE = 'cohort_session';

export function requireMethod(req: IncomingMessage, method: 'GET' | 'POST'): void {
  if (req.method !== method && !(method === 'GET' && req.method === 'HEAD'))
    throw new CohortError('E_HTTP_METHOD', `${method} only`);
}

/** Every value the Cookie header gives `name` (RFC 6265 §5.4: a browser sends one per path and domain that matches). */
export function cookieValues(req: IncomingMessage, name: string): string[] {
  const out: string[] = [];
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name && part.slice(eq + 1).trim() !== '')
      out.push(part.slice(eq + 1).trim());
  }
  return out;
}

/**
 * The session cookie for a dashboard opened at `baseUrl`. Over https:
 * `__Host-` and Secure, so no other origin can set it with a Domain or a
 * narrower Path, and it never travels in clear. Over plain http (loopback,
 * or a network with --insecure) neither: browsers drop Secure cookies from
 * http:// outside loopback, and on http://localhost Chromium and Firefox keep
 * them but Safari does not (WebKit bug 281149), while there they would add
 * nothing, every port of the host being as "secure" to the browser as this one.
 */
export function cookieFor(baseUrl: string): { name: string; attributes: string } {
  return new URL(baseUrl).protocol === 'https:'
    ? { name: SECURE_COOKIE, attributes: 'Path=/; Secure; HttpOnly; SameSite=Strict' }
    : { name: PLAIN_COOKIE, attributes: 'Path=/; HttpOnly; SameSite=Strict' };
}

/**
 * Why a request must be refused as cross-origin, or null. Cookies are sent to
 * every port of a host and SameSite counts ports as one site, so the check is
 * by origin. As Go's net/http CrossOriginProtection: a browser's
 * Sec-Fetch-Site must say same-origin (or none: typed in the address bar);
 * beyond it, a POST must carry an Origin, and it must be one of `allowed`
 * (the public URL, or the scheme and Host the request was sent to).
 */
export function crossOriginProblem(req: IncomingMessage, allowed: string[]): string | null {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none')
    return `a ${site} request: the dashboard answers its own pages only`;
  if (req.method === 'GET' || req.method === 'HEAD') return null;
  const origin = req.headers.origin;
  if (origin === undefined) return `a ${req.method} needs an Origin header naming the dashboard`;
  if (!allowed.includes(origin))
    return `a ${req.method} from ${origin.slice(0, 200)}: the dashboard accepts writes from its own origin only`;
  return null;
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of req) {
    n += (c as Buffer).length;
    if (n > MAX_BODY_BYTES) throw new CohortError('E_HTTP_REQUEST', `body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The request target's path; a target that is no URL (`//[`, which Node's parser lets through) is the sender's bad request. */
export function pathOf(target: string): string {
  try {
    return new URL(target, 'http://localhost').pathname;
  } catch {
    throw new CohortError('E_HTTP_REQUEST', 'the request target is not a URL');
  }
}

/** A path segment's name; a malformed escape is an unknown resource, not a server error. */
export function decodeName(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new CohortError('E_NOT_FOUND', 'no such resource');
  }
}
