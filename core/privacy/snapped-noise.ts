/**
 * Gaussian noise for DP-SGD's clipped gradient sum without floating-point
 * porosity: the sum is snapped to a public power-of-two grid γ, exact
 * discrete-Gaussian integers are added in grid units, and the result is
 * scaled back. Every output is (k + Z)·γ, an integer times a public power
 * of two, so its bit pattern says nothing beyond the integer k + Z: the
 * low-bit channel of floating-point samplers (Mironov, "On Significance of
 * the Least Significant Bits for Differential Privacy", CCS 2012) is closed
 * by construction. The grid is Mironov's snapping idea; the noise is the
 * exact sampler of discrete-gaussian.ts (Canonne, Kamath, Steinke, "The
 * Discrete Gaussian for Differential Privacy", NeurIPS 2020, arXiv:2004.00010;
 * "CKS20" below), in the spirit of Google's secure noise generation
 * (differential-privacy, common_docs/Secure_Noise_Generation.pdf).
 *
 * Grid and sensitivity. For a sum a of clipped vectors and a neighbour a + g
 * with ‖g‖₂ ≤ C, let k(x) = round(x/γ) coordinatewise, for any rounding to a
 * nearest integer (|round(x) − x| ≤ 1/2). Per coordinate,
 *   |round(a+g) − round(a)| ≤ |(a+g) − a| + 1/2 + 1/2 = |g| + 1
 * (in units of γ), so by Minkowski's inequality
 *   ‖k(a+g) − k(a)‖₂ ≤ ‖ |g|/γ + 1 ‖₂ ≤ ‖g‖₂/γ + ‖1‖₂ ≤ C/γ + √d = Δ₂.
 * γ = 2^⌊log₂(C/(GRID_FACTOR·√d))⌋ makes C/γ ∈ [G√d, 2G√d), G = GRID_FACTOR,
 * so √d ≤ (C/γ)/G and Δ₂·γ = C + γ√d ≤ C·(1 + 1/G) = C·MAX_SENSITIVITY_INFLATION.
 * Division and multiplication by a power of two are exact in binary64 (no
 * overflow or subnormal result at the magnitudes accepted here), so k is the
 * exact rounding of the double it is given.
 *
 * Noise. Z ~ N_Z(0, s²) independently per coordinate, s = noiseMultiplier·Δ₂
 * (σ² = s² as an exact rational rounded up: never less noise than stated).
 * Relative to the inflated sensitivity Δ₂ the noise multiplier is exactly
 * `noiseMultiplier`; in the caller's units the std is noiseMultiplier·Δ₂·γ,
 * at most MAX_SENSITIVITY_INFLATION times the continuous mechanism's
 * noiseMultiplier·C.
 *
 * Accounting: the job's accountant keeps pricing the continuous (sampled)
 * Gaussian with noise multiplier `noiseMultiplier` and sensitivity 1. Why
 * that is sound, and what is assumed (CKS20 theorem numbers differ between
 * arXiv versions, so results are named by content):
 * - One release, no sampling: proved. For integer means μ, ν, CKS20 §2
 *   bounds D_α(N_Z(μ, s²) ‖ N_Z(ν, s²)) ≤ α(μ−ν)²/(2s²), the continuous
 *   Gaussian's value, at every order α ≥ 1. Z is a product of independent
 *   1-D discrete Gaussians and Rényi divergence adds over independent
 *   coordinates (CKS20's multivariate theorem, same argument), so for an
 *   integer shift Δk with ‖Δk‖₂ ≤ Δ₂, D_α ≤ α‖Δk‖²/(2s²) ≤ α/(2·noiseMultiplier²):
 *   exactly the continuous Gaussian's RDP at noise multiplier
 *   `noiseMultiplier`. No τ term enters: the τ = 10·Σ_k exp(−2π²s²·k/(k+1))
 *   of CKS20's and Kairouz, Liu, Steinke's (ICML 2021) sum theorems measures
 *   how far a *sum* of discrete Gaussians is from one discrete Gaussian
 *   (distributed-dg.ts), and no sum of noises is formed here. Were it
 *   charged, its first term 10·exp(−π²s²) is below 10^−420 for s ≥ 10 (s ≥
 *   101·noiseMultiplier, so any noiseMultiplier ≥ 0.1), beneath the
 *   smallest double (4.9·10^−324).
 * - Poisson subsampling, RDP accountant (rdp.ts): proved at integer orders
 *   for the direction D_α(mixture ‖ base) that Mironov, Talwar and Zhang
 *   (2019, §3.3) expand as A_α = Σ_j C(α, j)(1−q)^{α−j} q^j E[e^{jL}], with
 *   privacy loss L = (⟨Z, Δk⟩ − ‖Δk‖²/2)/s² and every coefficient ≥ 0.
 *   N_Z(0, s²) is s²-subgaussian (CKS20 §2: E[e^{tZ}] ≤ e^{t²s²/2}), so
 *   per coordinate, and so for ⟨Z, Δk⟩, the discrete E[e^{jL}] is at most
 *   the continuous e^{(j²−j)‖Δk‖²/(2s²)}, term by term.
 *   ASSUMED, not proved here: the reverse direction D_α(base ‖ mixture)
 *   (dominated for the continuous Gaussian, MTZ19 §3), fractional orders,
 *   and the PLD accountant's continuous privacy-loss distribution. What
 *   supports it: at these s the discrete Gaussian is the continuous density
 *   sampled on Z, its normaliser √(2π)·s·(1 + 2Σ_{k≥1} e^{−2π²s²k²})
 *   (Poisson summation) off by a relative 2·e^{−2π²s²} < 10^−850 for s ≥ 10,
 *   and ⟨Z, Δk⟩ lives on a lattice of spacing ≤ 1 against a std s‖Δk‖ that
 *   is ≥ 100 whenever ‖Δk‖ ≥ 1 and noiseMultiplier ≥ 1.
 * - Outside this module (client/trainer/dpsgd.ts states it too): the sum is
 *   assumed to be the exactly clipped sum. It is computed in float32 on the
 *   tfjs backend, and rounding in the per-example norms and in the batch sum
 *   can move a neighbour's sum by a few float32 ulps of the sum beyond ‖g‖₂.
 */
import { CohortError } from '../errors.ts';
import {
  discreteGaussianVector,
  MAX_SIGMA2,
  MAX_SIGMA2_INT32,
  rationalFromNumber,
  type Rational,
} from './discrete-gaussian.ts';

/** G: the grid puts at least G·√d cells across the clip, so snapping inflates the L2 sensitivity by at most 1 + 1/G. */
export const GRID_FACTOR = 100;
/** The declared bound on Δ₂·γ / C, the growth of the noise std in the caller's units. */
export const MAX_SENSITIVITY_INFLATION = 1 + 1 / GRID_FACTOR;
/** Largest |sum/γ| accepted, so that k + Z stays an exact double integer (|Z| < 2^52 except with probability below 2^−10^9). */
export const MAX_SNAPPED = 2 ** 51;
/** Largest noise std in grid units: discrete-gaussian.ts's σ² ≤ MAX_SIGMA2 = 2^64. */
export const MAX_GRID_SIGMA = 2 ** 32;
/** Largest dimension accepted: the model size limit (core/model/spec.ts MAX_PARAMS) with room. */
export const MAX_SNAP_DIM = 2 ** 27;

/** Denominator of the rational σ²: 2^32, so σ² is s² rounded up by at most 2^−32 (a relative 2^−32/s²). */
const SIGMA2_DEN = 1n << 32n;
/** Covers the rounding of √d, the sum and the products in s²: a few ulps, taken with a wide margin. */
const ROUNDING_MARGIN = 1 + 2 ** -40;

/** The public parameters of one snapped release: grid, sensitivity and noise, all functions of (clip, d, noiseMultiplier). */
export interface SnapPlan {
  /** γ, a power of two. */
  readonly gamma: number;
  /** Δ₂ = clip/γ + √d, the L2 sensitivity of the snapped sum in grid units. */
  readonly sensitivity: number;
  /** s = noiseMultiplier·Δ₂, the discrete Gaussian's scale in grid units (0: no noise). */
  readonly gridSigma: number;
  /** s² as an exact rational, rounded up; null when noiseMultiplier is 0. */
  readonly sigma2: Rational | null;
  /** The noise std in the caller's units, s·γ ≤ noiseMultiplier·clip·MAX_SENSITIVITY_INFLATION. */
  readonly std: number;
}

function invalid(message: string): never {
  throw new CohortError('E_PRIVACY_PARAMS', message);
}

/**
 * The grid, sensitivity and noise scale for a d-dimensional sum of vectors
 * clipped to L2 norm `clip`. Data-independent: callers check it before
 * touching records. Throws E_PRIVACY_PARAMS unless clip is finite and
 * > 0 (and leaves γ a normal double), 1 ≤ d ≤ MAX_SNAP_DIM is an integer,
 * noiseMultiplier is finite and ≥ 0, and s ≤ MAX_GRID_SIGMA.
 */
export function snapPlan(clip: number, dim: number, noiseMultiplier: number): SnapPlan {
  if (typeof clip !== 'number' || !Number.isFinite(clip) || !(clip > 0))
    invalid(`"clip" expected a finite number > 0, got ${String(clip)}`);
  if (!Number.isSafeInteger(dim) || dim < 1 || dim > MAX_SNAP_DIM)
    invalid(`"d" expected an integer in [1, 2^27], got ${String(dim)}`);
  if (typeof noiseMultiplier !== 'number' || !Number.isFinite(noiseMultiplier) || !(noiseMultiplier >= 0)) {
    invalid(`"noiseMultiplier" expected a finite number >= 0, got ${String(noiseMultiplier)}`);
  }
  const target = GRID_FACTOR * Math.sqrt(dim);
  let gamma = 2 ** Math.floor(Math.log2(clip / target));
  // log2 may be off by an ulp at a power of two: settle γ so that clip/γ ∈ [target, 2·target).
  while (clip / gamma < target) gamma /= 2;
  while (clip / (2 * gamma) >= target) gamma *= 2;
  if (!(gamma >= 2 ** -900) || !(gamma <= 2 ** 900))
    invalid(`"clip" ${clip} gives a grid outside the safe double range`);
  const sensitivity = (clip / gamma + Math.sqrt(dim)) * ROUNDING_MARGIN;
  const gridSigma = noiseMultiplier * sensitivity;
  if (gridSigma > MAX_GRID_SIGMA) {
    invalid(
      `noise std ${gridSigma} grid units (noiseMultiplier ${noiseMultiplier} × sensitivity ${sensitivity}) exceeds 2^32; lower noiseMultiplier or the model size`,
    );
  }
  let sigma2: Rational | null = null;
  if (gridSigma > 0) {
    sigma2 = rationalFromNumber(gridSigma * gridSigma * ROUNDING_MARGIN, SIGMA2_DEN);
    // s² below 2^−32 (or underflowing to 0) rounds up to 2^−32: still at least s².
    if (sigma2.num === 0n) sigma2 = { num: 1n, den: SIGMA2_DEN };
  }
  if (sigma2 !== null && sigma2.num > MAX_SIGMA2 * sigma2.den) invalid(`noise variance exceeds 2^64 grid units`);
  return { gamma, sensitivity, gridSigma, sigma2, std: gridSigma * gamma };
}

/**
 * The privatised sum: k = round(sum/γ) plus independent N_Z(0, s²) integers
 * per coordinate, returned as (k + Z)·γ in `out` (a new Float64Array of
 * sum.length if omitted), with γ and s from snapPlan(clip, sum.length,
 * noiseMultiplier). noiseMultiplier 0 snaps without noise. Inputs are not
 * mutated. Throws E_PRIVACY_PARAMS for invalid parameters (snapPlan), an
 * empty sum, a non-finite coordinate, |sum/γ| > MAX_SNAPPED, or an `out`
 * that is not a Float64Array with room for the sum.
 */
export function privatizeSum(
  sum: ArrayLike<number>,
  clip: number,
  noiseMultiplier: number,
  out?: Float64Array,
): Float64Array {
  if (sum === null || typeof sum !== 'object' || !Number.isSafeInteger(sum.length))
    invalid('"sum" expected an array of numbers');
  const d = sum.length;
  const plan = snapPlan(clip, d, noiseMultiplier);
  const target = out ?? new Float64Array(d);
  if (!(target instanceof Float64Array) || target.length < d)
    invalid(`"out" expected a Float64Array of length >= ${d}`);
  const { gamma, sigma2 } = plan;
  // Snap first, into the target: it is checked before any randomness is drawn.
  for (let i = 0; i < d; i++) {
    const v = sum[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) invalid(`"sum" coordinate ${i} is not a finite number`);
    const k = Math.round(v / gamma);
    if (Math.abs(k) > MAX_SNAPPED) invalid(`"sum" coordinate ${i} is ${v}, over 2^51 grid cells of ${gamma}`);
    target[i] = k;
  }
  if (sigma2 !== null) {
    if (sigma2.num <= MAX_SIGMA2_INT32 * sigma2.den) {
      const z = discreteGaussianVector(d, sigma2, new Int32Array(d));
      for (let i = 0; i < d; i++) target[i] = target[i]! + z[i]!;
    } else {
      const z = discreteGaussianVector(d, sigma2, new BigInt64Array(d));
      for (let i = 0; i < d; i++) target[i] = target[i]! + Number(z[i]!);
    }
  }
  for (let i = 0; i < d; i++) {
    const m = target[i]!;
    // |k| ≤ 2^51 and |Z| ≤ 2^52 keep k + Z exact; a larger Z has probability below 2^−(2^38).
    if (!(Math.abs(m) < 2 ** 53)) throw new CohortError('E_INTERNAL', 'snapped noisy sum left the exact integers');
    target[i] = m * gamma;
  }
  return target;
}
