/**
 * The dashboard's cap on sockets held at once (server.ts MAX_CONNECTIONS,
 * here set to 2): a connection past it is closed as it is accepted, unanswered,
 * while those already open, idle as a slow-header stranger's, still get their
 * answers. Raw sockets, so no client pools or reuses a connection.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinatorStore } from '../../../coordinator/store.ts';
import { CoordinatorMetrics } from '../../../coordinator/dashboard/metrics.ts';
import { DashboardServer, MAX_CONNECTIONS, MAX_EVENT_STREAMS } from '../../../coordinator/dashboard/server.ts';
import { silentLogger } from '../../../edge/log.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A socket to `port`, open; what it receives, and a promise of its close. */
async function socket(port: number): Promise<{ s: Socket; received: () => string; closed: Promise<void> }> {
  const s = connect(port, '127.0.0.1');
  cleanups.push(() => s.destroy());
  let text = '';
  s.on('data', (d: Buffer) => (text += d.toString()));
  s.on('error', () => {}); // a reset past the cap is an outcome here, not a failure
  const closed = new Promise<void>((resolve) => s.on('close', () => resolve()));
  await new Promise<void>((resolve) => s.once('connect', () => resolve()));
  return { s, received: () => text, closed };
}

/** Writes a request on the socket and waits for its status line. */
async function ask(c: Awaited<ReturnType<typeof socket>>): Promise<string> {
  c.s.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  while (!c.received().includes('\r\n')) await once(c.s, 'data');
  return c.received().split('\r\n')[0]!;
}

describe("the dashboard's connection cap", () => {
  it('closes a connection past the cap, unanswered; those open still get their answers', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'cohort-conns-')), 'c.db');
    const store = new CoordinatorStore(path);
    cleanups.push(() => store.close());
    const server = new DashboardServer(
      {
        dbPath: path,
        snapshot: () => ({ hospitals: [], jobs: {} }),
        metrics: new CoordinatorMetrics(() => 0),
        log: silentLogger,
        now: () => 0,
      },
      { maxConnections: 2 },
    );
    const port = await server.listen();
    cleanups.push(() => server.close());
    const held = [await socket(port), await socket(port)]; // idle, as slow headers would be
    const past = await socket(port);
    await past.closed;
    expect(past.received()).toBe('');
    for (const c of held) expect(await ask(c)).toBe('HTTP/1.1 200 OK');
  });

  it('leaves room for every event stream the server allows, and requests beside them', () => {
    expect(MAX_CONNECTIONS).toBeGreaterThan(MAX_EVENT_STREAMS);
  });
});
