/**
 * The WebSocket port (coordinator/transport.ts) is the one every stranger can
 * reach. Before a socket is a WebSocket it is bounded: in time (a stranger's
 * socket that sends nothing, half a request line, headers without their body,
 * or under TLS never finishes its handshake, is cut after a short timeout, not
 * Node's 60-300 s) and in number (past the pre-upgrade caps, in all and from
 * one address, a new socket is closed as it is accepted, unanswered and
 * unlogged). Neither touches a hospital's WebSocket: one idle past every
 * timeout still works, and a stranger at its cap from another address does
 * not keep it out. The timeouts are shortened here (openServer's PortLimits,
 * injected through the real Coordinator); a close is awaited as an event,
 * with an upper bound far past the shortened timeout and far below Node's.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { connect as tcpConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { Coordinator } from '../../coordinator/coordinator.ts';
import { PORT_LIMITS, preUpgradeCaps, type PortLimits } from '../../coordinator/transport.ts';
import { ClientDaemon } from '../../client/daemon.ts';
import { createLogger } from '../../edge/log.ts';
import { simulatedNetwork } from '../../simulations/network.ts';
import { syntheticDataset, syntheticJob } from '../../simulations/synthetic.ts';
import { SERVER_EXT, certificateFolder } from '../helpers/openssl.ts';
import { lineSink } from '../helpers/capture-outbound.ts';

/** The limits the next coordinator's port gets (the real openServer, its PortLimits argument set here). */
const port = vi.hoisted(() => ({ limits: undefined as PortLimits | undefined }));
vi.mock('../../coordinator/transport.ts', async (importOriginal) => {
  const t = await importOriginal<typeof import('../../coordinator/transport.ts')>();
  const openServer: typeof t.openServer = (c, log, onConnection, readiness) =>
    t.openServer(c, log, onConnection, readiness, port.limits ?? t.PORT_LIMITS);
  return { ...t, openServer };
});

const SHORT: PortLimits = { handshakeTimeoutMs: 200, headersTimeoutMs: 200, requestTimeoutMs: 400, checkEveryMs: 50 };
/** Timeouts no test outlasts: a socket open is open for the test's length. */
const LONG: PortLimits = {
  handshakeTimeoutMs: 60_000,
  headersTimeoutMs: 60_000,
  requestTimeoutMs: 60_000,
  checkEveryMs: 1_000,
};
/** How long a close is waited for: far past the shortened timeouts, far below Node's defaults (60 s and more). */
const BOUND_MS = 10_000;

const dir = mkdtempSync(join(tmpdir(), 'cohort-port-limits-'));
const net = simulatedNetwork(['alpha']);
const pem = (name: string) => readFileSync(join(dir, name));
beforeAll(() => {
  const certs = certificateFolder(dir);
  certs.ca('ca');
  certs.issue('ca', 'server', 'server', SERVER_EXT);
});

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  port.limits = undefined;
});

type Options = ConstructorParameters<typeof Coordinator>[0];
async function coordinatorWith(limits: PortLimits, o: Partial<Options> = {}) {
  port.limits = limits;
  const { lines: logged, sink: destination } = lineSink();
  const c = new Coordinator({
    dbPath: ':memory:',
    port: 0,
    roster: net.chain,
    log: createLogger({ destination, level: 'warn' }),
    ...o,
  });
  const p = await c.listen();
  cleanups.push(() => c.close());
  return { c, port: p, logged };
}

/** A bare TCP socket to the port from `from` (under TLS, one that never starts its handshake); its close, bounded. */
async function stranger(p: number, from = '127.0.0.1'): Promise<{ s: Socket; closed: () => Promise<boolean> }> {
  const s = tcpConnect({ port: p, host: '127.0.0.1', localAddress: from });
  cleanups.push(() => s.destroy());
  s.on('error', () => {});
  s.resume(); // reads what it is sent, so the server's close reaches 'close'
  const closed = new Promise<true>((resolve) => s.once('close', () => resolve(true)));
  await once(s, 'connect');
  return { s, closed: () => Promise.race([closed, new Promise<false>((r) => setTimeout(r, BOUND_MS, false))]) };
}

function hospital(p: number, tls?: { ca: Buffer }) {
  const d = new ClientDaemon({
    coordinatorUrl: `${tls ? 'wss' : 'ws'}://127.0.0.1:${p}`,
    name: 'alpha',
    dataset: syntheticDataset(7),
    identity: net.identity('alpha'),
    roster: net.chain,
    backoffMinMs: 50,
    backoffMaxMs: 100,
    ...(tls ? { tls } : {}),
  });
  cleanups.push(() => d.stop());
  const seen = { connected: 0, disconnected: 0 };
  d.on('connected', () => seen.connected++);
  d.on('disconnected', () => seen.disconnected++);
  return { d, seen, connected: once(d, 'connected') };
}

const HALF_LINE = 'GET /hea';
const HEADERS_WITHOUT_BODY = 'POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n';

describe('the WebSocket port before the upgrade', () => {
  for (const secure of [false, true]) {
    const tls = () => (secure ? tlsOptions() : {});
    const kind = secure ? 'wss' : 'ws';

    it(`${kind}: a stranger's idle socket is cut after the short timeouts (nothing, half a line, no body)`, async () => {
      const { port: p } = await coordinatorWith(SHORT, tls());
      const idle = await stranger(p);
      expect(await idle.closed()).toBe(true);
      if (secure) return; // a bare TCP socket under TLS is one that never finishes its handshake
      for (const bytes of [HALF_LINE, HEADERS_WITHOUT_BODY]) {
        const s = await stranger(p);
        s.s.write(bytes);
        expect(await s.closed()).toBe(true);
      }
    });

    it(`${kind}: a hospital's WebSocket idle past every timeout stays open and answers`, async () => {
      const { c, port: p } = await coordinatorWith(SHORT, tls());
      const h = hospital(p, secure ? { ca: pem('ca.crt') } : undefined);
      h.d.start();
      await h.connected;
      // Opened after the hospital's Welcome, each closed only past its timeout: the hospital idled that long.
      const strangers = [await stranger(p), await stranger(p)];
      if (secure) strangers[1]!.s.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00]));
      else strangers[1]!.s.write(HEADERS_WITHOUT_BODY);
      for (const s of strangers) expect(await s.closed()).toBe(true);
      // A round trip on the same connection: the offer of a job, answered.
      const answered = Promise.race([once(h.d, 'joined'), once(h.d, 'declined')]);
      c.submitJob(syntheticJob({ rounds: 1, minClients: 1, targetClients: 1 }));
      await answered;
      expect(h.seen).toEqual({ connected: 1, disconnected: 0 });
    });
  }

  it('wss: past a pre-upgrade cap a socket is closed as accepted, unlogged; an upgraded hospital does not count', async () => {
    // helloTimeoutMs longer than the longest wait for an upgrade: the pre-upgrade caps are the Hello caps, 4 and 2.
    const caps = { maxPendingHellos: 4, maxPendingHellosPerAddress: 2, helloTimeoutMs: 600_000 };
    const { port: p, logged } = await coordinatorWith(LONG, { ...caps, ...tlsOptions() });
    const held = [await handshake(p, '127.0.0.2'), await handshake(p, '127.0.0.2')];
    expect(held.map((h) => h.outcome)).toEqual(['accepted', 'accepted']);
    expect((await handshake(p, '127.0.0.2')).outcome).toBe('refused'); // 2 from this address
    const h = hospital(p, { ca: pem('ca.crt') });
    h.d.start();
    await h.connected; // from 127.0.0.1: upgraded, it no longer counts before the upgrade
    const others = [await handshake(p), await handshake(p)];
    expect(others.map((o) => o.outcome)).toEqual(['accepted', 'accepted']);
    expect((await handshake(p, '127.0.0.3')).outcome).toBe('refused'); // 4 in all
    // A socket that closes frees its place.
    held[0]!.s.destroy();
    await vi.waitFor(async () => expect((await handshake(p, '127.0.0.3')).outcome).toBe('accepted'));
    // A refused socket never reached the TLS layer: no handshake, no log line for it.
    expect(logged.filter((l) => l.includes('TLS handshake refused'))).toEqual([]);
    expect(h.seen).toEqual({ connected: 1, disconnected: 0 });
  });

  it('the caps scale the Hello caps by how much longer a socket may wait for its upgrade than for its Hello', () => {
    const c = { maxPendingHellos: 256, maxPendingHellosPerAddress: 64, helloTimeoutMs: 10_000 };
    const tlsC = { ...c, tls: { cert: '', key: '' } };
    const at = (o: typeof c) => ({ tls: undefined, port: 0, host: '', maxFrameBytes: 1, ...o });
    // TLS: 10 s handshake + 30 s request + 1 s until Node looks = 4.1 Hello timeouts.
    expect(preUpgradeCaps(at(tlsC), PORT_LIMITS)).toEqual({ most: 1050, perAddress: 263 });
    expect(preUpgradeCaps(at(c), PORT_LIMITS)).toEqual({ most: 794, perAddress: 199 });
    // Never below the Hello caps.
    expect(preUpgradeCaps(at({ ...c, helloTimeoutMs: 600_000 }), PORT_LIMITS)).toEqual({ most: 256, perAddress: 64 });
  });
});

function tlsOptions() {
  return { tls: { cert: pem('server.crt'), key: pem('server.key') } };
}

/**
 * A stranger's TLS socket from `from`: accepted (its handshake done, then
 * idle before any request, as the caps count it), or refused (closed first).
 */
async function handshake(p: number, from = '127.0.0.1'): Promise<{ s: Socket; outcome: 'accepted' | 'refused' }> {
  const tcp = tcpConnect({ port: p, host: '127.0.0.1', localAddress: from });
  tcp.on('error', () => {});
  const s = tlsConnect({ socket: tcp, host: '127.0.0.1', ca: pem('ca.crt') });
  cleanups.push(() => s.destroy());
  s.on('error', () => {});
  // 'close' as a listener, not events.once: that would reject on the 'error' a refused handshake emits first.
  const outcome = await new Promise<'accepted' | 'refused'>((resolve) => {
    s.once('secureConnect', () => resolve('accepted'));
    s.once('close', () => resolve('refused'));
  });
  return { s, outcome };
}
