/**
 * treeRoots (the tree's hashing in this thread, or spread over a LedgerPool) against
 * core/ledger/merkle.ts MerkleTree, whose roots are checked against RFC
 * 9162's reference vectors: equal at every size asked, whether the size
 * ends on a chunk boundary, inside the ragged right edge, or before the
 * first chunk; subtreeRoots refuses misaligned input with a typed error.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { CohortError } from '../../core/errors.ts';
import { MerkleTree, leafHash } from '../../core/ledger/merkle.ts';
import { LedgerPool } from '../../edge/ledger-pool.ts';
import { subtreeRoots } from '../../edge/ledger-tasks.ts';
import { chunkSize, treeRoots } from '../../edge/ledger-tree.ts';

let pool: LedgerPool;
beforeAll(() => {
  pool = new LedgerPool({ workers: 2 });
});
afterAll(() => pool.close());

const hex = (h: Uint8Array) => Buffer.from(h).toString('hex');

describe('treeRoots', () => {
  it('gives MerkleTree’s root at every size asked, on a pool and in this thread', async () => {
    const leaves = Array.from({ length: 9000 }, (_, i) => leafHash(`entry ${i}`));
    const tree = MerkleTree.fromLeafHashes(leaves);
    expect(chunkSize(leaves.length, 2)).toBe(2048);
    const sizes = [9000, 8999, 8192, 6145, 4096, 2048, 2047, 1000, 1];
    for (const p of [pool, undefined]) {
      const roots = await treeRoots(leaves, sizes, p);
      for (const s of sizes) expect([s, hex(roots.get(s)!)]).toEqual([s, hex(tree.root(s))]);
    }
  });

  it('a ledger smaller than one chunk is hashed here alone', async () => {
    const leaves = Array.from({ length: 5 }, (_, i) => leafHash(`entry ${i}`));
    const roots = await treeRoots(leaves, [5, 3], pool);
    expect(hex(roots.get(3)!)).toBe(hex(MerkleTree.fromLeafHashes(leaves).root(3)));
    expect(hex(roots.get(5)!)).toBe(hex(MerkleTree.fromLeafHashes(leaves).root(5)));
  });

  it('a size out of range is E_LEDGER_PROOF', async () => {
    const leaves = [leafHash('a')];
    await expect(treeRoots(leaves, [2], pool)).rejects.toMatchObject({ code: 'E_LEDGER_PROOF' });
  });
});

describe('subtreeRoots', () => {
  it('hashes each aligned subtree as MerkleTree does, and refuses misaligned ones', () => {
    const leaves = Array.from({ length: 16 }, (_, i) => leafHash(`entry ${i}`));
    const packed = new Uint8Array(16 * 32);
    leaves.forEach((l, i) => packed.set(l, i * 32));
    const out = subtreeRoots({ leaves: packed, starts: [0, 8], size: 8 });
    expect(hex(out.subarray(32, 64))).toBe(hex(MerkleTree.fromLeafHashes(leaves.slice(8)).root()));
    const bad = (starts: number[], size: number) => () => subtreeRoots({ leaves: packed, starts, size });
    for (const f of [bad([4], 8), bad([0], 6), bad([16], 8)]) expect(f).toThrow(CohortError);
  });
});
