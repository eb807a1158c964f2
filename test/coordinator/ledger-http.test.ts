/**
 * What a request to `ledger serve` (coordinator/ledger-http.ts) may make it
 * read, and tell: /ledger a page at a time, its pages walked by their Link
 * headers holding `ledger export`'s rows; the paging query checked at the
 * boundary; /ledger/budget computed once per database version (calls
 * counted, not timed); a database that cannot be read answered with no path
 * or SQLite message, which go to the server's log.
 */
import { describe, it, expect, beforeAll, afterEach, vi } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { Logger } from '../../edge/log.ts';
import { CoordinatorLedger } from '../../coordinator/ledger.ts';
import { CoordinatorStore } from '../../coordinator/store.ts';
import { LedgerTables } from '../../coordinator/ledger-tables.ts';
import { serveLedger } from '../../coordinator/ledger-http.ts';
import { MAX_PAGE } from '../../coordinator/ledger-http-page.ts';
import { listedEntry, ledgerRows, readCoordinatorLedger, toCsv } from '../../coordinator/ledger-reader.ts';
import { budgetSummary } from '../../coordinator/ledger-budget.ts';
import { parseJobSpec, type JobSpec } from '../../core/job/spec.ts';
import { roundRecord as committedRound } from '../helpers/round-record.ts';
import type { RoundRecord } from '../../core/round/job.ts';
import { ed25519KeyPair } from '../../core/secagg/index.ts';
import { syntheticJob } from '../../simulations/synthetic.ts';
import { RECORD_DP } from '../helpers/privacy.ts';

// The entries the budget summary reads, counted: its fold (ledger-budget.ts) reads each through this module.
vi.mock('../../coordinator/ledger-reader.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../coordinator/ledger-reader.ts')>();
  return { ...real, listedEntry: vi.fn(real.listedEntry) };
});

const identity = ed25519KeyPair();
const spec: JobSpec = parseJobSpec(syntheticJob({ rounds: 100, privacy: { ...RECORD_DP, epsilon: 100 } }));
const HOSPITALS = ['h0', 'h1', 'h2'];
const token = randomBytes(32).toString('hex');
const freshPath = () => join(mkdtempSync(join(tmpdir(), 'cohort-ledger-http-')), 'c.db');

function record(round: number, dropped: string[]): RoundRecord {
  return committedRound(round, HOSPITALS, { dropped });
}

/** Opens the ledger, runs `build` on it, closes it (as the coordinator's commits are to the endpoint). */
function withLedger(path: string, build: (store: CoordinatorStore, ledger: CoordinatorLedger) => void): void {
  const store = new CoordinatorStore(path);
  try {
    build(store, new CoordinatorLedger(store, identity, () => 1_700_000_000_000));
  } finally {
    store.close();
  }
}

function newJob(store: CoordinatorStore, ledger: CoordinatorLedger, jobId: string): void {
  store.createJob(jobId, spec, new Float32Array(4), 1_700_000_000_000, ledger.jobCreated(jobId, spec, 'ab'.repeat(32)));
}

function addRound(store: CoordinatorStore, ledger: CoordinatorLedger, jobId: string, r: number): void {
  const rec = record(r, r % 3 === 0 ? ['h1'] : []);
  store.commitRound(jobId, rec, ledger.round(jobId, spec, rec));
}

let db = '';
beforeAll(() => {
  db = freshPath();
  withLedger(db, (store, ledger) => {
    for (const jobId of ['job-a', 'job-b']) {
      newJob(store, ledger, jobId);
      for (let r = 1; r <= 5; r++) addRound(store, ledger, jobId, r);
      store.appendEntry(ledger.refusal(jobId, 6, 'h2', 'E_BUDGET_EXHAUSTED', 'spent'));
    }
    for (const seq of [2, 5, 9]) store.addReceipt({ seq, hospital: 'h0', signature: 'cd'.repeat(64) }, 0);
  });
});

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
});

async function serve(path: string, log?: Logger) {
  const { server, port } = await serveLedger({ db: path, token, ...(log ? { log } : {}) });
  servers.push(server);
  return (p: string) => fetch(`http://127.0.0.1:${port}${p}`, { headers: { authorization: `Bearer ${token}` } });
}

/** Every page from `first` on, following Link: rel="next" to the page without one. */
async function walk(get: (p: string) => Promise<Response>, first: string): Promise<string[]> {
  const bodies: string[] = [];
  for (let path: string | null = first; path !== null;) {
    expect(bodies.length).toBeLessThan(100);
    const res = await get(path);
    expect(res.status).toBe(200);
    bodies.push(await res.text());
    const link = res.headers.get('link');
    path = link === null ? null : /^<(\/ledger\?[^>]+)>; rel="next"$/.exec(link)![1]!;
  }
  return bodies;
}

describe('GET /ledger, a page at a time', () => {
  it('walks the whole ledger in pages whose rows are `ledger export`, in JSON and CSV, filtered or not', async () => {
    const get = await serve(db);
    const data = readCoordinatorLedger(db);
    const entries = data.entries.length;
    expect(entries).toBe(14);

    const json = await walk(get, '/ledger?limit=4');
    expect(json).toHaveLength(Math.ceil(entries / 4));
    const rows = ledgerRows(data);
    expect(rows.some((r) => r.receipted)).toBe(true);
    expect(json.flatMap((b) => JSON.parse(b) as unknown[])).toEqual(JSON.parse(JSON.stringify(rows)));

    // CSV: each page with its header line.
    const csv = await walk(get, '/ledger?format=csv&limit=5');
    const [first, ...rest] = csv;
    expect(first! + rest.map((b) => b.slice(b.indexOf('\r\n') + 2)).join('')).toBe(toCsv(rows));

    // The filters ride along in each Link; a page of entries may hold none of their rows.
    const filtered = await walk(get, '/ledger?job=job-b&hospital=h1&limit=3');
    expect(filtered).toHaveLength(Math.ceil(entries / 3));
    expect(filtered.some((b) => b === '[]')).toBe(true);
    const expected = ledgerRows(data, { job: 'job-b', hospital: 'h1' });
    expect(expected.length).toBeGreaterThan(0);
    expect(filtered.flatMap((b) => JSON.parse(b) as unknown[])).toEqual(JSON.parse(JSON.stringify(expected)));

    // Past the end: an empty page, and no next one.
    const end = await get(`/ledger?after=${entries}`);
    expect([end.status, await end.json(), end.headers.get('link')]).toEqual([200, [], null]);
  });

  it('holds at most MAX_PAGE entries when no limit is asked for', async () => {
    const path = freshPath();
    withLedger(path, (store, ledger) => {
      for (let i = 0; i < MAX_PAGE + 5; i++)
        store.appendEntry(ledger.denial('', `someone-${i}`, 'researcher', 'ledger.read', 'no'));
    });
    const get = await serve(path);
    // What SQLite is asked for: the page, and one entry more to learn whether another follows.
    const read = vi.spyOn(LedgerTables.prototype, 'ledgerEntriesAfter');
    const res = await get('/ledger');
    expect(read).toHaveBeenCalledTimes(1);
    expect(read.mock.results[0]!.value).toHaveLength(MAX_PAGE + 1);
    read.mockRestore();
    expect((await res.json()) as unknown[]).toHaveLength(MAX_PAGE);
    expect(res.headers.get('link')).toBe(`</ledger?after=${MAX_PAGE}>; rel="next"`);
    const rest = await get(`/ledger?after=${MAX_PAGE}`);
    expect(((await rest.json()) as { seq: number }[]).map((r) => r.seq)).toEqual(
      [1, 2, 3, 4, 5].map((i) => MAX_PAGE + i),
    );
    expect(rest.headers.get('link')).toBeNull();
  }, 60_000);

  it('refuses a paging parameter that is not an integer in range: E_HTTP_REQUEST, 400', async () => {
    const get = await serve(db);
    const bad = ['after=-1', 'after=1.5', 'after=abc', 'after=', 'after=%201', 'after=1e3', 'after=99999999999999999'];
    bad.push('limit=0', `limit=${MAX_PAGE + 1}`, 'limit=-5', 'limit=0x10', 'limit=');
    for (const query of bad) {
      const res = await get(`/ledger?${query}`);
      expect([query, res.status]).toEqual([query, 400]);
      const body = (await res.json()) as { code: string; message: string };
      expect(body.code).toBe('E_HTTP_REQUEST');
      expect(body.message).toMatch(/^(after|limit) must be an integer from \d+ to \d+$/);
    }
    expect((await get(`/ledger?limit=${MAX_PAGE}&after=0`)).status).toBe(200);
  });
});

describe('GET /ledger/budget', () => {
  it('is read once per database version, and after a commit only the entries appended since', async () => {
    const path = freshPath();
    withLedger(path, (store, ledger) => {
      newJob(store, ledger, 'job-a');
      addRound(store, ledger, 'job-a', 1);
    });
    const get = await serve(path);
    const read = vi.mocked(listedEntry);
    const entries = () => readCoordinatorLedger(path).entries.length;
    read.mockClear();
    const first = await (await get('/ledger/budget')).text();
    const again = await (await get('/ledger/budget')).text();
    expect(read).toHaveBeenCalledTimes(entries());
    expect(again).toBe(first);
    expect(JSON.parse(first)).toEqual(budgetSummary(readCoordinatorLedger(path)));
    expect((JSON.parse(first) as { rounds: number }[]).map((b) => b.rounds)).toEqual([1, 1, 1]);

    const before = entries();
    read.mockClear();
    withLedger(path, (store, ledger) => addRound(store, ledger, 'job-a', 2));
    const after = JSON.parse(await (await get('/ledger/budget')).text()) as { rounds: number }[];
    await get('/ledger/budget');
    expect(read).toHaveBeenCalledTimes(entries() - before);
    expect(after).toEqual(budgetSummary(readCoordinatorLedger(path)));
    expect(after.map((b) => b.rounds)).toEqual([2, 2, 2]);
  });
});

describe('a database that cannot be read', () => {
  it('is E_STORE, 503, with a fixed message; the path and the reason go to the log only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cohort-secret-place-'));
    const garbage = join(dir, 'garbage.db');
    writeFileSync(garbage, 'not a database, and long enough to be read as a header by SQLite '.repeat(20));
    for (const path of [join(dir, 'missing.db'), garbage]) {
      const error = vi.fn();
      const get = await serve(path, { error } as unknown as Logger);
      for (const route of ['/ledger', '/ledger/head', '/ledger/budget', '/ledger/verify']) {
        const res = await get(route);
        const body = await res.text();
        expect([route, res.status]).toEqual([route, 503]);
        expect(JSON.parse(body)).toEqual({ code: 'E_STORE', message: 'the ledger database cannot be read' });
        expect(body).not.toContain(dir);
      }
      expect(error).toHaveBeenCalledTimes(4);
      const logged = error.mock.calls.map(([fields]) => (fields as { err: Error }).err.message);
      expect(logged.every((m) => m.includes(dir))).toBe(true);
    }
  });
});
