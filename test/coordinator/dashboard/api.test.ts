/**
 * The dashboard over HTTP against a live coordinator: login codes from a
 * signed-challenge Request, sessions, what each role is sent (and never:
 * weights), the event stream, /metrics, and the committed page bundle.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { writeIdentityKey } from '../../../edge/keys.ts';
import { CohortError } from '../../../core/errors.ts';
import { readCoordinatorLedger } from '../../../coordinator/ledger-reader.ts';
import { budgetSummary } from '../../../coordinator/ledger-budget.ts';
import { buildDashboard, PUBLIC_DIR, PUBLIC_FILES } from '../../../coordinator/dashboard/build.ts';
import type { JobDetailView, LedgerView, MeView } from '../../../coordinator/dashboard/api.ts';
import type { HospitalPageView, HospitalsView, JobView } from '../../../core/dashboard/index.ts';
import { jobDone, METRICS_TOKEN, startFixture, type Fixture } from '../../helpers/dashboard-fixture.ts';
import { PAIR_SECURE_AGGREGATION } from '../../helpers/network.ts';

let f: Fixture;
let jobId = '';
const cookies: Record<string, string> = {};

beforeAll(async () => {
  f = await startFixture({ waiting: ['h3'] }); // h3: enrolled, never connected
  jobId = await f.submit('rita', { secureAggregation: PAIR_SECURE_AGGREGATION }); // run by h1 and h2
  await jobDone(f.coordinator, jobId);
  for (const n of ['rita', 'rob', 'aud', 'ada']) cookies[n] = await f.cookie(n);
});
afterAll(async () => {
  await f.close();
});

const get = (path: string, who?: string, init: RequestInit = {}) =>
  fetch(`${f.dashboard}${path}`, {
    ...init,
    headers: { ...(who ? { cookie: cookies[who]! } : {}), ...(init.headers as Record<string, string> | undefined) },
  });
const json = async <T>(path: string, who: string): Promise<T> => {
  const r = await get(path, who);
  expect(r.status, path).toBe(200);
  return (await r.json()) as T;
};
/**
 * The ledger view once its verification (in the dashboard's verifier thread)
 * has caught up with the database: looked at again at each "change" event,
 * which the end of a verification sends.
 */
async function settledLedger(who: string): Promise<LedgerView> {
  const ac = new AbortController();
  const reader = (await get('/api/events', who, { signal: ac.signal })).body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const next = async (s: string) => {
    while (!text.includes(s)) text += decoder.decode((await reader.read()).value, { stream: true });
    text = text.slice(text.indexOf(s) + s.length);
  };
  try {
    await next('retry:'); // joined the poller: a verification ending from now on is announced
    for (;;) {
      const l = await json<LedgerView>('/api/ledger', who);
      if (!l.verify.pending && l.verify.verifiedThrough !== null) return l;
      await next('event: change');
    }
  } finally {
    ac.abort();
  }
}
const code = async (name: string) => new URL(await f.loginUrl(name)).hash.replace('#code=', '');
const login = (c: string, type = 'application/json') =>
  fetch(`${f.dashboard}/api/login`, {
    method: 'POST',
    headers: { 'content-type': type, origin: f.dashboard },
    body: JSON.stringify({ code: c }),
  });
const errorCode = async (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) => (e instanceof CohortError ? e.code : String(e)),
  );

describe('dashboard login', () => {
  it('a login code works once, and only as JSON; a session cookie is HttpOnly and SameSite=Strict', async () => {
    const c = await code('rita');
    expect((await login(c, 'text/plain')).status).toBe(400);
    const ok = await login(c);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ name: 'rita', role: 'researcher' });
    const setCookie = ok.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^cohort_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/); // plain http: no Secure, no __Host- (test/hostile/f8-web.test.ts)
    // 15 minutes, less the time the request took (a loaded machine may round down to 899).
    expect(Number(/Max-Age=(\d+)/.exec(setCookie)![1])).toBeGreaterThanOrEqual(880);
    expect(Number(/Max-Age=(\d+)/.exec(setCookie)![1])).toBeLessThanOrEqual(900);
    expect((await login(c)).status).toBe(401); // used
    expect((await login('x'.repeat(43))).status).toBe(401); // never issued
    expect((await login('short')).status).toBe(400);
  });

  it('hospitals get no login code; every API path needs a session', async () => {
    expect(await errorCode(f.as('h3', { action: 'dashboard.login' }))).toBe('E_FORBIDDEN');
    expect(await errorCode(f.as('rita', { action: 'dashboard.ledger' as never }))).toBe('E_WIRE_FIELD'); // a view is not a request
    for (const p of [
      '/api/me',
      '/api/jobs',
      `/api/jobs/${jobId}`,
      '/api/hospitals',
      '/api/hospitals/h1',
      '/api/ledger',
      '/api/events',
    ]) {
      const r = await get(p);
      expect(r.status, p).toBe(401);
      expect(((await r.json()) as { code: string }).code).toBe('E_UNAUTHORIZED');
    }
    expect((await get('/api/jobs', undefined, { headers: { cookie: 'cohort_session=forged' } })).status).toBe(401);
  });

  it('logout ends the session', async () => {
    const c = await f.cookie('ada');
    expect((await get('/api/me', undefined, { headers: { cookie: c } })).status).toBe(200);
    expect(
      (await get('/api/logout', undefined, { method: 'POST', headers: { cookie: c, origin: f.dashboard } })).status,
    ).toBe(200);
    expect((await get('/api/me', undefined, { headers: { cookie: c } })).status).toBe(401);
  });

  it('`cohort dashboard login` prints a URL that logs in', async () => {
    const key = join(mkdtempSync(join(tmpdir(), 'cohort-dash-cli-')), 'aud.key');
    writeIdentityKey(key, f.ids.aud!);
    const { stdout } = await promisify(execFile)(
      'node',
      [
        'cohort.mjs',
        'dashboard',
        'login',
        '--coordinator',
        `ws://127.0.0.1:${f.port}`,
        '--name',
        'aud',
        '--identity',
        key,
        '--json',
      ],
      { encoding: 'utf8' },
    );
    const { url } = JSON.parse(stdout) as { url: string };
    expect(url.startsWith(`${f.dashboard}/#code=`)).toBe(true);
    expect((await login(new URL(url).hash.replace('#code=', ''))).status).toBe(200);
  });
});

describe('what each role is sent', () => {
  it('a researcher sees her own jobs only, no ledger view; another researcher sees none of hers', async () => {
    expect(await json<MeView>('/api/me', 'rita')).toMatchObject({
      name: 'rita',
      role: 'researcher',
      views: { ledger: false, hospitals: true },
    });
    const mine = await json<JobView[]>('/api/jobs', 'rita');
    expect(mine.map((j) => j.id)).toEqual([jobId]);
    expect(await json<JobView[]>('/api/jobs', 'rob')).toEqual([]);
    expect((await get(`/api/jobs/${jobId}`, 'rob')).status).toBe(404); // alike to an unknown job
    expect((await get('/api/ledger', 'rita')).status).toBe(403);
  });

  it("a job's detail: curves per round, and privacy spent that matches the ledger's budget summary", async () => {
    const d = await json<JobDetailView>(`/api/jobs/${jobId}`, 'rita');
    expect(d.job).toMatchObject({
      id: jobId,
      status: 'completed',
      completedRounds: 2, // training rounds: the final evaluation is not a third of two
      rounds: 2,
      evaluated: true,
      strategy: 'fedavg',
      privacy: { epsilon: 8 },
    });
    // The target is shown with what it is stated under and relies on (core/job/guarantee.ts).
    expect(d.job.privacy).toMatchObject({
      adjacency: expect.stringMatching(/^add\/remove one patient record/),
      trust: expect.stringMatching(/whatever the coordinator/),
    });
    expect(d.curves.x).toEqual([1, 2, 3]);
    expect(Object.keys(d.curves.hospitals)).toEqual(['h1', 'h2']);
    // A DP job evaluates its final model only (round 3), and shows what the hospitals released: noisy counts.
    const acc = d.curves.aggregate.accuracy;
    expect(acc.slice(0, 2)).toEqual([null, null]);
    expect(acc[2]).toBeGreaterThanOrEqual(0);
    expect(acc[2]).toBeLessThanOrEqual(1);
    expect(d.privacy.x).toEqual([1, 2, 3]);
    const ledger = budgetSummary(readCoordinatorLedger(f.db)).filter((b) => b.jobId === jobId);
    expect(d.privacy.remaining.map((r) => [r.hospital, r.spent, r.remaining])).toEqual(
      ledger.map((b) => [b.hospital, b.epsilon, 8 - b.epsilon]),
    );
    expect(d.dropouts.map((r) => r.participants)).toEqual([2, 2, 2]);
    expect(d.participants).toEqual([
      { name: 'h1', dropped: false },
      { name: 'h2', dropped: false },
    ]);
  });

  it("a hospital's page: its epsilon per job as the ledger records it, and no budget the coordinator does not hold", async () => {
    const ledger = budgetSummary(readCoordinatorLedger(f.db)).filter((b) => b.jobId === jobId);
    for (const name of ['h1', 'h2']) {
      const v = await json<HospitalPageView>(`/api/hospitals/${name}`, 'rita');
      expect(v.budget).toBeNull();
      expect(v.jobs.map((j) => [j.jobId, j.epsilon])).toEqual([
        [jobId, ledger.find((b) => b.hospital === name)!.epsilon],
      ]);
    }
    expect((await json<HospitalPageView>('/api/hospitals/h3', 'aud')).jobs).toEqual([]); // enrolled, never charged
    expect((await json<HospitalPageView>('/api/hospitals/h1', 'rob')).jobs).toEqual([]); // none of rob's jobs
    expect((await get('/api/hospitals/nobody', 'aud')).status).toBe(404);
    expect((await get('/api/hospitals/%E0', 'aud')).status).toBe(404);
  });

  it('an auditor sees every job and the verified ledger; hospitals show as connected', async () => {
    const all = await json<JobView[]>('/api/jobs', 'aud');
    expect(all.map((j) => j.id)).toContain(jobId);
    const l = await settledLedger('aud');
    expect(l.verify.ok).toBe(true);
    const entries = readCoordinatorLedger(f.db).entries.length;
    expect(l.verify).toMatchObject({ entries, verifiedThrough: entries, error: null });
    expect(l.rows.filter((r) => r.kind === 'round')).toHaveLength(3 * 2); // one row per hospital spend: 2 training rounds and the evaluation
    const h = await json<HospitalsView>('/api/hospitals', 'aud');
    expect(h.hospitals.map((x) => [x.name, x.connected, x.rounds])).toEqual([
      ['h1', true, 3],
      ['h2', true, 3],
      ['h3', false, 0],
    ]);
    expect(
      h.hospitals.filter((x) => x.connected).every((x) => x.lastSeen !== null && x.lastSeen >= x.connectedAt!),
    ).toBe(true);
  });

  it('no response to an auditor holds a weights field or the model bytes', async () => {
    const weights = f.coordinator.jobState(jobId)!.weights;
    const bytes = Buffer.from(weights.buffer, weights.byteOffset, weights.byteLength);
    for (const p of ['/api/me', '/api/jobs', `/api/jobs/${jobId}`, '/api/hospitals', '/api/ledger']) {
      const body = await (await get(p, 'aud')).text();
      expect(body).not.toMatch(/"weights"/);
      expect(body.includes(bytes.toString('hex'))).toBe(false);
      expect(body.includes(bytes.toString('base64'))).toBe(false);
      for (const w of weights)
        if (JSON.stringify(w).length >= 8) expect(body.includes(JSON.stringify(w)), p).toBe(false);
    }
  });

  it('a revoked identity loses its session at once', async () => {
    const c = await f.cookie('rob');
    expect((await get('/api/me', undefined, { headers: { cookie: c } })).status).toBe(200);
    f.coordinator.revoke('rob');
    expect((await get('/api/me', undefined, { headers: { cookie: c } })).status).toBe(401);
  });
});

describe('live updates, metrics, static files', () => {
  it('the event stream says "change" when the database changes', async () => {
    const ac = new AbortController();
    const res = await get('/api/events', 'aud', { signal: ac.signal });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const readUntil = async (s: string) => {
      while (!text.includes(s)) text += decoder.decode((await reader.read()).value, { stream: true });
    };
    // The stream's first bytes are written once it has joined the poller, with the state it compares against.
    await readUntil('retry:');
    f.coordinator.enroll('h9', 'hospital', f.ids.h1!.publicKey); // a commit by the coordinator
    await readUntil('event: change');
    expect(text).toMatch(/event: change\ndata: \{"at":\d+\}/);
    ac.abort();
  });

  it('one session holds at most MAX_STREAMS_PER_SESSION event streams: a fifth closes its oldest', async () => {
    const { MAX_STREAMS_PER_SESSION } = await import('../../../coordinator/dashboard/server.ts');
    const acs = Array.from({ length: MAX_STREAMS_PER_SESSION + 1 }, () => new AbortController());
    const first = await get('/api/events', 'aud', { signal: acs[0]!.signal });
    const reader = first.body!.getReader();
    const ended = (async () => {
      for (;;) if ((await reader.read()).done) return true;
    })();
    for (const ac of acs.slice(1)) expect((await get('/api/events', 'aud', { signal: ac.signal })).status).toBe(200);
    await expect(ended).resolves.toBe(true);
    for (const ac of acs) ac.abort();
  });

  it('/metrics: bearer token only; rounds, phase durations, dropouts, connected hospitals and bytes', async () => {
    expect((await fetch(`${f.dashboard}/metrics`)).status).toBe(401);
    expect(
      (await fetch(`${f.dashboard}/metrics`, { headers: { authorization: `Bearer ${'x'.repeat(40)}` } })).status,
    ).toBe(401);
    expect((await fetch(`${f.dashboard}/metrics`, { headers: { cookie: cookies.ada! } })).status).toBe(401); // a session is not the metrics token
    const text = await (
      await fetch(`${f.dashboard}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    ).text();
    const value = (name: string) =>
      Number(new RegExp(`^${name.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(value('cohort_rounds_completed_total{kind="train"}')).toBe(2);
    expect(value('cohort_rounds_completed_total{kind="evaluate"}')).toBe(1);
    expect(value('cohort_connected_hospitals')).toBe(2);
    expect(value('cohort_bytes_received_total')).toBeGreaterThan(1000);
    expect(value('cohort_bytes_sent_total')).toBeGreaterThan(1000);
    expect(value('cohort_phase_duration_seconds_count{phase="advertise"}')).toBe(2); // one per secure training round
    expect(value('cohort_dropouts_total{phase="masked"}')).toBe(0);
  });

  it('serves the page with a strict CSP; anything else is 404, writes are 405', async () => {
    const page = await fetch(`${f.dashboard}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'; script-src 'self'/);
    expect(await page.text()).toContain('<script src="/app.js"></script>');
    expect((await fetch(`${f.dashboard}/app.js`)).headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await fetch(`${f.dashboard}/../package.json`)).status).toBe(404);
    expect((await fetch(`${f.dashboard}/nope`)).status).toBe(404);
    expect((await get('/api/jobs', 'aud', { method: 'POST', headers: { origin: f.dashboard } })).status).toBe(405);
  });

  it('the committed bundle is what the sources build to', async () => {
    const out = mkdtempSync(join(tmpdir(), 'cohort-dash-build-'));
    await buildDashboard(out);
    for (const file of PUBLIC_FILES)
      expect(
        readFileSync(join(out, file)).equals(readFileSync(join(PUBLIC_DIR, file))),
        `${file}: run npm run build:dashboard`,
      ).toBe(true);
  });
});
