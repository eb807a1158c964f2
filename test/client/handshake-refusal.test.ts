/**
 * A daemon the coordinator refuses for good at the handshake (not enrolled,
 * revoked, its name in use past the grace) stops and says why
 * (refusedAtHandshake) instead of reconnecting forever; a coordinator that is
 * not there yet, or a name held by its own vanishing connection, is retried.
 */
import { describe, it, expect, beforeEach, afterEach, vi } from 'vitest';
import { statelessDaemon } from '../helpers/hospital-daemon.ts';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Coordinator } from '../../coordinator/coordinator.ts';
import { ClientDaemon, type ClientOptions } from '../../client/daemon.ts';
import { Connection } from '../../client/connection.ts';
import type { CohortError } from '../../core/errors.ts';
import type { Identity } from '../../core/secagg/index.ts';
import { simulatedNetwork } from '../../simulations/network.ts';

const net = simulatedNetwork(['alice', 'bob']);
const alice = net.identity('alice');
let coordinator: Coordinator | null;
let port: number;
const cleanups: (() => Promise<void> | void)[] = [];

async function startCoordinator(at = 0): Promise<void> {
  const dbPath = join(mkdtempSync(join(tmpdir(), 'cohort-refusal-')), 'c.db');
  coordinator = new Coordinator({ dbPath, port: at, requireEnrolment: true, heartbeatMs: 100, roster: net.chain });
  port = await coordinator.listen();
  coordinator.enroll('alice', 'hospital', alice.publicKey);
}

beforeEach(() => {
  coordinator = null;
});
afterEach(async () => {
  vi.restoreAllMocks();
  for (const c of cleanups.splice(0).reverse()) await c();
  await coordinator?.close();
});

function daemon(name: string, identity: Identity, options: Partial<ClientOptions> = {}) {
  const d = statelessDaemon(port, net, name, identity, options);
  cleanups.push(() => d.stop());
  return d;
}

const refusal = (d: ClientDaemon) => new Promise<CohortError>((resolve) => d.once('refusedAtHandshake', resolve));
const connected = (d: ClientDaemon) => new Promise<void>((resolve) => d.once('connected', resolve));

/** Resolves at the daemon's `n`th disconnection. */
function disconnections(d: ClientDaemon, n: number): Promise<void> {
  let seen = 0;
  return new Promise((resolve) => d.on('disconnected', () => ++seen === n && resolve()));
}

/** Says, when asked, whether `d` has emitted `event` since this call. */
function emitted(d: ClientDaemon, event: 'connected' | 'refusedAtHandshake'): () => boolean {
  let fired = false;
  d.once(event, () => (fired = true));
  return () => fired;
}

/** A daemon for `name`, started, once the coordinator has let it in. */
async function connectedDaemon(name: string, identity: Identity): Promise<ClientDaemon> {
  const d = daemon(name, identity);
  const up = connected(d);
  d.start();
  await up;
  return d;
}

/**
 * Starts `d` and waits for its `n`th failed attempt. `up` resolves when it
 * gets in; `gaveUp` says whether it stopped at a refusal since the start.
 */
async function startRetrying(d: ClientDaemon, n: number): Promise<{ up: Promise<void>; gaveUp: () => boolean }> {
  const gaveUp = emitted(d, 'refusedAtHandshake');
  const failed = disconnections(d, n);
  const up = connected(d);
  d.start();
  await failed;
  return { up, gaveUp };
}

/** A loopback port nothing listens on (yet). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const p = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return p;
}

describe('a definitive refusal at the handshake stops the daemon', () => {
  it('a daemon that is not enrolled stops with E_AUTH_FAILED and never connects', async () => {
    await startCoordinator();
    // bob holds his roster key, but the coordinator never enrolled him.
    const d = daemon('bob', net.identity('bob'));
    const welcomed = emitted(d, 'connected');
    const refused = refusal(d);
    d.start();
    const e = await refused;
    expect(e.code).toBe('E_AUTH_FAILED');
    expect(e.message).toMatch(/not enrolled, revoked, or another key/);
    expect(e.message).toMatch(/Not reconnecting$/);
    expect(welcomed()).toBe(false);
  });

  it("the daemon's own stop at a refusal and its owner's stop() are one shutdown", async () => {
    await startCoordinator();
    const connStop = vi.spyOn(Connection.prototype, 'stop');
    const d = daemon('bob', net.identity('bob'));
    const refused = refusal(d);
    d.start();
    await refused;
    // What cohort client start does on a refusal: stop the daemon (already stopping), then close its state.
    await Promise.all([d.stop(), d.stop()]);
    expect(connStop).toHaveBeenCalledTimes(1);
    // A restarted daemon can be stopped again.
    d.start();
    await d.stop();
    expect(connStop).toHaveBeenCalledTimes(2);
  });

  it('a revoked daemon, dropped, stops at its next handshake', async () => {
    await startCoordinator();
    const d = await connectedDaemon('alice', alice);
    const refused = refusal(d);
    coordinator!.revoke('alice');
    expect((await refused).code).toBe('E_AUTH_FAILED');
  });

  it('a name in use is retried within the grace (its own stale connection frees it), then refused for good', async () => {
    await startCoordinator();
    const first = await connectedDaemon('alice', alice);
    // Within the grace: a second daemon under the name keeps trying, and gets in once the first is gone.
    const second = await startRetrying(daemon('alice', alice), 3);
    expect(second.gaveUp()).toBe(false);
    await first.stop();
    await second.up;
    // Past the grace (0 here): the same refusal stops a third daemon.
    const third = daemon('alice', alice, { nameInUseGraceMs: 0 });
    const refused = refusal(third);
    third.start();
    const e = await refused;
    expect(e.code).toBe('E_DUPLICATE_NAME');
    expect(e.message).toMatch(/another daemon is connected under this name/);
  });
});

describe('a transient failure is retried', () => {
  it('a daemon started before its coordinator connects once the coordinator is up', async () => {
    port = await freePort();
    // Nothing listens yet: connection refused, twice.
    const d = await startRetrying(daemon('alice', alice), 2);
    await startCoordinator(port);
    await d.up;
    expect(d.gaveUp()).toBe(false);
  });
});
