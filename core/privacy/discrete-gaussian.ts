/**
 * Exact sampling of the discrete Gaussian N_Z(0, σ²), Pr[x] ∝ exp(−x²/(2σ²))
 * on the integers, for noise added to integer (quantised) updates before
 * secure aggregation and to DP-SGD's snapped gradient sums. Canonne, Kamath
 * and Steinke, "The Discrete Gaussian for Differential Privacy", NeurIPS 2020,
 * arXiv:2004.00010, §5 (CKS20):
 *   Algorithm 1  Bernoulli(exp(−γ)) for rational γ ≥ 0,
 *   Algorithm 2  the discrete Laplace Lap_Z(t/s), Pr[x] ∝ exp(−|x|·s/t),
 *   Algorithm 3  the discrete Gaussian by rejection from Lap_Z(t),
 *                t = ⌊σ⌋ + 1, accepting Y with probability
 *                exp(−(|Y| − σ²/t)² / (2σ²)).
 * The structure follows the authors' reference implementation
 * (github.com/IBM/discrete-gaussian-differential-privacy, discretegauss.py).
 *
 * Which sampler: from σ² = 1 up, discreteGaussian and discreteGaussianVector
 * use Karney's algorithm instead (discrete-gaussian-karney.ts, same law),
 * which needs no bigint per sample: about 16 million samples/s into an
 * Int32Array from σ = 100 to 10^6 (11–12 million into a BigInt64Array up to
 * σ = 2^32) on the loaded 2-core development machine, against 1.3–1.8
 * million for Algorithm 3 at DP-SGD's σ² (s² rounded up over 2^32, whose
 * acceptance test runs in bigints). Algorithm 3 serves σ² < 1, and
 * discreteGaussianVectorCks runs it at every σ², as the reference the tests
 * hold Karney's sampler to.
 *
 * Exactness: σ², γ and scales are exact rationals of bigints, and every
 * sampling decision compares a uniform random integer with an integer, or
 * with an exact bound on a real (exact-int.ts, half-discrete-gaussian.ts)
 * that settles it only when the exact comparison would agree. There is no
 * floating point: where these modules compute with `number` they do so only
 * on integers below 2^53, where double arithmetic is exact integer
 * arithmetic (and on exact power-of-two scalings and floors of them);
 * otherwise they compute with bigint.
 *
 * Two restatements of the reference code, each with the same output law:
 * - Algorithm 1's trial Bernoulli(γ/k) is drawn as Bernoulli(1/k) AND
 *   Bernoulli(γ), independent, so that no product den(γ)·k has to be formed.
 * - exp(−γ) is drawn as ⌊γ⌋ trials of Bernoulli(exp(−1)) then one of
 *   Bernoulli(exp(−(γ − ⌊γ⌋))), as in Algorithm 1's loop on γ > 1.
 *
 * Return type: `number`. The limits below (σ² ≤ MAX_SIGMA2 = 2^64) keep every
 * output far inside the safe integers: Algorithm 3 returns |x| ≤ 2^53, and
 * throws E_INTERNAL rather than rounding with probability below 2^−180000;
 * Karney's sampler returns |x| < 54σ, and throws E_INTERNAL rather than
 * truncating with probability below 2^−1000 (k beyond its table, or a
 * comparison that 1024 bits do not settle). So a bigint result would cost
 * time for nothing. Vectors can be written to a BigInt64Array when σ is too
 * large for an Int32Array.
 *
 * Timing: the number of rejection rounds, and so the running time, depends
 * on the sampled values (and so does the rare bigint branch of Karney's
 * sampler, taken a few times in 10^9 samples); Jin et al. (IEEE
 * S&P 2022, arXiv:2112.05307) time discrete samplers this way. A peer here
 * observes at most the time taken for a whole vector, a sum over all its
 * samples.
 */
import { CohortError } from '../errors.ts';
import { karneyPlan, karneySample } from './discrete-gaussian-karney.ts';
import { isqrt } from './exact-int.ts';
import { bitLength, randomBigIntBelow, randomBit, randomIntBelow } from './random.ts';

/** An exact non-negative rational num/den; den ≥ 1. */
export interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

/** Largest σ² accepted: σ ≤ 2^32, so t = ⌊σ⌋ + 1 and the Laplace magnitudes stay safe integers. */
export const MAX_SIGMA2 = 2n ** 64n;
/** Largest σ² for an Int32Array target: σ ≤ 2^26, so |x| ≥ 2^31 means |x| ≥ 32σ, probability below 2^−700. */
export const MAX_SIGMA2_INT32 = 2n ** 52n;
/** Largest bit length of a numerator or denominator: bounds bigint work per sample. */
export const MAX_RATIONAL_BITS = 256;
/** Largest numerator and denominator of a discrete Laplace scale t/s (so v·t + u stays a safe integer). */
export const MAX_LAPLACE_PART = 2 ** 36;

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
/** A geometric count reaching this could overflow u + t·v for t ≤ MAX_LAPLACE_PART; probability exp(−2^17) ≈ 2^−189000. */
const MAX_GEOMETRIC = 2 ** 17;

/** A non-negative integer: a number when below 2^53, else a bigint. Operands of one operation share a kind. */
type Int = number | bigint;

function invalid(message: string): never {
  throw new CohortError('E_PRIVACY_PARAMS', message);
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** Checks a Rational (bigint parts, den ≥ 1, num ≥ 0 or > 0, sizes bounded) and returns it in lowest terms. */
function checkRational(x: unknown, name: string, positive: boolean): Rational {
  const r = x as Partial<Rational> | null;
  if (typeof r !== 'object' || r === null || typeof r.num !== 'bigint' || typeof r.den !== 'bigint') {
    invalid(`"${name}" expected {num: bigint, den: bigint}, got ${String(x)}`);
  }
  const { num, den } = r as Rational;
  if (den < 1n) invalid(`"${name}" expected a denominator >= 1, got ${den}`);
  if (positive ? num <= 0n : num < 0n)
    invalid(`"${name}" expected a numerator ${positive ? '> 0' : '>= 0'}, got ${num}`);
  if (bitLength(den) > MAX_RATIONAL_BITS || (num > 0n && bitLength(num) > MAX_RATIONAL_BITS)) {
    invalid(`"${name}" expected a numerator and denominator of at most ${MAX_RATIONAL_BITS} bits`);
  }
  const g = gcd(num, den);
  return { num: num / g, den: den / g };
}

/** x as a number if it is a safe integer, else as itself. */
function toInt(x: bigint): Int {
  return x <= BigInt(MAX_SAFE) ? Number(x) : x;
}

/**
 * The smallest rational with denominator `den` that is ≥ x: ⌈x·den⌉/den,
 * computed exactly from the double's binary expansion (x·den in floating
 * point could round down). Rounding up means a σ² built this way is never
 * below the one the privacy accounting used, and more noise only helps.
 */
export function rationalFromNumber(x: number, den: bigint | number): Rational {
  if (typeof x !== 'number' || !Number.isFinite(x) || x < 0)
    invalid(`"x" expected a finite number >= 0, got ${String(x)}`);
  if (typeof den === 'number') {
    if (!Number.isSafeInteger(den)) invalid(`"den" expected an integer >= 1, got ${String(den)}`);
    den = BigInt(den);
  }
  if (typeof den !== 'bigint' || den < 1n || bitLength(den) > MAX_RATIONAL_BITS) {
    invalid(`"den" expected an integer in [1, 2^${MAX_RATIONAL_BITS}), got ${String(den)}`);
  }
  // x = mantissa · 2^exponent exactly (IEEE 754 binary64; subnormals have exponent field 0).
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const field = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = field === 0 ? fraction : fraction | (1n << 52n);
  const exponent = (field === 0 ? 1 : field) - 1075;
  const scaled = mantissa * den;
  if (exponent >= 0) return { num: scaled << BigInt(exponent), den };
  const shift = BigInt(-exponent);
  return { num: (scaled + (1n << shift) - 1n) >> shift, den };
}

/** Bernoulli(p/q) for 0 ≤ p ≤ q, q ≥ 1, both of one kind: a uniform integer below q compared with p. */
function bernoulliRatio(p: Int, q: Int): boolean {
  if (typeof q === 'number') {
    if (p === q) return true;
    if (p === 0) return false;
    return randomIntBelow(q) < (p as number);
  }
  if (p === q) return true;
  if (p === 0n) return false;
  return randomBigIntBelow(q) < (p as bigint);
}

/**
 * Algorithm 1, γ = p/q ∈ [0, 1]: K is the first k at which Bernoulli(γ/k)
 * fails: Pr[K > k] = γ^k/k!, so Pr[K odd] = Σ_k (−γ)^k/k! = exp(−γ).
 */
function bernoulliExpUnit(p: Int, q: Int): boolean {
  let k = 1;
  for (;;) {
    if (k > 1 && randomIntBelow(k) !== 0) break;
    if (!bernoulliRatio(p, q)) break;
    k++;
  }
  return (k & 1) === 1;
}

/** Bernoulli(exp(−(whole + frac/q))) for whole ≥ 0, 0 ≤ frac < q. */
function bernoulliExpSplit(whole: Int, frac: Int, q: Int): boolean {
  if (typeof whole === 'number') {
    for (let i = 0; i < whole; i++) if (!bernoulliExpUnit(1, 1)) return false;
  } else {
    for (let i = 0n; i < whole; i++) if (!bernoulliExpUnit(1, 1)) return false;
  }
  return bernoulliExpUnit(frac, q);
}

/** Bernoulli(exp(−p/q)) for p ≥ 0, q ≥ 1 (bigints). */
function bernoulliExpRaw(p: bigint, q: bigint): boolean {
  const qi = toInt(q);
  const frac = p % q;
  return bernoulliExpSplit(toInt(p / q), typeof qi === 'number' ? Number(frac) : frac, qi);
}

/**
 * Algorithm 1: true with probability exactly exp(−γ), for a rational γ ≥ 0.
 * Throws E_PRIVACY_PARAMS for a malformed or negative γ.
 */
export function bernoulliExp(gamma: Rational): boolean {
  const { num, den } = checkRational(gamma, 'gamma', false);
  return bernoulliExpRaw(num, den);
}

/**
 * Algorithm 2 for Lap_Z(t/s) with safe integers 1 ≤ s, t ≤ MAX_LAPLACE_PART:
 * U uniform in [0, t) kept with probability exp(−U/t), V geometric with
 * continuation probability exp(−1), magnitude ⌊(U + t·V)/s⌋, a fair sign,
 * and "−0" rejected so that 0 is not counted twice.
 */
function laplace(s: number, t: number): number {
  for (;;) {
    let u: number;
    do u = randomIntBelow(t);
    while (!bernoulliExpUnit(u, t));
    let v = 0;
    while (bernoulliExpUnit(1, 1)) {
      if (++v >= MAX_GEOMETRIC) throw new CohortError('E_INTERNAL', 'discrete Laplace geometric count overflow');
    }
    const x = u + t * v; // < t·(v + 1) ≤ 2^36 · 2^17 = 2^53
    const magnitude = s === 1 ? x : (x - (x % s)) / s;
    const negative = randomBit() === 1;
    if (negative && magnitude === 0) continue;
    return negative ? -magnitude : magnitude;
  }
}

/**
 * Algorithm 2: one sample of the discrete Laplace distribution with the given
 * scale b = t/s, Pr[x] = (e^{1/b} − 1)/(e^{1/b} + 1) · exp(−|x|/b). Numerator
 * and denominator of the scale (in lowest terms) must be at most
 * MAX_LAPLACE_PART; otherwise, or for a scale ≤ 0, E_PRIVACY_PARAMS.
 */
export function discreteLaplace(scale: Rational): number {
  const { num, den } = checkRational(scale, 'scale', true);
  if (num > BigInt(MAX_LAPLACE_PART) || den > BigInt(MAX_LAPLACE_PART)) {
    invalid(`"scale" expected a numerator and denominator <= 2^36, got ${num}/${den}`);
  }
  return laplace(Number(den), Number(num));
}

/**
 * Algorithm 3's constants for σ² = a/b in lowest terms. The acceptance
 * exponent is rewritten over one integer denominator,
 *   (|Y| − σ²/t)² / (2σ²) = (|Y|·b·t − a)² / D,   D = 2·a·b·t²,
 * so each round needs one subtraction, one square and one division.
 */
interface GaussianPlan {
  t: number;
  a: bigint;
  bt: bigint;
  d: bigint;
  /** a, b·t and D as numbers when safe (else null): the per-sample fast path. */
  aN: number | null;
  btN: number | null;
  dI: Int;
}

/** σ² checked: a Rational in lowest terms in (0, max]. */
function checkSigma2(sigma2: Rational, max: bigint): Rational {
  const r = checkRational(sigma2, 'sigma2', true);
  if (r.num > max * r.den) invalid(`"sigma2" expected at most 2^${bitLength(max) - 1}, got ${r.num}/${r.den}`);
  return r;
}

function cksPlan({ num: a, den: b }: Rational): GaussianPlan {
  const tB = isqrt(a / b) + 1n; // ⌊σ⌋ = ⌊√⌊a/b⌋⌋
  const bt = b * tB;
  const d = 2n * a * bt * tB;
  const aI = toInt(a);
  const btI = toInt(bt);
  return {
    t: Number(tB),
    a,
    bt,
    d,
    aN: typeof aI === 'number' ? aI : null,
    btN: typeof btI === 'number' ? btI : null,
    dI: toInt(d),
  };
}

/** Algorithm 3: one sample for a prepared σ². */
function sample(p: GaussianPlan): number {
  for (;;) {
    const y = laplace(1, p.t);
    const m = y < 0 ? -y : y;
    if (p.aN !== null && p.btN !== null && typeof p.dI === 'number') {
      const mbt = m * p.btN; // exact if ≤ MAX_SAFE; rounding is monotone, so a larger true value cannot land below it
      if (mbt <= MAX_SAFE) {
        const x = mbt - p.aN;
        if (x * x <= MAX_SAFE) {
          const n = x * x;
          const frac = n % p.dI;
          if (bernoulliExpSplit((n - frac) / p.dI, frac, p.dI)) return y;
          continue;
        }
      }
    }
    const x = BigInt(m) * p.bt - p.a;
    const n = x * x;
    const frac = n % p.d;
    if (bernoulliExpSplit(toInt(n / p.d), typeof p.dI === 'number' ? Number(frac) : frac, p.dI)) return y;
  }
}

/**
 * The sampler for a checked σ²: Karney's algorithm (discrete-gaussian-karney.ts)
 * from σ² = 1 up, where it is the faster; Algorithm 3 below, or everywhere
 * when `cksOnly`.
 */
function samplerFor(r: Rational, cksOnly = false): () => number {
  if (!cksOnly && r.num >= r.den) {
    const p = karneyPlan(r.num, r.den);
    return () => karneySample(p);
  }
  const p = cksPlan(r);
  return () => sample(p);
}

/**
 * One sample of N_Z(0, σ²) for an exact σ² = num/den in (0, MAX_SIGMA2].
 * Throws E_PRIVACY_PARAMS for anything else.
 */
export function discreteGaussian(sigma2: Rational): number {
  return samplerFor(checkSigma2(sigma2, MAX_SIGMA2))();
}

/** Checks (n, out) and writes n draws to out, failing rather than wrapping a value outside int32. */
function fill<T extends Int32Array | BigInt64Array>(
  n: number,
  sigma2: Rational,
  out: T,
  samplerOf: (r: Rational) => () => number,
): T {
  if (!Number.isSafeInteger(n) || n < 0) invalid(`"n" expected an integer >= 0, got ${String(n)}`);
  const isInt32 = out instanceof Int32Array;
  if (!isInt32 && !(out instanceof BigInt64Array)) invalid('"out" expected an Int32Array or BigInt64Array');
  if (out.length < n) invalid(`"out" has length ${out.length}, fewer than n = ${n}`);
  const draw = samplerOf(checkSigma2(sigma2, isInt32 ? MAX_SIGMA2_INT32 : MAX_SIGMA2));
  if (isInt32) {
    const o = out as Int32Array;
    for (let i = 0; i < n; i++) {
      const y = draw();
      if (y > 2147483647 || y < -2147483648)
        throw new CohortError('E_INTERNAL', 'discrete Gaussian sample outside int32');
      o[i] = y;
    }
  } else {
    const o = out as BigInt64Array;
    for (let i = 0; i < n; i++) o[i] = BigInt(draw());
  }
  return out;
}

/**
 * Writes n independent N_Z(0, σ²) samples to out[0..n) and returns out. An
 * Int32Array target needs σ² ≤ MAX_SIGMA2_INT32; a BigInt64Array takes any
 * σ² ≤ MAX_SIGMA2. Throws E_PRIVACY_PARAMS for invalid σ², n, or out.
 */
export function discreteGaussianVector<T extends Int32Array | BigInt64Array>(n: number, sigma2: Rational, out: T): T {
  return fill(n, sigma2, out, (r) => samplerFor(r));
}

/**
 * discreteGaussianVector with CKS20 Algorithm 3 at every σ², never Karney's
 * algorithm: the reference the two are tested against, with the same law and
 * errors. Not for production use: from σ² = 1 up it is several times slower.
 */
export function discreteGaussianVectorCks<T extends Int32Array | BigInt64Array>(
  n: number,
  sigma2: Rational,
  out: T,
): T {
  return fill(n, sigma2, out, (r) => samplerFor(r, true));
}
