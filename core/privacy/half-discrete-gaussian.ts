/**
 * Exact sampling of an integer k ≥ 0 with Pr[k] = exp(−k²/8)/Z, Z = Σ_{j≥0}
 * exp(−j²/8): the one-sided discrete Gaussian of σ = 2 that picks the
 * interval in discrete-gaussian-karney.ts. By inversion: k is the least index
 * with U < F(k) = Σ_{j≤k} exp(−j²/8)/Z for a uniform U in [0, 1).
 *
 * F(k) is irrational, so U is compared with certified bounds, never with an
 * approximation. U is read 32 bits at a time, W = ⌊2^P·U⌋ after P bits; with
 * integers lo ≤ 2^P·F(k) ≤ hi, W + 1 ≤ lo proves U < F(k) and W ≥ hi proves
 * U ≥ F(k). The bounds at P = 32 are tabulated as numbers when the module
 * loads; when neither proof holds (probability about 2^−31 per sample) U is
 * extended by 32 more bits and the bounds recomputed at the new precision
 * (lazy comparison, as in Karney's exact samplers, ACM TOMS 42(1), 2016, §2).
 *
 * The bounds are exact bigint arithmetic with outward rounding: exp(−1/8)
 * from its alternating Taylor series (partial sums enclose the value, each
 * term rounded away from it), exp(−k²/8) = exp(−1/8)^{k²} by the recurrence
 * w_{k+1} = w_k·exp(−(2k+1)/8) with products rounded down for the lower and
 * up for the upper bound, and the tail Σ_{j>MAX_INDEX} exp(−j²/8) ≤
 * 2·exp(−(MAX_INDEX+1)²/8) (a geometric series of ratio ≤ exp(−2(MAX_INDEX+1)/8)
 * ≤ 1/2) added to the upper bound of Z. There is no floating point.
 */
import { CohortError } from '../errors.ts';

/** Largest k returned; k beyond it has probability below 2·exp(−107²/8) < 2^−2000, and E_INTERNAL is thrown instead. */
export const MAX_INDEX = 106;
/** Bits of U beyond which E_INTERNAL is thrown: U within 2^−1024 of some F(k), probability below 2^−1000. */
export const MAX_PRECISION = 1024;
/** Extra fixed-point bits carried under the output precision, covering the rounding of ~2·MAX_INDEX products and the series. */
const GUARD = 64;

/** Integer bounds lo[k] ≤ 2^P·F(k) ≤ hi[k] for k = 0..MAX_INDEX; hi ≤ 2^P. */
export interface CdfBounds {
  readonly precision: number;
  readonly lo: readonly bigint[];
  readonly hi: readonly bigint[];
}

function internal(message: string): never {
  throw new CohortError('E_INTERNAL', message);
}

/** [lo, hi] ∋ 2^q·exp(−1/8): S_N ≤ e ≤ S_{N+1} for odd N, S the Taylor partial sums, stopped once a term is below 2^−q. */
function expEighthBounds(q: number): [bigint, bigint] {
  const one = 1n << BigInt(q);
  let lo = 0n; // ≤ 2^q·S_n
  let hi = 0n; // ≥ 2^q·S_n
  let den = 1n; // 8^n·n!
  for (let n = 0; ; n++) {
    if (n > 0) den *= 8n * BigInt(n);
    const down = one / den;
    const up = (one + den - 1n) / den;
    if ((n & 1) === 0) {
      lo += down;
      hi += up;
    } else {
      lo -= up;
      hi -= down;
      // 2^q·term_{n+1} < 1 once 8(n+1)·den > 2^q: then e ≤ S_{n+1} ≤ hi + 1.
      if (den * 8n * BigInt(n + 1) > one) return [lo, hi + 1n];
    }
  }
}

/** The CDF bounds at precision p bits (p ≤ MAX_PRECISION), all in exact bigint arithmetic. */
export function cdfBounds(p: number): CdfBounds {
  const q = p + GUARD;
  const one = 1n << BigInt(q);
  const mulDown = (x: bigint, y: bigint) => (x * y) >> BigInt(q);
  const mulUp = (x: bigint, y: bigint) => (x * y + one - 1n) >> BigInt(q);
  const [eLo, eHi] = expEighthBounds(q);
  const e2Lo = mulDown(eLo, eLo);
  const e2Hi = mulUp(eHi, eHi);
  // Running weights w_k = exp(−k²/8) and ratios r_k = exp(−(2k+1)/8), and prefix sums S_k = Σ_{j≤k} w_j.
  let wLo = one;
  let wHi = one;
  let rLo = eLo;
  let rHi = eHi;
  const sLo: bigint[] = [];
  const sHi: bigint[] = [];
  let accLo = 0n;
  let accHi = 0n;
  for (let k = 0; k <= MAX_INDEX; k++) {
    accLo += wLo;
    accHi += wHi;
    sLo.push(accLo);
    sHi.push(accHi);
    wLo = mulDown(wLo, rLo);
    wHi = mulUp(wHi, rHi);
    rLo = mulDown(rLo, e2Lo);
    rHi = mulUp(rHi, e2Hi);
  }
  const zLo = accLo;
  const zHi = accHi + 2n * wHi; // wHi now bounds exp(−(MAX_INDEX+1)²/8): the tail
  const scale = 1n << BigInt(p);
  const lo = sLo.map((s) => (s * scale) / zHi);
  const hi = sHi.map((s) => {
    const h = (s * scale + zLo - 1n) / zLo;
    return h < scale ? h : scale;
  });
  return { precision: p, lo, hi };
}

const TABLE = cdfBounds(32);
/** The P = 32 bounds as numbers (≤ 2^32), for the hot path. */
const LO_32 = Float64Array.from(TABLE.lo, Number);
const HI_32 = Float64Array.from(TABLE.hi, Number);

/** Resumes the comparison at index k with the first 32 bits `prefix` of U, reading further words from `next`. */
function refine(prefix: number, k: number, next: () => number): number {
  let w = BigInt(prefix);
  for (let p = 64; p <= MAX_PRECISION; p += 32) {
    w = (w << 32n) | BigInt(next());
    const { lo, hi } = cdfBounds(p);
    for (; k <= MAX_INDEX; k++) {
      if (w < lo[k]!) return k;
      if (w < hi[k]!) break;
    }
    if (k > MAX_INDEX) internal('half discrete Gaussian index beyond the table');
  }
  return internal('half discrete Gaussian comparison beyond the precision limit');
}

/**
 * The index for U whose first 32 bits are the word `first` and whose later
 * words `next` supplies on demand (a uniform 32-bit word per call). With
 * independent uniform words, Pr[k] = exp(−k²/8)/Z exactly.
 */
export function halfGaussianIndexFrom(first: number, next: () => number): number {
  for (let k = 0; k <= MAX_INDEX; k++) {
    if (first < LO_32[k]!) return k; // first + 1 ≤ lo
    if (first < HI_32[k]!) return refine(first, k, next);
  }
  // Unreachable: HI_32[MAX_INDEX] = 2^32 > first.
  return internal('half discrete Gaussian index beyond the table');
}
