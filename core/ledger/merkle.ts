/**
 * The ledger's Merkle tree, hashed as RFC 9162 §2.1 (Certificate
 * Transparency v2) hashes it: a leaf is SHA-256(0x00 || data), an interior
 * node SHA-256(0x01 || left || right), and a tree of n leaves splits at the
 * largest power of two below n. A leaf's data is the UTF-8 bytes of one
 * ledger entry's canonical JSON, so the tree commits to every entry's text
 * and to its position.
 *
 * MerkleTree keeps every complete subtree's hash (about 2n hashes), so a
 * root, an inclusion proof (§2.1.3) or a consistency proof (§2.1.4) for any
 * size up to the tree's costs O(log n) hashes. verifyInclusion and
 * verifyConsistency are §2.1.3.2 and §2.1.4.2 step by step; they never
 * throw: a malformed proof is simply not valid. Frontier is the tree's right
 * edge alone (at most log2 n hashes), what an auditor keeps between two
 * incremental audits.
 */
import { hash as nodeCryptoHash } from 'node:crypto';
import { CohortError } from '../errors.ts';

export type Hash = Uint8Array;
export const HASH_BYTES = 32;

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

function sha256(...parts: Uint8Array[]): Hash {
  return nodeCryptoHash('sha256', Buffer.concat(parts), 'buffer');
}

/** RFC 9162 MTH of the empty list: SHA-256 of no bytes. */
export const EMPTY_ROOT: Hash = sha256();

/** SHA-256(0x00 || data); a string is hashed as its UTF-8 bytes. */
export function leafHash(data: Uint8Array | string): Hash {
  return sha256(LEAF_PREFIX, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
}

/** One node's input, reused: node hashing is most of an audit's tree work, and a fresh buffer per node costs ~30%. */
const NODE_INPUT = Buffer.alloc(1 + 2 * HASH_BYTES, 0x01);

/** SHA-256(0x01 || left || right). */
export function nodeHash(left: Hash, right: Hash): Hash {
  if (left.length !== HASH_BYTES || right.length !== HASH_BYTES) return sha256(NODE_PREFIX, left, right);
  NODE_INPUT.set(left, 1);
  NODE_INPUT.set(right, 1 + HASH_BYTES);
  return nodeCryptoHash('sha256', NODE_INPUT, 'buffer');
}

/** The largest power of two strictly below n (n >= 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isHash(h: unknown): h is Hash {
  return h instanceof Uint8Array && h.length === HASH_BYTES;
}

function sameHash(a: Hash, b: Hash): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

function badSize(what: string, value: number, limit: number): CohortError {
  return new CohortError('E_LEDGER_PROOF', `${what} ${value} is out of range (0 to ${limit})`);
}

export class MerkleTree {
  /** levels[k][i]: the hash of the complete subtree of 2^k leaves starting at leaf i * 2^k. */
  private readonly levels: Hash[][] = [[]];

  /** A tree over these leaf hashes, in order. */
  static fromLeafHashes(leaves: readonly Hash[]): MerkleTree {
    const t = new MerkleTree();
    for (const l of leaves) t.append(l);
    return t;
  }

  get size(): number {
    return this.levels[0]!.length;
  }

  /** Appends one leaf hash (amortised O(1) hashes: the complete subtrees it closes). */
  append(leaf: Hash): void {
    if (!isHash(leaf)) throw new CohortError('E_LEDGER_PROOF', `a leaf hash is ${HASH_BYTES} bytes`);
    this.levels[0]!.push(leaf);
    let index = this.size - 1;
    for (let k = 0; index % 2 === 1; k++) {
      const level = this.levels[k]!;
      const parent = nodeHash(level[index - 1]!, level[index]!);
      (this.levels[k + 1] ??= []).push(parent);
      index = (index - 1) / 2;
    }
  }

  /**
   * Drops the leaves from `size` on (what a rolled-back append leaves behind
   * in memory): every complete subtree that ends past them goes too.
   */
  truncate(size: number): void {
    this.checkSize('tree size', size);
    for (let k = 0; k < this.levels.length; k++) this.levels[k]!.length = Math.floor(size / 2 ** k);
  }

  leaf(index: number): Hash {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.size)
      throw badSize('leaf index', index, this.size - 1);
    return this.levels[0]![index]!;
  }

  /** RFC 9162 MTH of the first `size` leaves (default: all). */
  root(size = this.size): Hash {
    this.checkSize('tree size', size);
    return size === 0 ? EMPTY_ROOT : this.rangeHash(0, size);
  }

  /** RFC 9162 §2.1.3.1 PATH(index, D[0:size]): the audit path of leaf `index`, from the leaf up. */
  inclusionProof(index: number, size = this.size): Hash[] {
    this.checkSize('tree size', size);
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) throw badSize('leaf index', index, size - 1);
    const proof: Hash[] = [];
    this.path(index, 0, size, proof);
    return proof;
  }

  /** RFC 9162 §2.1.4.1 PROOF(oldSize, D[0:newSize]): what shows the first `oldSize` leaves are a prefix. */
  consistencyProof(oldSize: number, newSize = this.size): Hash[] {
    this.checkSize('tree size', newSize);
    if (!Number.isSafeInteger(oldSize) || oldSize < 0 || oldSize > newSize) throw badSize('old size', oldSize, newSize);
    const proof: Hash[] = [];
    if (oldSize > 0 && oldSize < newSize) this.subproof(oldSize, 0, newSize, true, proof);
    return proof;
  }

  private checkSize(what: string, size: number): void {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.size) throw badSize(what, size, this.size);
  }

  /** MTH(D[start:start+n]) for a range the RFC's recursion produces (start is a multiple of the split above it). */
  private rangeHash(start: number, n: number): Hash {
    // A complete, aligned subtree is stored; anything else splits as MTH does.
    if ((n & (n - 1)) === 0 && start % n === 0) return this.levels[Math.log2(n)]![start / n]!;
    const k = splitPoint(n);
    return nodeHash(this.rangeHash(start, k), this.rangeHash(start + k, n - k));
  }

  private path(m: number, start: number, n: number, out: Hash[]): void {
    if (n === 1) return;
    const k = splitPoint(n);
    if (m < k) {
      this.path(m, start, k, out);
      out.push(this.rangeHash(start + k, n - k));
    } else {
      this.path(m - k, start + k, n - k, out);
      out.push(this.rangeHash(start, k));
    }
  }

  private subproof(m: number, start: number, n: number, whole: boolean, out: Hash[]): void {
    if (m === n) {
      if (!whole) out.push(this.rangeHash(start, n));
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      this.subproof(m, start, k, whole, out);
      out.push(this.rangeHash(start + k, n - k));
    } else {
      this.subproof(m - k, start + k, n - k, false, out);
      out.push(this.rangeHash(start, k));
    }
  }
}

/**
 * RFC 9162 §2.1.3.2: whether `proof` shows `leaf` (a leaf hash) at `index`
 * in the tree of `size` leaves whose root is `root`.
 */
export function verifyInclusion(leaf: Hash, index: number, size: number, proof: readonly Hash[], root: Hash): boolean {
  if (!isHash(leaf) || !isHash(root) || !Array.isArray(proof) || !proof.every(isHash)) return false;
  if (!Number.isSafeInteger(size) || !Number.isSafeInteger(index) || index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) [fn, sn] = [fn / 2, Math.floor(sn / 2)];
    } else r = nodeHash(r, p);
    [fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)];
  }
  return sn === 0 && sameHash(r, root);
}

/**
 * RFC 9162 §2.1.4.2: whether `proof` shows the tree of `oldSize` leaves with
 * root `oldRoot` is a prefix of the tree of `newSize` leaves with root
 * `newRoot`. Equal sizes need an empty proof and equal roots; an empty old
 * tree is a prefix of every tree.
 */
export function verifyConsistency(
  oldSize: number,
  newSize: number,
  oldRoot: Hash,
  newRoot: Hash,
  proof: readonly Hash[],
): boolean {
  if (!isHash(oldRoot) || !isHash(newRoot) || !Array.isArray(proof) || !proof.every(isHash)) return false;
  if (!Number.isSafeInteger(oldSize) || !Number.isSafeInteger(newSize) || oldSize < 0 || oldSize > newSize)
    return false;
  // Equal sizes first: two empty trees are consistent only if their roots are equal too.
  if (oldSize === newSize) return proof.length === 0 && sameHash(oldRoot, newRoot);
  if (oldSize === 0) return proof.length === 0;
  const path = [...proof];
  // Step 1: an old size that is a power of two is its own first node.
  if ((oldSize & (oldSize - 1)) === 0) path.unshift(oldRoot);
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (fn % 2 === 1) [fn, sn] = [(fn - 1) / 2, Math.floor(sn / 2)];
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) [fn, sn] = [fn / 2, Math.floor(sn / 2)];
    } else sr = nodeHash(sr, c);
    [fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)];
  }
  return sn === 0 && sameHash(fr, oldRoot) && sameHash(sr, newRoot);
}

/**
 * The right edge of a tree: the roots of its complete subtrees, largest
 * first (one per set bit of its size). Enough to append leaves and compute
 * the new root without the leaves before, which is what an incremental
 * audit keeps between two runs.
 */
export class Frontier {
  private constructor(
    private count: number,
    private readonly peaks: Hash[],
  ) {}

  static empty(): Frontier {
    return new Frontier(0, []);
  }

  /** Rebuilds a saved frontier; E_LEDGER_PROOF unless it has one 32-byte hash per set bit of `size`. */
  static restore(size: number, peaks: readonly Hash[]): Frontier {
    if (!Number.isSafeInteger(size) || size < 0) throw badSize('frontier size', size, Number.MAX_SAFE_INTEGER);
    const bits = size.toString(2).replaceAll('0', '').length;
    if (peaks.length !== bits || !peaks.every(isHash))
      throw new CohortError('E_LEDGER_PROOF', `a frontier of size ${size} has ${bits} hashes of ${HASH_BYTES} bytes`);
    return new Frontier(size, [...peaks]);
  }

  get size(): number {
    return this.count;
  }

  /** The complete subtrees' roots, largest first. */
  hashes(): Hash[] {
    return [...this.peaks];
  }

  append(leaf: Hash): void {
    if (!isHash(leaf)) throw new CohortError('E_LEDGER_PROOF', `a leaf hash is ${HASH_BYTES} bytes`);
    let h = leaf;
    // Each trailing set bit of the old size is a complete subtree the new leaf closes.
    for (let n = this.count; n % 2 === 1; n = (n - 1) / 2) h = nodeHash(this.peaks.pop()!, h);
    this.peaks.push(h);
    this.count++;
  }

  root(): Hash {
    if (this.peaks.length === 0) return EMPTY_ROOT;
    let r = this.peaks.at(-1)!;
    for (let i = this.peaks.length - 2; i >= 0; i--) r = nodeHash(this.peaks[i]!, r);
    return r;
  }
}
