/**
 * core/ledger/verify-proof.ts: a third party's check of a proof file
 * (`cohort ledger check-proof`). An honest inclusion or consistency proof
 * verifies under the coordinator's key; each way a forger could bend one
 * (another key, a checkpoint of another size, a text that is not the leaf, a
 * leaf claimed at another position, a proof that misses the root, an old
 * checkpoint naming another root) is refused with its own reason.
 */
import { describe, expect, it } from 'vitest';
import { logOrigin, signCheckpoint } from '../../../core/ledger/checkpoint.ts';
import { ledgerPublicKey } from '../../../core/ledger/ed25519.ts';
import { MerkleTree, leafHash } from '../../../core/ledger/merkle.ts';
import { checkLedgerProof, ledgerProofSchema, type LedgerProof } from '../../../core/ledger/verify-proof.ts';

const secretKey = new Uint8Array(32).fill(5);
const publicKey = ledgerPublicKey(secretKey);
const keyHex = Buffer.from(publicKey).toString('hex');
const origin = logOrigin(publicKey);
const texts = Array.from({ length: 11 }, (_, i) => `{"seq":${i + 1}}`);
const tree = MerkleTree.fromLeafHashes(texts.map((t) => leafHash(t)));
const b64 = (h: Uint8Array) => Buffer.from(h).toString('base64');
const note = (size: number, secret = secretKey) =>
  signCheckpoint({ origin, size, root: tree.root(size) }, secret, publicKey);

function inclusion(seq: number, size = tree.size): LedgerProof {
  return ledgerProofSchema.parse({
    kind: 'inclusion',
    coordinatorKey: keyHex,
    seq,
    index: seq - 1,
    size,
    leaf: b64(tree.leaf(seq - 1)),
    canonical: texts[seq - 1],
    proof: tree.inclusionProof(seq - 1, size).map(b64),
    checkpoint: note(size),
  });
}

function consistency(from: number, size = tree.size): LedgerProof {
  return ledgerProofSchema.parse({
    kind: 'consistency',
    coordinatorKey: keyHex,
    from,
    size,
    fromRoot: b64(tree.root(from)),
    fromCheckpoint: note(from),
    proof: tree.consistencyProof(from, size).map(b64),
    checkpoint: note(size),
  });
}

const reason = (p: LedgerProof) => {
  const r = checkLedgerProof(p, publicKey);
  expect(r.ok).toBe(false);
  return r.message;
};

describe('checkLedgerProof: an inclusion proof', () => {
  it('verifies for every entry at every size, under the coordinator key only', () => {
    for (let size = 1; size <= tree.size; size++)
      for (let seq = 1; seq <= size; seq++)
        expect(checkLedgerProof(inclusion(seq, size), publicKey)).toMatchObject({ ok: true, size });
    expect(checkLedgerProof(inclusion(3), ledgerPublicKey(new Uint8Array(32).fill(6))).ok).toBe(false);
  });

  it('refuses a checkpoint of another size, a text that is not the leaf, another position, a proof off the root', () => {
    const p = inclusion(4) as Extract<LedgerProof, { kind: 'inclusion' }>;
    expect(reason({ ...p, checkpoint: note(9) })).toContain('its checkpoint of size 9');
    expect(reason({ ...p, checkpoint: note(tree.size, new Uint8Array(32).fill(7)) })).toContain('not signed');
    expect(reason({ ...p, canonical: texts[4]! })).toContain('not the leaf hash of the entry text');
    expect(reason({ ...p, index: 4 })).toContain('entry 4 is leaf 3, not 4');
    // The same leaf and path claimed for the next entry: the path leads elsewhere.
    expect(reason({ ...p, seq: 5, index: 4 })).toContain('does not reach');
    expect(reason({ ...p, proof: p.proof.slice(1) })).toContain('does not reach');
  });
});

describe('checkLedgerProof: a consistency proof', () => {
  it('verifies from every older size, under the coordinator key', () => {
    for (let from = 0; from <= tree.size; from++)
      expect(checkLedgerProof(consistency(from), publicKey)).toMatchObject({ ok: true, size: tree.size });
  });

  it('refuses another old root, an old checkpoint of another size or root, and a proof that does not verify', () => {
    const p = consistency(6) as Extract<LedgerProof, { kind: 'consistency' }>;
    expect(reason({ ...p, fromRoot: b64(tree.root(5)), fromCheckpoint: undefined })).toContain('does not verify');
    expect(reason({ ...p, fromRoot: b64(tree.root(5)) })).toContain('names another root');
    expect(reason({ ...p, fromCheckpoint: note(5) })).toContain('names another root');
    expect(reason({ ...p, fromCheckpoint: note(6, new Uint8Array(32).fill(7)) })).toContain('not signed');
    expect(reason({ ...p, proof: [...p.proof].reverse() })).toContain('does not verify');
    expect(reason({ ...p, checkpoint: note(10) })).toContain('its checkpoint of size 10');
  });
});
