/**
 * The coordinator's health and readiness probes (coordinator/health.ts) on
 * its WebSocket port: /healthz while the process answers, /readyz 200 only
 * with the database writable, the ledger key the database's and the socket
 * listening, 503 with a fixed reason otherwise; nothing else in the body.
 */
import { describe, it, expect, afterEach, vi } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Coordinator } from '../../coordinator/coordinator.ts';
import { WRITE_PROBE_REUSE_MS } from '../../coordinator/store.ts';

const dir = mkdtempSync(join(tmpdir(), 'cohort-health-'));
let open: Coordinator | null = null;
afterEach(async () => {
  await open?.close();
  open = null;
});

async function started(dbPath = ':memory:') {
  const c = (open = new Coordinator({ dbPath, port: 0 }));
  const port = await c.listen();
  const get = async (path: string, method = 'GET') => {
    const r = await fetch(`http://127.0.0.1:${port}${path}`, { method });
    return { status: r.status, body: await r.text(), type: r.headers.get('content-type') };
  };
  return { c, get };
}

describe('health and readiness probes', () => {
  it('/healthz and /readyz answer 200 with the status alone on a serving coordinator', async () => {
    const { get } = await started();
    expect(await get('/healthz')).toEqual({ status: 200, body: '{"status":"ok"}', type: 'application/json' });
    expect(await get('/readyz')).toEqual({ status: 200, body: '{"status":"ready"}', type: 'application/json' });
    expect((await get('/readyz?verbose=1')).status).toBe(200);
  });

  it('/readyz answers 503 with a reason when the database is closed; /healthz stays 200', async () => {
    const { c, get } = await started();
    c.database.close();
    expect(await get('/readyz')).toEqual({
      status: 503,
      body: '{"status":"not ready","reason":"database not writable"}',
      type: 'application/json',
    });
    expect((await get('/healthz')).status).toBe(200);
  });

  it('/readyz never waits for the write lock: held by another writer, the database is writable, and ready', async () => {
    const dbPath = join(dir, 'locked.db');
    const { get } = await started(dbPath);
    const other = new Database(dbPath);
    other.exec('BEGIN IMMEDIATE'); // another process's write, e.g. an operator's command on the same file
    try {
      // Waiting (the 5 s busy timeout) would stall the coordinator for every probe, then answer 503.
      expect(await get('/readyz')).toMatchObject({ status: 200, body: '{"status":"ready"}' });
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
  });

  it('/readyz answers 503 when the database is bound to another ledger key', async () => {
    const db = join(dir, 'rebound.db');
    const { get } = await started(db);
    const other = new Database(db);
    other.prepare(`UPDATE meta SET value = ? WHERE key = 'ledger_key'`).run('00'.repeat(32));
    other.close();
    expect(await get('/readyz')).toMatchObject({ status: 503, body: expect.stringContaining('ledger key not loaded') });
  });

  it("a flood of /readyz takes the database's write lock at most once per WRITE_PROBE_REUSE_MS", async () => {
    let t = 1_000_000;
    const c = (open = new Coordinator({ dbPath: ':memory:', port: 0, now: () => t }));
    await c.listen();
    const exec = vi.spyOn(Database.prototype, 'exec');
    try {
      const probes = () => exec.mock.calls.filter(([sql]) => sql === 'BEGIN IMMEDIATE').length;
      for (let i = 0; i < 50; i++) expect(c.readiness()).toEqual({ ready: true });
      expect(probes()).toBe(1);
      t += WRITE_PROBE_REUSE_MS - 1;
      c.readiness();
      expect(probes()).toBe(1);
      t += 1;
      c.readiness();
      expect(probes()).toBe(2);
      // A clock set back does not keep an old answer.
      t -= 10_000;
      c.readiness();
      expect(probes()).toBe(3);
    } finally {
      exec.mockRestore();
    }
  });

  it('is not ready before listen, nor after close', async () => {
    const c = new Coordinator({ dbPath: ':memory:', port: 0 });
    expect(c.readiness()).toEqual({ ready: false, reason: 'not listening' });
    await c.listen();
    expect(c.readiness()).toEqual({ ready: true });
    await c.close();
    expect(c.readiness()).toMatchObject({ ready: false });
  });

  it('with healthPort, the probes are also plain http on loopback, even when the main port serves TLS', async () => {
    const c = (open = new Coordinator({ dbPath: ':memory:', port: 0, healthPort: 0 }));
    expect(c.healthPort).toBeNull();
    await c.listen();
    const r = await fetch(`http://127.0.0.1:${c.healthPort}/readyz`);
    expect([r.status, await r.text()]).toEqual([200, '{"status":"ready"}']);
    expect((await fetch(`http://127.0.0.1:${c.healthPort}/other`)).status).toBe(426);
    c.database.close();
    expect((await fetch(`http://127.0.0.1:${c.healthPort}/readyz`)).status).toBe(503);
  });

  it('other paths answer 426 as a WebSocket port does; probes take GET and HEAD only', async () => {
    const { get } = await started();
    expect((await get('/')).status).toBe(426);
    expect((await get('/metrics')).status).toBe(426);
    expect((await get('/healthz', 'HEAD')).status).toBe(200);
    expect((await get('/readyz', 'POST')).status).toBe(405);
  });
});
