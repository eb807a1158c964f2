/**
 * Finding 6 of issue 16: one researcher logged everyone out of the dashboard.
 * 1,030 logins evicted the auditor's session (a global table, oldest out),
 * and 16 sessions took all 64 event streams, so others got 503. Now codes,
 * sessions and streams are capped per identity: the researcher's logins and
 * streams only ever close the researcher's own.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Coordinator } from '../../coordinator/coordinator.ts';
import { request } from '../../client/request.ts';
import { MAX_SESSIONS_PER_IDENTITY } from '../../coordinator/dashboard/sessions.ts';
import { MAX_STREAMS_PER_IDENTITY, MAX_STREAMS_PER_SESSION } from '../../coordinator/dashboard/server.ts';
import { ed25519KeyPair, type Identity } from '../../core/secagg/index.ts';
import { until } from '../helpers/until.ts';

const LOGINS = 1030;
let coordinator: Coordinator;
let port = 0;
let dashboard = '';
const ids: Record<string, Identity> = { rita: ed25519KeyPair(), aud: ed25519KeyPair() };
const open: AbortController[] = [];

beforeAll(async () => {
  coordinator = new Coordinator({
    dbPath: join(mkdtempSync(join(tmpdir(), 'cohort-f6-')), 'c.db'),
    port: 0,
    requireEnrolment: true,
    dashboard: { pollMs: 50 },
  });
  port = await coordinator.listen();
  dashboard = coordinator.dashboardUrl!;
  coordinator.enroll('rita', 'researcher', ids.rita!.publicKey);
  coordinator.enroll('aud', 'auditor', ids.aud!.publicKey);
});
afterAll(async () => {
  for (const ac of open) ac.abort();
  await coordinator.close();
});

/** `cohort dashboard login` and the page's POST /api/login: the session cookie. */
async function login(name: string): Promise<string> {
  const { json } = await request(
    { coordinatorUrl: `ws://127.0.0.1:${port}`, name, identity: ids[name]! },
    { action: 'dashboard.login' },
  );
  const code = new URL((json as { url: string }).url).hash.replace('#code=', '');
  const res = await fetch(`${dashboard}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: dashboard },
    body: JSON.stringify({ code }),
  });
  expect(res.status).toBe(200);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

const me = (cookie: string) => fetch(`${dashboard}/api/me`, { headers: { cookie } }).then((r) => r.status);

/** Opens an event stream; `ended` resolves when the server closes it. */
async function stream(cookie: string): Promise<{ status: number; ended: Promise<void> }> {
  const ac = new AbortController();
  open.push(ac);
  const res = await fetch(`${dashboard}/api/events`, { headers: { cookie }, signal: ac.signal });
  if (res.status !== 200) return { status: res.status, ended: Promise.resolve() };
  const reader = res.body!.getReader();
  const ended = (async () => {
    try {
      while (!(await reader.read()).done);
    } catch {
      // aborted at the end of the test
    }
  })();
  return { status: 200, ended };
}

describe('finding 6: one researcher cannot log others out of the dashboard', () => {
  it(`${LOGINS} logins and every stream they can open leave the auditor's session and a stream for the auditor`, async () => {
    const aud = await login('aud');
    const rita: string[] = [];
    for (let i = 0; i < LOGINS; i++) rita.push(await login('rita'));

    // The auditor is still logged in; the researcher kept only her newest sessions.
    expect(await me(aud)).toBe(200);
    const live = [];
    for (const c of rita) if ((await me(c)) === 200) live.push(c);
    expect(live).toEqual(rita.slice(-MAX_SESSIONS_PER_IDENTITY));

    // The researcher opens as many streams as the old global cap held (64), from her last 16 logins.
    const attempts = rita.slice(-16).flatMap((c) => Array.from({ length: MAX_STREAMS_PER_SESSION }, () => c));
    const opened = [];
    for (const c of attempts) {
      const s = await stream(c);
      expect([200, 401]).toContain(s.status); // 401: a session her own later logins ended
      if (s.status === 200) opened.push(s);
    }
    expect(opened.length).toBe(MAX_SESSIONS_PER_IDENTITY * MAX_STREAMS_PER_SESSION);
    // Each new stream past her cap closed her own oldest: she holds MAX_STREAMS_PER_IDENTITY, the newest.
    const kept = opened.length - MAX_STREAMS_PER_IDENTITY;
    const ended = { old: 0, newest: 0 };
    opened.forEach((s, i) => void s.ended.then(() => (i < kept ? ended.old++ : ended.newest++)));
    await until(() => ended.old === kept, 20_000, "the researcher's oldest streams closed");
    expect(ended.newest).toBe(0);

    // The auditor still gets a live stream.
    expect((await stream(aud)).status).toBe(200);
    expect(await me(aud)).toBe(200);
  });
});
