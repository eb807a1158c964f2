/**
 * Exact sampling of the discrete Gaussian N_Z(0, σ²) for a rational σ² = a/b
 * in [1, 2^64], after Karney's Algorithm D (C. F. F. Karney, "Sampling
 * exactly from the normal distribution", ACM TOMS 42(1), 2016, §7;
 * arXiv:1303.6257), with mean 0, intervals of width σ/2 instead of σ, and a
 * rational σ² instead of a rational σ:
 *   1. k ≥ 0 with Pr[k] ∝ exp(−k²/8) (half-discrete-gaussian.ts, one word
 *      per sample, where Algorithm D's k ∝ exp(−k²/2) takes a geometric
 *      count and a rejection);
 *   2. i = ⌈kσ/2⌉ + j, j uniform in [0, ⌈σ/2⌉), rejected unless i < (k+1)σ/2;
 *   3. a fair sign, with −0 rejected so that 0 is not counted twice;
 *   4. i kept with probability exp(−γ), γ = (i² − k²σ²/4)/(2σ²) ∈ [0, (2k+1)/8).
 * Each i ≥ 0 lies in exactly one [kσ/2, (k+1)σ/2), and is proposed there with
 * probability 1/⌈σ/2⌉ whatever k, so Pr[±i] ∝ exp(−k²/8 − γ) = exp(−i²/(2σ²)).
 * Half-width intervals make step 4 accept about 83 % of proposals, against
 * Algorithm D's 72 % (√(2π)/(c + √(2π)) for intervals of width cσ).
 *
 * Why a rational σ² is enough though σ is irrational: ⌈kσ/2⌉ is the least i
 * with 4i²·b ≥ k²·a, an integer square root computed once per k and cached,
 * and γ = (4i²·b − k²·a)/(8a) is rational.
 *
 * Why no bigint on the hot path. V = 2^32·γ = i²·Q − 2^29·k², Q = 2^31·b/a,
 * is bracketed as L ≤ V < L + SLACK from a 52-bit fixed-point Q̃ = ⌊Q·2^F⌋
 * and the exact limbs of i² (exact-int.ts: integer operations on doubles,
 * below 2^53). exp(−γ) is drawn as ⌊γ⌋ trials of Bernoulli(exp(−1)) and one
 * of Bernoulli(exp(−{γ})) by von Neumann's method (CKS20 Algorithm 1, as in
 * discrete-gaussian.ts), whose every Bernoulli({γ}) is the event U < {γ} for
 * a uniform U = (w + U′)/2^32: w a uniform 32-bit word, U′ uniform in [0, 1)
 * and drawn only if needed. With ℓ = L − ⌊γ⌋·2^32, w + 1 ≤ ℓ means U < {γ}
 * and w ≥ ℓ + SLACK means U ≥ {γ}, whatever U′; in between (probability
 * SLACK/2^32, about 10^−9) the exact bigint comparison decides with U′. If
 * the bracket straddles a multiple of 2^32, ⌊γ⌋ is not known from L and the
 * whole test is done in bigints (probability about 10^−9 too). Every
 * decision is therefore the exact event; the bracket only says which
 * decisions the first word settles. The sampler's output law does not
 * depend on SLACK, which tests widen to drive the bigint branches.
 */
import { CohortError } from '../errors.ts';
import {
  fixedMultiplier,
  isqrt,
  scaleWord,
  squareTimesFloor,
  wordScaler,
  type FixedMultiplier,
  type WordScaler,
} from './exact-int.ts';
import { halfGaussianIndexFrom, MAX_INDEX } from './half-discrete-gaussian.ts';
import { bitLength, randomBigIntBelow, randomBit, randomIntBelow, randomUint32 } from './random.ts';

/** Width of the bracket of V: the fixed-point product may be up to 3 low, plus 1 for ⌊⌋, plus the truncation of Q̃ (< 2^−8). */
export const SLACK = 5;

const TWO_29 = 2 ** 29;
const TWO_32 = 2 ** 32;

/**
 * The per-σ² constants. k ≤ MAX_INDEX = 106 keeps i < 107·σ/2 ≤ 107·2^31 <
 * 2^38 and V < 2^29·107² < 2^43, the bounds the bracket is proved under.
 */
export interface KarneyPlan {
  readonly a: bigint;
  readonly b: bigint;
  /** ⌈σ/2⌉ ≤ 2^31, the number of offsets j, as a scaler of random words to [0, ⌈σ/2⌉). */
  readonly m: WordScaler;
  /** Q̃/2^F ≈ Q = 2^31·b/a, with Q̃ in [2^51, 2^52). */
  readonly q: FixedMultiplier;
  /** Extra width of the bracket, for tests (0 in use). */
  readonly widen: number;
  /** ⌈kσ/2⌉ for k = 0..MAX_INDEX + 1, or −1 until first needed. */
  readonly ceil: Float64Array;
}

function internal(message: string): never {
  throw new CohortError('E_INTERNAL', message);
}

/**
 * The plan for σ² = a/b, bigints with 1 ≤ a/b ≤ 2^64 (discrete-gaussian.ts
 * validates σ² and reduces it to lowest terms first). `widen` ≥ 0 lowers the
 * bracket's bottom and raises its top by that much: the same law, more
 * bigint work.
 */
export function karneyPlan(a: bigint, b: bigint, widen = 0): KarneyPlan {
  if (b < 1n || a < b || a > b << 64n || !Number.isSafeInteger(widen) || widen < 0) {
    internal(`karneyPlan expects 1 <= a/b <= 2^64 and an integer widen >= 0, got ${a}/${b}, ${widen}`);
  }
  // F such that Q̃ = ⌊2^(31+F)·b/a⌋ is in [2^51, 2^52): F is in [20, 84] for 1 ≤ a/b ≤ 2^64, and the estimate is within 1 of it.
  let shift = 51 - 31 + bitLength(a) - bitLength(b) - 1;
  let q = (b << BigInt(31 + shift)) / a;
  while (q < 1n << 51n) q = (b << BigInt(31 + ++shift)) / a;
  while (q >= 1n << 52n) q = (b << BigInt(31 + --shift)) / a;
  const m = ceilHalfMultiple(a, b, 1);
  const ceil = new Float64Array(MAX_INDEX + 2).fill(-1);
  ceil[0] = 0;
  ceil[1] = m;
  return { a, b, m: wordScaler(m), q: fixedMultiplier(q, shift), widen, ceil };
}

/** ⌈kσ/2⌉ for σ² = a/b: ⌊kσ/2⌋ = ⌊√⌊k²a/(4b)⌋⌋, plus one unless k²σ²/4 is a perfect square. */
function ceilHalfMultiple(a: bigint, b: bigint, k: number): number {
  const kk = BigInt(k);
  const target = kk * kk * a;
  let r = isqrt(target / (4n * b));
  if (4n * r * r * b < target) r++;
  return Number(r); // ≤ 107·2^31 for k ≤ MAX_INDEX + 1: exact
}

/** ⌈kσ/2⌉ for 0 ≤ k ≤ MAX_INDEX + 1, computed on first use (most samples need k ≤ 4). */
export function ceilHalfKSigma(p: KarneyPlan, k: number): number {
  const cached = p.ceil[k]!;
  if (cached >= 0) return cached;
  return (p.ceil[k] = ceilHalfMultiple(p.a, p.b, k));
}

/**
 * L with L ≤ V < L + SLACK + widen, V = 2^32·(4i²·b − k²·a)/(8a), for
 * ⌈kσ/2⌉ ≤ i < (k+1)σ/2, k ≤ MAX_INDEX. With X ≤ ⌊i²Q̃/2^F⌋ ≤ X + 3
 * (exact-int.ts) and i²Q̃/2^F ≤ i²Q < i²(Q̃ + 1)/2^F: V ≥ X − 2^29k², and
 * V < X + 4 + i²/2^F − 2^29k², where i²/2^F ≤ i²Q/Q̃ < 2^43/2^51. V ≥ 0, so
 * L is clamped at 0.
 */
export function acceptanceBracket(p: KarneyPlan, i: number, k: number): number {
  const l = squareTimesFloor(i, p.q) - TWO_29 * k * k - p.widen;
  return l > 0 ? l : 0;
}

/** Bernoulli(1/n) for an integer n ≥ 1: a word w is a success below ⌊2^32/n⌋, a failure below n·⌊2^32/n⌋, else redrawn. */
function bernoulliInverse(n: number): boolean {
  if (n > TWO_32) return randomIntBelow(n) === 0; // never in practice: a von Neumann run this long has probability below 1/(2^32)!
  const q = (TWO_32 - (TWO_32 % n)) / n; // ⌊2^32/n⌋: an exact quotient of integers
  for (;;) {
    const w = randomUint32();
    if (w < q) return true;
    if (w < q * n) return false;
  }
}

/**
 * Bernoulli(exp(−1)) by von Neumann's method: trial n succeeds with
 * probability 1/n, and the answer is whether the first failure is odd. The
 * first n trials all succeed with probability 1/n! = T_n/11! for the integer
 * T_n = 11!/n!, n ≤ 11, so one word below ⌊2^32/11!⌋·11! (redrawn with
 * probability 0.6 %), compared with ⌊2^32/11!⌋·T_n, runs the first 11
 * trials; the rest, reached with probability 1/11!, run one by one.
 */
const EXP_ONE_TABLE = ((): Float64Array => {
  const last = 11;
  let n = 1;
  for (let r = 2; r <= last; r++) n *= r;
  const mult = (TWO_32 - (TWO_32 % n)) / n;
  const table = new Float64Array(last + 1);
  let t = n;
  for (let r = 0; r <= last; r++) {
    if (r > 1) t /= r; // exact: 11!/r! is an integer
    table[r] = mult * t;
  }
  return table;
})();

function bernoulliExpOne(): boolean {
  const table = EXP_ONE_TABLE;
  let w = randomUint32();
  while (w >= table[0]!) w = randomUint32();
  const last = table.length - 1;
  let n = 2; // trial 1 always succeeds
  while (n <= last && w < table[n]!) n++;
  if (n > last) while (bernoulliInverse(n)) n++;
  return (n & 1) === 1;
}

/** 4i²·b − k²·a = 8a·γ, exactly. */
function exponentNumerator(p: KarneyPlan, i: number, k: number): bigint {
  const ib = BigInt(i);
  const kb = BigInt(k);
  return 4n * ib * ib * p.b - kb * kb * p.a;
}

/** Bernoulli(exp(−γ)) entirely in bigints: CKS20 Algorithm 1 on γ = N/(8a). */
function acceptExact(p: KarneyPlan, i: number, k: number): boolean {
  const num = exponentNumerator(p, i, k);
  const den = 8n * p.a;
  const whole = num / den;
  for (let r = 0n; r < whole; r++) if (!bernoulliExpOne()) return false;
  const frac = num - whole * den;
  let n = 1;
  for (;;) {
    if (n > 1 && !bernoulliInverse(n)) break;
    if (!(randomBigIntBelow(den) < frac)) break;
    n++;
  }
  return (n & 1) === 1;
}

/**
 * The event W + U′ < V for the integer W = `at` = ⌊γ⌋·2^32 + w and U′ uniform
 * in [0, 1): V − W = (2^29·(4i²b − k²a) − W·a)/a; the event is certain when
 * V − W ≥ 1, impossible when V − W ≤ 0, and otherwise Bernoulli(V − W).
 */
function belowExact(p: KarneyPlan, i: number, k: number, at: number): boolean {
  const num = (exponentNumerator(p, i, k) << 29n) - BigInt(at) * p.a;
  if (num >= p.a) return true;
  if (num <= 0n) return false;
  return randomBigIntBelow(p.a) < num;
}

/** Step 4: Bernoulli(exp(−γ)). */
function accept(p: KarneyPlan, i: number, k: number): boolean {
  const low = acceptanceBracket(p, i, k);
  const slack = SLACK + p.widen;
  const whole = Math.floor(low / TWO_32);
  const fracLow = low - whole * TWO_32;
  if (fracLow + slack > TWO_32) return acceptExact(p, i, k);
  for (let r = 0; r < whole; r++) if (!bernoulliExpOne()) return false;
  let n = 1;
  for (;;) {
    if (n > 1 && !bernoulliInverse(n)) break;
    const w = randomUint32();
    if (w >= fracLow + slack) break;
    if (w >= fracLow && !belowExact(p, i, k, whole * TWO_32 + w)) break;
    n++;
  }
  return (n & 1) === 1;
}

/** One sample of N_Z(0, a/b). */
export function karneySample(p: KarneyPlan): number {
  for (;;) {
    const k = halfGaussianIndexFrom(randomUint32(), randomUint32);
    const start = ceilHalfKSigma(p, k);
    let j = scaleWord(randomUint32(), p.m);
    while (j < 0) j = scaleWord(randomUint32(), p.m);
    const i = start + j;
    if (i >= ceilHalfKSigma(p, k + 1)) continue; // i ≥ (k+1)σ/2
    const negative = randomBit() === 1;
    if (negative && i === 0) continue;
    if (accept(p, i, k)) return negative ? -i : i;
  }
}
