/**
 * Requests one connection may have unanswered at once (coordinator/bounded-http.ts
 * MAX_UNANSWERED), for the dashboard and `ledger serve` alike, and for the
 * probes on the coordinator's WebSocket port (health.ts), the one port
 * every stranger can reach. A stranger
 * who writes hundreds of pipelined requests in one go, for the page's script
 * or for a 401, has at most MAX_UNANSWERED answered before the connection is
 * closed: Node would otherwise queue a response for each, megabytes per
 * socket for as long as the socket lives, and a few hundred sockets that
 * never read exhaust the heap of the coordinator. Browsers and keep-alive
 * clients, which send a request after reading the last answer, are not
 * affected, nor is a client that pipelines a few. Raw sockets, so no client
 * pools or reuses a connection.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { emptyDashboard } from '../helpers/dashboard-fixture.ts';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Coordinator } from '../../coordinator/coordinator.ts';
import { CoordinatorStore } from '../../coordinator/store.ts';
import { MAX_UNANSWERED } from '../../coordinator/bounded-http.ts';
import { serveLedger } from '../../coordinator/ledger-http.ts';
import { pipeline } from '../helpers/http-socket.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function database(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'cohort-pipelining-')), 'c.db');
  new CoordinatorStore(path).close();
  return path;
}

const dashboard = () => emptyDashboard(cleanups);

async function ledger(): Promise<number> {
  const { server, port } = await serveLedger({ db: database(), token: randomBytes(32).toString('hex') });
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return port;
}

const STRANGER = 256;

describe('requests one connection may have unanswered', () => {
  it("the dashboard answers a stranger's pipelined flood at most MAX_UNANSWERED times, then closes", async () => {
    const port = await dashboard();
    const answered = await pipeline(port, '/app.css', STRANGER);
    expect(answered).toBeLessThanOrEqual(MAX_UNANSWERED);
  });

  it('`ledger serve` does too, for requests that are only 401s', async () => {
    const port = await ledger();
    const answered = await pipeline(port, '/ledger/head', STRANGER);
    expect(answered).toBeLessThanOrEqual(MAX_UNANSWERED);
  });

  it('a client that pipelines MAX_UNANSWERED requests gets every answer', async () => {
    expect(await pipeline(await dashboard(), '/', MAX_UNANSWERED)).toBe(MAX_UNANSWERED);
  });

  it('a keep-alive client asking one request after another on one socket gets every answer', async () => {
    const port = await dashboard();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    cleanups.push(() => agent.destroy());
    const reused: boolean[] = [];
    for (let i = 0; i < 3 * MAX_UNANSWERED; i++) {
      const status = await new Promise<number>((resolve, reject) => {
        const req = get({ port, host: '127.0.0.1', path: '/app.js', agent }, (res) => {
          reused.push(req.reusedSocket);
          res.resume();
          res.on('end', () => resolve(res.statusCode!));
        });
        req.on('error', reject);
      });
      expect(status).toBe(200);
    }
    expect(reused.slice(1).every(Boolean)).toBe(true);
  });
});

describe('pipelined requests on the WebSocket port', () => {
  it('a flood gets at most MAX_UNANSWERED answers, for probes and 426s alike; one probe still gets its answer', async () => {
    const c = new Coordinator({ dbPath: ':memory:', port: 0 });
    cleanups.push(() => c.close());
    const port = await c.listen();
    expect(await pipeline(port, '/healthz', STRANGER)).toBeLessThanOrEqual(MAX_UNANSWERED);
    expect(await pipeline(port, '/', STRANGER)).toBeLessThanOrEqual(MAX_UNANSWERED);
    expect(await pipeline(port, '/readyz', 1)).toBe(1);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });
});
