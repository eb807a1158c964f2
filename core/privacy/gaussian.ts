/**
 * Continuous Gaussian noise N(0, σ²) in floating point. Not used for any
 * differentially private release: DP-SGD (client/trainer/dpsgd.ts) adds
 * exact discrete-Gaussian noise to its clipped sum snapped to a grid
 * (snapped-noise.ts), because of the floating-point caveats below. Kept for
 * non-DP uses and for tests, among them the attack test that shows the
 * porosity of this path (test/core/privacy/snapped-noise.test.ts).
 *
 * Method: Box–Muller (Box and Muller, Ann. Math. Statist. 29(2), 1958) on
 * two 53-bit uniforms from random.ts, both outputs used:
 *   r = σ·sqrt(−2 ln u₁),  z₀ = r·cos(2π u₂),  z₁ = r·sin(2π u₂).
 * Chosen over Marsaglia's polar method because it consumes a fixed four
 * pool words per pair, with no rejection loop; the polar method saves the
 * trigonometric calls but not the logarithm, and costs ~27 % more randomness.
 *
 * Floating-point caveats (why this is not the "exact" sampler):
 * - The output is a function of about 2^106 equally likely input pairs, not a
 *   real Gaussian: u₁ ≥ 2^−53 truncates |z| at σ·sqrt(106 ln 2) ≈ 8.57σ
 *   (the mass beyond is ~1e−17), and the tail is lumpy near that bound.
 * - Mironov ("On Significance of the Least Significant Bits for Differential
 *   Privacy", CCS 2012) showed that the textbook floating-point Laplace
 *   sampler, x + λ·S·ln(u) with S a random sign, leaks x through which
 *   doubles the output can take, and proposed the snapping mechanism.
 *   Floating-point Gaussians have the same porosity: Jin, McMurtry,
 *   Rubinstein and Ohrimenko ("Are We There Yet? Timing and Floating-Point
 *   Attacks on Differential Privacy Systems", IEEE S&P 2022,
 *   arXiv:2112.05307) and Holohan and Braghin ("Secure Random Sampling in
 *   Differential Privacy", ESORICS 2021, arXiv:2107.10138) attack the
 *   Gaussian samplers of DP libraries through the doubles they can and
 *   cannot produce. Holohan and Braghin's mitigation, summing several
 *   samples (their §5.1), is Opacus's `secure_mode`. Google's
 *   differential-privacy library avoids floating-point noise altogether,
 *   adding a scaled symmetric binomial on a power-of-two grid ("Secure Noise
 *   Generation", common_docs/Secure_Noise_Generation.pdf; GaussianNoise.java).
 * - DP-SGD used this sampler until issue 15 (doubles rounded to float32 and
 *   added in float32, Opacus's default trade-off). It now snaps the sum to a
 *   public grid and adds discrete-gaussian.ts's exact integers, which have no
 *   floating point in their sampling decisions (Canonne, Kamath and Steinke,
 *   "The Discrete Gaussian for Differential Privacy", NeurIPS 2020), so every
 *   output is an integer times a public power of two.
 */
import { CohortError } from '../errors.ts';
import { randomUniform } from './random.ts';

const TWO_PI = 2 * Math.PI;

function invalid(message: string): never {
  throw new CohortError('E_PRIVACY_PARAMS', message);
}

/**
 * Writes n independent N(0, σ²) samples to out[0..n) (a new Float64Array of
 * length n if `out` is omitted) and returns out. Float32Array targets get
 * each double rounded to single precision. Throws E_PRIVACY_PARAMS unless σ
 * is finite and > 0, n is an integer ≥ 0 and out has room for n samples.
 */
export function gaussianNoise<T extends Float64Array | Float32Array = Float64Array>(
  n: number,
  sigma: number,
  out?: T,
): T {
  if (typeof sigma !== 'number' || !(sigma > 0) || !Number.isFinite(sigma)) {
    invalid(`"sigma" expected a finite number > 0, got ${String(sigma)}`);
  }
  if (!Number.isSafeInteger(n) || n < 0) invalid(`"n" expected an integer >= 0, got ${String(n)}`);
  const target = (out ?? new Float64Array(n)) as T;
  if (!(target instanceof Float64Array || target instanceof Float32Array)) {
    invalid('"out" expected a Float64Array or Float32Array');
  }
  if (target.length < n) invalid(`"out" has length ${target.length}, fewer than n = ${n}`);
  let i = 0;
  while (i < n) {
    const r = sigma * Math.sqrt(-2 * Math.log(randomUniform()));
    const theta = TWO_PI * randomUniform();
    target[i++] = r * Math.cos(theta);
    if (i < n) target[i++] = r * Math.sin(theta);
  }
  return target;
}
