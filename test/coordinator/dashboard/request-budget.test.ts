/**
 * Each dashboard session's budget of API reads (coordinator/dashboard/
 * request-budget.ts): past its burst a session gets 429 E_RATE_LIMIT, shaped
 * as the server's other errors, while another session and its own event
 * stream are unaffected. The server's clock is frozen, so no token comes back
 * during the test: the count, not the timing, decides.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinatorLedger } from '../../../coordinator/ledger.ts';
import { CoordinatorStore } from '../../../coordinator/store.ts';
import { CoordinatorMetrics } from '../../../coordinator/dashboard/metrics.ts';
import { API_READ_BURST, SessionRequestBudget } from '../../../coordinator/dashboard/request-budget.ts';
import { DashboardServer } from '../../../coordinator/dashboard/server.ts';
import { ed25519KeyPair } from '../../../core/secagg/index.ts';
import { silentLogger } from '../../../edge/log.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const AT = 1_700_000_000_000;

async function server(): Promise<{ server: DashboardServer; cookie: () => Promise<string> }> {
  const path = join(mkdtempSync(join(tmpdir(), 'cohort-budget-')), 'c.db');
  const store = new CoordinatorStore(path);
  cleanups.push(() => store.close());
  const ledger = new CoordinatorLedger(store, ed25519KeyPair(), () => AT);
  store.enroll('aud', 'auditor', 'ab'.repeat(32), 0, ledger.grant('aud', 'auditor', true, 'ab'.repeat(32)));
  const s = new DashboardServer({
    dbPath: path,
    snapshot: () => ({ hospitals: [], jobs: {} }),
    metrics: new CoordinatorMetrics(() => 0),
    log: silentLogger,
    now: () => AT,
  });
  await s.listen();
  cleanups.push(() => s.close());
  const cookie = async () => {
    const code = new URL(s.login('aud', 'auditor').url).hash.replace('#code=', '');
    const r = await fetch(`${s.url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: s.url },
      body: JSON.stringify({ code }),
    });
    return r.headers.get('set-cookie')!.split(';')[0]!;
  };
  return { server: s, cookie };
}

describe("a dashboard session's API reads", () => {
  it('are refused with 429 E_RATE_LIMIT past the burst; another session still reads, and the event stream still opens', async () => {
    const { server: s, cookie } = await server();
    const mine = await cookie();
    const get = (path: string, c: string) => fetch(`${s.url}${path}`, { headers: { cookie: c } });
    for (let i = 0; i < API_READ_BURST; i++) expect((await get('/api/hospitals', mine)).status).toBe(200);
    const refused = await get('/api/hospitals/h1', mine);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toMatchObject({ code: 'E_RATE_LIMIT', message: expect.any(String) });
    expect((await get('/api/hospitals', await cookie())).status).toBe(200);
    const ac = new AbortController();
    const events = await fetch(`${s.url}/api/events`, { headers: { cookie: mine }, signal: ac.signal });
    expect(events.status).toBe(200);
    ac.abort();
  });

  it('come back at the sustained rate', () => {
    const budget = new SessionRequestBudget(8, 2);
    const session = { name: 'aud', role: 'auditor' as const, expiresAt: AT + 1 };
    expect([1, 2, 3].map(() => budget.take(session, AT))).toEqual([true, true, false]);
    expect(budget.take(session, AT + 124)).toBe(false);
    expect(budget.take(session, AT + 125)).toBe(true);
    expect(budget.take({ ...session }, AT)).toBe(true); // another session: its own bucket
  });
});
