/**
 * The ledger's Merkle tree (core/ledger/merkle.ts) against published RFC 6962
 * / RFC 9162 vectors (the Certificate Transparency reference tree of 8 leaves,
 * and a sigsum log's proofs as a witness checked them), then property-tested
 * against a definitional re-implementation of MTH, PATH and PROOF written here
 * from RFC 9162 §2.1 (recursion on the leaf list, no stored levels).
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  EMPTY_ROOT,
  Frontier,
  MerkleTree,
  leafHash,
  nodeHash,
  verifyConsistency,
  verifyInclusion,
  type Hash,
} from '../../../core/ledger/merkle.ts';
import { errorCode } from '../../helpers/errors.ts';
import { hex, toHex } from '../secagg/crypto-util.ts';

const b64 = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'base64'));

// ---------------------------------------------------------------------------
// Published vectors
// ---------------------------------------------------------------------------

// transparency-dev/merkle rfc6962/rfc6962_test.go (TestRFC6962Hasher).
const HASHER = {
  emptyRoot: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  emptyLeaf: '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  leafL123456: '395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56',
  nodeN123N456: 'aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb',
};

// transparency-dev/merkle proof/verify_test.go: the CT reference leaves, the
// roots of sizes 1..8, and the published inclusion and consistency proofs.
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
// The Go file numbers leaves from 1 (it verifies leaf p.leaf-1); `index` here is 0-based.
const INCLUSION = [
  {
    index: 0,
    size: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    index: 5,
    size: 8,
    proof: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  { index: 2, size: 3, proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  {
    index: 1,
    size: 5,
    proof: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
  { index: 0, size: 1, proof: [] },
];
const CONSISTENCY = [
  { oldSize: 1, newSize: 1, proof: [] },
  {
    oldSize: 1,
    newSize: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    oldSize: 6,
    newSize: 8,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  {
    oldSize: 2,
    newSize: 5,
    proof: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
  {
    oldSize: 6,
    newSize: 7,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];
// verify_test.go's stand-ins for a wrong root (sha256SomeHash) and the empty tree's root.
const SOME_HASH = hex('abacaba000000000000000000000000000000000000000000060061e00123456');

// A sigsum log's tree as a witness saw it: leaf hashes 0x2a 0x0i 00..00, the
// signed roots of sizes 1, 3 and 5 and the consistency proofs the witness
// accepted (HTTP 200) or refused (422: the last hash's final byte changed).
// FiloSottile/torchwood internal/witness/witness_test.go (TestRace) and
// FiloSottile/litetlog cmd/litewitness/testdata/litewitness.txt.
const SIGSUM_ROOTS: Record<number, string> = {
  1: 'KgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
  3: 'RcCI1Nk56ZcSmIEfIn0SleqtV7uvrlXNccFx595Iwl0=',
  5: 'QrtXrQZCCvpIgsSmOsah7HdICzMLLyDfxToMql9WTjY=',
};
const SIGSUM_CONSISTENCY = [
  {
    oldSize: 1,
    newSize: 3,
    proof: [
      '2a01000000000000000000000000000000000000000000000000000000000000',
      '2a02000000000000000000000000000000000000000000000000000000000000',
    ],
  },
  {
    oldSize: 1,
    newSize: 5,
    proof: [
      '2a01000000000000000000000000000000000000000000000000000000000000',
      'f9f50357e93def4078237b8aaea24ce1a3f5965a0f64ff26bebd99e30470d8b2',
      '2a04000000000000000000000000000000000000000000000000000000000000',
    ],
  },
  {
    oldSize: 3,
    newSize: 5,
    proof: [
      '2a02000000000000000000000000000000000000000000000000000000000000',
      '2a03000000000000000000000000000000000000000000000000000000000000',
      'c2088815d65f60dbfa594d4e96504ab169cb6084bf0c132ab7c521fd2e0eba41',
      '2a04000000000000000000000000000000000000000000000000000000000000',
    ],
  },
];
const SIGSUM_REFUSED_1_TO_3 = [
  '2a01000000000000000000000000000000000000000000000000000000000000',
  '2a02000000000000000000000000000000000000000000000000000000000001',
];

const ctLeaves = (): Hash[] => LEAVES.map((l) => leafHash(hex(l)));
const hexes = (p: readonly Hash[]): string[] => p.map(toHex);

// ---------------------------------------------------------------------------
// RFC 9162 §2.1 by definition: recursion on the leaf list, written for this test.
// ---------------------------------------------------------------------------

function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function refRoot(leaves: readonly Hash[]): Hash {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return leaves[0]!;
  const k = split(leaves.length);
  return nodeHash(refRoot(leaves.slice(0, k)), refRoot(leaves.slice(k)));
}

/** §2.1.3.1 PATH(m, D[n]). */
function refPath(m: number, leaves: readonly Hash[]): Hash[] {
  if (leaves.length <= 1) return [];
  const k = split(leaves.length);
  return m < k
    ? [...refPath(m, leaves.slice(0, k)), refRoot(leaves.slice(k))]
    : [...refPath(m - k, leaves.slice(k)), refRoot(leaves.slice(0, k))];
}

/** §2.1.4.1 SUBPROOF(m, D[n], b). */
function refSubproof(m: number, leaves: readonly Hash[], whole: boolean): Hash[] {
  const n = leaves.length;
  if (m === n) return whole ? [] : [refRoot(leaves)];
  const k = split(n);
  return m <= k
    ? [...refSubproof(m, leaves.slice(0, k), whole), refRoot(leaves.slice(k))]
    : [...refSubproof(m - k, leaves.slice(k), false), refRoot(leaves.slice(0, k))];
}

const refConsistency = (m: number, leaves: readonly Hash[]): Hash[] =>
  m === 0 || m === leaves.length ? [] : refSubproof(m, leaves, true);

const same = (a: Hash, b: Hash): boolean => Buffer.compare(a, b) === 0;

/**
 * The inverse of PATH: the root a proof implies for leaf m of a tree of n
 * leaves (null if the proof has the wrong length). An oracle for which
 * (index, size) pairs a proof can verify under.
 */
function rootFromPath(m: number, n: number, leaf: Hash, proof: readonly Hash[]): Hash | null {
  if (!(Number.isSafeInteger(n) && Number.isSafeInteger(m) && m >= 0 && m < n)) return null;
  const rec = (m: number, n: number, p: Hash[]): Hash | null => {
    if (n === 1) return p.length === 0 ? leaf : null;
    if (p.length === 0) return null;
    const k = split(n);
    const last = p.at(-1)!;
    const rest = p.slice(0, -1);
    if (m < k) {
      const l = rec(m, k, rest);
      return l && nodeHash(l, last);
    }
    const r = rec(m - k, n - k, rest);
    return r && nodeHash(last, r);
  };
  return rec(m, n, [...proof]);
}

/** The inverse of SUBPROOF: the (old, new) roots a consistency proof implies, or null. */
function rootsFromConsistency(m: number, n: number, oldRoot: Hash, proof: readonly Hash[]): [Hash, Hash] | null {
  if (!(Number.isSafeInteger(m) && Number.isSafeInteger(n) && m > 0 && m < n)) return null;
  const rec = (m: number, n: number, whole: boolean, p: Hash[]): [Hash, Hash] | null => {
    if (m === n) {
      if (whole) return p.length === 0 ? [oldRoot, oldRoot] : null;
      return p.length === 1 ? [p[0]!, p[0]!] : null;
    }
    if (p.length === 0) return null;
    const k = split(n);
    const last = p.at(-1)!;
    const rest = p.slice(0, -1);
    if (m <= k) {
      const r = rec(m, k, whole, rest);
      return r && [r[0], nodeHash(r[1], last)];
    }
    const r = rec(m - k, n - k, false, rest);
    return r && [nodeHash(last, r[0]), nodeHash(last, r[1])];
  };
  return rec(m, n, true, [...proof]);
}

function inclusionOracle(leaf: Hash, index: number, size: number, proof: readonly Hash[], root: Hash): boolean {
  const r = rootFromPath(index, size, leaf, proof);
  return r !== null && same(r, root);
}

function consistencyOracle(m: number, n: number, oldRoot: Hash, newRoot: Hash, proof: readonly Hash[]): boolean {
  if (m === n) return proof.length === 0 && same(oldRoot, newRoot);
  if (m === 0 && n > 0) return proof.length === 0;
  const r = rootsFromConsistency(m, n, oldRoot, proof);
  return r !== null && same(r[0], oldRoot) && same(r[1], newRoot);
}

/** Distinct pseudo-random leaf hashes: leafHash of the seed and position. */
const leavesOf = (n: number, seed: number): Hash[] => Array.from({ length: n }, (_, i) => leafHash(`${seed}/${i}`));

function flipByte(h: Hash, at: number, mask: number): Hash {
  const c = Uint8Array.from(h);
  c[at % c.length]! ^= mask;
  return c;
}

// ---------------------------------------------------------------------------

describe('merkle: RFC 6962 hashing (transparency-dev/merkle rfc6962_test.go)', () => {
  it('hashes the empty tree, the empty leaf, a leaf and a node as published', () => {
    expect(toHex(EMPTY_ROOT)).toBe(HASHER.emptyRoot);
    expect(toHex(leafHash(new Uint8Array(0)))).toBe(HASHER.emptyLeaf);
    expect(toHex(leafHash(''))).toBe(HASHER.emptyLeaf);
    expect(toHex(leafHash('L123456'))).toBe(HASHER.leafL123456);
    expect(toHex(leafHash(Buffer.from('L123456')))).toBe(HASHER.leafL123456);
    expect(toHex(nodeHash(Buffer.from('N123'), Buffer.from('N456')))).toBe(HASHER.nodeN123N456);
    expect(toHex(new MerkleTree().root())).toBe(HASHER.emptyRoot);
    expect(toHex(Frontier.empty().root())).toBe(HASHER.emptyRoot);
  });
});

describe('merkle: the CT reference tree (transparency-dev/merkle proof/verify_test.go)', () => {
  it('gives the published root for every size 1..8, from one tree, from prefixes and from a Frontier', () => {
    const leaves = ctLeaves();
    const full = MerkleTree.fromLeafHashes(leaves);
    const frontier = Frontier.empty();
    for (let n = 1; n <= 8; n++) {
      frontier.append(leaves[n - 1]!);
      expect(toHex(full.root(n))).toBe(ROOTS[n - 1]);
      expect(toHex(MerkleTree.fromLeafHashes(leaves.slice(0, n)).root())).toBe(ROOTS[n - 1]);
      expect(toHex(frontier.root())).toBe(ROOTS[n - 1]);
    }
    expect(full.size).toBe(8);
    expect(toHex(full.leaf(7))).toBe(toHex(leaves[7]!));
  });

  it.each(INCLUSION)('produces and verifies the published inclusion proof of leaf $index in size $size', (v) => {
    const leaves = ctLeaves();
    const tree = MerkleTree.fromLeafHashes(leaves);
    const proof = v.proof.map(hex);
    expect(hexes(tree.inclusionProof(v.index, v.size))).toEqual(v.proof);
    const root = hex(ROOTS[v.size - 1]!);
    const leaf = leaves[v.index]!;
    expect(verifyInclusion(leaf, v.index, v.size, proof, root)).toBe(true);

    // verify_test.go's corruptInclusionProof probes, each of which must fail.
    const probes: [Hash, number, number, Hash[], Hash][] = [
      [leaf, v.index - 1, v.size, proof, root],
      [leaf, v.index + 1, v.size, proof, root],
      [leaf, v.index ^ 2, v.size, proof, root],
      [leaf, v.index, v.size * 2, proof, root],
      [leaf, v.index, Math.floor(v.size / 2), proof, root],
      [leafHash('WrongLeaf'), v.index, v.size, proof, root],
      [leaf, v.index, v.size, proof, EMPTY_ROOT],
      [leaf, v.index, v.size, proof, SOME_HASH],
      [leaf, v.index, v.size, [...proof, new Uint8Array(0)], root],
      [leaf, v.index, v.size, [...proof, root], root],
      [leaf, v.index, v.size, [new Uint8Array(0), ...proof], root],
      [leaf, v.index, v.size, [root, ...proof], root],
    ];
    proof.forEach((_, i) =>
      probes.push([leaf, v.index, v.size, proof.map((p, j) => (i === j ? flipByte(p, 0, 8) : p)), root]),
    );
    if (proof.length > 0) probes.push([leaf, v.index, v.size, proof.slice(0, -1), root]);
    if (proof.length > 1) probes.push([leaf, v.index, v.size, [proof[0]!, SOME_HASH, ...proof.slice(1)], root]);
    for (const [l, i, n, p, r] of probes) expect(verifyInclusion(l, i, n, p, r), `probe ${i}/${n}`).toBe(false);
  });

  it.each(CONSISTENCY)('produces and verifies the published consistency proof $oldSize -> $newSize', (v) => {
    const tree = MerkleTree.fromLeafHashes(ctLeaves());
    const proof = v.proof.map(hex);
    expect(hexes(tree.consistencyProof(v.oldSize, v.newSize))).toEqual(v.proof);
    const r1 = hex(ROOTS[v.oldSize - 1]!);
    const r2 = hex(ROOTS[v.newSize - 1]!);
    expect(verifyConsistency(v.oldSize, v.newSize, r1, r2, proof)).toBe(true);
    if (proof.length === 0) return;

    // verify_test.go's corruptConsistencyProof probes, each of which must fail.
    const { oldSize: m, newSize: n } = v;
    const probes: [number, number, Hash, Hash, Hash[]][] = [
      [m - 1, n, r1, r2, proof],
      [m + 1, n, r1, r2, proof],
      [m ^ 2, n, r1, r2, proof],
      [m, n * 2, r1, r2, proof],
      [m, Math.floor(n / 2), r1, r2, proof],
      [m, n, SOME_HASH, r2, proof],
      [m, n, r1, SOME_HASH, proof],
      [m, n, r2, r1, proof],
      [m, n, r1, r2, []],
      [m, n, r1, r2, [...proof, new Uint8Array(0)]],
      [m, n, r1, r2, [...proof, r1]],
      [m, n, r1, r2, [...proof, r2]],
      [m, n, r1, r2, [new Uint8Array(0), ...proof]],
      [m, n, r1, r2, [r1, ...proof]],
      [m, n, r1, r2, [r2, ...proof]],
      [m, n, r1, r2, [proof[0]!, ...proof]],
      [m, n, r1, r2, proof.slice(0, -1)],
    ];
    proof.forEach((_, i) => probes.push([m, n, r1, r2, proof.map((p, j) => (i === j ? flipByte(p, 0, 16) : p))]));
    for (const [a, b, x, y, p] of probes) expect(verifyConsistency(a, b, x, y, p), `probe ${a}->${b}`).toBe(false);
  });

  it('follows verify_test.go on the degenerate sizes (equal sizes need equal roots, no going back)', () => {
    const r1 = hex(ROOTS[0]!);
    const r2 = hex(ROOTS[1]!);
    expect(verifyConsistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])).toBe(true);
    expect(verifyConsistency(0, 0, r1, r2, [])).toBe(false);
    expect(verifyConsistency(0, 0, EMPTY_ROOT, r2, [])).toBe(false);
    expect(verifyConsistency(1, 1, r1, r2, [])).toBe(false);
    expect(verifyConsistency(1, 1, r2, r2, [])).toBe(true);
    expect(verifyConsistency(1, 1, r2, r2, [EMPTY_ROOT])).toBe(false);
    expect(verifyConsistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT])).toBe(false);
    expect(verifyConsistency(0, 1, EMPTY_ROOT, r1, [EMPTY_ROOT])).toBe(false);
    expect(verifyConsistency(1, 0, r1, r2, [])).toBe(false);
    expect(verifyConsistency(2, 1, r1, r2, [])).toBe(false);
    expect(verifyConsistency(1, 2, r1, r2, [])).toBe(false);
    // An empty old tree is a prefix of every tree (cohort's choice, documented in merkle.ts).
    expect(verifyConsistency(0, 5, EMPTY_ROOT, r2, [])).toBe(true);
    // Inclusion in an empty or too small tree never verifies (TestVerifyInclusion's probes).
    for (const [i, n] of [
      [0, 0],
      [1, 0],
      [2, 1],
    ] as const) {
      expect(verifyInclusion(SOME_HASH, i, n, [], EMPTY_ROOT)).toBe(false);
      expect(verifyInclusion(SOME_HASH, i, n, [], SOME_HASH)).toBe(false);
    }
    // TestVerifyInclusionSingleEntry: a one-leaf tree's root is its leaf hash, with an empty proof.
    const h = leafHash('data');
    expect(verifyInclusion(h, 0, 1, [], h)).toBe(true);
    expect(verifyInclusion(h, 0, 1, [], new Uint8Array(0))).toBe(false);
    expect(verifyInclusion(new Uint8Array(0), 0, 1, [], h)).toBe(false);
  });
});

describe('merkle: a sigsum log checked by a witness (torchwood witness_test.go, litewitness.txt)', () => {
  const leaves = Array.from({ length: 5 }, (_, i) => hex(`2a0${i}${'0'.repeat(60)}`));

  it('gives the signed roots of sizes 1, 3 and 5 from the leaves the proofs reveal', () => {
    const tree = MerkleTree.fromLeafHashes(leaves);
    for (const [n, root] of Object.entries(SIGSUM_ROOTS)) expect(toHex(tree.root(Number(n)))).toBe(toHex(b64(root)));
  });

  it.each(SIGSUM_CONSISTENCY)('produces and verifies the accepted proof $oldSize -> $newSize', (v) => {
    const tree = MerkleTree.fromLeafHashes(leaves);
    expect(hexes(tree.consistencyProof(v.oldSize, v.newSize))).toEqual(v.proof);
    const [r1, r2] = [b64(SIGSUM_ROOTS[v.oldSize]!), b64(SIGSUM_ROOTS[v.newSize]!)];
    expect(verifyConsistency(v.oldSize, v.newSize, r1, r2, v.proof.map(hex))).toBe(true);
  });

  it('refuses the proof the witness refused', () => {
    expect(verifyConsistency(1, 3, b64(SIGSUM_ROOTS[1]!), b64(SIGSUM_ROOTS[3]!), SIGSUM_REFUSED_1_TO_3.map(hex))).toBe(
      false,
    );
  });
});

describe('merkle: properties (fast-check)', () => {
  const sizeAndSeed = fc.tuple(fc.integer({ min: 1, max: 300 }), fc.integer());

  it('every inclusion and consistency proof of a tree equals the RFC definition and verifies', () => {
    fc.assert(
      fc.property(sizeAndSeed, ([n, seed]) => {
        const leaves = leavesOf(n, seed);
        const tree = MerkleTree.fromLeafHashes(leaves);
        const root = tree.root();
        expect(toHex(root)).toBe(toHex(refRoot(leaves)));
        for (let i = 0; i < n; i++) {
          const proof = tree.inclusionProof(i);
          expect(hexes(proof)).toEqual(hexes(refPath(i, leaves)));
          expect(verifyInclusion(leaves[i]!, i, n, proof, root)).toBe(true);
        }
        for (let m = 0; m <= n; m++) {
          const proof = tree.consistencyProof(m);
          expect(hexes(proof)).toEqual(hexes(refConsistency(m, leaves)));
          expect(verifyConsistency(m, n, tree.root(m), root, proof)).toBe(true);
        }
      }),
      { numRuns: 25 },
    );
  });

  it('proofs at an older size equal the older tree’s proofs, however the tree was grown', () => {
    fc.assert(
      fc.property(sizeAndSeed, fc.nat(), fc.nat(), ([n, seed], a, b) => {
        const leaves = leavesOf(n, seed);
        // Grown one leaf at a time, asked for proofs and roots between appends.
        const grown = new MerkleTree();
        for (const [i, l] of leaves.entries()) {
          grown.append(l);
          if (i % 7 === 0) grown.inclusionProof(i);
          if (i % 5 === 0) grown.root();
        }
        const size = 1 + (a % n);
        const older = MerkleTree.fromLeafHashes(leaves.slice(0, size));
        const index = b % size;
        expect(hexes(grown.inclusionProof(index, size))).toEqual(hexes(older.inclusionProof(index)));
        expect(toHex(grown.root(size))).toBe(toHex(older.root()));
        const m = b % (size + 1);
        expect(hexes(grown.consistencyProof(m, size))).toEqual(hexes(older.consistencyProof(m)));
        expect(hexes(grown.consistencyProof(m, size))).toEqual(hexes(refConsistency(m, leaves.slice(0, size))));
      }),
      { numRuns: 100 },
    );
  });

  it('an inclusion proof fails once any byte of proof, leaf or root changes; index/size changes agree with the RFC', () => {
    fc.assert(
      fc.property(sizeAndSeed, fc.nat(), fc.nat(), fc.integer({ min: 1, max: 255 }), ([n, seed], a, at, mask) => {
        const leaves = leavesOf(n, seed);
        const tree = MerkleTree.fromLeafHashes(leaves);
        const root = tree.root();
        const i = a % n;
        const proof = tree.inclusionProof(i);
        const leaf = leaves[i]!;
        expect(verifyInclusion(flipByte(leaf, at, mask), i, n, proof, root)).toBe(false);
        expect(verifyInclusion(leaf, i, n, proof, flipByte(root, at, mask))).toBe(false);
        if (proof.length > 0) {
          const k = at % proof.length;
          const bad = proof.map((p, j) => (j === k ? flipByte(p, at >> 3, mask) : p));
          expect(verifyInclusion(leaf, i, n, bad, root)).toBe(false);
          expect(verifyInclusion(leaf, i, n, proof.slice(1), root)).toBe(false);
        }
        expect(verifyInclusion(leaf, i, n, [...proof, root], root)).toBe(false);
        // Another index never verifies: the path's left/right turns differ.
        for (const j of [i - 1, i + 1]) expect(verifyInclusion(leaf, j, n, proof, root)).toBe(false);
        // Another size verifies only where the proof has that size's shape too (RFC 9162
        // binds the size only through the proof's shape; a checkpoint binds it to the root).
        for (const s of [n - 1, n + 1])
          expect(verifyInclusion(leaf, i, s, proof, root)).toBe(inclusionOracle(leaf, i, s, proof, root));
      }),
      { numRuns: 300 },
    );
  });

  it('a consistency proof fails once any byte of proof or roots changes; size changes agree with the RFC', () => {
    fc.assert(
      fc.property(sizeAndSeed, fc.nat(), fc.nat(), fc.integer({ min: 1, max: 255 }), ([n, seed], a, at, mask) => {
        const leaves = leavesOf(n + 1, seed);
        const tree = MerkleTree.fromLeafHashes(leaves);
        const N = n + 1;
        const m = 1 + (a % n); // 1 <= m < N: a proof that is not empty
        const proof = tree.consistencyProof(m, N);
        const [r1, r2] = [tree.root(m), tree.root(N)];
        expect(proof.length).toBeGreaterThan(0);
        expect(verifyConsistency(m, N, flipByte(r1, at, mask), r2, proof)).toBe(false);
        expect(verifyConsistency(m, N, r1, flipByte(r2, at, mask), proof)).toBe(false);
        const k = at % proof.length;
        expect(
          verifyConsistency(
            m,
            N,
            r1,
            r2,
            proof.map((p, j) => (j === k ? flipByte(p, at >> 3, mask) : p)),
          ),
        ).toBe(false);
        expect(verifyConsistency(m, N, r1, r2, proof.slice(0, -1))).toBe(false);
        expect(verifyConsistency(m, N, r1, r2, [...proof, r2])).toBe(false);
        expect(verifyConsistency(m, N, r2, r1, proof)).toBe(false);
        for (const [x, y] of [
          [m - 1, N],
          [m + 1, N],
          [m, N - 1],
          [m, N + 1],
        ] as const)
          expect(verifyConsistency(x, y, r1, r2, proof), `${x}->${y}`).toBe(consistencyOracle(x, y, r1, r2, proof));
      }),
      { numRuns: 300 },
    );
  });

  it('the verifiers agree with the RFC definition on arbitrary hashes and sizes', () => {
    const hash = fc.uint8Array({ minLength: 32, maxLength: 32 });
    fc.assert(
      fc.property(
        // Small sizes, 0 and 1 above all, are where the degenerate cases hide.
        fc.oneof(fc.integer({ min: -2, max: 40 }), fc.constantFrom(0, 1, 2)),
        fc.oneof(fc.integer({ min: -2, max: 40 }), fc.constantFrom(0, 1, 2)),
        hash,
        hash,
        fc.array(hash, { maxLength: 8 }),
        (x, y, h1, h2, proof) => {
          expect(verifyInclusion(h1, x, y, proof, h2)).toBe(inclusionOracle(h1, x, y, proof, h2));
          const oracle = x >= 0 && x <= y ? consistencyOracle(x, y, h1, h2, proof) : false;
          expect(verifyConsistency(x, y, h1, h2, proof)).toBe(oracle);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('truncate(s) leaves the tree of the first s leaves, which grows again like a fresh one', () => {
    fc.assert(
      fc.property(sizeAndSeed, fc.nat(), ([n, seed], cut) => {
        const leaves = leavesOf(n, seed);
        const other = leavesOf(n, seed + 1);
        const s = cut % (n + 1);
        const tree = MerkleTree.fromLeafHashes(leaves);
        tree.truncate(s);
        expect(tree.size).toBe(s);
        // Re-grown with other leaves after the cut: no stale subtree of the old ones may remain.
        const regrown = [...leaves.slice(0, s), ...other.slice(s)];
        for (const l of other.slice(s)) tree.append(l);
        const fresh = MerkleTree.fromLeafHashes(regrown);
        expect(toHex(tree.root())).toBe(toHex(fresh.root()));
        for (let i = 0; i < n; i += 1 + (i >> 2))
          expect(hexes(tree.inclusionProof(i))).toEqual(hexes(refPath(i, regrown)));
        for (let m = 0; m <= n; m += 1 + (m >> 2))
          expect(hexes(tree.consistencyProof(m))).toEqual(hexes(fresh.consistencyProof(m)));
      }),
      { numRuns: 100 },
    );
    expect(errorCode(() => MerkleTree.fromLeafHashes(leavesOf(3, 0)).truncate(4))).toBe('E_LEDGER_PROOF');
  });

  it('Frontier.append gives MerkleTree’s root at every size, and restore(size, hashes()) round-trips', () => {
    fc.assert(
      fc.property(sizeAndSeed, fc.nat(), ([n, seed], cut) => {
        const leaves = leavesOf(n, seed);
        const tree = MerkleTree.fromLeafHashes(leaves);
        let f = Frontier.empty();
        const at = cut % (n + 1);
        for (let i = 0; i < n; i++) {
          if (i === at) {
            const saved = { size: f.size, hashes: f.hashes().map((h) => Buffer.from(h).toString('base64')) };
            f = Frontier.restore(saved.size, saved.hashes.map(b64));
          }
          f.append(leaves[i]!);
          expect(f.size).toBe(i + 1);
          expect(toHex(f.root())).toBe(toHex(tree.root(i + 1)));
          expect(f.hashes().length).toBe((i + 1).toString(2).replaceAll('0', '').length);
        }
        const again = Frontier.restore(f.size, f.hashes());
        expect(toHex(again.root())).toBe(toHex(f.root()));
        expect(hexes(again.hashes())).toEqual(hexes(f.hashes()));
      }),
      { numRuns: 60 },
    );
  });
});

describe('merkle: garbage and misuse', () => {
  const h = leafHash('x');
  const garbageArrays: unknown[] = [
    null,
    undefined,
    'proof',
    5,
    {},
    { length: 1, 0: h },
    [null],
    [h, 'x'],
    [new Uint8Array(31)],
    [new Uint8Array(33)],
    [[...h]],
  ];
  const garbageHashes: unknown[] = [
    null,
    undefined,
    'x'.repeat(32),
    [...h],
    new Uint8Array(31),
    new Uint8Array(33),
    h.buffer,
    {},
  ];
  const badNumbers: unknown[] = [-1, -0.5, 0.5, 1.5, NaN, Infinity, -Infinity, 2 ** 53, '1', null, undefined, 1n];

  it('verifyInclusion and verifyConsistency return false, never throw, on garbage of any type', () => {
    const tree = MerkleTree.fromLeafHashes(leavesOf(5, 1));
    const leaf = tree.leaf(1);
    const root = tree.root();
    const proof = tree.inclusionProof(1);
    const cproof = tree.consistencyProof(3);
    const r3 = tree.root(3);
    const call = (f: () => boolean): boolean => {
      try {
        return f();
      } catch (e) {
        throw new Error(`threw ${String(e)}`, { cause: e });
      }
    };
    for (const g of garbageArrays) {
      expect(call(() => verifyInclusion(leaf, 1, 5, g as Hash[], root))).toBe(false);
      expect(call(() => verifyConsistency(3, 5, r3, root, g as Hash[]))).toBe(false);
    }
    for (const g of garbageHashes) {
      expect(call(() => verifyInclusion(g as Hash, 1, 5, proof, root))).toBe(false);
      expect(call(() => verifyInclusion(leaf, 1, 5, proof, g as Hash))).toBe(false);
      expect(call(() => verifyConsistency(3, 5, g as Hash, root, cproof))).toBe(false);
      expect(call(() => verifyConsistency(3, 5, r3, g as Hash, cproof))).toBe(false);
      expect(call(() => verifyConsistency(0, 0, g as Hash, g as Hash, []))).toBe(false);
    }
    for (const g of badNumbers) {
      expect(call(() => verifyInclusion(leaf, g as number, 5, proof, root))).toBe(false);
      expect(call(() => verifyInclusion(leaf, 1, g as number, proof, root))).toBe(false);
      expect(call(() => verifyConsistency(g as number, 5, r3, root, cproof))).toBe(false);
      expect(call(() => verifyConsistency(3, g as number, r3, root, cproof))).toBe(false);
    }
    // A proof far longer than any tree's height is simply invalid.
    expect(call(() => verifyInclusion(leaf, 1, 5, Array(10_000).fill(h), root))).toBe(false);
    expect(call(() => verifyConsistency(3, 5, r3, root, Array(10_000).fill(h)))).toBe(false);
    expect(call(() => verifyInclusion(leaf, 2 ** 52, 2 ** 53 - 1, proof, root))).toBe(false);
  });

  it('MerkleTree and Frontier refuse bad leaves, indices and sizes with E_LEDGER_PROOF', () => {
    const tree = MerkleTree.fromLeafHashes(leavesOf(5, 2));
    for (const g of garbageHashes) {
      expect(errorCode(() => tree.append(g as Hash))).toBe('E_LEDGER_PROOF');
      expect(errorCode(() => Frontier.empty().append(g as Hash))).toBe('E_LEDGER_PROOF');
    }
    expect(tree.size).toBe(5);
    for (const i of [-1, 5, 1.5, NaN]) {
      expect(errorCode(() => tree.leaf(i))).toBe('E_LEDGER_PROOF');
      expect(errorCode(() => tree.inclusionProof(i))).toBe('E_LEDGER_PROOF');
    }
    expect(errorCode(() => tree.inclusionProof(3, 3))).toBe('E_LEDGER_PROOF');
    expect(errorCode(() => tree.inclusionProof(0, 6))).toBe('E_LEDGER_PROOF');
    expect(errorCode(() => tree.inclusionProof(0, 0))).toBe('E_LEDGER_PROOF');
    for (const s of [-1, 6, 2.5, NaN, Infinity]) expect(errorCode(() => tree.root(s))).toBe('E_LEDGER_PROOF');
    expect(errorCode(() => tree.consistencyProof(4, 3))).toBe('E_LEDGER_PROOF');
    expect(errorCode(() => tree.consistencyProof(-1))).toBe('E_LEDGER_PROOF');
    expect(errorCode(() => tree.consistencyProof(1, 6))).toBe('E_LEDGER_PROOF');
    expect(errorCode(() => Frontier.restore(3, [h]))).toBe('E_LEDGER_PROOF');
    expect(errorCode(() => Frontier.restore(3, [h, h, h]))).toBe('E_LEDGER_PROOF');
    expect(errorCode(() => Frontier.restore(1, [new Uint8Array(31)]))).toBe('E_LEDGER_PROOF');
    expect(errorCode(() => Frontier.restore(-1, []))).toBe('E_LEDGER_PROOF');
    expect(errorCode(() => Frontier.restore(1.5, [h]))).toBe('E_LEDGER_PROOF');
    expect(Frontier.restore(0, []).root()).toEqual(EMPTY_ROOT);
  });
});
