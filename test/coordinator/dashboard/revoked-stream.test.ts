/**
 * A revoked identity loses its session at once, and with it its open event
 * streams: the commit that revokes it ends them (`event: expired`), and they
 * carry no `change` after it. Otherwise a revoked researcher who keeps one
 * tab open goes on learning, until the session's TTL, each moment any job
 * advances or any hospital comes or goes, though every API read already
 * answers 401.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinatorLedger } from '../../../coordinator/ledger.ts';
import { CoordinatorStore } from '../../../coordinator/store.ts';
import { CoordinatorMetrics } from '../../../coordinator/dashboard/metrics.ts';
import { DashboardServer } from '../../../coordinator/dashboard/server.ts';
import { ed25519KeyPair } from '../../../core/secagg/index.ts';
import { loginCookie } from '../../helpers/dashboard-fixture.ts';
import { silentLogger } from '../../../edge/log.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const AT = 1_700_000_000_000;

describe("a revoked identity's event stream", () => {
  it('ends at the commit that revokes it, with no change event after it', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'cohort-revoked-')), 'c.db');
    const store = new CoordinatorStore(path);
    cleanups.push(() => store.close());
    const ledger = new CoordinatorLedger(store, ed25519KeyPair(), () => AT);
    const key = 'ab'.repeat(32);
    store.enroll('aud', 'auditor', key, 0, ledger.grant('aud', 'auditor', true, key));
    const s = new DashboardServer(
      {
        dbPath: path,
        snapshot: () => ({ hospitals: [], jobs: {} }),
        metrics: new CoordinatorMetrics(() => 0),
        log: silentLogger,
        now: () => AT,
      },
      { pollMs: 5 },
    );
    await s.listen();
    cleanups.push(() => s.close());
    const cookie = await loginCookie(s.url, s.login('aud', 'auditor').url);
    const ac = new AbortController();
    cleanups.push(() => ac.abort());
    const res = await fetch(`${s.url}/api/events`, { headers: { cookie }, signal: ac.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('retry:')) text += decoder.decode((await reader.read()).value, { stream: true });
    store.revoke('aud', AT, ledger.grant('aud', 'auditor', false, key));
    // Read until the stream ends, or until it says "change" to an identity no longer enrolled.
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      if (text.includes('event: change')) break;
    }
    expect(text).not.toContain('event: change');
    expect(text).toContain('event: expired');
    expect((await fetch(`${s.url}/api/me`, { headers: { cookie } })).status).toBe(401);
  });
});
