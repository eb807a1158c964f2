/**
 * Robust Shamir reconstruction: Reed–Solomon decoding of the shares, so that
 * wrong shares are located and outvoted rather than silently folded into the
 * secret.
 *
 * Why: in SecAgg's unmasking round the server rebuilds each dropped client's
 * mask key and each survivor's self-mask seed from shares revealed by other
 * clients (Bonawitz et al., "Practical Secure Aggregation for Privacy-Preserving
 * Machine Learning", CCS 2017, §4, round Unmasking). The protocol's threshold
 * keeps a malicious server from learning too much; it does nothing to stop a
 * revealer from sending a wrong share, and `combine` interpolates whatever t
 * shares come first, so one liar corrupts the secret and the sum with it.
 * Shamir shares of a polynomial of degree < t at m distinct points are a
 * codeword of a Reed–Solomon code of length m and dimension t (McEliece &
 * Sarwate, "On sharing secrets and Reed-Solomon codes", CACM 24(9), 1981), with
 * minimum distance m − t + 1, so up to e = ⌊(m − t)/2⌋ wrong shares can be
 * corrected and the liars named.
 *
 * What is corrected: shamir.ts shares an L-byte secret as L/2 chunks with one
 * polynomial each, all at the same x. A lying share may be wrong in any subset
 * of chunks, so the code is treated as interleaved, one symbol per share:
 * each chunk is decoded on its own (Gao, below) and the result is accepted only
 * if the shares that disagree with the decoded polynomial in at least one chunk
 * number at most e (or the caller's smaller `maxErrors`). The answer is then
 * the unique vector of polynomials within that many shares of what was
 * received: two such vectors would differ in at most 2e < m − t + 1 shares.
 *
 * Algorithm: S. Gao, "A New Algorithm for Decoding Reed-Solomon Codes", in
 * Communications, Information and Network Security, Kluwer, 2003, Algorithm 1:
 * g1 interpolates all m points, g0 = Π (x − x_i); the extended Euclidean
 * algorithm on (g0, g1) stops at the first remainder g of degree < (m + t)/2,
 * with g = u·g0 + v·g1; then f = g / v must divide exactly with deg f < t.
 *
 * Cost: O(m²) field operations for g0, the barycentric weights and the
 * Lagrange basis, shared by up to BLOCK_CHUNKS chunks (a 32-byte secret's 16
 * chunks share one pass); per chunk O(m²) multiply-adds to interpolate,
 * O(m·(m − t)) for the Euclidean steps, and O(m·e + e·t) to name the liars
 * (the locator is evaluated at every x, f only at its roots). Memory
 * O(m·BLOCK_CHUNKS). Quadratic in m, so m is capped at MAX_DECODE_SHARES.
 * Measured (Node 20, one core): m = 500, t = 260, 16 chunks, 20 liars: about
 * 20 ms.
 *
 * `reconstructVerified` adds a fast path for the common case, no liars in
 * the first t shares: `combine` those, accept if the caller's commitment check
 * passes, and only then name the later shares that disagree, O(m·t) per chunk.
 *
 * Not checked: who sent a share (shares must arrive authenticated, as in
 * shamir.ts); more than e liars, which may decode to a wrong secret that
 * `decodeShares` cannot tell from the right one (with m = t nothing at all is
 * detected): only `reconstructVerified`'s commitment check catches that.
 * Not constant-time: the Euclidean steps depend on the error pattern, which
 * the liars choose anyway, and on leading coefficients being zero, which for
 * honest shares happens with probability about 1/p per chunk.
 */
import { CohortError } from '../errors.ts';
import { P, inv, mul } from './field.ts';
import { MAX_SECRET_BYTES, MAX_X, Y_BYTES, combine, type Share } from './shamir.ts';

export interface Decoded {
  /** The reconstructed secret; the caller owns it and should zero it after use. */
  secret: Uint8Array;
  /** Indices into `shares`, ascending, of shares that disagree with the secret's polynomials in any chunk. */
  bad: number[];
}

/**
 * Chunks interpolated together, sharing one pass over the Lagrange basis: a
 * 32-byte SecAgg secret fits in one block, and the per-block buffers stay
 * O(m·BLOCK_CHUNKS) however long the secret.
 */
const BLOCK_CHUNKS = 16;

/**
 * Most shares accepted by one call: one share per client, and params.ts caps
 * a round at MAX_CLIENTS = 10 000 clients. Decoding is quadratic in m: about
 * 8 s at this cap on one core (0.35 s at m = 2000), where MAX_X alone would
 * allow minutes.
 */
export const MAX_DECODE_SHARES = 10_000;

/**
 * Reconstructs a `secretLength`-byte secret from shares of which up to
 * ⌊(m − t)/2⌋ (or `maxErrors`, if smaller) may be wrong, m = shares.length,
 * and names the wrong ones. Inputs are validated as `combine` validates them,
 * and m ≤ MAX_DECODE_SHARES; `maxErrors`, if given, must be an integer ≥ 0. Throws E_SECAGG_SHARES on
 * bad input, when no polynomial vector lies within the error bound of the
 * shares, or when a chunk decodes to 2^16.
 */
export function decodeShares(shares: readonly Share[], t: number, secretLength: number, maxErrors?: number): Decoded {
  validate(shares, t, secretLength, maxErrors);
  return decode(shares, t, secretLength, errorBound(shares.length, t, maxErrors));
}

/**
 * Reconstructs the secret that `verify` accepts (a check against the dealer's
 * commitment: a hash, or an X25519 public key). First `combine`s the first t
 * shares; if `verify` accepts that, the later shares that disagree with it are
 * reported as bad. Otherwise falls back to `decodeShares` and checks its
 * result, and if that fails too, to a search over t-subsets (leaving out up
 * to min(m − t, maxErrors) shares, within the options' trial budget):
 * the commitment tells a right subset from a wrong one beyond what decoding
 * corrects. `verify` gets a copy that is zeroed when it returns, and must
 * return `true` to accept. Throws E_SECAGG_SHARES on bad input, or when
 * nothing it tried is accepted.
 *
 * The fast path's `bad` is exact whenever `verify` is binding: a wrong share
 * among the first t moves f(0) in every chunk where it is wrong (its Lagrange
 * coefficient at 0 is non-zero), so the secret would not verify. With
 * `checkSpares` false the fast path does not look at the shares after the
 * first t (about two thirds of its cost at m ≈ 2t): a wrong share that was
 * not needed is then not reported, and one that was is, by the fallback.
 */
export function reconstructVerified(
  shares: readonly Share[],
  t: number,
  secretLength: number,
  verify: (secret: Uint8Array) => boolean,
  options: RebuildOptions = {},
): Decoded {
  const { maxErrors, checkSpares = true, budget = { trials: MAX_SUBSET_TRIALS } } = options;
  validate(shares, t, secretLength, maxErrors);
  if (typeof verify !== 'function') fail('verify must be a function');
  const fast = combineOrUndefined(shares, t, secretLength);
  if (fast !== undefined) {
    if (accepts(verify, fast))
      return { secret: fast, bad: checkSpares ? disagreeingAfterFirstT(shares, t, secretLength / 2) : [] };
    fast.fill(0);
  }
  const decoded = decodeOrUndefined(shares, t, secretLength, errorBound(shares.length, t, maxErrors));
  if (decoded && accepts(verify, decoded.secret)) return decoded;
  decoded?.secret.fill(0);
  // Beyond what decoding corrects (⌊(m − t)/2⌋ wrong shares), a commitment still tells a right t-subset from a
  // wrong one: try leaving out up to m − t shares, as long as that takes few combinations (n = 5, t = 4 with one
  // liar: decoding corrects none, leaving one out of five finds it).
  const found = searchSubsets(shares, t, secretLength, verify, maxErrors ?? shares.length - t, budget);
  if (found) return found;
  fail('shares do not reconstruct the committed secret');
}

/** Combinations of shares to leave out that one reconstructVerified call tries at most by default (each a `combine`, O(t²)). */
export const MAX_SUBSET_TRIALS = 4096;

export interface RebuildOptions {
  /** At most this many wrong shares are corrected (decoding: default ⌊(m − t)/2⌋) or left out (the search: default m − t). */
  maxErrors?: number;
  /** Whether the fast path reports wrong shares after the first t (default true). */
  checkSpares?: boolean;
  /**
   * Subset-search trials left, decremented as they are spent: share one
   * object between calls to bound the search over many secrets (a session's).
   * Default: a fresh MAX_SUBSET_TRIALS per call.
   */
  budget?: { trials: number };
}

/**
 * A t-subset whose secret `verify` accepts: for j = 1 … maxLeftOut combines
 * each t-subset of the first t + j shares that holds share t + j − 1 (the
 * others were tried before: by the fast path, or at level j − 1), while the
 * budget lasts. `bad`: the shares off the accepted polynomial. Finds
 * one whenever, for some j it reaches, at most j of the first t + j shares
 * are wrong (so always when at most m − t are, and the trials suffice).
 */
function searchSubsets(
  shares: readonly Share[],
  t: number,
  secretLength: number,
  verify: (secret: Uint8Array) => boolean,
  maxLeftOut: number,
  budget: { trials: number },
): Decoded | undefined {
  for (let j = 1; j <= Math.min(shares.length - t, maxLeftOut); j++) {
    // Subsets of the first t + j − 1 shares were tried at level j − 1 (the first t by the fast path): keep share t + j − 1.
    for (const out of combinations(t + j - 1, j)) {
      if (budget.trials <= 0) return undefined;
      budget.trials--;
      const left = new Set(out);
      const kept = shares.slice(0, t + j).filter((_, i) => !left.has(i));
      const secret = combineOrUndefined(kept, t, secretLength);
      if (secret === undefined) continue;
      if (accepts(verify, secret)) {
        // The accepted subset first (the shares not left out, in order: its t come first), so the polynomial check runs against it.
        const order = [...[...shares.keys()].filter((i) => !left.has(i)), ...out];
        const bad = disagreeingAfterFirstT(
          order.map((i) => shares[i]!),
          t,
          secretLength / 2,
        )
          .map((k) => order[k]!)
          .sort((a, b) => a - b);
        return { secret, bad };
      }
      secret.fill(0);
    }
  }
  return undefined;
}

/** Every j-subset of 0..m−1, in lexicographic order. */
function* combinations(m: number, j: number): Generator<number[]> {
  const idx = Array.from({ length: j }, (_, i) => i);
  for (;;) {
    yield [...idx];
    let i = j - 1;
    while (i >= 0 && idx[i] === m - j + i) i--;
    if (i < 0) return;
    idx[i]!++;
    for (let k = i + 1; k < j; k++) idx[k] = idx[k - 1]! + 1;
  }
}

function decodeOrUndefined(
  shares: readonly Share[],
  t: number,
  secretLength: number,
  limit: number,
): Decoded | undefined {
  try {
    return decode(shares, t, secretLength, limit);
  } catch (e) {
    if (e instanceof CohortError && e.code === 'E_SECAGG_SHARES') return undefined;
    throw e;
  }
}

function errorBound(m: number, t: number, maxErrors: number | undefined): number {
  const e = Math.floor((m - t) / 2);
  return maxErrors === undefined ? e : Math.min(e, maxErrors);
}

/** `combine` on validated shares: its only remaining failure is a chunk at 2^16, i.e. inconsistent shares. */
function combineOrUndefined(shares: readonly Share[], t: number, secretLength: number): Uint8Array | undefined {
  try {
    return combine(shares, t, secretLength);
  } catch (e) {
    if (e instanceof CohortError && e.code === 'E_SECAGG_SHARES') return undefined;
    throw e;
  }
}

function accepts(verify: (secret: Uint8Array) => boolean, secret: Uint8Array): boolean {
  const copy = secret.slice();
  try {
    return verify(copy) === true;
  } catch (e) {
    secret.fill(0);
    throw e;
  } finally {
    copy.fill(0);
  }
}

// ---------------------------------------------------------------------------
// Gao decoding

function decode(shares: readonly Share[], t: number, secretLength: number, limit: number): Decoded {
  const m = shares.length;
  const chunks = secretLength / 2;
  const xs = shares.map((s) => s.x);
  const g0 = vanishing(xs);
  const weights = barycentricWeights(xs);
  const secret = new Uint8Array(secretLength);
  const wrong = new Uint8Array(m); // 1 where the share disagrees in some chunk
  const basis = new Float64Array(m); // g0 / (x − x_i), one i at a time
  const block = new Float64Array(Math.min(chunks, BLOCK_CHUNKS) * m); // g1 of each chunk in the block
  const work = new EuclidBuffers(m);
  let overflow = 0;
  let ok = false;
  try {
    for (let first = 0; first < chunks; first += BLOCK_CHUNKS) {
      const size = Math.min(BLOCK_CHUNKS, chunks - first);
      interpolateBlock(shares, xs, g0, weights, first, size, basis, block);
      for (let b = 0; b < size; b++) {
        const c = first + b;
        const g1 = block.subarray(b * m, (b + 1) * m);
        const decoded = gao(g0, g1, m, t, work);
        if (decoded === undefined) fail(`chunk ${c} has more than ${Math.floor((m - t) / 2)} wrong shares`);
        const { f, locator } = decoded;
        markDisagreements(shares, f, locator, c, wrong);
        const s = f[0]!;
        overflow |= s >>> 16;
        secret[2 * c] = s & 0xff;
        secret[2 * c + 1] = (s >>> 8) & 0xff;
      }
    }
    if (overflow !== 0) fail('shares are inconsistent: a chunk decodes outside [0, 2^16)');
    const bad: number[] = [];
    wrong.forEach((w, i) => {
      if (w !== 0) bad.push(i);
    });
    if (bad.length > limit)
      fail(`${bad.length} shares disagree with the decoded secret, more than the ${limit} that can be corrected`);
    ok = true;
    return { secret, bad };
  } finally {
    block.fill(0);
    work.zero();
    if (!ok) secret.fill(0);
  }
}

/** g0 = Π (x − x_i), coefficients lowest first, degree m. */
function vanishing(xs: readonly number[]): Float64Array {
  const g = new Float64Array(xs.length + 1);
  g[0] = 1;
  xs.forEach((xi, n) => {
    // Multiply the degree-n product by (x − x_i), top coefficient down.
    const neg = P - xi;
    for (let k = n + 1; k >= 1; k--) g[k] = (g[k - 1]! + neg * g[k]!) % P;
    g[0] = (neg * g[0]!) % P;
  });
  return g;
}

/** Barycentric weights w_i = 1 / Π_{k≠i} (x_i − x_k), with one inversion for all i. */
function barycentricWeights(xs: readonly number[]): Float64Array {
  const n = xs.length;
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let prod = 1;
    // x_i − x_k + p lies in (0, 2p): a valid multiplicand without its own reduction.
    for (let k = 0; k < n; k++) if (k !== i) prod = (prod * (xs[i]! - xs[k]! + P)) % P;
    d[i] = prod;
  }
  return batchInverse(d);
}

/** Montgomery's trick: every inverse of non-zero elements for one `inv` and 3(n − 1) multiplications. */
function batchInverse(a: Float64Array): Float64Array {
  const n = a.length;
  const prefix = new Float64Array(n);
  let acc = 1;
  for (let i = 0; i < n; i++) {
    prefix[i] = acc;
    acc = mul(acc, a[i]!);
  }
  let accInv = inv(acc);
  const out = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    out[i] = mul(accInv, prefix[i]!);
    accInv = mul(accInv, a[i]!);
  }
  return out;
}

/**
 * g1 for chunks first..first+size−1 into `block` (m coefficients each):
 * g1 = Σ_i y_i · w_i · g0/(x − x_i). Sums are left unreduced until the end:
 * each product is below p² < 2^34 and there are m ≤ 2^16 of them, so the
 * total stays below 2^50, exact in a double.
 */
function interpolateBlock(
  shares: readonly Share[],
  xs: readonly number[],
  g0: Float64Array,
  weights: Float64Array,
  first: number,
  size: number,
  basis: Float64Array,
  block: Float64Array,
): void {
  const m = xs.length;
  block.fill(0, 0, size * m);
  for (let i = 0; i < m; i++) {
    // Synthetic division of g0 by (x − x_i); exact because g0(x_i) = 0.
    const xi = xs[i]!;
    basis[m - 1] = 1;
    for (let k = m - 1; k >= 1; k--) basis[k - 1] = (g0[k]! + xi * basis[k]!) % P;
    const y = shares[i]!.y;
    for (let b = 0; b < size; b++) {
      const a = mul(readY(y, first + b), weights[i]!);
      const off = b * m;
      for (let k = 0; k < m; k++) block[off + k] = block[off + k]! + a * basis[k]!;
    }
  }
  for (let k = 0; k < size * m; k++) block[k] = block[k]! % P;
}

/** Scratch polynomials for the Euclidean steps, allocated once per call and zeroed at the end. */
class EuclidBuffers {
  readonly r0: Float64Array;
  readonly r1: Float64Array;
  readonly v0: Float64Array;
  readonly v1: Float64Array;
  readonly f: Float64Array;
  constructor(m: number) {
    this.r0 = new Float64Array(m + 1);
    this.r1 = new Float64Array(m + 1);
    this.v0 = new Float64Array(m + 1);
    this.v1 = new Float64Array(m + 1);
    this.f = new Float64Array(m + 1);
  }
  zero(): void {
    for (const a of [this.r0, this.r1, this.v0, this.v1, this.f]) a.fill(0);
  }
}

/**
 * Gao's Algorithm 1 for one chunk. Returns f (degree < t, f[0] the chunk) and
 * the locator v, both views into `work`, or undefined on decoding failure.
 * Division by v at the end needs v ≠ 0, which holds: v starts at 1 and only
 * ever gains degree.
 */
function gao(
  g0: Float64Array,
  g1: Float64Array,
  m: number,
  t: number,
  work: EuclidBuffers,
): { f: Float64Array; locator: Float64Array } | undefined {
  let { r0, r1, v0, v1 } = work;
  r0.set(g0);
  r1.fill(0);
  r1.set(g1);
  v0.fill(0);
  v1.fill(0);
  v1[0] = 1;
  let d0 = m;
  let d1 = degree(r1, m - 1);
  let dv1 = 0;
  // Stop at the first remainder of degree < (m + t)/2.
  while (2 * d1 >= m + t) {
    // r0 ← r0 mod r1 and v0 ← v0 − q·v1, one quotient term at a time.
    const leadInv = inv(r1[d1]!);
    const dq = d0 - d1;
    for (let k = d0; k >= d1; k--) {
      const shift = k - d1;
      const negQ = (P - mul(r0[k]!, leadInv)) % P;
      for (let j = 0; j <= d1; j++) r0[shift + j] = (r0[shift + j]! + negQ * r1[j]!) % P;
      for (let j = 0; j <= dv1; j++) v0[shift + j] = (v0[shift + j]! + negQ * v1[j]!) % P;
    }
    const dr = degree(r0, d1 - 1);
    const dv = dq + dv1; // deg(v0 − q·v1) = deg q + deg v1, as deg v0 < deg v1
    [r0, r1] = [r1, r0];
    [v0, v1] = [v1, v0];
    d0 = d1;
    d1 = dr;
    dv1 = dv;
  }
  const f = divideExactly(r1, d1, v1, dv1, t, work.f);
  return f === undefined ? undefined : { f, locator: v1.subarray(0, dv1 + 1) };
}

/** g / v if v divides g with quotient degree < t, written into `out`; else undefined. Leaves g as the remainder. */
function divideExactly(
  g: Float64Array,
  dg: number,
  v: Float64Array,
  dv: number,
  t: number,
  out: Float64Array,
): Float64Array | undefined {
  out.fill(0);
  if (dg - dv >= t) return undefined;
  const leadInv = inv(v[dv]!);
  for (let k = dg; k >= dv; k--) {
    const shift = k - dv;
    const q = mul(g[k]!, leadInv);
    out[shift] = q;
    const negQ = (P - q) % P;
    for (let j = 0; j <= dv; j++) g[shift + j] = (g[shift + j]! + negQ * v[j]!) % P;
  }
  if (degree(g, Math.min(dg, dv - 1)) >= 0) return undefined;
  return out.subarray(0, t);
}

/** Degree of `a` looking no higher than `from`; −1 for the zero polynomial. */
function degree(a: Float64Array, from: number): number {
  let d = from;
  while (d >= 0 && a[d] === 0) d--;
  return d;
}

/**
 * Marks the shares whose y differs from f(x) in this chunk. Only roots of the
 * locator v can differ: the Euclidean steps keep g = u·g0 + v·g1, and at x_i,
 * where g0 vanishes and g1 = y_i, that reads f(x_i)·v(x_i) = g(x_i) = v(x_i)·y_i.
 * So v (degree ≤ e) is evaluated at every x, and f (degree < t) only at its
 * roots: O(m·e + e·t) instead of O(m·t).
 */
function markDisagreements(
  shares: readonly Share[],
  f: Float64Array,
  locator: Float64Array,
  chunk: number,
  wrong: Uint8Array,
): void {
  for (let i = 0; i < shares.length; i++) {
    const s = shares[i]!;
    if (horner(locator, s.x) === 0 && horner(f, s.x) !== readY(s.y, chunk)) wrong[i] = 1;
  }
}

function horner(f: Float64Array, x: number): number {
  let acc = 0;
  for (let k = f.length - 1; k >= 0; k--) acc = (acc * x + f[k]!) % P;
  return acc;
}

// ---------------------------------------------------------------------------
// Fast-path agreement check

/**
 * Indices j ≥ t whose y disagrees, in some chunk, with the polynomial through
 * the first t shares. Barycentric form: f(x_j) = ℓ(x_j) Σ_i z_i / (x_j − x_i)
 * with z_i = y_i / Π_{k≠i} (x_i − x_k) and ℓ(x) = Π_{i<t} (x − x_i). Per j,
 * one batch inversion of the t differences (which yields ℓ(x_j) on the way),
 * then t unreduced multiply-adds per chunk. Field reductions (`%` on doubles)
 * dominate the cost, so they are kept out of the per-chunk loop.
 */
function disagreeingAfterFirstT(shares: readonly Share[], t: number, chunks: number): number[] {
  const xs = shares.slice(0, t).map((s) => s.x);
  const weights = barycentricWeights(xs);
  // z_i per chunk, contiguous for the inner loop; derived from the shares, so zeroed after.
  const z = new Float64Array(chunks * t);
  for (let i = 0; i < t; i++) for (let c = 0; c < chunks; c++) z[c * t + i] = mul(readY(shares[i]!.y, c), weights[i]!);
  const prefix = new Float64Array(t);
  const invDiffs = new Float64Array(t);
  const bad: number[] = [];
  try {
    for (let j = t; j < shares.length; j++) {
      const xj = shares[j]!.x;
      // Montgomery's batch inversion of x_j − x_i; the full product is ℓ(x_j).
      let ell = 1;
      for (let i = 0; i < t; i++) {
        prefix[i] = ell;
        ell = (ell * (xj - xs[i]! + P)) % P;
      }
      let acc = inv(ell);
      for (let i = t - 1; i >= 0; i--) {
        invDiffs[i] = (acc * prefix[i]!) % P;
        acc = (acc * (xj - xs[i]! + P)) % P;
      }
      let differs = 0;
      for (let c = 0; c < chunks; c++) {
        // Unreduced sum of t ≤ 2^16 products below 2^34: exact in a double.
        let sum = 0;
        const off = c * t;
        for (let i = 0; i < t; i++) sum += z[off + i]! * invDiffs[i]!;
        differs |= mul(sum % P, ell) ^ readY(shares[j]!.y, c);
      }
      if (differs !== 0) bad.push(j);
    }
    return bad;
  } finally {
    z.fill(0);
  }
}

// ---------------------------------------------------------------------------
// Validation, as shamir.ts's combine does it (its checks are not exported), plus the share cap.

function validate(shares: readonly Share[], t: number, secretLength: number, maxErrors: number | undefined): void {
  if (
    !Number.isInteger(secretLength) ||
    secretLength < 2 ||
    secretLength > MAX_SECRET_BYTES ||
    secretLength % 2 !== 0
  ) {
    fail(`secret length must be even and in [2, ${MAX_SECRET_BYTES}], got ${secretLength}`);
  }
  if (!Number.isInteger(t) || t < 1) fail(`threshold must be an integer >= 1, got ${t}`);
  if (!Array.isArray(shares) || shares.length < t)
    fail(`need ${t} shares, got ${Array.isArray(shares) ? shares.length : 'none'}`);
  if (shares.length > MAX_DECODE_SHARES) fail(`at most ${MAX_DECODE_SHARES} shares, got ${shares.length}`);
  if (maxErrors !== undefined && (!Number.isInteger(maxErrors) || maxErrors < 0))
    fail(`maxErrors must be an integer >= 0, got ${maxErrors}`);
  const chunks = secretLength / 2;
  const seen = new Set<number>();
  for (let i = 0; i < shares.length; i++) {
    const s: unknown = shares[i];
    if (typeof s !== 'object' || s === null) fail(`share ${i} is not a share`);
    const { x, y } = s as { x: unknown; y: unknown };
    if (typeof x !== 'number' || !Number.isInteger(x) || x < 1 || x > MAX_X)
      fail(`share ${i}: x must be an integer in [1, ${MAX_X}]`);
    if (!(y instanceof Uint8Array) || y.length !== chunks * Y_BYTES)
      fail(`share ${i}: y must be ${chunks * Y_BYTES} bytes`);
    let tooBig = 0;
    for (let c = 0; c < chunks; c++) tooBig |= (P - 1 - readY(y, c)) >>> 31; // sign bit set iff value ≥ p
    if (tooBig !== 0) fail(`share ${i}: a y-value is not in [0, p)`);
    if (seen.has(x)) fail(`share ${i} repeats x = ${x}`);
    seen.add(x);
  }
}

function readY(y: Uint8Array, chunk: number): number {
  const o = Y_BYTES * chunk;
  return y[o]! | (y[o + 1]! << 8) | (y[o + 2]! << 16);
}

function fail(message: string): never {
  throw new CohortError('E_SECAGG_SHARES', message);
}
