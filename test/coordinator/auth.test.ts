/**
 * Enrolment and the signed-challenge handshake (coordinator with
 * requireEnrolment): only an enrolled, unrevoked hospital presenting its
 * enrolled key and signing this connection's nonce gets past Hello;
 * revocation closes a live connection.
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { statelessDaemon } from '../helpers/hospital-daemon.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Coordinator } from '../../coordinator/coordinator.ts';
import { CoordinatorStore } from '../../coordinator/store.ts';
import { CoordinatorLedger } from '../../coordinator/ledger.ts';
import { readIdentityKey } from '../../edge/keys.ts';
import { ed25519KeyPair, type Identity } from '../../core/secagg/index.ts';
import { signHandshake, MAX_CLOCK_SKEW_MS } from '../../core/auth/handshake.ts';
import { verifyFiles } from '../../coordinator/ledger-audit.ts';
import { RawClient } from '../helpers/raw-client.ts';
import { syntheticJob } from '../../simulations/synthetic.ts';
import { simulatedNetwork } from '../../simulations/network.ts';

let coordinator: Coordinator;
let port: number;
let db: string;
// The hospitals' signed roster; a hospital's enrolled key is its roster key.
const net = simulatedNetwork(['alice', 'bob', 'carol']);
const alice = net.identity('alice');
const cleanups: (() => Promise<void> | void)[] = [];

beforeEach(async () => {
  db = join(mkdtempSync(join(tmpdir(), 'cohort-auth-')), 'c.db');
  coordinator = new Coordinator({ dbPath: db, port: 0, requireEnrolment: true, heartbeatMs: 100, roster: net.chain });
  port = await coordinator.listen();
  coordinator.enroll('alice', 'hospital', alice.publicKey);
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await coordinator.close();
});

function daemon(name: string, identity: Identity) {
  const d = statelessDaemon(port, net, name, identity);
  cleanups.push(() => d.stop());
  return d;
}

/** `name`'s daemon, started and connected; `dropped` is the close code of its next disconnection. */
async function connectedDaemon(name: string, identity: Identity): Promise<{ dropped: Promise<number> }> {
  const d = daemon(name, identity);
  const connected = new Promise<void>((resolve) => d.once('connected', resolve));
  d.start();
  await connected;
  return { dropped: new Promise<number>((resolve) => d.once('disconnected', (e) => resolve(e.code))) };
}

/** A raw connection that answers the challenge with a Hello built by `make`. */
async function rawHello(name: string, make: (nonce: Uint8Array, coordinatorId: string) => Record<string, unknown>) {
  const r = await RawClient.connect(port, name);
  cleanups.push(() => r.close());
  const c = (await r.waitFor((e) => e.body === 'challenge')).challenge!;
  r.send({
    hello: {
      name,
      software: 'raw',
      datasets: [{ schemaId: 'synthetic-v1', features: ['f0', 'f1', 'f2'], label: 'y' }],
      ...make(c.nonce!, c.coordinatorId!),
    },
  });
  return r;
}

const signed = (
  id: Identity,
  name: string,
  nonce: Uint8Array,
  coordinatorId: string,
  timestampMs = Date.now(),
  presented = id.publicKey,
) => ({
  identityKey: presented,
  handshakeTimestampMs: timestampMs,
  handshakeSignature: signHandshake(
    { nonce, coordinatorId, binding: new Uint8Array(0), timestampMs, name, publicKey: presented },
    id.secretKey,
  ),
});

describe('enrolment and handshake', () => {
  it('an enrolled hospital with its key joins and trains', async () => {
    coordinator.enroll('bob', 'hospital', ed25519KeyPair().publicKey);
    const bob = net.identity('bob');
    coordinator.enroll('bob', 'hospital', bob.publicKey); // re-enrolment replaces the key
    coordinator.enroll('carol', 'hospital', net.identity('carol').publicKey);
    // Three hospitals, not two: with the default corruptFraction a roster of 3 assumes C = 1 colluder, and
    // 2 participants with C >= 1 cannot run secure aggregation (E_SECAGG_PARAMS); 3 can, with t = 3.
    const jobId = coordinator.submitJob(syntheticJob({ rounds: 1, minClients: 3, targetClients: 3 }));
    const done = new Promise<string>((resolve) =>
      coordinator.on('job', (e) => e.jobId === jobId && e.status === 'completed' && resolve(e.status)),
    );
    daemon('alice', alice).start();
    daemon('bob', bob).start();
    daemon('carol', net.identity('carol')).start();
    expect(await done).toBe('completed');
  });

  it('an enrolled hospital outside the roster may not join a secure-aggregation job; the roster members finish it', async () => {
    for (const h of ['bob', 'carol']) coordinator.enroll(h, 'hospital', net.identity(h).publicKey);
    const mallory = ed25519KeyPair();
    coordinator.enroll('mallory', 'hospital', mallory.publicKey); // the coordinator's operator enrolled her; the hospitals never signed her in
    const jobId = coordinator.submitJob(syntheticJob({ rounds: 1, minClients: 3, targetClients: 3 }));
    const done = new Promise<string>((resolve) =>
      coordinator.on('job', (e) => e.jobId === jobId && e.status === 'completed' && resolve(e.status)),
    );
    const m = await rawHello('mallory', (n, id) => signed(mallory, 'mallory', n, id));
    await m.waitFor((e) => e.body === 'jobOffer' && e.jobId === jobId);
    m.send({ jobId, joinJob: { weight: 10 } });
    await m.waitFor((e) => e.body === 'error');
    expect(m.errorCodes()).toEqual(['E_ROSTER_NOT_MEMBER']);
    for (const h of ['alice', 'bob', 'carol']) daemon(h, net.identity(h)).start();
    expect(await done).toBe('completed');
    const rounds = coordinator.database.rounds(jobId);
    expect(rounds.map((r) => r.kind)).toEqual(['train', 'evaluate']);
    for (const r of rounds) expect(r.participants).toEqual(['alice', 'bob', 'carol']);
    expect(m.frames.some((e) => e.body === 'roundConfig')).toBe(false);
  });

  it('refuses the unenrolled and another key than the enrolled one; a non-hospital role may not join jobs', async () => {
    const stranger = await rawHello('mallory', (n, id) => signed(ed25519KeyPair(), 'mallory', n, id));
    expect(await stranger.waitClosed()).toBe(1008);
    expect(stranger.errorCodes()).toEqual(['E_AUTH_FAILED']);
    // Mallory signs correctly with her own key but claims to be alice.
    const impostor = await rawHello('alice', (n, id) => signed(ed25519KeyPair(), 'alice', n, id));
    expect(await impostor.waitClosed()).toBe(1008);
    // A researcher authenticates, but is offered no job and may not join one.
    coordinator.enroll('rita', 'researcher', alice.publicKey);
    const jobId = coordinator.submitJob(syntheticJob({ rounds: 1 }));
    const researcher = await rawHello('rita', (n, id) => signed(alice, 'rita', n, id));
    await researcher.waitFor((e) => e.body === 'welcome');
    researcher.send({ jobId, joinJob: {} });
    await researcher.waitFor((e) => e.body === 'error');
    expect(researcher.errorCodes()).toEqual(['E_FORBIDDEN']);
    expect(researcher.frames.some((e) => e.body === 'jobOffer')).toBe(false);
  });

  it('refuses a forged signature, a stale clock, and a replayed handshake', async () => {
    // Alice's key presented, signed by someone else.
    const forged = await rawHello('alice', (n, id) =>
      signed(ed25519KeyPair(), 'alice', n, id, Date.now(), alice.publicKey),
    );
    expect(await forged.waitClosed()).toBe(1008);
    const stale = await rawHello('alice', (n, id) =>
      signed(alice, 'alice', n, id, Date.now() - MAX_CLOCK_SKEW_MS - 60_000),
    );
    expect(await stale.waitClosed()).toBe(1008);
    // A genuine handshake recorded on one connection, replayed on another (another nonce).
    let recorded: Record<string, unknown> = {};
    const first = await rawHello('alice', (n, id) => (recorded = signed(alice, 'alice', n, id)));
    await first.waitFor((e) => e.body === 'welcome');
    first.close();
    await first.waitClosed();
    const replay = await rawHello('alice', () => recorded);
    expect(await replay.waitClosed()).toBe(1008);
    expect(replay.errorCodes()).toEqual(['E_AUTH_FAILED']);
  });

  it('revocation closes a live connection at once and keeps it out; the ledger records both grants', async () => {
    const { dropped } = await connectedDaemon('alice', alice);
    expect(coordinator.revoke('alice')).toBe(true);
    expect(await dropped).toBe(1008);
    const again = await rawHello('alice', (n, id) => signed(alice, 'alice', n, id));
    expect(await again.waitClosed()).toBe(1008);
    const report = verifyFiles({ db });
    expect(report.ok).toBe(true);
  });

  it('a revocation written by another process (the admin CLI) takes effect on the live connection', async () => {
    const { dropped } = await connectedDaemon('alice', alice);
    const admin = new CoordinatorStore(db);
    const ledger = new CoordinatorLedger(admin, readIdentityKey(`${db}.ledger.key`), Date.now);
    admin.revoke(
      'alice',
      Date.now(),
      ledger.grant('alice', 'hospital', false, Buffer.from(alice.publicKey).toString('hex')),
    );
    admin.close();
    expect(await dropped).toBe(1008);
  });
});
