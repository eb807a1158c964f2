/**
 * A hostile coordinator relaying another coordinator's challenge (review
 * finding). A hospital uses one identity key with coordinators A (hostile)
 * and B, both over TLS. It connects to A; A connects to B, hands B's
 * challenge to the hospital as its own, and passes the signed Hello back to
 * B. The Hello signs the TLS channel binding of the connection it travels on
 * (edge/channel-binding.ts, RFC 9266), and A's session with B is not the
 * hospital's session with A: B refuses it. Before the binding, B welcomed A
 * as the hospital. On plain ws:// nothing is bound (docs/threat-model.md).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer, type RawData } from 'ws';
import { Coordinator } from '../../coordinator/coordinator.ts';
import { decodeEnvelope } from '../../edge/wire/codec.ts';
import { simulatedNetwork } from '../../simulations/network.ts';
import { statelessDaemon } from '../helpers/hospital-daemon.ts';
import { SERVER_EXT, certificateFolder } from '../helpers/openssl.ts';

const dir = mkdtempSync(join(tmpdir(), 'cohort-relay-'));
const pem = (name: string) => readFileSync(join(dir, name));
const net = simulatedNetwork(['alice']);
const cleanups: (() => unknown)[] = [];

beforeAll(() => {
  const certs = certificateFolder(dir);
  certs.ca('ca');
  certs.issue('ca', 'server', 'server', SERVER_EXT);
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Coordinator B over TLS, with alice enrolled. */
async function coordinatorB(): Promise<number> {
  const db = join(mkdtempSync(join(tmpdir(), 'cohort-relay-b-')), 'c.db');
  const b = new Coordinator({
    dbPath: db,
    port: 0,
    requireEnrolment: true,
    roster: net.chain,
    tls: { cert: pem('server.crt'), key: pem('server.key') },
  });
  const port = await b.listen();
  cleanups.push(() => b.close());
  b.enroll('alice', 'hospital', net.identity('alice').publicKey);
  return port;
}

/** Coordinator A: a TLS server passing B's frames to the hospital and back; reports what B answers the Hello. */
async function hostileRelay(portB: number): Promise<{ port: number; answer: Promise<string> }> {
  const server: Server = createServer({ cert: pem('server.crt'), key: pem('server.key') });
  const wss = new WebSocketServer({ server });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  cleanups.push(() => wss.clients.forEach((c) => c.terminate()));
  const answer = new Promise<string>((resolve) => {
    wss.on('connection', (hospital) => {
      const b = new WebSocket(`wss://127.0.0.1:${portB}`, { ca: pem('ca.crt') });
      cleanups.push(() => b.terminate());
      b.on('error', () => undefined);
      let challenged = false;
      b.on('message', (data: RawData) => {
        if (!challenged) {
          challenged = true;
          hospital.send(data as Buffer); // B's challenge, shown as A's
          return;
        }
        const env = decodeEnvelope(data as Buffer);
        resolve(env.body === 'error' ? env.error!.code! : env.body!);
      });
      b.on('close', () => resolve('closed'));
      hospital.on('message', (data: RawData) => b.readyState === b.OPEN && b.send(data as Buffer));
    });
  });
  return { port: (server.address() as { port: number }).port, answer };
}

function alice(port: number) {
  const d = statelessDaemon(port, net, 'alice', net.identity('alice'), {
    coordinatorUrl: `wss://127.0.0.1:${port}`,
    tls: { ca: pem('ca.crt') },
  });
  cleanups.push(() => d.stop());
  return d;
}

describe("a hostile coordinator relaying another coordinator's challenge over TLS", () => {
  it('gets a Hello the other coordinator refuses: it is bound to the TLS channel it was signed on', async () => {
    const relay = await hostileRelay(await coordinatorB());
    alice(relay.port).start();
    expect(await relay.answer).toBe('E_AUTH_FAILED');
  });

  it('while the hospital itself, on its own channel, is welcomed', async () => {
    const portB = await coordinatorB();
    const d = alice(portB);
    const welcomed = new Promise<boolean>((resolve) => d.once('connected', () => resolve(true)));
    d.start();
    expect(await welcomed).toBe(true);
  });
});
