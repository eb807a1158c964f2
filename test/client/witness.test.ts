/**
 * A hospital as a witness of the coordinator's ledger (issue 20): the real
 * LedgerSync of h1, fed by a coordinator the test plays with the real core
 * pieces (the fixture's sealed ledger, its Merkle tree, signed checkpoints,
 * proveReply), cosigns a checkpoint only when its signature, the
 * consistency with the checkpoint it cosigned before and the inclusion of
 * its own copies all hold and none of its entries disagrees; otherwise it
 * logs why (a split view as E_LEDGER_SPLIT_VIEW), sends nothing and keeps
 * the checkpoint it had.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import {
  checkpointBody,
  logOrigin,
  openCheckpoint,
  signCheckpoint,
  verifyCosignature,
  witnessName,
  type Checkpoint,
} from '../../core/ledger/checkpoint.ts';
import { LEDGER_PROVE_SEQS } from '../../core/ledger/proofs.ts';
import type { LedgerEntry } from '../../core/ledger/types.ts';
import { ed25519KeyPair } from '../../core/secagg/index.ts';
import { errorCode } from '../helpers/errors.ts';
import type { Fixture, Identity } from '../core/ledger/fixture.ts';
import {
  ME,
  NOW_MS,
  ownLedger,
  swapped,
  view,
  witnessing,
  type View,
  honestView,
  witnessFixture,
} from './witness-harness.ts';

let f: Fixture;
/** Seqs of the entries recording h1's spend. */
let own: number[];
beforeAll(() => ({ f, own } = witnessFixture()));
const honest = (size?: number) => honestView(f, size);
const me = () => f.hospitals.get(ME)!;
const origin = () => logOrigin(f.coordinator.publicKey);
const checkpointOf = (v: View, size = v.tree.size): Checkpoint => ({ origin: origin(), size, root: v.tree.root(size) });
const splitViews = (w: ReturnType<typeof witnessing>) => w.logs.filter((l) => l.code === 'E_LEDGER_SPLIT_VIEW');

describe('a hospital witnessing the ledger', () => {
  it('cosigns the latest checkpoint after a catch-up, proving its own entries in it, and stores it', () => {
    const w = witnessing(f);
    const v = honest();
    w.connect(v);
    const prove = w.lastRequest('ledger.prove');
    // From nothing cosigned, every entry kept here is proved: exactly h1's spends.
    expect(prove.fromSize ?? 0).toBe(0);
    expect(prove.seqs).toEqual(own);
    const [cosig, ...more] = w.cosignatures();
    expect(more).toEqual([]);
    expect(cosig!.size).toBe(v.tree.size);
    expect(Buffer.from(cosig!.root!).equals(Buffer.from(v.tree.root()))).toBe(true);
    expect(Number(cosig!.timestamp)).toBe(NOW_MS / 1000);
    const body = checkpointBody(checkpointOf(v));
    const asSent = { name: witnessName(ME), timestamp: Number(cosig!.timestamp), signature: cosig!.signature! };
    expect(verifyCosignature(body, asSent, me().publicKey)).toBe(true);
    // Not a cosignature of another size, nor by another key.
    expect(verifyCosignature(checkpointBody(checkpointOf(v, v.tree.size - 1)), asSent, me().publicKey)).toBe(false);
    expect(verifyCosignature(body, asSent, f.hospitals.get('h2')!.publicKey)).toBe(false);
    const stored = w.ledger.witnessed()!;
    expect(stored.size).toBe(v.tree.size);
    expect(stored.note).toBe(v.note());
    expect(openCheckpoint(stored.note, origin(), f.coordinator.publicKey)).not.toBeNull();
    expect(w.events).toEqual([{ size: v.tree.size, cosigned: true, code: null }]);
    // Besides its proof requests the witness sends one cosignature: receipt frames are gone from the protocol
    // (Envelope field 40 reserved).
    expect(w.sent.filter((e) => e.body !== 'request').map((e) => e.body)).toEqual(['ledgerCosignature']);
  });

  it('extends the checkpoint it cosigned: the next prove starts from it and asks only the entries kept since', () => {
    const w = witnessing(f);
    const n = own[10]!; // a checkpoint covering h1's first 11 entries
    w.connect(honest(n));
    expect(w.ledger.witnessed()!.size).toBe(n);
    w.announce(honest());
    const prove = w.lastRequest('ledger.prove');
    expect(prove.fromSize).toBe(n);
    expect(prove.seqs).toEqual(own.filter((s) => s > n));
    expect(w.cosignatures().map((c) => c.size)).toEqual([n, f.entries.length]);
    // Nothing new: the same checkpoint is checked again, not cosigned twice.
    w.announce(honest());
    expect(w.cosignatures()).toHaveLength(2);
    expect(w.events.at(-1)).toEqual({ size: f.entries.length, cosigned: false, code: null });
  });

  describe('a split view', () => {
    /** T1 of size n, cosigned; then T2, which differs from T1 at `at` <= n, grown to the whole ledger. */
    function shownTwoTrees(at: number, n: number, prove?: (t2: View, t1Grown: View) => View['prove']) {
      const w = witnessing(f);
      const t1 = honest(n);
      w.connect(t1);
      expect(w.cosignatures().map((c) => c.size)).toEqual([n]);
      const entries = swapped(f.entries, at, f.coordinator, (e) => ({ ...e, at: e.at + 1 }));
      let t2 = view(entries, f.coordinator);
      if (prove) t2 = view(entries, f.coordinator, prove(t2, honest()));
      w.announce(t2);
      return { w, t1, t2 };
    }

    const refusedSplit = ({ w, t1 }: { w: ReturnType<typeof witnessing>; t1: View }) => {
      expect(w.cosignatures().map((c) => c.size)).toEqual([t1.tree.size]);
      expect(splitViews(w)).toHaveLength(1);
      expect(w.events.at(-1)).toMatchObject({ cosigned: false, code: 'E_LEDGER_SPLIT_VIEW' });
      const stored = w.ledger.witnessed()!;
      expect(stored.size).toBe(t1.tree.size);
      expect(Buffer.from(stored.root).equals(Buffer.from(t1.tree.root()))).toBe(true);
      expect(stored.note).toBe(t1.note());
    };

    it('is refused with E_LEDGER_SPLIT_VIEW: a tree that rewrote an entry before the cosigned size, with its own proof', () => {
      const n = own[5]!;
      // A role grant (not one of h1's entries: nothing kept here shows it) rewritten in T2.
      const shown = shownTwoTrees(2, n);
      refusedSplit(shown);
      // T2's own inclusion proofs of h1's later entries verify: only the consistency proof catches it.
      expect(shown.w.lastRequest('ledger.prove').fromSize).toBe(n);
    });

    it('is refused whatever proof comes with it: the honest extension of T1 does not lead to T2', () => {
      const n = own[5]!;
      const shown = shownTwoTrees(1, n, (t2, grown) => (fromSize, seqs) => ({
        ...t2.prove(fromSize, seqs),
        consistency: grown.prove(fromSize, []).consistency,
      }));
      refusedSplit(shown);
    });

    it('is refused at the same size with another root', () => {
      const n = own[5]!;
      const w = witnessing(f);
      const t1 = honest(n);
      w.connect(t1);
      const t2 = view(
        swapped(f.entries.slice(0, n), 3, f.coordinator, (e) => ({ ...e, at: e.at + 1 })),
        f.coordinator,
      );
      w.announce(t2);
      refusedSplit({ w, t1 });
    });

    it('is refused when the tree shrank below the cosigned size', () => {
      const n = own[5]!;
      const w = witnessing(f);
      const t1 = honest(n);
      w.connect(t1);
      const smaller = honest(n - 1);
      // Its pages still show T1; its checkpoint and proofs are of a smaller tree, as if asked from nothing.
      w.announce(view(t1.entries, f.coordinator, (_from, seqs) => smaller.prove(0, seqs)));
      refusedSplit({ w, t1 });
    });

    it('leaves the witness able to cosign the honest ledger afterwards', () => {
      const n = own[5]!;
      const { w } = shownTwoTrees(2, n);
      w.announce(honest());
      expect(w.cosignatures().map((c) => c.size)).toEqual([n, f.entries.length]);
      expect(w.ledger.witnessed()!.size).toBe(f.entries.length);
    });
  });

  it('refuses a checkpoint signed by another key, or for another log, with E_LEDGER_CHECKPOINT', () => {
    const other = ed25519KeyPair();
    const lies: View['prove'][] = [
      // Another key signing under our coordinator's origin.
      (fromSize, seqs) => {
        const t = honest();
        const c = checkpointOf(t);
        return { ...t.prove(fromSize, seqs), checkpoint: signCheckpointAs(c, other) };
      },
      // Our coordinator's key signing a checkpoint of another log.
      (fromSize, seqs) => {
        const t = honest();
        const c = { ...checkpointOf(t), origin: logOrigin(other.publicKey) };
        return { ...t.prove(fromSize, seqs), checkpoint: signCheckpointAs(c, f.coordinator) };
      },
      // Another ledger key named in the reply.
      (fromSize, seqs) => ({
        ...honest().prove(fromSize, seqs),
        coordinatorKey: Buffer.from(other.publicKey).toString('hex'),
      }),
    ];
    for (const lie of lies) {
      const w = witnessing(f);
      w.connect(view(f.entries, f.coordinator, lie));
      expect(w.cosignatures()).toEqual([]);
      expect(w.ledger.witnessed()).toBeNull();
      expect(w.events).toEqual([expect.objectContaining({ cosigned: false, code: 'E_LEDGER_CHECKPOINT' })]);
    }
  });

  it("refuses a tree that holds another text at one of its own entries' positions", () => {
    const w = witnessing(f);
    const target = own[3]!;
    // h1 read the honest entries; the tree the coordinator signs holds another text at `target`.
    const lying = view(
      swapped(f.entries, target, f.coordinator, (e) => ({ ...e, at: e.at + 1 })),
      f.coordinator,
    );
    w.sync.welcome(f.coordinator.publicKey);
    w.serve(view(f.entries, f.coordinator, lying.prove));
    expect(w.ledger.has(target)).toBe(true);
    expect(w.cosignatures()).toEqual([]);
    expect(w.ledger.witnessed()).toBeNull();
    expect(w.events).toEqual([expect.objectContaining({ cosigned: false, code: 'E_LEDGER_SPLIT_VIEW' })]);
    expect(splitViews(w)[0]!.msg).toMatch(new RegExp(`entry ${target}\\b`));
  });

  it('refuses an inclusion proof that is not the one asked (another seq, or one left out)', () => {
    for (const edit of [
      (p: ReturnType<View['prove']>) => ({ ...p, inclusion: p.inclusion.slice(1) }),
      (p: ReturnType<View['prove']>) => ({
        ...p,
        inclusion: p.inclusion.map((x, i) => (i === 0 ? { ...x, seq: 1 } : x)),
      }),
    ]) {
      const w = witnessing(f);
      w.connect(view(f.entries, f.coordinator, (from, seqs) => edit(honest().prove(from, seqs))));
      expect(w.cosignatures()).toEqual([]);
      expect(w.events).toEqual([expect.objectContaining({ cosigned: false, code: 'E_LEDGER_PROOF' })]);
    }
  });

  it('never cosigns a checkpoint covering an entry of its own that disagrees with what it charged', () => {
    const bad = JSON.parse(f.entries[own[7]! - 1]!.canonical) as LedgerEntry;
    const w = witnessing(f, {
      // h1 charged round `bad.round` of that job with a larger sigma than the ledger records.
      charged: (jobId, round) => {
        const m = f.charges.get(ME)!.find((c) => c.jobId === jobId && c.round === round)?.mechanism ?? null;
        return jobId === bad.jobId && round === bad.round && m?.kind === 'sampled-gaussian' ? { ...m, sigma: 9 } : m;
      },
    });
    w.connect(honest());
    expect(w.ledger.entries().find((e) => e.seq === bad.seq)!.problem).toMatch(/another mechanism/);
    expect(w.cosignatures()).toEqual([]);
    expect(w.ledger.witnessed()).toBeNull();
    expect(w.events).toEqual([{ size: f.entries.length, cosigned: false, code: 'E_LEDGER_MISMATCH' }]);
    // Nor any later one: the disagreeing entry stays in every range it would cover.
    w.announce(honest());
    expect(w.cosignatures()).toEqual([]);
  });

  it('cosigns a checkpoint that stops before an entry of its own that disagrees', () => {
    const bad = own[7]!;
    const badEntry = JSON.parse(f.entries[bad - 1]!.canonical) as LedgerEntry;
    const w = witnessing(f, {
      charged: (jobId, round) => {
        const m = f.charges.get(ME)!.find((c) => c.jobId === jobId && c.round === round)?.mechanism ?? null;
        return jobId === badEntry.jobId && round === badEntry.round && m ? { ...m, sigma: 9 } : m;
      },
    });
    w.connect(honest(bad - 1));
    expect(w.cosignatures().map((c) => c.size)).toEqual([bad - 1]);
  });

  describe('replies it did not ask for and refusals', () => {
    it('a reply to no request is E_WIRE_UNEXPECTED; a malformed proof E_WIRE_FIELD (the connection closes, as for a page)', () => {
      const w = witnessing(f);
      w.connect(honest());
      expect(errorCode(() => w.deliver({ reply: { id: 999, json: '{}' } }))).toBe('E_WIRE_UNEXPECTED');
      // The prove already answered: its id is no longer awaited.
      const answered = w.lastRequest('ledger.prove').id;
      expect(errorCode(() => w.deliver({ reply: { id: answered, json: '{}' } }))).toBe('E_WIRE_UNEXPECTED');

      w.sync.entryAnnounced();
      w.serve(honest(), ['ledger.read']); // the page, which sends a new prove
      const id = w.lastRequest('ledger.prove').id;
      expect(errorCode(() => w.deliver({ reply: { id, json: '{not json' } }))).toBe('E_WIRE_FIELD');
      expect(errorCode(() => w.deliver({ reply: { id, json: '{"coordinatorKey":"00"}' } }))).toBe('E_WIRE_UNEXPECTED');
      expect(w.cosignatures()).toHaveLength(1);
    });

    it('an Error frame answering its prove ends it without a cosignature; the next catch-up proves again', () => {
      const w = witnessing(f);
      w.sync.welcome(f.coordinator.publicKey);
      const v = honest();
      w.serve(v, ['ledger.read']); // the page; the prove it leads to is refused
      const prove = w.lastRequest('ledger.prove');
      w.deliver({ error: { code: 'E_LEDGER_PROOF', message: `request ${prove.id}: from_size 9 is out of range` } });
      expect(w.events).toEqual([expect.objectContaining({ cosigned: false, code: 'E_LEDGER_PROOF' })]);
      expect(w.cosignatures()).toEqual([]);
      w.serve(v); // nothing left to answer: the refused prove is over
      w.announce(v);
      expect(w.cosignatures().map((c) => c.size)).toEqual([v.tree.size]);
    });
  });

  it(`proves more than ${LEDGER_PROVE_SEQS} own entries in batches, each from the checkpoint the last verified`, () => {
    const { big, entries } = ownLedger(f, LEDGER_PROVE_SEQS + 20);
    const w = witnessing(big);
    w.connect(view(entries, big.coordinator));
    const proves = w.sent.filter((e) => e.request?.action === 'ledger.prove').map((e) => e.request!);
    expect(proves.map((p) => p.seqs!.length)).toEqual([LEDGER_PROVE_SEQS, 20]);
    expect(proves.map((p) => p.fromSize ?? 0)).toEqual([0, entries.length]);
    expect(w.cosignatures().map((c) => c.size)).toEqual([entries.length]);
  });
});

const signCheckpointAs = (c: Checkpoint, key: Identity) => signCheckpoint(c, key.secretKey, key.publicKey);
