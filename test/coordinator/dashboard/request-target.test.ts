/**
 * A request line whose target is no URL (`GET //[ HTTP/1.1`, which Node's
 * parser lets through) is a stranger's bad input, not a fault of the
 * dashboard: it is answered 400 E_HTTP_REQUEST, and nothing is logged at
 * error level (no stack, no internal path), however often it is sent.
 * Before any login, on raw sockets: no client would send such a line.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinatorStore } from '../../../coordinator/store.ts';
import { CoordinatorMetrics } from '../../../coordinator/dashboard/metrics.ts';
import { DashboardServer } from '../../../coordinator/dashboard/server.ts';
import { Writable } from 'node:stream';
import { createLogger } from '../../../edge/log.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Sends `request` on a fresh socket and resolves with all the server wrote before closing it. */
function raw(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    let text = '';
    s.on('data', (d: Buffer) => (text += d.toString()));
    s.on('error', reject);
    s.on('close', () => resolve(text));
    s.write(request);
  });
}

describe('a request target that is no URL', () => {
  it('is answered 400 E_HTTP_REQUEST, and no error is logged', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'cohort-target-')), 'c.db');
    const store = new CoordinatorStore(path);
    cleanups.push(() => store.close());
    const lines: string[] = [];
    const destination = new Writable({
      write: (chunk: Buffer, _enc, done) => {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = createLogger({ destination, level: 'warn' });
    const server = new DashboardServer({
      dbPath: path,
      snapshot: () => ({ hospitals: [], jobs: {} }),
      metrics: new CoordinatorMetrics(() => 0),
      log,
      now: () => 0,
    });
    const port = await server.listen();
    cleanups.push(() => server.close());
    for (const target of ['//[', 'http://[', 'http://a:99999/', '//%zz/api/me']) {
      const answer = await raw(port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
      expect(answer.split('\r\n')[0], target).toBe('HTTP/1.1 400 Bad Request');
      expect(/\{"code":"(\w+)"/.exec(answer)?.[1], target).toBe('E_HTTP_REQUEST');
    }
    expect(lines).toEqual([]);
  });
});
