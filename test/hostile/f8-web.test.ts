/**
 * Finding 8 of issue 16, the web items: logout worked cross-origin from
 * another port of the same host (SameSite counts ports as one site); the
 * session cookie had no `__Host-` prefix; a link carrying an attacker's login
 * code replaced the victim's dashboard session; there was no HSTS under TLS.
 * Now every POST must come from the dashboard's own origin (E_HTTP_CROSS_ORIGIN),
 * the cookie is `__Host-` and Secure under TLS, a browser logged in as one
 * identity is not switched to another by a link without the user's click
 * (E_SESSION_EXISTS), and every https response of the dashboard and of
 * `ledger serve` carries Strict-Transport-Security. Checked over HTTP and in
 * Debian's Chromium (as test/coordinator/dashboard/dashboard.browser.test.ts).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { Coordinator } from '../../coordinator/coordinator.ts';
import { request } from '../../client/request.ts';
import { PLAIN_COOKIE, SECURE_COOKIE } from '../../coordinator/dashboard/http-request.ts';
import { HSTS, serveLedger } from '../../coordinator/ledger-http.ts';
import { ed25519KeyPair, type Identity } from '../../core/secagg/index.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { selfSignedCert } from '../helpers/openssl.ts';

const dir = mkdtempSync(join(tmpdir(), 'cohort-f8-web-'));
const ids: Record<string, Identity> = { rita: ed25519KeyPair(), aud: ed25519KeyPair() };

// A throwaway certificate for 127.0.0.1.
selfSignedCert({
  key: join(dir, 'k.pem'),
  cert: join(dir, 'c.pem'),
  cn: '127.0.0.1',
  addext: 'subjectAltName=IP:127.0.0.1',
});
const tls = { cert: readFileSync(join(dir, 'c.pem')), key: readFileSync(join(dir, 'k.pem')) };

interface Dash {
  c: Coordinator;
  port: number;
  url: string;
}
let plain: Dash;
let secure: Dash;
let browser: Browser;
/** A page on another port of the same host: the attacker's. */
let attacker: Server;
let attackerUrl = '';
let attackerPage = '';

async function start(name: string, withTls: boolean): Promise<Dash> {
  const c = new Coordinator({
    dbPath: join(dir, `${name}.db`),
    port: 0,
    requireEnrolment: true,
    dashboard: { pollMs: 50 },
    ...(withTls ? { tls } : {}),
  });
  const port = await c.listen();
  for (const [n, role] of [
    ['rita', 'researcher'],
    ['aud', 'auditor'],
  ] as const)
    c.enroll(n, role, ids[n]!.publicKey);
  return { c, port, url: c.dashboardUrl! };
}

beforeAll(async () => {
  [plain, secure, browser] = await Promise.all([start('plain', false), start('secure', true), launchChromium()]);
  attacker = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(attackerPage));
  await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', r));
  attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await browser?.close();
  attacker?.close();
  await Promise.all([plain?.c.close(), secure?.c.close()]);
});

/** A login URL, as `cohort dashboard login` prints it. */
/** `use` in a fresh Chromium context where `name` has logged in to `d`'s dashboard; the context is closed after. */
async function loggedIn(d: Dash, name: string, use: (ctx: BrowserContext) => Promise<void>): Promise<void> {
  const ctx = await browser.newContext({ ignoreHTTPSErrors: d === secure });
  try {
    const page = await ctx.newPage();
    await page.goto(await loginUrl(d, name));
    await page.waitForSelector(`#who:has-text("${name} (")`);
    await use(ctx);
  } finally {
    await ctx.close();
  }
}

async function loginUrl(d: Dash, name: string): Promise<string> {
  const scheme = d.url.startsWith('https') ? 'wss' : 'ws';
  const { json } = await request(
    {
      coordinatorUrl: `${scheme}://127.0.0.1:${d.port}`,
      name,
      identity: ids[name]!,
      ...(scheme === 'wss' ? { tls: { ca: tls.cert } } : {}),
    },
    { action: 'dashboard.login' },
  );
  return (json as { url: string }).url;
}
const codeOf = (url: string) => new URL(url).hash.replace('#code=', '');

interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}
/** One HTTP(S) request trusting the test certificate (global fetch cannot be given a CA). */
function http(url: string, o: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Res> {
  if (url.startsWith('http:')) {
    return fetch(url, {
      method: o.method ?? 'GET',
      ...(o.headers ? { headers: o.headers } : {}),
      ...(o.body ? { body: o.body } : {}),
    }).then(async (r) => ({
      status: r.status,
      headers: { ...Object.fromEntries(r.headers), 'set-cookie': r.headers.getSetCookie() },
      body: await r.text(),
    }));
  }
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method: o.method ?? 'GET', headers: o.headers ?? {}, ca: tls.cert }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(o.body);
  });
}

/** POST /api/login as the page does it (JSON, from the dashboard's origin); the session cookie it sets, if any. */
async function login(
  d: Dash,
  code: string,
  o: { cookie?: string; replace?: boolean; origin?: string } = {},
): Promise<{ res: Res; cookie: string | null }> {
  const res = await http(`${d.url}/api/login`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      origin: o.origin ?? d.url,
      ...(o.cookie ? { cookie: o.cookie } : {}),
    },
    body: JSON.stringify(o.replace ? { code, replace: true } : { code }),
  });
  const set = [res.headers['set-cookie'] ?? []].flat()[0];
  return { res, cookie: set ? set.split(';')[0]! : null };
}
const me = async (d: Dash, cookie: string) => {
  const r = await http(`${d.url}/api/me`, { headers: { cookie } });
  return r.status === 200 ? (JSON.parse(r.body) as { name: string }).name : r.status;
};
const code = (r: Res) => (JSON.parse(r.body) as { code: string }).code;

describe('finding 8: the session cookie', () => {
  it('over https it is __Host- prefixed, Secure, HttpOnly, SameSite=Strict, Path=/ and names no Domain; the unprefixed name is not read', async () => {
    const { res, cookie } = await login(secure, codeOf(await loginUrl(secure, 'aud')));
    expect(res.status).toBe(200);
    const set = [res.headers['set-cookie']].flat()[0]!;
    expect(set).toMatch(
      new RegExp(`^${SECURE_COOKIE}=[A-Za-z0-9_-]{43}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=\\d+$`),
    );
    expect(await me(secure, cookie!)).toBe('aud');
    expect(await me(secure, cookie!.replace(SECURE_COOKIE, PLAIN_COOKIE))).toBe(401);
  });

  it('over plain http (loopback) it is HttpOnly and SameSite=Strict without Secure, which Safari would drop there', async () => {
    const { res } = await login(plain, codeOf(await loginUrl(plain, 'aud')));
    expect([res.headers['set-cookie']].flat()[0]).toMatch(
      new RegExp(`^${PLAIN_COOKIE}=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Strict; Max-Age=\\d+$`),
    );
  });

  it('a session named twice in the Cookie header (one planted from another port under a narrower path) is no session', async () => {
    const { cookie } = await login(plain, codeOf(await loginUrl(plain, 'aud')));
    const other = (await login(plain, codeOf(await loginUrl(plain, 'rita')))).cookie!;
    expect(await me(plain, `${other}; ${cookie}`)).toBe(401);
    expect(await me(plain, cookie!)).toBe('aud');
  });
});

describe('finding 8: cross-origin writes', () => {
  it('logout from another origin, with no Origin, or from a same-site page is refused (E_HTTP_CROSS_ORIGIN) and the session lives on', async () => {
    const { cookie } = await login(plain, codeOf(await loginUrl(plain, 'aud')));
    const logout = (headers: Record<string, string>) =>
      http(`${plain.url}/api/logout`, { method: 'POST', headers: { cookie: cookie!, ...headers } });
    for (const headers of [
      { origin: attackerUrl },
      {},
      { origin: plain.url, 'sec-fetch-site': 'same-site' },
      { origin: 'null' },
    ] as Record<string, string>[]) {
      const r = await logout(headers);
      expect([JSON.stringify(headers), r.status, code(r)]).toEqual([
        JSON.stringify(headers),
        403,
        'E_HTTP_CROSS_ORIGIN',
      ]);
      expect(await me(plain, cookie!)).toBe('aud');
    }
    // A login from another origin is refused too, and does not use up the code.
    const c = codeOf(await loginUrl(plain, 'rita'));
    expect((await login(plain, c, { origin: attackerUrl })).res.status).toBe(403);
    expect((await login(plain, c)).res.status).toBe(200);
    // From the dashboard's own origin it works.
    expect((await logout({ origin: plain.url, 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    expect(await me(plain, cookie!)).toBe(401);
  });

  it('in Chromium, a page on another port of the same host that posts a logout form does not log the user out', async () => {
    await loggedIn(plain, 'aud', async (ctx) => {
      attackerPage = `<form id="f" method="POST" action="${plain.url}/api/logout" enctype="text/plain"><input name="a" value="b"></form><script>document.getElementById('f').submit()</script>`;
      const attacked = await ctx.newPage();
      const answer = attacked.waitForResponse(`${plain.url}/api/logout`);
      await attacked.goto(attackerUrl);
      expect((await answer).status()).toBe(403);
      expect((await ctx.request.get(`${plain.url}/api/me`)).status()).toBe(200);
    });
  });
});

describe('finding 8: login-code fixation', () => {
  it("a login code of another identity does not replace a live session: 409 E_SESSION_EXISTS, the code kept for the user's explicit choice", async () => {
    const { cookie: aud } = await login(plain, codeOf(await loginUrl(plain, 'aud')));
    const ritas = codeOf(await loginUrl(plain, 'rita'));
    const { res, cookie } = await login(plain, ritas, { cookie: aud! });
    expect(res.status).toBe(409);
    expect(JSON.parse(res.body)).toMatchObject({
      code: 'E_SESSION_EXISTS',
      current: { name: 'aud', role: 'auditor' },
      offered: { name: 'rita', role: 'researcher' },
    });
    expect(cookie).toBeNull();
    expect(await me(plain, aud!)).toBe('aud');
    // The user confirms: the old session ends and the new one starts. The code then works no more.
    const switched = await login(plain, ritas, { cookie: aud!, replace: true });
    expect(switched.res.status).toBe(200);
    expect(await me(plain, switched.cookie!)).toBe('rita');
    expect(await me(plain, aud!)).toBe(401);
    expect((await login(plain, ritas)).res.status).toBe(401);
    // The same identity logging in again needs no confirmation.
    const again = await login(plain, codeOf(await loginUrl(plain, 'rita')), { cookie: switched.cookie! });
    expect(again.res.status).toBe(200);
  });

  it("in Chromium, opening an attacker's login link keeps the user logged in as herself; only her click switches", async () => {
    await loggedIn(plain, 'aud', async (ctx) => {
      const tab = await ctx.newPage(); // the link an attacker sent, opened in a new tab
      await tab.goto(await loginUrl(plain, 'rita'));
      await tab.waitForSelector('#login-conflict');
      expect(new URL(tab.url()).hash).toBe('#/jobs'); // the code left the address bar all the same
      expect(JSON.parse(await (await ctx.request.get(`${plain.url}/api/me`)).text())).toMatchObject({ name: 'aud' });
      await tab.click('#login-stay');
      await tab.waitForSelector('#who:has-text("aud (")');
      expect(JSON.parse(await (await ctx.request.get(`${plain.url}/api/me`)).text())).toMatchObject({ name: 'aud' });
      // A link she means to follow switches once she clicks.
      const own = await ctx.newPage();
      await own.goto(await loginUrl(plain, 'rita'));
      await own.click('#login-switch');
      await own.waitForSelector('#who:has-text("rita (")');
      expect(JSON.parse(await (await ctx.request.get(`${plain.url}/api/me`)).text())).toMatchObject({ name: 'rita' });
    });
  });
});

describe('finding 8: HSTS under TLS', () => {
  it('every https response of the dashboard carries Strict-Transport-Security; plain http ones do not', async () => {
    for (const [method, path] of [
      ['GET', '/'],
      ['GET', '/app.js'],
      ['GET', '/api/me'],
      ['GET', '/nope'],
      ['GET', '/metrics'],
      ['POST', '/api/login'],
      ['POST', '/api/logout'],
    ] as const) {
      const r = await http(`${secure.url}${path}`, {
        method,
        headers: { origin: secure.url, 'content-type': 'application/json' },
        ...(method === 'POST' ? { body: '{}' } : {}),
      });
      expect([path, r.headers['strict-transport-security']]).toEqual([path, HSTS]);
      expect(
        (await http(`${plain.url}${path}`, { method, headers: { origin: plain.url } })).headers[
          'strict-transport-security'
        ],
      ).toBeUndefined();
    }
  });

  it('a browser logs in over https with the __Host- cookie', async () => {
    await loggedIn(secure, 'aud', async (ctx) => {
      expect((await ctx.cookies()).map((c) => [c.name, c.secure, c.httpOnly, c.sameSite])).toEqual([
        [SECURE_COOKIE, true, true, 'Strict'],
      ]);
    });
  });

  it('`ledger serve` with --tls-cert answers https with Strict-Transport-Security, even to a refused request', async () => {
    const token = randomBytes(32).toString('hex');
    const { server, port } = await serveLedger({ db: join(dir, 'secure.db'), token, tls });
    try {
      const ok = await http(`https://127.0.0.1:${port}/ledger/head`, { headers: { authorization: `Bearer ${token}` } });
      expect(ok.status).toBe(200);
      expect(ok.headers['strict-transport-security']).toBe(HSTS);
      const refused = await http(`https://127.0.0.1:${port}/ledger`);
      expect(refused.status).toBe(401);
      expect(refused.headers['strict-transport-security']).toBe(HSTS);
    } finally {
      server.close();
    }
  });
});
