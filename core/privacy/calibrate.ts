/**
 * The noise multiplier for a privacy budget: the smallest σ whose run of
 * `steps` sampled-Gaussian steps is (targetEpsilon, delta)-DP.
 *
 * ε(σ) is non-increasing in σ for any sound accountant (more noise is
 * post-processing of less), so the answer is found by bracketing from σ = 1
 * by doubling or halving, then bisecting in log σ (the scale on which ε
 * varies smoothly: ε ∝ 1/σ asymptotically) until the bracket is within a
 * relative SIGMA_REL_TOL. The σ returned is the bracket's upper end, so
 * ε(σ) ≤ targetEpsilon always holds for the value handed out, and
 * ε(σ / (1 + SIGMA_REL_TOL)) > targetEpsilon: no σ more than 0.01 % smaller
 * meets the target. (Opacus's get_noise_multiplier bisects linearly to an
 * absolute 0.01; this is tighter and scale-free.)
 */
import { CohortError } from '../errors.ts';
import { rdpEpsilon } from './conversion.ts';
import { DEFAULT_ORDERS, checkOrders, checkQ, checkSteps } from './rdp.ts';

/** Relative width of the final bracket [σ_lo, σ_hi]. */
export const SIGMA_REL_TOL = 1e-4;
/** Smallest σ tried: below it the target is treated as needing no noise at all. */
export const MIN_SIGMA = 2 ** -20;
/** Largest σ tried: above it the target is treated as unreachable. */
export const MAX_SIGMA = 2 ** 40;

export interface CalibrateOptions {
  /** ε to meet, > 0. */
  targetEpsilon: number;
  /** δ at which ε is measured, in (0, 1). */
  delta: number;
  /** Poisson sampling rate per step, in (0, 1]. */
  q: number;
  /** Number of steps, ≥ 1. */
  steps: number;
  /** Orders for the default RDP accountant. */
  orders?: readonly number[];
  /** ε of the whole run as a function of σ; default the RDP accountant of conversion.ts. */
  accountant?: (sigma: number) => number;
}

function invalid(message: string): never {
  throw new CohortError('E_PRIVACY_PARAMS', message);
}

/**
 * The smallest σ (to relative SIGMA_REL_TOL, rounded up) with
 * ε(σ) ≤ targetEpsilon. Throws E_PRIVACY_PARAMS for invalid options, when
 * even σ = MAX_SIGMA misses the target (e.g. a δ too small for the orders),
 * or when σ = MIN_SIGMA already meets it (nothing to calibrate).
 */
export function calibrateSigma(options: CalibrateOptions): number {
  const { targetEpsilon, delta, q, steps } = options;
  if (typeof targetEpsilon !== 'number' || !(targetEpsilon > 0) || !Number.isFinite(targetEpsilon)) {
    invalid(`"targetEpsilon" expected a finite number > 0, got ${String(targetEpsilon)}`);
  }
  if (typeof delta !== 'number' || !(delta > 0 && delta < 1))
    invalid(`"delta" expected a number in (0, 1), got ${String(delta)}`);
  checkQ(q);
  checkSteps(steps);
  if (q === 0 || steps === 0) invalid('nothing is released (q = 0 or steps = 0): no σ to calibrate');
  const orders = options.orders ?? DEFAULT_ORDERS;
  checkOrders(orders);
  const accountant = options.accountant ?? ((sigma: number) => rdpEpsilon({ q, sigma, steps, delta, orders }).epsilon);
  const meets = (sigma: number): boolean => {
    const eps = accountant(sigma);
    if (typeof eps !== 'number' || Number.isNaN(eps)) invalid(`accountant returned ${String(eps)} at sigma ${sigma}`);
    return eps <= targetEpsilon;
  };

  // Bracket: lo misses the target, hi meets it.
  let lo: number;
  let hi: number;
  if (meets(1)) {
    hi = 1;
    lo = 0.5;
    while (meets(lo)) {
      hi = lo;
      lo /= 2;
      if (lo < MIN_SIGMA) invalid(`target epsilon ${targetEpsilon} is met with sigma below ${MIN_SIGMA}`);
    }
  } else {
    lo = 1;
    hi = 2;
    while (!meets(hi)) {
      lo = hi;
      hi *= 2;
      if (hi > MAX_SIGMA) invalid(`target epsilon ${targetEpsilon} is not reached with sigma up to ${MAX_SIGMA}`);
    }
  }

  while (hi > lo * (1 + SIGMA_REL_TOL)) {
    const mid = Math.sqrt(lo * hi);
    if (meets(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}
