/**
 * The ledger's Merkle tree roots (RFC 9162) at a few sizes, what a full
 * structural audit needs: ~n interior nodes hashed (about 0.8 µs each with
 * node:crypto, so ~80 ms for 10^5 entries), written into one scratch and one
 * level buffer rather than a new array per node as core/ledger/merkle.ts
 * MerkleTree does (it keeps every node for proofs, at about twice the cost),
 * and spread over a LedgerPool's threads when one is given.
 *
 * RFC 9162's MTH splits a range at the largest power of two below its size,
 * so in a tree over n leaves every split above `chunk` leaves (a power of
 * two) falls on a multiple of `chunk`: the complete, aligned subtrees of
 * `chunk` leaves are independent. The threads hash those (read from one
 * SharedArrayBuffer) while this thread hashes the rest: the ragged right
 * edge, under `chunk` leaves. The roots then combine as MTH does, so they
 * are the roots core/ledger/merkle.ts MerkleTree computes.
 */
import { CohortError } from '../core/errors.ts';
import { HASH_BYTES, MerkleTree, nodeHash, type Hash } from '../core/ledger/merkle.ts';
import type { LedgerPool } from './ledger-pool.ts';
import { subtreeRoots } from './ledger-tasks.ts';

/** The largest power of two strictly below n (n >= 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** A power of two giving each thread two chunks or more (dealt round-robin), at least 1,024 leaves. */
export function chunkSize(leaves: number, workers: number): number {
  let c = 1024;
  while (c * 2 * workers * 2 <= leaves) c *= 2;
  return c;
}

/**
 * The tree's root at each of `sizes` (each 1 to leaves.length), keyed by
 * size. `leaves` are the stored leaf hashes in tree order. Without a pool
 * every chunk is hashed in this thread.
 */
export async function treeRoots(
  leaves: readonly Hash[],
  sizes: readonly number[],
  pool?: LedgerPool,
): Promise<Map<number, Hash>> {
  const n = leaves.length;
  for (const s of sizes)
    if (!Number.isSafeInteger(s) || s < 1 || s > n)
      throw new CohortError('E_LEDGER_PROOF', `tree size ${s} is out of range (1 to ${n})`);
  const workers = pool?.workers ?? 1;
  const chunk = chunkSize(n, workers);
  const full = Math.floor(n / chunk);
  const bytes = full * chunk * HASH_BYTES;
  // Shared with the threads (each reads the same copy); a plain buffer when this thread hashes alone.
  const packed = pool ? new Uint8Array(new SharedArrayBuffer(bytes)) : new Uint8Array(bytes);
  for (let i = 0; i < full * chunk; i++) packed.set(leaves[i]!, i * HASH_BYTES);
  const deal = Array.from({ length: Math.min(workers, full) }, (_, w) =>
    Array.from({ length: Math.ceil((full - w) / workers) }, (_, j) => (w + j * workers) * chunk),
  );
  const hashChunks = (starts: number[]) =>
    pool
      ? pool.run('subtrees', { leaves: packed, starts, size: chunk })
      : subtreeRoots({ leaves: packed, starts, size: chunk });
  const running = deal.map(hashChunks);
  // Meanwhile, here: the partial chunks the sizes end in (the right edge), each a small tree of its own.
  const partial = new Map<number, MerkleTree>();
  for (const s of sizes) {
    const start = Math.floor(s / chunk) * chunk;
    if (s > start && !partial.has(start))
      partial.set(start, MerkleTree.fromLeafHashes(leaves.slice(start, Math.min(start + chunk, n))));
  }
  const chunks: Hash[] = [];
  (await Promise.all(running)).forEach((roots, w) =>
    deal[w]!.forEach((start, j) => (chunks[start / chunk] = roots.subarray(j * HASH_BYTES, (j + 1) * HASH_BYTES))),
  );
  const mth = (start: number, size: number): Hash => {
    if (size === chunk && start % chunk === 0) return chunks[start / chunk]!;
    if (size < chunk) return partial.get(start)!.root(size);
    const k = splitPoint(size);
    return nodeHash(mth(start, k), mth(start + k, size - k));
  };
  return new Map(sizes.map((s) => [s, mth(0, s)]));
}
