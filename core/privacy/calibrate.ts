/**
 * The noise multiplier for a privacy budget: the smallest σ whose run of
 * `steps` sampled-Gaussian steps is (targetEpsilon, delta)-DP.
 *
 * ε(σ) is non-increasing in σ for any sound accountant (more noise is
 * post-processing of less), so the answer is found by bracketing from σ = 1
 * by doubling or halving, then narrowing the bracket in log σ (the scale on
 * which ε varies smoothly: ε ∝ 1/σ asymptotically) until it is within a
 * relative SIGMA_REL_TOL. The σ returned is the bracket's upper end, so
 * ε(σ) ≤ targetEpsilon always holds for the value handed out, and
 * ε(σ / (1 + SIGMA_REL_TOL)) > targetEpsilon: no σ more than 0.01 % smaller
 * meets the target. (Opacus's get_noise_multiplier bisects linearly to an
 * absolute 0.01; this is tighter and scale-free.)
 *
 * Each accountant call of a PLD accountant composes a fresh step PMF, so the
 * calls are what calibration costs. Bisecting from a bracket of factor 2 to
 * 1e-4 takes 13 of them; instead the root of ln ε − ln target is estimated
 * by the secant through the last two points in (ln σ, ln ε), and two points
 * a factor 1 + SIGMA_REL_TOL apart around the estimate are tried: once the
 * estimate is that close (the curve is nearly straight there), the two are
 * the final bracket. An estimate outside the bracket or a non-finite ε
 * falls back to bisection, and a secant step that did not halve the bracket
 * is followed by one, so the search never takes more than three times
 * bisection's calls (plateaus in ε(σ) defeat the secant); on the PLD
 * accountant's curves it takes 7-13 instead of 15-18 (test/core/privacy/
 * calibrate.test.ts).
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
  /** ln(ε(σ) / target): ≤ 0 where σ meets the target. */
  const excess = (sigma: number): Point => {
    const eps = accountant(sigma);
    if (typeof eps !== 'number' || Number.isNaN(eps)) invalid(`accountant returned ${String(eps)} at sigma ${sigma}`);
    return { sigma, f: Math.log(eps / targetEpsilon) };
  };
  return narrow(excess, bracket(excess, targetEpsilon));
}

/** σ and ln(ε(σ) / target), which is ≤ 0 where σ meets the target. */
interface Point {
  sigma: number;
  f: number;
}

const meets = (p: Point): boolean => p.f <= 0;

/** From σ = 1 by doubling or halving: lo misses the target, hi = 2·lo meets it. */
function bracket(excess: (sigma: number) => Point, targetEpsilon: number): { lo: Point; hi: Point } {
  const one = excess(1);
  if (meets(one)) {
    let hi = one;
    let lo = excess(0.5);
    while (meets(lo)) {
      hi = lo;
      if (lo.sigma / 2 < MIN_SIGMA) invalid(`target epsilon ${targetEpsilon} is met with sigma below ${MIN_SIGMA}`);
      lo = excess(lo.sigma / 2);
    }
    return { lo, hi };
  }
  let lo = one;
  let hi = excess(2);
  while (!meets(hi)) {
    lo = hi;
    if (hi.sigma * 2 > MAX_SIGMA)
      invalid(`target epsilon ${targetEpsilon} is not reached with sigma up to ${MAX_SIGMA}`);
    hi = excess(hi.sigma * 2);
  }
  return { lo, hi };
}

/** A hair inside half the tolerance, so that the two points around an estimate pass the loop test despite rounding. */
const HALF_TOL = (Math.log1p(SIGMA_REL_TOL) / 2) * (1 - 1e-6);

/** Narrows the bracket to a relative SIGMA_REL_TOL (see the module comment) and returns its upper end. */
function narrow(excess: (sigma: number) => Point, start: { lo: Point; hi: Point }): number {
  let { lo, hi } = start;
  // The last two points evaluated, for the secant: the bracket's ends to begin with.
  let [a, b] = [lo, hi];
  const record = (p: Point): void => {
    if (meets(p)) hi = p;
    else lo = p;
    [a, b] = [b, p];
  };
  const closed = () => hi.sigma <= lo.sigma * (1 + SIGMA_REL_TOL);
  // After a secant step that did not halve the bracket, one plain bisection: at most three calls per halving.
  let bisectNext = false;
  while (!closed()) {
    const width = Math.log(hi.sigma / lo.sigma);
    const [xa, xb] = [Math.log(a.sigma), Math.log(b.sigma)];
    const root = xb - (b.f * (xb - xa)) / (b.f - a.f);
    const inside =
      !bisectNext &&
      Number.isFinite(root) &&
      root - HALF_TOL > Math.log(lo.sigma) &&
      root + HALF_TOL < Math.log(hi.sigma);
    if (!inside) {
      bisectNext = false;
      record(excess(Math.sqrt(lo.sigma * hi.sigma)));
      continue;
    }
    // Two points a factor 1 + SIGMA_REL_TOL apart around the estimate: the final bracket if it is that close.
    record(excess(Math.exp(root - HALF_TOL)));
    if (closed()) break;
    const above = Math.exp(root + HALF_TOL);
    if (above < hi.sigma) record(excess(above));
    bisectNext = Math.log(hi.sigma / lo.sigma) > width / 2;
  }
  return hi.sigma;
}
