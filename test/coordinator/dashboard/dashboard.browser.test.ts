/**
 * The dashboard in a real browser: Debian's Chromium (/usr/bin/chromium,
 * headless) driven by playwright-core, against a live coordinator with real
 * hospital daemons. A researcher logs in and watches her job advance with no
 * reload; an auditor sees the ledger verified, then flagged once a row is
 * tampered with, and no response sent to the auditor's page carries weights.
 * Screenshots go to test-artifacts/dashboard/.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdirSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { jobDone, METRICS_TOKEN, startFixture, type Fixture } from '../../helpers/dashboard-fixture.ts';
import { launchChromium } from '../../helpers/chromium.ts';

// The functions passed to page.evaluate run in the page; the test's own compile has no DOM library.
declare const window: Record<string, unknown>;
declare const document: {
  body: unknown;
  getElementById(id: string): { dataset: Record<string, string | undefined> } | null;
};
declare class MutationObserver {
  constructor(cb: (records: { target: unknown; attributeName: string | null }[]) => void);
  observe(target: unknown, options: Record<string, unknown>): void;
}
type HTMLElement = { id: string; dataset: Record<string, string | undefined> };

const ARTIFACTS = 'test-artifacts/dashboard';
const ROUNDS = 6;

let f: Fixture;
let browser: Browser;
let jobId = '';

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  [f, browser] = await Promise.all([
    startFixture({
      hospitals: ['h1', 'h2'],
      waiting: ['h3'],
      // A row rewritten before the verifier's checkpoint is found by its next full pass: soon after the change here.
      coordinator: { dashboard: { metricsToken: METRICS_TOKEN, pollMs: 50, ledgerVerifier: { fullEveryMs: 500 } } },
    }),
    launchChromium(),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await f?.close();
});

async function open(name: string, viewport = { width: 1360, height: 900 }): Promise<Page> {
  const page = await (await browser.newContext({ viewport })).newPage();
  await page.goto(await f.loginUrl(name));
  await page.waitForSelector(`#who:has-text("${name} (")`);
  return page;
}

describe('the dashboard in Chromium', () => {
  it('a researcher logs in and watches her job advance live: rounds, curves and the epsilon chart grow with no reload', async () => {
    const page = await open('rita');
    expect(new URL(page.url()).hash).toBe('#/jobs'); // the one-time code left the address bar
    expect(await page.locator('#nav a').allTextContents()).toEqual(['Jobs', 'Hospitals']); // no ledger for researchers
    // Every value the epsilon chart and the loss chart take, as the page draws them.
    await page.evaluate(() => {
      const w = window as unknown as { seen: Record<string, string[]>; noReload: boolean };
      w.noReload = true;
      w.seen = { epsilon: [], loss: [] };
      new MutationObserver((records) => {
        for (const r of records) {
          const el = r.target as HTMLElement;
          const key = el.id.replace('chart-', '');
          const list = w.seen[key];
          const v = r.attributeName === 'data-points' ? el.dataset.points! : null;
          if (list && v !== null && list.at(-1) !== v) list.push(v);
        }
      }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-points'] });
    });

    // The job needs three hospitals and two are connected: it waits, with the page open on it, until h3 connects.
    jobId = await f.submit('rita', { rounds: ROUNDS, minClients: 3, targetClients: 3 });
    const done = jobDone(f.coordinator, jobId);
    const link = page.locator(`a[href="#/job/${jobId}"]`);
    await link.waitFor(); // the new job appears without a reload
    await page.screenshot({ path: `${ARTIFACTS}/researcher-jobs.png`, fullPage: true });
    await link.click();
    await page.waitForFunction(() => document.getElementById('chart-epsilon')?.dataset.points === '0');
    f.startHospital('h3');
    await done;
    const final = String((ROUNDS + 1) * 3); // three hospitals charged in every training round and for the final evaluation's counts
    await page.waitForFunction((n) => document.getElementById('chart-epsilon')?.dataset.points === n, final);
    await page.waitForSelector('dl.summary .pill.completed');

    const seen = await page.evaluate(() => (window as unknown as { seen: Record<string, string[]> }).seen);
    const eps = seen.epsilon!.map(Number);
    // The chart grew while the job ran: from nothing, through at least one round in between, to every spend of the job.
    expect(eps[0]).toBe(0);
    expect(eps.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < eps.length; i++) expect(eps[i]!).toBeGreaterThan(eps[i - 1]!);
    expect(eps.at(-1)).toBe((ROUNDS + 1) * 3);
    // A DP job releases no loss (train or test): its loss chart stays empty however the job runs.
    expect(seen.loss!.every((v) => v === '0')).toBe(true);
    expect(await page.locator('#chart-loss').getAttribute('data-points')).toBe('0');
    expect(await page.evaluate(() => (window as unknown as { noReload?: boolean }).noReload)).toBe(true);
    // The remaining budget is the target less what the ledger records as spent.
    const remaining = await page.locator('#remaining tbody tr').allTextContents();
    expect(remaining).toHaveLength(3);
    await page.screenshot({ path: `${ARTIFACTS}/researcher-job.png`, fullPage: true });
    await page.click('a[href="#/hospitals"]');
    await page.waitForSelector('#hospitals table');
    expect(await page.locator('#hospitals table').first().locator('tbody td:first-child').allTextContents()).toEqual([
      'h1',
      'h2',
      'h3',
    ]);
    await page.screenshot({ path: `${ARTIFACTS}/researcher-hospitals.png`, fullPage: true });
    await page.context().close();
  });

  it('the job page is not misleading: ε in headers, rounds counted right, one colour per hospital, coincident lines kept apart, the job target named as such', async () => {
    const page = await open('rita', { width: 1200, height: 800 });
    await page.goto(`${f.dashboard}/#/job/${jobId}`);
    await page.waitForSelector('dl.summary .pill.completed');
    await page.waitForFunction(
      (n) => document.getElementById('chart-epsilon')?.dataset.points === n,
      String((ROUNDS + 1) * 3),
    );
    // Headers keep ε as ε: innerText is the text as rendered, after any text-transform.
    const heads = await page.locator('#remaining th').allInnerTexts();
    expect(heads).toContain('ε spent');
    // The final evaluation round is not counted as a training round.
    expect(await page.locator('dl.summary').innerText()).toContain(
      `${ROUNDS} of ${ROUNDS} training rounds completed, final evaluation done`,
    );
    // What "remaining" is: the job's target less the spend, never called the hospital's budget.
    const title = await page.locator('#remaining-title').innerText();
    expect(title).toContain('job target − spent');
    expect(title.toLowerCase()).not.toContain('budget');
    expect(heads).toContain('job target − spent');

    type Style = { label: string; stroke: string; dash: number[]; points: number };
    const styles = async (key: string) =>
      JSON.parse((await page.locator(`#chart-${key}`).getAttribute('data-styles'))!) as Style[];
    const charts = await Promise.all(['loss', 'accuracy', 'auc', 'epsilon'].map(styles));
    const hospitals = ['h1', 'h2', 'h3'];
    // One colour per hospital, the same on every chart, and no two hospitals alike.
    const colour = (cs: Style[], h: string) => cs.find((s) => s.label === h)?.stroke;
    for (const h of hospitals) expect(new Set(charts.map((c) => colour(c, h))).size, h).toBe(1);
    expect(new Set(hospitals.map((h) => colour(charts[3]!, h))).size).toBe(3);
    // Lines with equal values stay apart: each hospital's dash and point size differ, and the legend lists each with its value.
    const eps = charts[3]!.filter((s) => hospitals.includes(s.label));
    expect(new Set(eps.map((s) => JSON.stringify([s.dash, s.points]))).size).toBe(3);
    const spent = (await page.locator('#remaining tbody tr').allInnerTexts()).map((r) => r.split('\t'));
    const legend = page.locator('#chart-epsilon ul.legend li');
    expect(await legend.evaluateAll((ls) => ls.map((l) => (l as unknown as HTMLElement).dataset.label))).toEqual([
      ...hospitals,
      expect.stringMatching(/^target ε /),
    ]);
    for (const [i, row] of spent.entries()) expect(await legend.nth(i).innerText()).toContain(row[2]!);
    await page.locator('h2:has-text("Privacy")').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${ARTIFACTS}/job-privacy.png` });

    // Every participant links to its hospital page: ε across jobs, and the budget said to be unknown here.
    expect(await page.locator('#participants a').allInnerTexts()).toEqual(hospitals);
    await page.click('#participants a:has-text("h1")');
    await page.waitForSelector('#hospital table');
    expect(new URL(page.url()).hash).toBe('#/hospital/h1');
    expect(await page.locator('#hospital-budget').innerText()).toContain('not known to the coordinator');
    const row = (await page.locator('#hospital table').first().locator('tbody tr').allInnerTexts()).map((r) =>
      r.split('\t'),
    );
    expect(row).toHaveLength(1);
    expect(row[0]![0]).toBe(jobId);
    expect(row[0]![4]).toBe(spent[0]![2]); // the ε the job page shows for h1
    await page.screenshot({ path: `${ARTIFACTS}/hospital.png` });
    await page.context().close();
  });

  it('a hospital that spent ε and then left is listed among the participants, marked dropped', async () => {
    const page = await open('rita');
    // The server's answer with h3 no longer taking part (api.test.ts and views.test.ts cover how the server decides).
    await page.route(`**/api/jobs/${jobId}`, async (route) => {
      const d = (await (await route.fetch()).json()) as { participants: { name: string; dropped: boolean }[] };
      d.participants = d.participants.map((p) => ({ ...p, dropped: p.name === 'h3' }));
      await route.fulfill({ json: d });
    });
    await page.goto(`${f.dashboard}/#/job/${jobId}`);
    await page.waitForSelector('#participants');
    expect(await page.locator('#participants a').allInnerTexts()).toEqual(['h1', 'h2', 'h3']);
    expect(await page.locator('#participants a[data-dropped="true"]').allInnerTexts()).toEqual(['h3']);
    expect(await page.locator('#participants .pill.dropped').count()).toBe(1);
    await page.context().close();
  });

  it("another researcher's page lists none of her jobs", async () => {
    const page = await open('rob');
    await page.waitForSelector('#jobs p.muted:has-text("No jobs yet")');
    await page.goto(`${f.dashboard}/#/job/${jobId}`);
    await page.waitForSelector('.status.failed:has-text("E_NOT_FOUND")');
    await page.context().close();
  });

  it('an auditor sees the ledger verified, then a tampered entry flagged live, and never receives weights', async () => {
    const page = await open('aud');
    const bodies: { url: string; body: string }[] = [];
    const pending: Promise<void>[] = [];
    page.on('response', (r) => {
      if ((r.headers()['content-type'] ?? '').startsWith('text/event-stream')) return; // only change ticks; never ends
      pending.push(
        r.body().then(
          (b) => void bodies.push({ url: r.url(), body: b.toString('latin1') }),
          () => undefined,
        ),
      );
    });
    await page.reload(); // so that the listener sees the page, script and API responses from the start
    await page.waitForSelector('#who:has-text("aud (auditor)")');
    await page.click(`a[href="#/job/${jobId}"]`);
    await page.waitForFunction(() => Number(document.getElementById('chart-epsilon')?.dataset.points) > 0);
    await page.screenshot({ path: `${ARTIFACTS}/auditor-job.png`, fullPage: true });
    await page.click('a[href="#/ledger"]');
    await page.waitForSelector('#verify-status[data-ok="true"]');
    expect(await page.textContent('#verify-status')).toMatch(/^Chain verified: \d+ entries/);
    await page.screenshot({ path: `${ARTIFACTS}/auditor-ledger-verified.png`, fullPage: true });

    // An epsilon rewritten in place in the coordinator's database, as an insider might.
    const db = new Database(f.db);
    const row = db
      .prepare(
        `SELECT seq, canonical FROM ledger WHERE job_id = ? AND canonical LIKE '%"kind":"round"%' ORDER BY seq LIMIT 1 OFFSET 2`,
      )
      .get(jobId) as { seq: number; canonical: string };
    const forged = row.canonical.replace(/"cumulativeEpsilon":[0-9.e-]+/, '"cumulativeEpsilon":0.001');
    expect(forged).not.toBe(row.canonical);
    db.prepare('UPDATE ledger SET canonical = ? WHERE seq = ?').run(forged, row.seq);
    db.close();

    await page.waitForSelector('#verify-status[data-ok="false"]'); // pushed by the event stream, no reload
    expect(await page.textContent('#verify-status')).toContain(`Ledger FAILED at entry ${row.seq}: hash-mismatch`);
    expect(await page.locator('#ledger-entries tr.bad td:first-child').allTextContents()).toContain(String(row.seq));
    await page.screenshot({ path: `${ARTIFACTS}/auditor-ledger-tampered.png`, fullPage: true });
    await page.context().close();
    await Promise.all(pending);

    // What the auditor's browser received: page, script, styles and every API answer, and not one model.
    const paths = bodies.map((b) => new URL(b.url).pathname);
    for (const p of ['/', '/app.js', '/api/me', '/api/jobs', `/api/jobs/${jobId}`, '/api/ledger'])
      expect(paths).toContain(p);
    const weights = f.coordinator.jobState(jobId)!.weights;
    const bytes = Buffer.from(weights.buffer, weights.byteOffset, weights.byteLength);
    const forbidden = [
      bytes.toString('hex'),
      bytes.toString('base64'),
      ...[...weights].map((w) => JSON.stringify(w)).filter((s) => s.length >= 8),
    ];
    for (const { url, body } of bodies.filter((b) => new URL(b.url).pathname.startsWith('/api/'))) {
      expect(body, url).not.toMatch(/"weights"/);
      for (const s of forbidden) expect(body.includes(s), `${url} holds ${s}`).toBe(false);
    }
    expect(bodies.some((b) => b.body.includes(bytes.toString('latin1')))).toBe(false);
  });
});
