/**
 * Transport security with throwaway certificates (openssl, made per run):
 * hospitals reach the coordinator over wss:// only when they pin its CA;
 * with mutual TLS only hospitals holding a certificate from the client CA get
 * through; plain ws:// is allowed to loopback only, or with --insecure.
 */
import { describe, it, expect, beforeAll, afterEach } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Coordinator } from '../../coordinator/coordinator.ts';
import { ClientDaemon } from '../../client/daemon.ts';
import { checkTransport } from '../../client/transport.ts';
import { silentLogger } from '../../edge/log.ts';
import { errorCode } from '../helpers/errors.ts';
import { syntheticDataset, syntheticJob } from '../../simulations/synthetic.ts';
import { simulatedNetwork } from '../../simulations/network.ts';
import { PAIR_SECURE_AGGREGATION } from '../helpers/network.ts';
import { CLIENT_EXT, SERVER_EXT, certificateFolder } from '../helpers/openssl.ts';

const dir = mkdtempSync(join(tmpdir(), 'cohort-tls-'));
// Every hospital name the tests connect, in the roster they signed.
const net = simulatedNetwork(['a', 'b', 'hospital', 'none', 'stranger']);
const pem = (name: string) => readFileSync(join(dir, name));

beforeAll(() => {
  const certs = certificateFolder(dir);
  for (const ca of ['ca', 'other-ca', 'client-ca']) certs.ca(ca);
  certs.issue('ca', 'server', 'server', SERVER_EXT);
  certs.issue('client-ca', 'hospital', 'hospital', CLIENT_EXT);
  certs.issue('other-ca', 'stranger', 'stranger', CLIENT_EXT);
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function coordinatorWith(tls: ConstructorParameters<typeof Coordinator>[0]['tls']) {
  const c = new Coordinator({ dbPath: ':memory:', port: 0, roster: net.chain, ...(tls ? { tls } : {}) });
  const port = await c.listen();
  cleanups.push(() => c.close());
  return { c, port };
}

function client(port: number, name: string, tls: ConstructorParameters<typeof ClientDaemon>[0]['tls']) {
  const d = new ClientDaemon({
    coordinatorUrl: `wss://127.0.0.1:${port}`,
    name,
    dataset: syntheticDataset(7),
    identity: net.identity(name),
    roster: net.chain,
    backoffMinMs: 50,
    backoffMaxMs: 100,
    ...(tls ? { tls } : {}),
  });
  cleanups.push(() => d.stop());
  return d;
}

/** Whether the daemon's first connection attempt gets through (a Welcome) or ends (refused in the TLS handshake). */
const connects = (d: ClientDaemon) =>
  new Promise<boolean>((resolve) => {
    d.once('connected', () => resolve(true));
    d.once('disconnected', () => resolve(false));
    d.start();
  });

describe('TLS transport', () => {
  it('trains a job over wss:// with the coordinator CA pinned', async () => {
    const { c, port } = await coordinatorWith({ cert: pem('server.crt'), key: pem('server.key') });
    const jobId = c.submitJob(
      syntheticJob({ rounds: 2, minClients: 2, targetClients: 2, secureAggregation: PAIR_SECURE_AGGREGATION }),
    );
    const done = new Promise<string>((resolve) =>
      c.on('job', (e) => e.jobId === jobId && e.status === 'completed' && resolve(e.status)),
    );
    for (const n of ['a', 'b']) client(port, n, { ca: pem('ca.crt') }).start();
    expect(await done).toBe('completed');
  });

  it('a hospital pinning another CA never gets through', async () => {
    const { port } = await coordinatorWith({ cert: pem('server.crt'), key: pem('server.key') });
    expect(await connects(client(port, 'a', { ca: pem('other-ca.crt') }))).toBe(false);
  });

  it('mutual TLS: a certificate from the client CA is required', async () => {
    const { port } = await coordinatorWith({
      cert: pem('server.crt'),
      key: pem('server.key'),
      clientCa: pem('client-ca.crt'),
    });
    expect(await connects(client(port, 'none', { ca: pem('ca.crt') }))).toBe(false);
    expect(
      await connects(
        client(port, 'stranger', { ca: pem('ca.crt'), cert: pem('stranger.crt'), key: pem('stranger.key') }),
      ),
    ).toBe(false);
    expect(
      await connects(
        client(port, 'hospital', { ca: pem('ca.crt'), cert: pem('hospital.crt'), key: pem('hospital.key') }),
      ),
    ).toBe(true);
  });

  it('plain ws:// only to loopback, or with insecure; wss:// only with a pinned CA', () => {
    const check = (url: string, o: Parameters<typeof checkTransport>[1] = {}) =>
      errorCode(() => checkTransport(url, o, silentLogger));
    expect(check('ws://127.0.0.1:7700')).toBeUndefined();
    expect(check('ws://localhost:7700')).toBeUndefined();
    expect(check('ws://10.0.0.5:7700')).toBe('E_CONFIG_INVALID');
    expect(check('ws://10.0.0.5:7700', { insecure: true })).toBeUndefined();
    expect(check('wss://coordinator.example:7700')).toBe('E_CONFIG_INVALID');
    expect(check('wss://coordinator.example:7700', { tls: { ca: 'x' } })).toBeUndefined();
    expect(check('ws://127.0.0.1:7700', { tls: { ca: 'x' } })).toBe('E_CONFIG_INVALID');
    expect(check('http://127.0.0.1:7700')).toBe('E_CONFIG_INVALID');
    expect(check('not a url')).toBe('E_CONFIG_INVALID');
  });
});
