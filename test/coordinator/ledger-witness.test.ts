/**
 * The ledger as a transparency log on the coordinator's side (issue 20):
 * every appended entry is checkpointed in its transaction, `ledger.prove`
 * answers with proofs that verify against the signed checkpoint (and an
 * E_LEDGER_PROOF error frame for a request out of range, the connection
 * kept), and a witness's cosignature is stored only if it is the hospital's
 * cosignature of a checkpoint the coordinator signed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Coordinator } from '../../coordinator/coordinator.ts';
import {
  checkpointBody,
  cosign,
  logOrigin,
  openCheckpoint,
  parseCheckpointBody,
  parseNote,
  witnessName,
} from '../../core/ledger/checkpoint.ts';
import { MerkleTree, leafHash, verifyConsistency, verifyInclusion } from '../../core/ledger/merkle.ts';
import { ledgerProofReplySchema } from '../../core/ledger/proofs.ts';
import { ed25519KeyPair, type Identity } from '../../core/secagg/index.ts';
import type { Envelope } from '../../edge/wire/codec.ts';
import { simulatedNetwork } from '../../simulations/network.ts';
import { syntheticJob } from '../../simulations/synthetic.ts';
import { enrolledCoordinator } from '../helpers/enroll.ts';
import { hospitalDaemon } from '../helpers/hospital-daemon.ts';
import { PAIR_SECURE_AGGREGATION } from '../helpers/network.ts';
import type { RawClient } from '../helpers/raw-client.ts';
import { signedClient } from '../helpers/signed-client.ts';
import { until } from '../helpers/until.ts';

const dir = mkdtempSync(join(tmpdir(), 'cohort-witness-'));
// h0 and h1 run daemons and train; h2 is a hospital driven frame by frame (a witness); aud an auditor.
const net = simulatedNetwork(['h0', 'h1', 'h2']);
const people = { h0: 'hospital', h1: 'hospital', h2: 'hospital', aud: 'auditor' } as const;
let coordinator: Coordinator;
let port: number;
let ids: Record<keyof typeof people, Identity>;
const cleanups: (() => unknown)[] = [];

beforeAll(async () => {
  ({ coordinator, port, ids } = await enrolledCoordinator({ dbPath: join(dir, 'c.db'), people, net }));
  cleanups.push(() => coordinator.close());
  for (const [i, name] of ['h0', 'h1'].entries()) {
    const h = hospitalDaemon({ port, net, name, statePath: join(dir, `${name}.db`), seed: 60 + i, accountant: 'pld' });
    cleanups.push(h.close);
    h.d.start();
  }
  const privacy = { unit: 'record', epsilon: 8, delta: 1e-5, clip: 1, samplingRate: 0.1, accountant: 'pld' };
  const id = coordinator.submitJob(
    syntheticJob({ rounds: 2, minClients: 2, targetClients: 2, privacy, secureAggregation: PAIR_SECURE_AGGREGATION }),
  );
  await until(() => coordinator.jobState(id)?.status === 'completed', 60_000, 'the job');
}, 90_000);
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

const store = () => coordinator.database;
const ledgerKey = () => Buffer.from(store().ledgerKey()!, 'hex');
/** The tree recomputed from the rows' canonical text, not from the stored leaves. */
const recomputed = () =>
  MerkleTree.fromLeafHashes(
    store()
      .ledgerEntries()
      .map((e) => leafHash(e.canonical)),
  );
const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

let requestId = 0;
/** Sends one request and resolves with its reply's JSON, or the code of the error frame answering it. */
async function ask(c: RawClient, request: NonNullable<Envelope['request']>): Promise<unknown> {
  const id = ++requestId;
  c.send({ request: { ...request, id } });
  const answer = await c.waitFor(
    (e) =>
      (e.body === 'reply' && e.reply!.id === id) ||
      (e.body === 'error' && (e.error!.message ?? '').startsWith(`request ${id}:`)),
  );
  return answer.body === 'reply' ? JSON.parse(answer.reply!.json ?? '') : { code: answer.error!.code };
}

describe('checkpoints', () => {
  it("one is signed with every entry, in its transaction: the latest covers the ledger and each root is the tree's", () => {
    const rows = store().lastLedgerSeq();
    expect(rows).toBeGreaterThan(5);
    const latest = store().latestCheckpoint()!;
    expect(latest.size).toBe(rows);
    const tree = recomputed();
    const cp = openCheckpoint(latest.note, logOrigin(ledgerKey()), ledgerKey());
    expect(cp).not.toBeNull();
    expect(Buffer.from(cp!.root).equals(Buffer.from(tree.root()))).toBe(true);
    // Every size from the empty ledger (signed when the database was opened) to now.
    for (let size = 0; size <= rows; size++) {
      const note = store().checkpointOfSize(size)?.note;
      expect(note, `checkpoint of size ${size}`).toBeDefined();
      const at = openCheckpoint(note!, logOrigin(ledgerKey()), ledgerKey())!;
      expect([at.size, Buffer.from(at.root).toString('hex')]).toEqual([
        size,
        Buffer.from(tree.root(size)).toString('hex'),
      ]);
    }
    // Under another key it does not open.
    expect(openCheckpoint(latest.note, logOrigin(ledgerKey()), ed25519KeyPair().publicKey)).toBeNull();
  });
});

describe('ledger.prove', () => {
  let h2: RawClient;
  beforeAll(async () => {
    h2 = await signedClient(port, 'h2', ids.h2);
  });
  afterAll(() => h2.ws.close());

  it('answers a hospital and an auditor with proofs that verify against the signed checkpoint', async () => {
    const aud = await signedClient(port, 'aud', ids.aud);
    const tree = recomputed();
    const n = tree.size;
    const seqs = [1, 2, Math.ceil(n / 2), n];
    for (const c of [h2, aud]) {
      for (const fromSize of [0, 3, n]) {
        const reply = ledgerProofReplySchema.parse(await ask(c, { action: 'ledger.prove', fromSize, seqs }));
        expect(reply.coordinatorKey).toBe(store().ledgerKey());
        const cp = openCheckpoint(reply.checkpoint, logOrigin(ledgerKey()), ledgerKey())!;
        expect(cp.size).toBe(n);
        expect(verifyConsistency(fromSize, n, tree.root(fromSize), cp.root, reply.consistency.map(b64))).toBe(true);
        expect(reply.inclusion.map((i) => i.seq)).toEqual(seqs);
        for (const { seq, proof } of reply.inclusion)
          expect(verifyInclusion(tree.leaf(seq - 1), seq - 1, n, proof.map(b64), cp.root)).toBe(true);
      }
    }
    aud.ws.close();
  });

  it('refuses a request out of range with E_LEDGER_PROOF, and the connection stays', async () => {
    const n = store().lastLedgerSeq();
    expect(await ask(h2, { action: 'ledger.prove', fromSize: n + 1 })).toEqual({ code: 'E_LEDGER_PROOF' });
    expect(await ask(h2, { action: 'ledger.prove', seqs: [0] })).toEqual({ code: 'E_LEDGER_PROOF' });
    expect(await ask(h2, { action: 'ledger.prove', seqs: [1, n + 1] })).toEqual({ code: 'E_LEDGER_PROOF' });
    // The largest request the wire takes is answered.
    const most = Array.from({ length: 256 }, (_, i) => (i % n) + 1);
    const reply = ledgerProofReplySchema.parse(await ask(h2, { action: 'ledger.prove', seqs: most }));
    expect(reply.inclusion).toHaveLength(256);
    expect(h2.closeCode).toBeNull();
  });
});

describe("a witness's cosignature", () => {
  let h2: RawClient;
  beforeAll(async () => {
    h2 = await signedClient(port, 'h2', ids.h2);
  });
  afterAll(() => h2.ws.close());

  const mine = (witness: string) =>
    store()
      .cosignatures()
      .filter((c) => c.witness === witness);
  const checkpointAt = (size: number) => {
    const body = parseNote(store().checkpointOfSize(size)!.note).body;
    return { body, root: parseCheckpointBody(body).root };
  };
  const frame = (
    size: number,
    root: Uint8Array,
    body: string,
    name: string,
    key: Identity,
    timestamp = 1_800_000_000,
  ) => {
    const c = cosign(body, name, key.secretKey, timestamp);
    return { ledgerCosignature: { size, root, timestamp: c.timestamp, signature: c.signature } };
  };
  const withRoot = (f: ReturnType<typeof frame>, root: Uint8Array) => ({
    ledgerCosignature: { ...f.ledgerCosignature, root },
  });
  /** Sends each frame and waits for as many E_LEDGER_CHECKPOINT answers: every one refused. */
  async function refusedAll(c: RawClient, frames: ReturnType<typeof frame>[], code = 'E_LEDGER_CHECKPOINT') {
    const before = c.frames.filter((e) => e.body === 'error').length;
    for (const f of frames) c.send(f);
    await until(
      () => c.frames.filter((e) => e.body === 'error').length >= before + frames.length,
      10_000,
      'the refusals',
    );
    expect(
      c.frames
        .filter((e) => e.body === 'error')
        .slice(before)
        .map((e) => e.error!.code),
    ).toEqual(frames.map(() => code));
  }

  it('over another root, another size or under another key is refused, and nothing is stored', async () => {
    const n = store().lastLedgerSeq();
    const { body, root } = checkpointAt(n);
    const older = checkpointAt(n - 1);
    const me = witnessName('h2');
    const origin = logOrigin(ledgerKey());
    const forged = checkpointBody({ origin, size: n, root: older.root });
    await refusedAll(h2, [
      // A root the coordinator never signed at this size, cosigned as such.
      frame(n, older.root, forged, me, ids.h2),
      // The right root, claimed for another size (whose checkpoint has another root).
      frame(n - 1, root, body, me, ids.h2),
      // The older size with its own root, but the signature is over the newer body.
      frame(n - 1, older.root, body, me, ids.h2),
      // A valid cosignature of the checkpoint, in a frame that states another root for it.
      withRoot(frame(n, root, body, me, ids.h2), older.root),
      // A size no checkpoint has.
      frame(n + 5, root, checkpointBody({ origin, size: n + 5, root }), me, ids.h2),
      // Another key (the witness's name is not in the signed message, only in a note line's key ID: the frame has none).
      frame(n, root, body, me, ed25519KeyPair()),
    ]);
    expect(mine('h2')).toEqual([]);
    expect(h2.closeCode).toBeNull();
  });

  it('from an auditor is refused (E_FORBIDDEN) and nothing is stored', async () => {
    const aud = await signedClient(port, 'aud', ids.aud);
    const { body, root } = checkpointAt(store().lastLedgerSeq());
    const n = store().lastLedgerSeq();
    await refusedAll(aud, [frame(n, root, body, witnessName('aud'), ids.aud)], 'E_FORBIDDEN');
    expect(mine('aud')).toEqual([]);
    aud.ws.close();
  });

  it('of a checkpoint the coordinator signed, by the hospital under its key, is stored once per size', async () => {
    const n = store().lastLedgerSeq();
    const { body, root } = checkpointAt(n);
    const older = checkpointAt(n - 2);
    h2.send(frame(n - 2, older.root, older.body, witnessName('h2'), ids.h2, 1_800_000_001));
    h2.send(frame(n, root, body, witnessName('h2'), ids.h2, 1_800_000_002));
    h2.send(frame(n, root, body, witnessName('h2'), ids.h2, 1_800_000_003));
    // A refused one after them: once it is answered, the three before it were handled.
    await refusedAll(h2, [frame(n, root, body, me(), ed25519KeyPair())]);
    const stored = mine('h2');
    expect(stored.map((c) => [c.size, c.timestamp])).toEqual([
      [n - 2, 1_800_000_001],
      [n, 1_800_000_003],
    ]);
    expect(
      store()
        .latestCosignatures()
        .find((c) => c.witness === 'h2')!.size,
    ).toBe(n);
    expect(h2.closeCode).toBeNull();
  });
  const me = () => witnessName('h2');
});
