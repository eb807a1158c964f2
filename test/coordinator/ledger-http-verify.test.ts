/**
 * `GET /ledger/verify` off the endpoint's event loop (ledger-http-verify.ts):
 * one verification at a time in a thread, shared by the requests that wait
 * for it, kept until the database changes; the other routes answer while it
 * runs. Threads are played by the test (each answers when the test says),
 * so every ordering below is by events, not by time; one real thread checks
 * that the verification body loads and reports.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { Coordinator } from '../../coordinator/coordinator.ts';
import { serveLedger } from '../../coordinator/ledger-http.ts';
import { SharedVerification, type EndpointReport } from '../../coordinator/ledger-http-verify.ts';
import { enrollFresh } from '../helpers/enroll.ts';

let db = '';
let entries = 0;

beforeAll(async () => {
  db = join(mkdtempSync(join(tmpdir(), 'cohort-ledger-http-')), 'c.db');
  const c = new Coordinator({ dbPath: db, port: 0 });
  enrollFresh(c, { aud: 'auditor', h1: 'hospital', h2: 'hospital' });
  entries = c.database.lastLedgerSeq();
  await c.close();
});

/** A verification thread the test answers for. */
class PlayedThread extends EventEmitter {
  terminated = false;
  terminate(): Promise<number> {
    this.terminated = true;
    return Promise.resolve(0);
  }
}

/** A factory of played threads, and a promise of the next one started. */
function playedThreads() {
  const started: PlayedThread[] = [];
  let waiting: ((t: PlayedThread) => void) | null = null;
  return {
    started,
    createWorker: () => {
      const t = new PlayedThread();
      started.push(t);
      waiting?.(t);
      waiting = null;
      return t as unknown as Worker;
    },
    next: () => new Promise<PlayedThread>((resolve) => (waiting = resolve)),
  };
}

const reportOf = (n: number) => ({ ok: true, entries: n }) as unknown as EndpointReport;

/** A commit by another connection (what the coordinator's writes are to the endpoint). */
function commit(): void {
  const d = new Database(db);
  d.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(`test-${randomBytes(8).toString('hex')}`, 'x');
  d.close();
}

describe('the shared verification', () => {
  it('runs one at a time, shares it, keeps it until the database changes, and coalesces the runs a change queues', async () => {
    const threads = playedThreads();
    const v = new SharedVerification(db, { createWorker: threads.createWorker, workers: 1 });
    const a = v.report();
    const b = v.report();
    expect(threads.started).toHaveLength(1);
    threads.started[0]!.emit('message', { report: reportOf(1) });
    expect(await a).toEqual(reportOf(1));
    expect(await b).toEqual(reportOf(1));
    expect(threads.started[0]!.terminated).toBe(true);
    // Nothing changed: the same report, no new thread.
    expect(await v.report()).toEqual(reportOf(1));
    expect(threads.started).toHaveLength(1);

    commit();
    const c = v.report();
    expect(threads.started).toHaveLength(2);
    // Two more changes while it runs: one run after it, for both requests.
    commit();
    const d = v.report();
    commit();
    const e = v.report();
    expect(threads.started).toHaveLength(2);
    const third = threads.next();
    threads.started[1]!.emit('message', { report: reportOf(2) });
    expect(await c).toEqual(reportOf(2));
    (await third).emit('message', { report: reportOf(3) });
    expect(await d).toEqual(reportOf(3));
    expect(await e).toEqual(reportOf(3));
    expect(threads.started).toHaveLength(3);
    v.close();
  });

  it('a thread that fails or stops is a typed error for its waiters; the next request starts another', async () => {
    const threads = playedThreads();
    const v = new SharedVerification(db, { createWorker: threads.createWorker, workers: 1 });
    const a = v.report();
    threads.started[0]!.emit('error', new Error('crashed'));
    await expect(a).rejects.toMatchObject({ code: 'E_INTERNAL' });
    const b = v.report();
    expect(threads.started).toHaveLength(2);
    threads.started[1]!.emit('message', { error: { code: 'E_STORE', message: 'unreadable' } });
    await expect(b).rejects.toMatchObject({ code: 'E_STORE', message: 'unreadable' });
    const c = v.report();
    threads.started[2]!.emit('exit', 1);
    await expect(c).rejects.toMatchObject({ code: 'E_INTERNAL' });
    expect(() => new SharedVerification(db, { workers: 0 })).toThrow(/"workers" expected an integer/);
    v.close();
    // A database that cannot be opened is a typed error for the request, and no thread is started for it.
    const missing = new SharedVerification(`${db}.missing`, { createWorker: threads.createWorker, workers: 1 });
    await expect(missing.report()).rejects.toMatchObject({ code: 'E_STORE' });
    expect(threads.started).toHaveLength(3);
    missing.close();
  });
});

describe('GET /ledger/verify', () => {
  const token = randomBytes(32).toString('hex');
  const client = (port: number) => (path: string) =>
    fetch(`http://127.0.0.1:${port}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const stop = (server: Server) => {
    server.closeAllConnections();
    server.close();
  };

  it('/ledger/head answers while a verification is in flight', async () => {
    const threads = playedThreads();
    const { server, port } = await serveLedger({ db, token, verify: { createWorker: threads.createWorker } });
    const get = client(port);
    try {
      const started = threads.next();
      let answered = false;
      const verify = get('/ledger/verify').then((r) => {
        answered = true;
        return r;
      });
      const thread = await started;
      const head = await get('/ledger/head');
      expect(head.status).toBe(200);
      expect(((await head.json()) as { seq: number }).seq).toBe(entries);
      expect(answered).toBe(false);
      thread.emit('message', { report: reportOf(entries) });
      const res = await verify;
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual(reportOf(entries));

      // A failed verification is the error registry's status, with no detail for an internal one.
      commit();
      const failing = threads.next();
      const again = get('/ledger/verify');
      (await failing).emit('error', new Error('crashed'));
      const r = await again;
      expect(r.status).toBe(500);
      expect(await r.json()).toEqual({ code: 'E_INTERNAL', message: 'internal error' });
    } finally {
      stop(server);
    }
  });

  it('a real verification thread reports on the database, recomputing on threads of its own', async () => {
    const { server, port } = await serveLedger({ db, token, verify: { workers: 2 } });
    try {
      const res = await client(port)('/ledger/verify');
      expect(res.status).toBe(200);
      const report = (await res.json()) as EndpointReport;
      expect(report).toMatchObject({ ok: true, entries, sealsChecked: 0, checkpointSize: entries });
    } finally {
      stop(server);
    }
  }, 60_000);
});
