/**
 * The privacy loss distribution (PLD) of one release of the discrete
 * Gaussian mechanism: an integer of sensitivity 1 plus noise from
 * N_Z(0, σ²), P(z) = e^{−z²/2σ²} / Σ_k e^{−k²/2σ²} (Canonne, Kamath, Steinke,
 * "The Discrete Gaussian for Differential Privacy", NeurIPS 2020).
 *
 * Why not the continuous Gaussian's PLD (gaussian-pld.ts): the discrete
 * Gaussian's Rényi divergences are at most the continuous one's, α/2σ²
 * (CKS20 §2.2, concentrated DP of the discrete Gaussian), but its hockey-stick δ(ε) is not: at σ = 1 the exact discrete δ
 * at the continuous curve's ε for δ = 1e-5 is 1.65e-5. So it is priced from
 * its own, exact, loss distribution.
 *
 * The pair is P = N_Z(0, σ²), Q = N_Z(1, σ²); the loss at output z is
 *   L(z) = log(P(z)/Q(z)) = (1 − 2z)/(2σ²),
 * with mass P(z). The pair is symmetric (z ↦ 1 − z swaps P and Q and negates
 * L), so adding and removing a record have one PLD. After dp_accounting's
 * from_discrete_gaussian_mechanism with pessimistic_estimate
 * (python/dp_accounting/pld/privacy_loss_distribution.py, and
 * DiscreteGaussianPrivacyLoss in privacy_loss_mechanism.py), the "privacy
 * buckets" construction: each loss is rounded up to the grid of spacing Δ,
 * which only raises δ(ε) = Σ P(z)(1 − e^{ε−L(z)})₊ and, being the PLD of a
 * dominating pair, survives composition. Two differences from it: the
 * masses are normalised by the untruncated Σ_k e^{−k²/2σ²} (dp_accounting
 * renormalises its truncated support, which moves mass in from the tails),
 * and the truncated tails |z| > T are sent to +∞ (pessimistic) with a
 * bound on their mass rather than dropped.
 *
 * Normalisation, by Poisson summation (a Jacobi theta identity):
 *   Σ_k e^{−k²/2σ²} = σ√(2π) · (1 + 2 Σ_{m≥1} e^{−2π²σ²m²}),
 * exact, and for σ ≥ 1 three terms of the right side reach the last bit.
 * Tails: for T > 0, Σ_{z>T} e^{−z²/2σ²} ≤ ∫_T^∞ e^{−x²/2σ²} dx ≤ (σ²/T) e^{−T²/2σ²},
 * and the sum is at least σ√(2π), so each tail is at most σ e^{−T²/2σ²}/(T√(2π)):
 * with T = ⌈10σ⌉, below 1e-23.
 */
import { CohortError } from '../errors.ts';
import type { PldPmf } from './pld-pmf.ts';

/** Smallest σ accepted: the evaluation counts' floor (core/job/spec.ts); below it the grid and the tails need other care. */
export const MIN_DISCRETE_GAUSSIAN_SIGMA = 1;

/** Largest σ accepted: the work is linear in σ (2T + 1 outputs). */
export const MAX_DISCRETE_GAUSSIAN_SIGMA = 1e6;

/** T/σ: the outputs |z| ≤ T = ⌈TRUNCATION_SIGMAS·σ⌉ are kept, each tail beyond has mass below e^{−50}/(10√(2π)). */
const TRUNCATION_SIGMAS = 10;

function invalid(message: string): never {
  throw new CohortError('E_PRIVACY_PARAMS', message);
}

/** @internal Checks a discrete Gaussian's σ: finite, in [MIN, MAX]_DISCRETE_GAUSSIAN_SIGMA. */
export function checkDiscreteGaussianSigma(sigma: unknown): asserts sigma is number {
  if (
    typeof sigma !== 'number' ||
    !Number.isFinite(sigma) ||
    sigma < MIN_DISCRETE_GAUSSIAN_SIGMA ||
    sigma > MAX_DISCRETE_GAUSSIAN_SIGMA
  ) {
    invalid(
      `"sigma" of a discrete Gaussian expected a finite number in [${MIN_DISCRETE_GAUSSIAN_SIGMA}, ${MAX_DISCRETE_GAUSSIAN_SIGMA}], got ${String(sigma)}`,
    );
  }
}

/** log Σ_k e^{−k²/2σ²}, by Poisson summation (module doc). */
export function logDiscreteGaussianNorm(sigma: number): number {
  let theta = 0;
  for (let m = 3; m >= 1; m--) theta += Math.exp(-2 * Math.PI * Math.PI * sigma * sigma * m * m);
  return Math.log(sigma) + 0.5 * Math.log(2 * Math.PI) + Math.log1p(2 * theta);
}

/**
 * The pessimistic PLD of one release of the discrete Gaussian mechanism at
 * σ (sensitivity 1) on the grid of spacing `discretization`; the same in
 * both directions. Throws E_PRIVACY_PARAMS for an invalid σ or spacing, or
 * a grid over `maxBins` points.
 */
export function discreteGaussianPmf(sigma: number, discretization: number, maxBins: number): PldPmf {
  checkDiscreteGaussianSigma(sigma);
  if (typeof discretization !== 'number' || !(discretization > 0 && discretization <= 1)) {
    invalid(`"discretization" expected a number in (0, 1], got ${String(discretization)}`);
  }
  const t = Math.ceil(TRUNCATION_SIGMAS * sigma);
  const twoVar = 2 * sigma * sigma;
  // Rounded up: a loss on the grid up to rounding stays there, any other goes to the next grid point above.
  const bin = (z: number): number => Math.ceil((1 - 2 * z) / twoVar / discretization);
  const offset = bin(t);
  const width = bin(-t) - offset + 1;
  if (width > maxBins)
    invalid(
      `a discrete Gaussian at sigma ${sigma} needs ${width} grid points, over the limit of ${maxBins}: use a coarser "discretization"`,
    );
  const logNorm = logDiscreteGaussianNorm(sigma);
  const probs = new Float64Array(width);
  for (let z = t; z >= -t; z--) probs[bin(z) - offset]! += Math.exp(-(z * z) / twoVar - logNorm);
  const tail = (sigma * Math.exp(-(t * t) / twoVar)) / (t * Math.sqrt(2 * Math.PI));
  return { discretization, offset, probs, infinityMass: Math.min(1, 2 * tail) };
}
