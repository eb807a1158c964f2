/**
 * What a stranger who can reach `ledger serve` (coordinator/ledger-http.ts)
 * may hold or cause before any token is checked. Sockets: the server holds
 * at most `maxConnections` (here 2) at once, and one past it is closed as it
 * is accepted, unanswered, while those already open, idle as a slow-header
 * (or, under TLS, a never-finished handshake) stranger's, still get their
 * answers; without a cap, idle sockets take every file descriptor of the
 * process, and the endpoint's own per-request database opens then fail.
 * A request target that is no URL is a 400, not an internal error logged
 * with its stack. Raw sockets, so no client pools or reuses a connection.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinatorStore } from '../../coordinator/store.ts';
import { MAX_LEDGER_CONNECTIONS, serveLedger } from '../../coordinator/ledger-http.ts';
import { createLogger } from '../../edge/log.ts';
import { lineSink } from '../helpers/capture-outbound.ts';
import { heldSocket, statusLine } from '../helpers/http-socket.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const token = randomBytes(32).toString('hex');
const auth = `Authorization: Bearer ${token}\r\n`;

async function serve(maxConnections?: number): Promise<{ port: number; logged: string[] }> {
  const db = join(mkdtempSync(join(tmpdir(), 'cohort-ledger-conns-')), 'c.db');
  new CoordinatorStore(db).close();
  const { lines: logged, sink: destination } = lineSink();
  const log = createLogger({ destination, level: 'warn' });
  const { server, port } = await serveLedger({ db, token, log, ...(maxConnections ? { maxConnections } : {}) });
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { port, logged };
}

describe("`ledger serve`'s connection cap", () => {
  it('closes a connection past the cap, unanswered; those open still get their answers', async () => {
    const { port } = await serve(2);
    const held = [await heldSocket(port, cleanups), await heldSocket(port, cleanups)]; // idle, as slow headers would be
    const past = await heldSocket(port, cleanups);
    // A request sent at once: without a cap it would be answered.
    past.s.write(`GET /ledger/head HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    await past.closed;
    expect(past.received()).toBe('');
    for (const c of held) expect(await statusLine(c, '/ledger/head', auth)).toBe('HTTP/1.1 200 OK');
  });

  it('has a default far below any file-descriptor limit, and above a few auditors', () => {
    expect(MAX_LEDGER_CONNECTIONS).toBeGreaterThanOrEqual(64);
    expect(MAX_LEDGER_CONNECTIONS).toBeLessThanOrEqual(1024);
  });
});

describe('a request target that is no URL', () => {
  it('is answered 400 E_HTTP_REQUEST, and no error is logged', async () => {
    const { port, logged } = await serve();
    for (const target of ['//[', 'http://a:99999/ledger']) {
      const c = await heldSocket(port, cleanups);
      expect(await statusLine(c, target, auth), target).toBe('HTTP/1.1 400 Bad Request');
      while (!/\{"code":"\w+"/.test(c.received())) await once(c.s, 'data');
      expect(/\{"code":"(\w+)"/.exec(c.received())?.[1], target).toBe('E_HTTP_REQUEST');
    }
    expect(logged).toEqual([]);
  });
});
