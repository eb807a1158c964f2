/**
 * Parameters of the distributed discrete Gaussian in Z_{2^k} (KLS21:
 * Kairouz, Liu, Steinke, ICML 2021, arXiv:2102.06387, §4.2, §4.4 and
 * Thm. 34 / Eq. 61, as the authors' reference code cites them): the
 * granularity γ (the real value of one integer unit), the rounding norm
 * bound, and the integer noise, chosen so that the modular sum of n
 * clients' vectors decodes without wrapping except with a stated,
 * negligible probability.
 *
 * Headroom. After rotation (rotation.ts) the sum's coordinate j, in integer
 * units, is S_j = G_j + R_j + N_j:
 *   G_j  the rotated sum of the clipped updates over γ, sub-Gaussian over
 *        the public signs with variance proxy ‖Σx_i‖²/(γ²L) ≤ n²c²/(γ²L)
 *        (KLS21 Lemma 29, flatness ρ = 1 for the randomized Hadamard);
 *   R_j  the n rounding errors, each in (−1, 1): |R_j| < n always;
 *   N_j  the n noise shares, N_Z(0, s²) each, sub-Gaussian with proxy n·s²
 *        (Canonne, Kamath, Steinke, NeurIPS 2020, show N_Z(0, s²) is
 *        sub-Gaussian with parameter s²).
 * So Pr[|G_j + N_j| ≥ t·√v] ≤ 2·exp(−t²/2) with v = (n²c²/L + n·σ²)/γ², and
 * the centred decode range [−2^(k−1), 2^(k−1)) holds S_j whenever
 *   t·√v + n ≤ 2^(k−1) − 1,
 * i.e. γ ≥ t·sqrt(n²c²/L + n·σ²) / (2^(k−1) − 1 − n). With t chosen so that
 * 2L·exp(−t²/2) = η, a union bound over the L coordinates puts the chance
 * that any coordinate wraps below η. The reference code's rule
 * (accounting_utils.py heuristic_scale_factor: 2^k = 2t·sqrt(n²c²/L +
 * n(γ²/4 + σ²))/γ with a fixed t = 4) treats rounding error as sub-Gaussian
 * too; conditional rounding (a resampled draw) does not keep it so, so we
 * bound it deterministically, at a cost of n units out of 2^(k−1).
 *
 * A wrap is a utility failure, not a privacy one: decoding is
 * post-processing of the private sum.
 */
import { CohortError } from '../errors.ts';
import { rationalFromNumber, MAX_SIGMA2, type Rational } from '../privacy/discrete-gaussian.ts';
import {
  calibrateDdgNoise,
  roundedL1Bound,
  roundedL2Bound,
  MAX_DDG_CLIENTS,
  type DdgMechanism,
} from '../privacy/distributed-dg.ts';
import { paddedLength } from './rotation.ts';

/** Default η: the chance that any coordinate of a round's sum wraps, 2^−30 ≈ 9.3e−10. */
export const DEFAULT_WRAP_PROBABILITY = 2 ** -30;
/** Largest rounded norm accepted: every word (rounded value plus noise) stays an exact double. */
export const MAX_ROUNDED_BOUND = 2 ** 50;

export interface DdgConfig {
  /** n: the most clients whose vectors are ever summed (sizes the headroom), ≥ 1. */
  n: number;
  /** n_min: the fewest clients whose noise shares the privacy guarantee counts on; default n. */
  nMin?: number;
  /** d: update length before padding, ≥ 1. */
  d: number;
  /** c: L2 clip of each update, real units, > 0. */
  clip: number;
  /** σ: per-client noise standard deviation, real units, ≥ 0 (0: no noise, no privacy). */
  sigma: number;
  /** k: the sum lives in Z_{2^k}, 2 ≤ k ≤ 32. */
  bits: number;
  /** β ∈ [0, 1) of conditional randomized rounding (KLS21 Prop. 22); the reference's default is e^{−1/2}. */
  beta: number;
  /** η ∈ (0, 1): allowed probability that some coordinate of the sum wraps; default DEFAULT_WRAP_PROBABILITY. */
  wrapProbability?: number;
  /** γ to use instead of the smallest one with enough headroom (must not be smaller). */
  gamma?: number;
}

export interface DdgParams {
  readonly n: number;
  readonly nMin: number;
  readonly d: number;
  /** L: d padded to a power of two for the Hadamard rotation; the encoded vector's length. */
  readonly paddedDim: number;
  readonly clip: number;
  readonly sigma: number;
  readonly bits: number;
  readonly beta: number;
  /** γ: the real value of one integer unit. */
  readonly gamma: number;
  /** t: standard deviations of G + N that fit beside the rounding slack. */
  readonly kStddevs: number;
  /** Union bound on the probability that any coordinate of the sum wraps (≤ η). */
  readonly wrapBound: number;
  /** Conditional rounding keeps ‖rounded‖₂ ≤ this (integer units): KLS21 Thm. 1 Eq. 2 for c/γ. */
  readonly roundedBound: number;
  /** A rounding is accepted iff its squared norm (an integer) is at most this; ≤ roundedBound². */
  readonly maxNormSq: number;
  /** s = σ/γ: per-client discrete noise standard deviation parameter, integer units. */
  readonly noiseStddev: number;
  /** s² as the exact rational the sampler uses (rounded up from σ²/γ²); null when σ = 0. */
  readonly noiseVariance: Rational | null;
  /** Δ₂ and Δ₁ of the integer sum (zero-out neighbours). */
  readonly l2Sensitivity: number;
  readonly l1Sensitivity: number;
  /** One round for ddgRdp / ddgEpsilon (n_min shares of s, in L dimensions). */
  readonly mechanism: DdgMechanism;
}

function bad(message: string): never {
  throw new CohortError('E_CONFIG_INVALID', message);
}

function checkNumber(x: unknown, name: string, ok: (v: number) => boolean, range: string): asserts x is number {
  if (typeof x !== 'number' || Number.isNaN(x) || !ok(x)) bad(`"${name}" expected ${range}, got ${String(x)}`);
}

function checkInteger(x: unknown, name: string, min: number, max: number): asserts x is number {
  if (!Number.isSafeInteger(x) || (x as number) < min || (x as number) > max)
    bad(`"${name}" expected integer in [${min}, ${max}], got ${String(x)}`);
}

interface Shape {
  n: number;
  nMin: number;
  d: number;
  paddedDim: number;
  clip: number;
  bits: number;
  beta: number;
  eta: number;
  /** t for η. */
  k: number;
  /** 2^(k−1) − 1 − n: room for G + N. */
  room: number;
}

/** Validates everything but σ and γ. */
function shape(c: Omit<DdgConfig, 'sigma' | 'gamma'>): Shape {
  if (typeof c !== 'object' || c === null) bad(`DDG config expected an object, got ${String(c)}`);
  checkInteger(c.n, 'n', 1, MAX_DDG_CLIENTS);
  const nMin = c.nMin ?? c.n;
  checkInteger(nMin, 'nMin', 1, c.n);
  checkInteger(c.d, 'd', 1, Number.MAX_SAFE_INTEGER);
  const paddedDim = paddedLength(c.d);
  checkNumber(c.clip, 'clip', (v) => v > 0 && Number.isFinite(v), 'a finite number > 0');
  checkInteger(c.bits, 'bits', 2, 32);
  checkNumber(c.beta, 'beta', (v) => v >= 0 && v < 1, 'a number in [0, 1)');
  const eta = c.wrapProbability ?? DEFAULT_WRAP_PROBABILITY;
  checkNumber(eta, 'wrapProbability', (v) => v > 0 && v < 1, 'a number in (0, 1)');
  const k = Math.sqrt(2 * Math.log((2 * paddedDim) / eta));
  const room = 2 ** (c.bits - 1) - 1 - c.n;
  if (!(room > 0))
    bad(`no headroom: the rounding errors of ${c.n} clients alone can fill Z_2^${c.bits}; use more bits`);
  return { n: c.n, nMin, d: c.d, paddedDim, clip: c.clip, bits: c.bits, beta: c.beta, eta, k, room };
}

/** The smallest γ with t·sqrt(n²c²/L + nσ²)/γ ≤ 2^(k−1) − 1 − n (module comment). */
function minGamma(s: Shape, sigma: number): number {
  return (s.k * Math.sqrt((s.n * s.n * s.clip * s.clip) / s.paddedDim + s.n * sigma * sigma)) / s.room;
}

/** A denominator for s²: about 20 fractional bits below 2^20, none above, so the sampler's integers stay small. */
function varianceDenominator(s2: number): bigint {
  return s2 >= 2 ** 20 ? 1n : 2n ** BigInt(Math.min(200, 20 - Math.floor(Math.log2(s2))));
}

function build(s: Shape, sigma: number, gamma: number): DdgParams {
  const scaledClip = s.clip / gamma;
  if (!Number.isFinite(scaledClip)) bad(`"gamma" ${gamma} is too small for clip ${s.clip}`);
  const roundedBound = roundedL2Bound(scaledClip, s.paddedDim, s.beta);
  if (!(roundedBound <= MAX_ROUNDED_BOUND))
    bad(`rounded norm ${roundedBound} exceeds 2^50: gamma ${gamma} is too fine for clip ${s.clip}`);
  // B² in floating point can round up past an integer the exact B² is below; the 2^−40 margin absorbs it.
  const maxNormSq = Math.floor(roundedBound * roundedBound * (1 - 2 ** -40));
  const noiseStddev = sigma / gamma;
  const s2 = noiseStddev * noiseStddev;
  if (!Number.isFinite(s2) || s2 > Number(MAX_SIGMA2))
    bad(`noise sigma/gamma = ${noiseStddev} exceeds the sampler's 2^32`);
  const noiseVariance = sigma === 0 ? null : rationalFromNumber(s2, varianceDenominator(s2));
  const headroom = (s.room * gamma) / Math.sqrt((s.n * s.n * s.clip * s.clip) / s.paddedDim + s.n * sigma * sigma);
  const wrapBound = Math.min(1, 2 * s.paddedDim * Math.exp((-headroom * headroom) / 2));
  const l1Sensitivity = roundedL1Bound(roundedBound, s.paddedDim);
  return Object.freeze({
    n: s.n,
    nMin: s.nMin,
    d: s.d,
    paddedDim: s.paddedDim,
    clip: s.clip,
    sigma,
    bits: s.bits,
    beta: s.beta,
    gamma,
    kStddevs: headroom,
    wrapBound,
    roundedBound,
    maxNormSq,
    noiseStddev,
    noiseVariance,
    l2Sensitivity: roundedBound,
    l1Sensitivity,
    mechanism: Object.freeze({
      clients: s.nMin,
      sigma: noiseStddev,
      l2Sensitivity: roundedBound,
      l1Sensitivity,
      dim: s.paddedDim,
    }),
  });
}

/**
 * The parameters for a given per-client σ: γ the smallest with enough
 * headroom (or `gamma` if given and at least that), and everything the
 * encoder, decoder and accountant need. Throws E_CONFIG_INVALID for any
 * invalid or unsatisfiable option (NaN, out of range, too few bits for n,
 * a γ below the headroom minimum, or a scale the encoder cannot hold
 * exactly).
 */
export function ddgParams(config: DdgConfig): DdgParams {
  const s = shape(config);
  checkNumber(config.sigma, 'sigma', (v) => v >= 0 && Number.isFinite(v), 'a finite number >= 0');
  const least = minGamma(s, config.sigma);
  let gamma = least;
  if (config.gamma !== undefined) {
    checkNumber(config.gamma, 'gamma', (v) => v > 0 && Number.isFinite(v), 'a finite number > 0');
    if (config.gamma < least)
      bad(`"gamma" ${config.gamma} leaves too little headroom: at least ${least} needed for ${config.bits} bits`);
    gamma = config.gamma;
  }
  return build(s, config.sigma, gamma);
}

export interface PlanDdgOptions extends Omit<DdgConfig, 'sigma' | 'gamma'> {
  /** ε to meet over all rounds, > 0. */
  targetEpsilon: number;
  /** δ, in (0, 1). */
  delta: number;
  /** Rounds composed, ≥ 1. */
  rounds: number;
  orders?: readonly number[];
}

/** Fixed-point iterations before giving up: convergence is geometric unless the bits barely suffice. */
const MAX_PLAN_ITERATIONS = 200;
/** Relative step below which the iteration has converged. */
const PLAN_REL_TOL = 1e-6;
/** Final γ margin above the fixed point, so the σ calibrated at γ still fits (checked). */
const PLAN_MARGIN = 1e-3;

/**
 * σ and γ together, for a privacy target: the smallest γ such that the σ
 * calibrated at γ (calibrateDdgNoise, n_min shares, L dimensions) fits the
 * headroom at γ. γ's headroom minimum grows with σ and σ's calibration grows
 * with γ (rounding inflates the sensitivity), so γ ↦ minGamma(σ(γ)) is
 * non-decreasing; iterating it from minGamma(0) climbs to its least fixed
 * point, or diverges when the bits cannot carry the target (E_CONFIG_INVALID).
 * The reference code solves the same equation with a scalar minimiser
 * (accounting_utils.py ddgauss_params). Throws E_CONFIG_INVALID for invalid
 * shape options and E_PRIVACY_PARAMS for an invalid or unreachable target.
 */
export function planDdg(options: PlanDdgOptions): DdgParams {
  const s = shape(options);
  const sigmaAt = (gamma: number): number =>
    calibrateDdgNoise({
      targetEpsilon: options.targetEpsilon,
      delta: options.delta,
      rounds: options.rounds,
      minClients: s.nMin,
      dim: s.paddedDim,
      clip: s.clip,
      gamma,
      beta: s.beta,
      ...(options.orders === undefined ? {} : { orders: options.orders }),
    });
  let gamma = minGamma(s, 0);
  for (let i = 0; i < MAX_PLAN_ITERATIONS; i++) {
    const next = minGamma(s, sigmaAt(gamma));
    if (next <= gamma * (1 + PLAN_REL_TOL)) {
      // Converged: step a little above the fixed point and check that the σ calibrated there fits.
      const g = Math.max(gamma, next) * (1 + PLAN_MARGIN);
      const sigma = sigmaAt(g);
      if (minGamma(s, sigma) <= g) return ddgParams({ ...options, sigma, gamma: g });
      gamma = g;
      continue;
    }
    if (!(next < s.clip * 2 ** 40)) break;
    gamma = next;
  }
  bad(
    `${options.bits} bits cannot carry ${s.n} clients at epsilon ${options.targetEpsilon}: the noise needed outgrows the headroom; use more bits`,
  );
}
