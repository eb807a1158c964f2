/**
 * core/ledger/proofs.ts: the `ledger.prove` reply is built from the tree and
 * its signed checkpoint, every proof in it verifies (RFC 9162 §2.1.3.2,
 * §2.1.4.2), its schema bounds every list, and a request out of range is
 * refused with E_LEDGER_PROOF. Also MerkleTree.truncate, which the
 * coordinator uses to drop a rolled-back append from its tree.
 */
import { describe, expect, it } from 'vitest';
import { logOrigin, openCheckpoint, signCheckpoint } from '../../../core/ledger/checkpoint.ts';
import { ledgerPublicKey } from '../../../core/ledger/ed25519.ts';
import { MerkleTree, leafHash, verifyConsistency, verifyInclusion } from '../../../core/ledger/merkle.ts';
import {
  LEDGER_PROVE_SEQS,
  MAX_PROOF_COSIGNATURES,
  MAX_PROOF_HASHES,
  ledgerProofReplySchema,
  proveReply,
} from '../../../core/ledger/proofs.ts';
import { CohortError } from '../../../core/errors.ts';

const secretKey = new Uint8Array(32).fill(3);
const publicKey = ledgerPublicKey(secretKey);
const keyHex = Buffer.from(publicKey).toString('hex');
const origin = logOrigin(publicKey);
const leaves = (n: number) => Array.from({ length: n }, (_, i) => leafHash(`entry ${i + 1}`));
const b = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

function signed(tree: MerkleTree, size = tree.size): string {
  return signCheckpoint({ origin, size, root: tree.root(size) }, secretKey, publicKey);
}

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return e instanceof CohortError ? e.code : String(e);
  }
  return 'none';
}

describe('proveReply', () => {
  it('gives a consistency proof from the asked size and inclusion proofs at the checkpoint, all verifying', () => {
    const tree = MerkleTree.fromLeafHashes(leaves(37));
    const note = signed(tree);
    for (const from of [0, 1, 8, 20, 37]) {
      const reply = ledgerProofReplySchema.parse(proveReply(tree, note, keyHex, from, [1, 16, 37]));
      const cp = openCheckpoint(reply.checkpoint, origin, publicKey)!;
      expect(cp.size).toBe(37);
      const old = tree.root(from);
      expect(verifyConsistency(from, cp.size, old, cp.root, reply.consistency.map(b))).toBe(true);
      // Against another old root it fails: the proof is about this prefix.
      if (from > 0 && from < 37)
        expect(verifyConsistency(from, cp.size, tree.root(from - 1), cp.root, reply.consistency.map(b))).toBe(false);
      expect(reply.inclusion.map((i) => i.seq)).toEqual([1, 16, 37]);
      for (const { seq, proof } of reply.inclusion)
        expect(verifyInclusion(tree.leaf(seq - 1), seq - 1, cp.size, proof.map(b), cp.root)).toBe(true);
    }
  });

  it("proves at the checkpoint's size when the tree has grown past it", () => {
    const tree = MerkleTree.fromLeafHashes(leaves(10));
    const note = signed(tree, 6);
    const reply = proveReply(tree, note, keyHex, 2, [6]);
    expect(verifyConsistency(2, 6, tree.root(2), tree.root(6), reply.consistency.map(b))).toBe(true);
    expect(verifyInclusion(tree.leaf(5), 5, 6, reply.inclusion[0]!.proof.map(b), tree.root(6))).toBe(true);
    expect(codeOf(() => proveReply(tree, note, keyHex, 0, [7]))).toBe('E_LEDGER_PROOF');
  });

  it("carries the witnesses' cosignatures the checkpoint covers, at most MAX_PROOF_COSIGNATURES, as the schema reads them", () => {
    const tree = MerkleTree.fromLeafHashes(leaves(5));
    const sig = new Uint8Array(64).map((_, i) => i * 7);
    const cosig = (witness: string, size: number) => ({ witness, size, timestamp: 1_800_000_000, signature: sig });
    const reply = ledgerProofReplySchema.parse(
      proveReply(tree, signed(tree, 4), keyHex, 0, [], [cosig('h1', 4), cosig('h2', 2), cosig('h3', 5)]),
    );
    // h3's size is past the checkpoint: not sent.
    expect(reply.cosignatures!.map((c) => [c.witness, c.size])).toEqual([
      ['h1', 4],
      ['h2', 2],
    ]);
    expect(b(reply.cosignatures![0]!.signature)).toEqual(sig);
    const many = Array.from({ length: MAX_PROOF_COSIGNATURES + 1 }, (_, i) => cosig(`h${i}`, 1));
    const capped = proveReply(tree, signed(tree), keyHex, 0, [], many);
    expect(capped.cosignatures).toHaveLength(MAX_PROOF_COSIGNATURES);
    expect(
      ledgerProofReplySchema.safeParse({ ...capped, cosignatures: [...capped.cosignatures!, capped.cosignatures![0]] })
        .success,
    ).toBe(false);
    // Witnesses of an older coordinator get no such field.
    const { cosignatures: _, ...older } = capped;
    expect(ledgerProofReplySchema.safeParse(older).success).toBe(true);
  });

  it('refuses with E_LEDGER_PROOF a size above the checkpoint, an entry outside 1..size, or too many entries', () => {
    const tree = MerkleTree.fromLeafHashes(leaves(5));
    const note = signed(tree);
    expect(codeOf(() => proveReply(tree, note, keyHex, 6, []))).toBe('E_LEDGER_PROOF');
    expect(codeOf(() => proveReply(tree, note, keyHex, -1, []))).toBe('E_LEDGER_PROOF');
    expect(codeOf(() => proveReply(tree, note, keyHex, 0, [0]))).toBe('E_LEDGER_PROOF');
    expect(codeOf(() => proveReply(tree, note, keyHex, 0, [6]))).toBe('E_LEDGER_PROOF');
    expect(codeOf(() => proveReply(tree, note, keyHex, 0, [1.5]))).toBe('E_LEDGER_PROOF');
    const many = Array.from({ length: LEDGER_PROVE_SEQS + 1 }, () => 1);
    expect(codeOf(() => proveReply(tree, note, keyHex, 0, many))).toBe('E_LEDGER_PROOF');
    expect(proveReply(tree, note, keyHex, 0, many.slice(1)).inclusion).toHaveLength(LEDGER_PROVE_SEQS);
  });

  it('has a schema that bounds every list and takes only 32-byte base64 hashes', () => {
    const tree = MerkleTree.fromLeafHashes(leaves(4));
    const good = proveReply(tree, signed(tree), keyHex, 1, [2]);
    expect(ledgerProofReplySchema.safeParse(good).success).toBe(true);
    const hash = good.consistency[0]!;
    const bad = [
      { ...good, consistency: Array(MAX_PROOF_HASHES + 1).fill(hash) },
      { ...good, inclusion: Array(LEDGER_PROVE_SEQS + 1).fill(good.inclusion[0]) },
      { ...good, inclusion: [{ seq: 2, proof: Array(MAX_PROOF_HASHES + 1).fill(hash) }] },
      { ...good, consistency: [Buffer.alloc(31).toString('base64')] },
      { ...good, consistency: [hash.slice(0, -2) + 'B='] },
      { ...good, inclusion: [{ seq: 0, proof: [] }] },
      { ...good, extra: 1 },
      { ...good, coordinatorKey: 'AB'.repeat(32) },
    ];
    for (const r of bad) expect(ledgerProofReplySchema.safeParse(r).success).toBe(false);
  });
});

describe('MerkleTree.truncate', () => {
  it('leaves the tree a tree of the first leaves: same roots and proofs, and appends extend it as new', () => {
    for (const [n, to] of [
      [13, 8],
      [13, 7],
      [16, 1],
      [5, 0],
      [9, 9],
    ] as const) {
      const tree = MerkleTree.fromLeafHashes(leaves(n));
      tree.truncate(to);
      const fresh = MerkleTree.fromLeafHashes(leaves(to));
      expect(tree.size).toBe(to);
      expect(tree.root()).toEqual(fresh.root());
      const other = leafHash('another');
      tree.append(other);
      fresh.append(other);
      expect(tree.root()).toEqual(fresh.root());
      expect(tree.inclusionProof(to)).toEqual(fresh.inclusionProof(to));
      if (to > 0) expect(tree.consistencyProof(to)).toEqual(fresh.consistencyProof(to));
    }
    expect(codeOf(() => MerkleTree.fromLeafHashes(leaves(3)).truncate(4))).toBe('E_LEDGER_PROOF');
  });
});
