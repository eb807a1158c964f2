/**
 * Client encoding and server decoding for the distributed discrete Gaussian
 * inside secure aggregation (KLS21: Kairouz, Liu, Steinke, ICML 2021,
 * arXiv:2102.06387, §4, the client and server procedures; the reference
 * pipeline is google-research/federated distributed_dp/compression_utils.py).
 *
 * Client, for an update x of length d:
 *   1. clip: x ← x · min(1, c/‖x‖₂);
 *   2. rotate: y = H·D·pad(x)/√L with the round's public seed (rotation.ts);
 *   3. scale: y ← y/γ, so one integer unit is worth γ;
 *   4. round: each y_j to ⌊y_j⌋ or ⌊y_j⌋ + 1, up with probability
 *      y_j − ⌊y_j⌋ (unbiased), redrawn until ‖z‖₂² ≤ maxNormSq (conditional
 *      randomized rounding, KLS21 Prop. 22; each draw fails with probability
 *      at most β for a clipped input);
 *   5. noise: z_j += N_Z(0, s²), s = σ/γ, the exact sampler of
 *      discrete-gaussian.ts;
 *   6. reduce: z mod 2^k into a Uint32Array of L words, the secure sum's input.
 * The privacy argument needs only what step 4 enforces (‖z‖₂ within the
 * bound the accountant is given) and step 5; steps 1–3 shape utility.
 *
 * Server, for the modular sum of the survivors' words: read each word as a
 * signed integer in [−2^(k−1), 2^(k−1)), multiply by γ, rotate back and keep
 * the first d coordinates: an unbiased estimate of Σ clip(x_i) plus the
 * rotated noise, exact up to rounding when nothing wrapped (ddg-params.ts
 * sizes γ so that nothing does, but for a stated negligible probability).
 *
 * Randomness: rounding and noise come from the CSPRNG (core/privacy/random.ts);
 * intermediate vectors holding the update or the noise are zeroed after use.
 */
import { CohortError } from '../errors.ts';
import { discreteGaussianVector, MAX_SIGMA2_INT32 } from '../privacy/discrete-gaussian.ts';
import { randomUint32 } from '../privacy/random.ts';
import type { DdgParams } from './ddg-params.ts';
import { signedWords } from './ring.ts';
import { rotate, unrotate } from './rotation.ts';

/** Default cap on rounding draws: for β = e^{−1/2} all 64 fail with probability below 1e−13. */
export const DEFAULT_MAX_ROUNDING_TRIES = 64;
/** Largest cap accepted. */
export const MAX_ROUNDING_TRIES = 10_000;

const TWO_32 = 2 ** 32;

export interface DdgEncodeOptions {
  /** Rounding draws before E_PRIVACY_ROUNDING; default DEFAULT_MAX_ROUNDING_TRIES. */
  maxTries?: number;
}

/** ‖x‖₂ without overflow or underflow: scaled by the largest magnitude. Throws E_UPDATE_NONFINITE. */
function l2Norm(x: Float32Array | Float64Array): number {
  let max = 0;
  for (let j = 0; j < x.length; j++) {
    const v = x[j]!;
    if (!Number.isFinite(v)) throw new CohortError('E_UPDATE_NONFINITE', `coordinate ${j} is ${v}`);
    const a = Math.abs(v);
    if (a > max) max = a;
  }
  if (max === 0) return 0;
  let sum = 0;
  for (let j = 0; j < x.length; j++) {
    const v = x[j]! / max;
    sum += v * v;
  }
  return max * Math.sqrt(sum);
}

/**
 * Step 4: z ← a randomized rounding of y with Σ z_j² ≤ maxNormSq, drawing
 * afresh (never patching the last draw, which would bias it) up to maxTries
 * times. The squared norm of an integer vector below 2^53 is exact.
 */
function conditionalRound(y: Float64Array, z: Float64Array, maxNormSq: number, maxTries: number): void {
  for (let attempt = 0; attempt < maxTries; attempt++) {
    let sumSq = 0;
    for (let j = 0; j < y.length; j++) {
      const v = y[j]!;
      const f = Math.floor(v);
      // Up with probability ⌈(v − f)·2^32⌉/2^32: biased by under 2^−32, as quantize.ts.
      const r = randomUint32() < (v - f) * TWO_32 ? f + 1 : f;
      z[j] = r;
      sumSq += r * r;
    }
    if (sumSq <= maxNormSq) return;
  }
  z.fill(0);
  throw new CohortError('E_PRIVACY_ROUNDING', `no rounding within the norm bound in ${maxTries} tries`);
}

/** Step 5: z += N_Z(0, s²) per coordinate. */
function addNoise(z: Float64Array, p: DdgParams): void {
  if (p.noiseVariance === null) return;
  const { num, den } = p.noiseVariance;
  // Within discreteGaussianVector's int32 limit, else the slower BigInt64Array path.
  if (num <= MAX_SIGMA2_INT32 * den) {
    const noise = discreteGaussianVector(z.length, p.noiseVariance, new Int32Array(z.length));
    for (let j = 0; j < z.length; j++) z[j]! += noise[j]!;
    noise.fill(0);
  } else {
    const noise = discreteGaussianVector(z.length, p.noiseVariance, new BigInt64Array(z.length));
    for (let j = 0; j < z.length; j++) z[j]! += Number(noise[j]!);
    noise.fill(0n);
  }
}

function checkParams(p: DdgParams): void {
  if (typeof p !== 'object' || p === null || typeof p.gamma !== 'number' || typeof p.paddedDim !== 'number') {
    throw new CohortError('E_CONFIG_INVALID', 'DDG parameters expected the result of ddgParams or planDdg');
  }
}

/**
 * The client's input to the secure sum: `update` clipped, rotated with
 * `seed`, scaled, conditionally rounded and noised, as paddedDim words of
 * Z_{2^bits}. Throws E_UPDATE_LENGTH if update.length ≠ p.d,
 * E_UPDATE_NONFINITE for NaN or ±∞, E_CONFIG_INVALID for bad options,
 * E_SECAGG_BAD_INPUT for a seed that is not 32 bytes, and
 * E_PRIVACY_ROUNDING if every rounding draw exceeds the bound.
 */
export function ddgEncode(
  update: Float32Array | Float64Array,
  p: DdgParams,
  seed: Uint8Array,
  options: DdgEncodeOptions = {},
): Uint32Array {
  checkParams(p);
  if (!(update instanceof Float32Array || update instanceof Float64Array)) {
    throw new CohortError('E_CONFIG_INVALID', 'update must be a Float32Array or Float64Array');
  }
  if (update.length !== p.d)
    throw new CohortError('E_UPDATE_LENGTH', `update of ${update.length} values for DDG parameters of ${p.d}`);
  const maxTries = options.maxTries ?? DEFAULT_MAX_ROUNDING_TRIES;
  if (!Number.isSafeInteger(maxTries) || maxTries < 1 || maxTries > MAX_ROUNDING_TRIES) {
    throw new CohortError(
      'E_CONFIG_INVALID',
      `"maxTries" expected integer in [1, ${MAX_ROUNDING_TRIES}], got ${String(maxTries)}`,
    );
  }
  const norm = l2Norm(update);
  const y = rotate(update, seed);
  const scale = (norm > p.clip ? p.clip / norm : 1) / p.gamma;
  for (let j = 0; j < y.length; j++) y[j]! *= scale;
  const z = new Float64Array(y.length);
  try {
    conditionalRound(y, z, p.maxNormSq, maxTries);
    addNoise(z, p);
    // |z_j| < 2^53 (ddg-params.ts bounds the rounded norm and s), so z_j − M·⌊z_j/M⌋ is exact.
    const modulus = 2 ** p.bits;
    const out = new Uint32Array(z.length);
    for (let j = 0; j < z.length; j++) {
      const v = z[j]!;
      out[j] = v - modulus * Math.floor(v / modulus);
    }
    return out;
  } finally {
    y.fill(0);
    z.fill(0);
  }
}

/**
 * The server's estimate of Σ clip(x_i) (plus noise) from the modular sum of
 * the survivors' encodings: centred, scaled by γ, rotated back, truncated to
 * d. Throws E_UPDATE_LENGTH if sum.length ≠ paddedDim, E_UPDATE_RANGE for a
 * word outside Z_{2^bits}, E_SECAGG_BAD_INPUT for a bad seed.
 */
export function ddgDecode(sum: Uint32Array, p: DdgParams, seed: Uint8Array): Float64Array {
  checkParams(p);
  if (!(sum instanceof Uint32Array)) throw new CohortError('E_CONFIG_INVALID', 'sum must be a Uint32Array');
  if (sum.length !== p.paddedDim)
    throw new CohortError('E_UPDATE_LENGTH', `sum of ${sum.length} words for DDG parameters of ${p.paddedDim}`);
  const y = signedWords(sum, p.bits);
  for (let j = 0; j < y.length; j++) y[j] = y[j]! * p.gamma;
  return unrotate(y, seed, p.d);
}
