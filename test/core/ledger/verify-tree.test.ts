/**
 * verifyLedger's tree checks (core/ledger/verify-tree.ts) on the synthetic
 * ledger of fixture.ts, checkpointed and cosigned as the coordinator and its
 * witnesses do: recomputed Merkle tree against signed checkpoints, stored
 * cosignatures and notes witnesses kept; split views, truncation, edits and
 * forged cosignatures are caught, and an incremental audit from a saved
 * frontier agrees with the full one.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import {
  checkpointBody,
  cosign,
  cosignatureLine,
  logOrigin,
  signCheckpoint,
  witnessName,
} from '../../../core/ledger/checkpoint.ts';
import { leafHash, MerkleTree } from '../../../core/ledger/merkle.ts';
import {
  entryHash,
  sealEntry,
  verifyLedger,
  type StoredCosignature,
  type VerifyInput,
  type VerifyReport,
} from '../../../core/ledger/index.ts';
import { GENESIS_HASH, type LedgerEntry, type RoundBody, type SealedEntry } from '../../../core/ledger/types.ts';
import { ed25519KeyPair } from '../../../core/secagg/index.ts';
import { buildFixture, HOSPITALS, type Fixture } from './fixture.ts';

let f: Fixture;
let n: number;
const T = 1_700_000_000;

beforeAll(() => {
  f = buildFixture();
  n = f.entries.length;
}, 60_000);

const parse = (e: SealedEntry) => JSON.parse(e.canonical) as LedgerEntry;
const treeOf = (rows: readonly SealedEntry[]) => MerkleTree.fromLeafHashes(rows.map((r) => leafHash(r.canonical)));
const origin = () => logOrigin(f.coordinator.publicKey);

/** The coordinator's signed checkpoint of `rows` at `size` (default: all). */
function checkpointOf(rows: readonly SealedEntry[], size = rows.length, secretKey = f.coordinator.secretKey): string {
  return signCheckpoint({ origin: origin(), size, root: treeOf(rows).root(size) }, secretKey, f.coordinator.publicKey);
}

/** `hospital`'s cosignature of `rows`' tree at `size`, as the coordinator stores it. */
function cosignatureOf(
  rows: readonly SealedEntry[],
  hospital: string,
  size = rows.length,
  secretKey = f.hospitals.get(hospital)!.secretKey,
): StoredCosignature {
  const body = checkpointBody({ origin: origin(), size, root: treeOf(rows).root(size) });
  const c = cosign(body, witnessName(hospital), secretKey, T + size);
  return { witness: hospital, size, timestamp: c.timestamp, signature: c.signature };
}

/** The note a witness keeps (`cohort client checkpoint`): the checkpoint with its cosignature line. */
function witnessNote(rows: readonly SealedEntry[], hospital: string, size = rows.length): string {
  const note = checkpointOf(rows, size);
  const body = checkpointBody({ origin: origin(), size, root: treeOf(rows).root(size) });
  const id = f.hospitals.get(hospital)!;
  return note + cosignatureLine(cosign(body, witnessName(hospital), id.secretKey, T + size), id.publicKey);
}

function input(over: Partial<VerifyInput> = {}): VerifyInput {
  return {
    entries: f.entries,
    coordinatorKey: f.coordinator.publicKey,
    receipts: [],
    hospitalKeys: f.hospitalKeys,
    recompute: false,
    checkpoints: [checkpointOf(f.entries)],
    cosignatures: HOSPITALS.map((h) => cosignatureOf(f.entries, h)),
    ...over,
  };
}

/** A database holding `rows` under the coordinator's own checkpoint of them and no stored cosignature (a rewrite or truncation covering its tracks), audited with the notes witnesses kept. */
const selfSigned = (rows: SealedEntry[], witnessNotes: string[] = []) =>
  input({ entries: rows, checkpoints: [checkpointOf(rows)], cosignatures: [], witnessNotes });

const codes = (r: VerifyReport) => r.failures.map((x) => [x.seq, x.code]);
function failure(r: VerifyReport, code: string) {
  expect(r.ok).toBe(false);
  const x = r.failures.find((y) => y.code === code);
  expect(x, `${code} in ${JSON.stringify(codes(r))}`).toBeDefined();
  return x!;
}

/** The whole history re-sealed by the coordinator after `edit`: a rewrite its own key vouches for. */
function rewritten(edit: (e: LedgerEntry) => void): SealedEntry[] {
  let prevHash = GENESIS_HASH;
  return f.entries.map((row) => {
    const e = parse(row);
    edit(e);
    const sealed = sealEntry({ ...e, prevHash }, f.coordinator.secretKey);
    prevHash = sealed.hash;
    return sealed;
  });
}

const spendCount = () =>
  f.entries
    .map(parse)
    .filter((e) => e.kind === 'round')
    .reduce((k, e) => k + (e.body as RoundBody).spends.length, 0);

describe('the tree checks on an untouched, checkpointed and cosigned ledger', () => {
  it('pass: the checkpoint and every cosignature verify, every spend is witnessed, no seal needed checking', () => {
    const r = verifyLedger(input({ leaves: f.entries.map((e) => leafHash(e.canonical)) }));
    expect(r.failures).toEqual([]);
    expect(r).toMatchObject({
      ok: true,
      checkpointsVerified: 1,
      cosignaturesVerified: HOSPITALS.length,
      spendsWitnessed: spendCount(),
      sealsChecked: 0,
      checkpointSize: n,
    });
    expect(r.witnessed).toEqual(Object.fromEntries(HOSPITALS.map((h) => [h, n])));
    // Witnessed spends need no receipt: nothing unacknowledged is noted.
    expect(r.notes.join('\n')).not.toContain('no valid receipt');
    expect(r.checkpoint!.tree!.size).toBe(n);
  });

  it('covered rows are vouched for by the checkpoint, not their seals; without a checkpoint every seal is checked', () => {
    const garbled = f.entries.map((e, i) => (i === 3 ? { ...e, signature: '00'.repeat(64) } : e));
    expect(verifyLedger(input({ entries: garbled })).ok).toBe(true);
    const chain = verifyLedger(input({ entries: garbled, checkpoints: [], cosignatures: [] }));
    expect(chain.failures[0]).toMatchObject({ seq: 4, code: 'bad-signature' });
    expect(chain.sealsChecked).toBe(n);
    // Rows after the latest checkpoint are checked by their seals, and said so.
    const partial = verifyLedger(input({ checkpoints: [checkpointOf(f.entries, n - 2)], cosignatures: [] }));
    expect(partial).toMatchObject({ ok: true, sealsChecked: 2, checkpointSize: n - 2 });
    expect(partial.notes.join('\n')).toContain(`entries ${n - 1} to ${n} are after the latest checkpoint`);
    // Unwitnessed spends are a note, like a missing receipt was.
    expect(partial.spendsWitnessed).toBe(0);
    expect(partial.notes.join('\n')).toMatch(/spends have no valid receipt from their hospital and no cosignature/);
  });

  it('a stored leaf that is not the leaf hash of its text: leaf-mismatch there', () => {
    const leaves = f.entries.map((e) => leafHash(e.canonical));
    leaves[6] = leafHash('something else');
    expect(verifyLedger(input({ leaves })).failures[0]).toMatchObject({ seq: 7, code: 'leaf-mismatch' });
  });
});

describe('the tree checks catch', () => {
  it('an entry edited after the checkpoint: caught at that entry (its seal, checked once the checkpoint fails) and at the checkpoint', () => {
    const i = f.entries.findIndex((e) => e.seq === f.rounds.record[4]);
    const row = f.entries[i]!;
    const text = row.canonical.replace(/"epsilon":([0-9.]+)/, '"epsilon":0.0001');
    expect(text).not.toBe(row.canonical);
    // Text, hash and leaf rewritten consistently; the seal cannot be without the key.
    const entries = f.entries.map((e, j) => (j === i ? { ...row, canonical: text, hash: entryHash(text) } : e));
    const r = verifyLedger(input({ entries, leaves: entries.map((e) => leafHash(e.canonical)) }));
    expect(r.failures[0]).toMatchObject({ seq: row.seq, code: 'bad-signature' });
    expect(failure(r, 'checkpoint-mismatch').seq).toBe(n);
    expect(r.checkpointsVerified).toBe(0);
    // The witnesses cosigned what the coordinator signed: not a split view (one signed tree), but no longer the rows'.
    expect(r.cosignaturesVerified).toBe(0);
    expect(r.failures.map((x) => x.code)).not.toContain('split-view');
  });

  it('a checkpoint re-signed over a rewritten history under the same key, while a witness cosigned the original: split-view', () => {
    const forged = rewritten((e) => {
      if (e.seq === 5) e.at += 1;
    });
    const r = verifyLedger(selfSigned(forged, [witnessNote(f.entries, 'h1')]));
    const x = failure(r, 'split-view');
    expect(x.seq).toBe(n);
    expect(x.message).toContain('cosigned by h1');
    // The rewrite is otherwise self-consistent: the checkpoint verifies.
    expect(r.checkpointsVerified).toBe(1);
    // The same with h1's stored cosignature and the original checkpoint an auditor kept.
    const stored = verifyLedger(
      input({
        entries: forged,
        checkpoints: [checkpointOf(f.entries), checkpointOf(forged)],
        cosignatures: [cosignatureOf(f.entries, 'h1')],
      }),
    );
    expect(failure(stored, 'split-view').message).toContain('cosigned by h1');
  });

  it('a split view: two trees of one size, each cosigned by another witness, both notes given: split-view naming both', () => {
    const other = rewritten((e) => {
      if (e.seq === 2) e.at += 1;
    });
    const notes = [witnessNote(f.entries, 'h1'), witnessNote(other, 'h2')];
    const r = verifyLedger(input({ witnessNotes: notes }));
    const x = failure(r, 'split-view');
    expect(x.seq).toBe(n);
    expect(x.message).toMatch(/cosigned by h1.*cosigned by h2|cosigned by h2.*cosigned by h1/);
    // h1's note agrees with the ledger and counts; h2's does not.
    expect(r.cosignaturesVerified).toBe(HOSPITALS.length + 1);
    // The database holding the other tree: caught the same way.
    const mirrored = verifyLedger(selfSigned(other, notes));
    expect(failure(mirrored, 'split-view').message).toMatch(/h1/);
  });

  it('a ledger truncated behind its latest checkpoint, or behind a witness note: checkpoint-mismatch', () => {
    const kept = f.entries.slice(0, -3);
    expect(failure(verifyLedger(input({ entries: kept, cosignatures: [] })), 'checkpoint-mismatch').seq).toBe(n);
    // Checkpoints truncated too (as a careful truncator would): the note h3 kept still shows the lost size.
    const r = verifyLedger(selfSigned(kept, [witnessNote(f.entries, 'h3')]));
    const x = failure(r, 'checkpoint-mismatch');
    expect(x.seq).toBe(n);
    expect(x.message).toContain('h3');
    // Alone, the truncated ledger is self-consistent.
    expect(verifyLedger(selfSigned(kept)).ok).toBe(true);
  });

  it('a cosignature by a key that is not the hospital’s: bad-cosignature (stored, or in a note)', () => {
    const mallory = ed25519KeyPair();
    const stored = verifyLedger(input({ cosignatures: [cosignatureOf(f.entries, 'h2', n, mallory.secretKey)] }));
    expect(failure(stored, 'bad-cosignature')).toMatchObject({ seq: n });
    expect(stored.cosignaturesVerified).toBe(0);
    const body = checkpointBody({ origin: origin(), size: n, root: treeOf(f.entries).root() });
    const note =
      checkpointOf(f.entries) +
      cosignatureLine(cosign(body, witnessName('h2'), mallory.secretKey, T), mallory.publicKey);
    expect(failure(verifyLedger(input({ witnessNotes: [note] })), 'bad-cosignature').message).toContain('h2');
    // A witness nobody granted a hospital key.
    const unknown = verifyLedger(input({ cosignatures: [{ ...cosignatureOf(f.entries, 'h2'), witness: 'h9' }] }));
    expect(failure(unknown, 'bad-cosignature').message).toContain('h9');
  });

  it('a witness note with no cosignature by a cohort witness, or by a witness whose key is not known: bad-cosignature', () => {
    const bare = verifyLedger(input({ witnessNotes: [checkpointOf(f.entries)] }));
    expect(failure(bare, 'bad-cosignature').message).toContain('carries no cosignature by a cohort witness');
    const stranger = ed25519KeyPair();
    const body = checkpointBody({ origin: origin(), size: n, root: treeOf(f.entries).root() });
    const note =
      checkpointOf(f.entries) +
      cosignatureLine(cosign(body, witnessName('h9'), stranger.secretKey, T), stranger.publicKey);
    const unknown = verifyLedger(input({ witnessNotes: [note] }));
    expect(failure(unknown, 'bad-cosignature').message).toContain('any known hospital key');
    expect(unknown.cosignaturesVerified).toBe(HOSPITALS.length);
  });

  it('a checkpoint not signed by the coordinator key vouches for nothing: bad-checkpoint, and every seal is checked', () => {
    const r = verifyLedger(input({ checkpoints: [checkpointOf(f.entries, n, ed25519KeyPair().secretKey)] }));
    expect(failure(r, 'bad-checkpoint').seq).toBe(n);
    expect(r.sealsChecked).toBe(n);
    expect(failure(verifyLedger(input({ checkpoints: ['not a note'] })), 'bad-checkpoint').seq).toBeNull();
  });
});

describe('an incremental audit from a saved frontier', () => {
  it('of one new entry agrees with the full audit; an old row edited since is caught only by the full audit', () => {
    const saved = verifyLedger(
      input({ entries: f.entries.slice(0, -1), checkpoints: [checkpointOf(f.entries, n - 1)], cosignatures: [] }),
    );
    expect(saved.ok).toBe(true);
    const full = verifyLedger(input());
    const step = verifyLedger(input({ entries: f.entries.slice(-1), from: saved.checkpoint! }));
    expect(step.failures).toEqual([]);
    expect(step).toMatchObject({ ok: true, entries: 1, checkpointsVerified: 1, sealsChecked: 0 });
    expect(step.checkpoint).toEqual(full.checkpoint);
    // A new checkpoint whose root is not the saved frontier extended by the new row: caught without the old rows.
    const other = rewritten((e) => {
      if (e.seq === 2) e.at += 1;
    });
    const split = verifyLedger(
      input({ entries: f.entries.slice(-1), from: saved.checkpoint!, checkpoints: [checkpointOf(other)] }),
    );
    expect(failure(split, 'checkpoint-mismatch').seq).toBe(n);
    // An old row edited after the saved audit: the incremental audit reads no old rows and cannot see it
    // (the coordinator's new checkpoint still covers the original text); the full audit does.
    const edited = f.entries.map((e, i) => (i === 2 ? { ...e, canonical: e.canonical.replace('"h3"', '"h3 "') } : e));
    expect(edited[2]!.canonical).not.toBe(f.entries[2]!.canonical);
    expect(verifyLedger(input({ entries: edited.slice(-1), from: saved.checkpoint! })).ok).toBe(true);
    expect(verifyLedger(input({ entries: edited })).failures[0]).toMatchObject({ seq: 3 });
  });

  it('from a saved tree that is not a frontier, or not of one leaf per entry: head-mismatch, and no tree saved', () => {
    const prefix = (k: number) =>
      verifyLedger(
        input({ entries: f.entries.slice(0, k), checkpoints: [checkpointOf(f.entries, k)], cosignatures: [] }),
      ).checkpoint!;
    const saved = prefix(n - 1);
    const last = f.entries.slice(-1);
    const garbled = verifyLedger(input({ entries: last, from: { ...saved, tree: { size: n - 1, frontier: [] } } }));
    expect(failure(garbled, 'head-mismatch')).toMatchObject({ seq: n - 1 });
    expect(failure(garbled, 'head-mismatch').message).toContain('is not a frontier');
    expect(garbled.checkpoint).toBeNull();
    const shorter = verifyLedger(input({ entries: last, from: { ...saved, tree: prefix(n - 2).tree! } }));
    expect(failure(shorter, 'head-mismatch').message).toContain(`not one per entry up to ${n - 1}`);
    expect(shorter.checkpoint).toBeNull();
  });

  it('from a state saved before the tree: the new rows are checked by their seals, with a note asking for a full audit', () => {
    const saved = verifyLedger(input({ entries: f.entries.slice(0, -1), checkpoints: [], cosignatures: [] }));
    const { tree: _tree, ...old } = saved.checkpoint!;
    const r = verifyLedger(input({ entries: f.entries.slice(-1), from: old }));
    expect(r).toMatchObject({ ok: true, sealsChecked: 1, checkpointsVerified: 0 });
    expect(r.notes.join('\n')).toContain('predates the Merkle tree');
    expect(r.checkpoint!.tree).toBeUndefined();
  });
});
