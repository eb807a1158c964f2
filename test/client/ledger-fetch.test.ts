/**
 * `cohort ledger fetch` as a remote auditor against a real coordinator (a
 * one-round job on two hospital daemons, which witness the ledger): the
 * whole ledger is checked against the coordinator's latest signed checkpoint
 * (no seal checked) and the witnesses' cosignatures; an incremental fetch
 * from a saved audit state reads only the new entries and checks a
 * consistency proof; a coordinator whose history was rewritten behind the
 * saved state, every checkpoint re-signed with its key, is a split view.
 * Malformed replies (a coordinator played by the test) are typed errors.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Coordinator } from '../../coordinator/coordinator.ts';
import { verifyFiles } from '../../coordinator/ledger-audit.ts';
import type { ClientDaemon } from '../../client/daemon.ts';
import { checkFetched, consistencyFailure, fetchLedger, type FetchedProof } from '../../client/ledger-fetch.ts';
import { request, type RequestOptions } from '../../client/request.ts';
import { writeIdentityKey } from '../../edge/keys.ts';
import { logOrigin, signCheckpoint } from '../../core/ledger/checkpoint.ts';
import { leafHash, MerkleTree, Frontier } from '../../core/ledger/merkle.ts';
import { sealEntry, type VerifyCheckpoint } from '../../core/ledger/index.ts';
import type { LedgerEntry, RoundBody } from '../../core/ledger/types.ts';
import { ed25519KeyPair, type Identity } from '../../core/secagg/index.ts';
import { syntheticJob } from '../../simulations/synthetic.ts';
import { simulatedNetwork } from '../../simulations/network.ts';
import { PAIR_SECURE_AGGREGATION } from '../helpers/network.ts';
import { RECORD_DP } from '../helpers/privacy.ts';
import { enrolledCoordinator, enrollFresh } from '../helpers/enroll.ts';
import { fakeCoordinator } from '../helpers/fake-coordinator.ts';
import { until } from '../helpers/until.ts';
import { hospitalDaemon } from '../helpers/hospital-daemon.ts';

const dir = mkdtempSync(join(tmpdir(), 'cohort-ledger-fetch-'));
const dbPath = join(dir, 'c.db');
const ledgerKey = ed25519KeyPair();
const keyHex = Buffer.from(ledgerKey.publicKey).toString('hex');
const net = simulatedNetwork(['h1', 'h2']);
let coordinator: Coordinator;
let port: number;
let ids: Record<string, Identity>;
const daemons: ClientDaemon[] = [];
const states: { close(): void }[] = [];
const statePath = join(dir, 'audit.json');

const conn = (): RequestOptions => ({ coordinatorUrl: `ws://127.0.0.1:${port}`, name: 'aud', identity: ids.aud! });
const lastSeq = () => coordinator.database.lastLedgerSeq();

/** `cohort ledger fetch` as the auditor, with its exit code, stdout and stderr. */
async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const key = join(dir, 'aud.key');
  if (!existsSync(key)) writeIdentityKey(key, ids.aud!);
  const all = ['cohort.mjs', 'ledger', 'fetch', '--coordinator', `ws://127.0.0.1:${port}`, '--name', 'aud'];
  try {
    const r = await promisify(execFile)('node', [...all, '--identity', key, ...args], { encoding: 'utf8' });
    return { code: 0, out: r.stdout, err: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, out: String(x.stdout), err: String(x.stderr) };
  }
}

/** The seq of each hospital's last spend (its round entries). */
function lastSpends(): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of coordinator.database.ledgerEntries()) {
    const entry = JSON.parse(e.canonical) as LedgerEntry;
    if (entry.kind !== 'round') continue;
    for (const h of (entry.body as RoundBody).participants) out.set(h, e.seq);
  }
  return out;
}

beforeAll(async () => {
  ({ coordinator, port, ids } = await enrolledCoordinator({
    dbPath,
    people: { aud: 'auditor', rita: 'researcher', h1: 'hospital', h2: 'hospital' },
    net,
    options: { ledgerKey },
  }));
  for (const name of ['h1', 'h2']) {
    // With its ledger copy: a hospital witnesses the ledger through it.
    const { d, st } = hospitalDaemon({
      port,
      net,
      name,
      statePath: join(dir, `${name}-state.db`),
      seed: name === 'h1' ? 1 : 2,
      accountant: 'pld',
      keepOutputs: false,
    });
    states.push(st);
    daemons.push(d);
    d.start();
  }
  await Promise.all(daemons.map((d) => new Promise<void>((resolve) => d.once('connected', () => resolve()))));
  const done = new Promise<void>((resolve) => coordinator.on('job', (e) => e.status === 'completed' && resolve()));
  const spec = syntheticJob({
    privacy: RECORD_DP,
    secureAggregation: PAIR_SECURE_AGGREGATION,
    rounds: 1,
    minClients: 2,
    targetClients: 2,
  });
  await request(conn0('rita'), { action: 'job.submit', specJson: JSON.stringify(spec) });
  await done;
  // Each hospital cosigns a checkpoint covering its spend once it has checked it (its witness round).
  const spends = lastSpends();
  expect([...spends.keys()].sort()).toEqual(['h1', 'h2']);
  await until(
    () => {
      const cosigned = new Map(coordinator.database.latestCosignatures().map((c) => [c.witness, c.size]));
      return [...spends].every(([h, seq]) => (cosigned.get(h) ?? 0) >= seq);
    },
    60_000,
    "both hospitals' cosignatures",
  );
  // Quiet from here: the daemons would otherwise witness (and reconnect to) the coordinator restarted below.
  for (const d of daemons) d.stop();
}, 120_000);

afterAll(async () => {
  for (const d of daemons) d.stop();
  await coordinator.close();
  for (const s of states) s.close();
});

function conn0(name: string): RequestOptions {
  return { coordinatorUrl: `ws://127.0.0.1:${port}`, name, identity: ids[name]! };
}

describe('ledger fetch against the transparency log', () => {
  it('a full fetch checks the tree against the signed checkpoint (no seal) and counts the spends witnessed', async () => {
    const fetched = await fetchLedger(conn());
    expect(fetched.proof!.size).toBe(lastSeq());
    expect(fetched.proof!.cosignatures.map((c) => c.witness)).toEqual(['h1', 'h2']);
    // The coordinator reads them one index seek per witness, at most the number asked.
    expect(coordinator.database.latestCosignaturesBounded(10)).toEqual(coordinator.database.latestCosignatures());
    expect(coordinator.database.latestCosignaturesBounded(1)).toEqual(
      coordinator.database.latestCosignatures().slice(0, 1),
    );
    const check = checkFetched(fetched, keyHex);
    const local = verifyFiles({ db: dbPath });
    expect(check.ok).toBe(true);
    expect(check.report).toMatchObject({
      entries: lastSeq(),
      sealsChecked: 0,
      checkpointsVerified: 1,
      checkpointSize: lastSeq(),
      cosignaturesVerified: 2,
      spendsWitnessed: local.spendsWitnessed,
    });
    expect(local.spendsWitnessed).toBeGreaterThanOrEqual(2);
    expect(check.consistent).toBeNull();

    const r = await cli('--coordinator-key', keyHex, '--checkpoint', statePath);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      new RegExp(
        `^ledger OK: ${lastSeq()} entries \\(all\\); checked the whole chain, the Merkle tree against the coordinator's signed checkpoint of size ${lastSeq()}, 2 witness cosignature\\(s\\)`,
      ),
    );
    const state = JSON.parse(readFileSync(statePath, 'utf8')) as VerifyCheckpoint;
    expect(state).toMatchObject({ seq: lastSeq(), coordinatorKey: keyHex, tree: { size: lastSeq() } });
  }, 60_000);

  it('an incremental fetch reads only the entries after the saved state and checks a consistency proof', async () => {
    const saved = JSON.parse(readFileSync(statePath, 'utf8')) as VerifyCheckpoint;
    enrollFresh(coordinator, { aud2: 'auditor', aud3: 'auditor' });
    expect(lastSeq()).toBe(saved.seq + 2);

    const fetched = await fetchLedger(conn(), null, { seq: saved.seq, size: saved.tree!.size });
    expect(fetched.entries.map((e) => e.seq)).toEqual([saved.seq + 1, saved.seq + 2]);
    expect(fetched.proof).toMatchObject({ fromSize: saved.seq, size: saved.seq + 2 });
    const check = checkFetched(fetched, undefined, saved);
    expect(check).toMatchObject({ ok: true, entries: 2, from: saved.seq, consistent: true, pinned: true });
    expect(check.report).toMatchObject({ sealsChecked: 0, checkpointSize: saved.seq + 2 });

    const r = await cli('--checkpoint', statePath);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      new RegExp(
        `^ledger OK: 2 entries \\(all, after entry ${saved.seq}\\); checked the chain on from entry ${saved.seq}, the Merkle tree against the coordinator's signed checkpoint of size ${saved.seq + 2}, which extends the tree verified before \\(consistency proof\\)`,
      ),
    );
    expect((JSON.parse(readFileSync(statePath, 'utf8')) as VerifyCheckpoint).tree!.size).toBe(saved.seq + 2);
  }, 60_000);

  it('a coordinator that rewrote an entry behind the saved state, every checkpoint re-signed with its key, is a split view', async () => {
    const before = readFileSync(statePath, 'utf8');
    const saved = JSON.parse(before) as VerifyCheckpoint;
    await coordinator.close();
    rewriteHistory(dbPath, 2);
    coordinator = new Coordinator({ dbPath, port: 0, requireEnrolment: true, roster: net.chain, ledgerKey });
    port = await coordinator.listen();
    enrollFresh(coordinator, { aud4: 'auditor' });

    // On its own the rewritten ledger is consistent: only the state kept from before catches it.
    expect(checkFetched(await fetchLedger(conn()), keyHex).ok).toBe(true);
    const fetched = await fetchLedger(conn(), null, { seq: saved.seq, size: saved.tree!.size });
    const check = checkFetched(fetched, undefined, saved);
    expect(check.ok).toBe(false);
    expect(check.consistent).toBe(false);
    expect(check.report!.failures[0]).toMatchObject({ seq: saved.seq, code: 'split-view' });
    expect(check.report!.checkpoint).toBeNull();

    const r = await cli('--checkpoint', statePath);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      new RegExp(
        `^ledger FAILED: entry ${saved.seq}: split-view: the checkpoint of size ${lastSeq()} does not extend the tree of ${saved.seq} entries verified before`,
      ),
    );
    expect(readFileSync(statePath, 'utf8')).toBe(before); // the state does not move
  }, 60_000);
});

/**
 * What an operator holding the ledger key can do to the database of a
 * stopped coordinator: change entry `seq` and re-chain, re-seal, re-leaf
 * every entry after it, re-sign every checkpoint over the new tree, and drop
 * the cosignatures (no witness would cosign it). Nothing in the database
 * alone shows it.
 */
function rewriteHistory(path: string, seq: number): void {
  const d = new Database(path);
  try {
    const rows = d.prepare('SELECT seq, canonical, hash FROM ledger ORDER BY seq').all() as {
      seq: number;
      canonical: string;
      hash: string;
    }[];
    let prev = rows.find((r) => r.seq === seq - 1)!.hash;
    const update = d.prepare('UPDATE ledger SET canonical = ?, hash = ?, signature = ?, leaf = ? WHERE seq = ?');
    for (const r of rows.filter((x) => x.seq >= seq)) {
      const entry = JSON.parse(r.canonical) as LedgerEntry;
      const forged = sealEntry(
        { ...entry, at: entry.at + (r.seq === seq ? 1 : 0), prevHash: prev },
        ledgerKey.secretKey,
      );
      update.run(forged.canonical, forged.hash, forged.signature, leafHash(forged.canonical), r.seq);
      prev = forged.hash;
    }
    const tree = MerkleTree.fromLeafHashes(
      (d.prepare('SELECT leaf FROM ledger ORDER BY seq').pluck().all() as Buffer[]).map((b) => new Uint8Array(b)),
    );
    const origin = logOrigin(ledgerKey.publicKey);
    for (const size of d.prepare('SELECT size FROM ledger_checkpoints WHERE size >= ?').pluck().all(seq) as number[])
      d.prepare('UPDATE ledger_checkpoints SET note = ? WHERE size = ?').run(
        signCheckpoint({ origin, size, root: tree.root(size) }, ledgerKey.secretKey, ledgerKey.publicKey),
        size,
      );
    d.prepare('DELETE FROM ledger_cosignatures').run();
  } finally {
    d.close();
  }
}

describe('the consistency check on its own', () => {
  const leaves = Array.from({ length: 9 }, (_, i) => leafHash(`entry ${i + 1}`));
  const tree = MerkleTree.fromLeafHashes(leaves);
  const origin = logOrigin(ledgerKey.publicKey);
  const saved = (size: number) => {
    const f = Frontier.empty();
    for (const l of leaves.slice(0, size)) f.append(l);
    return { size, frontier: f.hashes().map((h) => Buffer.from(h).toString('base64')) };
  };
  const proof = (from: number, size: number, root = tree.root(size)): FetchedProof => ({
    fromSize: from,
    checkpoint: signCheckpoint({ origin, size, root }, ledgerKey.secretKey, ledgerKey.publicKey),
    size,
    consistency: tree.consistencyProof(from, Math.min(size, tree.size)).map((h) => Buffer.from(h).toString('base64')),
    cosignatures: [],
  });

  it('passes a tree that extends the saved one, and names a smaller or unrelated one split-view', () => {
    expect(consistencyFailure(saved(5), proof(5, 9), ledgerKey.publicKey)).toBeNull();
    expect(consistencyFailure(saved(5), proof(5, 5), ledgerKey.publicKey)).toBeNull();
    // Another root at size 9 (one leaf changed), with the honest proof: nothing ties it to the saved tree.
    const other = MerkleTree.fromLeafHashes([...leaves.slice(0, 2), leafHash('rewritten'), ...leaves.slice(3)]);
    expect(consistencyFailure(saved(5), proof(5, 9, other.root()), ledgerKey.publicKey)).toMatchObject({
      seq: 5,
      code: 'split-view',
    });
    const smaller = { ...proof(3, 3), fromSize: 5 };
    expect(consistencyFailure(saved(5), smaller, ledgerKey.publicKey)?.message).toMatch(/smaller than the tree of 5/);
    // A checkpoint not signed by the key proves nothing either way (the verification reports bad-checkpoint).
    expect(consistencyFailure(saved(5), proof(5, 9), ed25519KeyPair().publicKey)).toBeNull();
  });
});

describe('malformed replies', () => {
  const page = { coordinatorKey: keyHex, scope: 'all', entries: [], receipts: [], more: false, lastSeq: 0 };
  const goodProof = () => ({
    coordinatorKey: keyHex,
    checkpoint: signCheckpoint(
      { origin: logOrigin(ledgerKey.publicKey), size: 0, root: new MerkleTree().root() },
      ledgerKey.secretKey,
      ledgerKey.publicKey,
    ),
    consistency: [],
    inclusion: [],
  });
  async function served(proveReply: unknown) {
    const fake = await fakeCoordinator(() => undefined, [], {
      onFrame: (env, send) => {
        const r = env.request;
        if (env.body !== 'request' || !r) return;
        const json = r.action === 'ledger.prove' ? proveReply : page;
        send({ reply: { id: r.id ?? 0, json: JSON.stringify(json) } });
      },
    });
    return fake;
  }
  const codeOf = async (proveReply: unknown) => {
    const fake = await served(proveReply);
    try {
      await fetchLedger({ coordinatorUrl: fake.url, name: 'aud', identity: ed25519KeyPair() });
      return 'no error';
    } catch (e) {
      return (e as { code: string }).code;
    } finally {
      await fake.close();
    }
  };

  it('a well-formed empty ledger is read; a bad reply is E_LEDGER_PROOF, an unreadable checkpoint E_LEDGER_CHECKPOINT', async () => {
    expect(await codeOf(goodProof())).toBe('no error');
    expect(await codeOf({ bogus: 1 })).toBe('E_LEDGER_PROOF');
    expect(await codeOf({ ...goodProof(), extra: true })).toBe('E_LEDGER_PROOF');
    expect(await codeOf({ ...goodProof(), consistency: ['not base64'] })).toBe('E_LEDGER_PROOF');
    const cosig = { witness: 'h1', size: 0, timestamp: 1, signature: Buffer.alloc(64).toString('base64') };
    expect(await codeOf({ ...goodProof(), cosignatures: [cosig] })).toBe('no error');
    expect(await codeOf({ ...goodProof(), cosignatures: [{ ...cosig, signature: 'AAAA' }] })).toBe('E_LEDGER_PROOF');
    expect(await codeOf({ ...goodProof(), cosignatures: Array(4097).fill(cosig) })).toBe('E_LEDGER_PROOF');
    expect(await codeOf({ ...goodProof(), checkpoint: 'not a note' })).toBe('E_LEDGER_CHECKPOINT');
  });

  it('the CLI reports it as a typed error, without a stack trace', async () => {
    const fake = await served({ bogus: 1 });
    try {
      const key = join(dir, 'anon.key');
      writeIdentityKey(key, ed25519KeyPair());
      const r = await promisify(execFile)(
        'node',
        ['cohort.mjs', 'ledger', 'fetch', '--coordinator', fake.url, '--name', 'aud', '--identity', key],
        { encoding: 'utf8' },
      ).then(
        () => ({ code: 0, err: '' }),
        (e: { code: number; stderr: string }) => ({ code: e.code, err: e.stderr }),
      );
      expect(r.code).not.toBe(0);
      expect(r.err).toMatch(/^cohort: E_LEDGER_PROOF: the coordinator's proof reply is malformed/m);
      expect(r.err).not.toMatch(/\n\s+at /);
    } finally {
      await fake.close();
    }
  }, 30_000);
});
