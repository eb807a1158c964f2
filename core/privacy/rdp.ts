/**
 * Rényi differential privacy (Mironov, "Rényi Differential Privacy", CSF 2017)
 * of the Poisson-subsampled Gaussian mechanism: each record joins a step's
 * batch independently with probability q, and the clipped sum (sensitivity 1)
 * gets N(0, σ²) noise. Its RDP at order α is the Rényi divergence
 *
 *   ε(α) = log(A_α) / (α − 1),  A_α = E_{z∼μ0}[(μ(z)/μ0(z))^α],
 *   μ0 = N(0, σ²), μ = (1 − q)·μ0 + q·N(1, σ²),
 *
 * the larger of the two directions (Mironov, Talwar, Zhang, "Rényi
 * Differential Privacy of the Sampled Gaussian Mechanism", arXiv:1908.10530,
 * 2019, §3; the add-or-remove-one neighbouring relation). A_α has no closed
 * form; §3.3 gives the two expansions computed here, both in log space so that
 * the huge intermediate powers of q and e^{i²/2σ²} neither overflow nor
 * underflow. These are the quantities computed by Opacus
 * (opacus/accountants/analysis/rdp.py) and Google's dp_accounting
 * (dp_accounting/rdp/rdp_privacy_accountant.py), whose published test values
 * this module reproduces (test/core/privacy/rdp.test.ts).
 */
import { CohortError } from '../errors.ts';

/**
 * Largest finite order accepted. An integer order α costs α terms; a
 * fractional one at least ⌈α⌉. Order +Infinity is accepted (its RDP is +∞
 * unless the mechanism releases nothing).
 */
export const MAX_ORDER = 100_000;

/**
 * Orders at which RDP is tracked unless the caller gives others: 1.1 to 10.9
 * by 0.1, 11 to 63, then 128, 256, 512, 1024. The fine grid near 1 serves
 * large ε and long runs; the sparse large orders serve tiny q and small ε.
 * Opacus's RDPAccountant.DEFAULT_ALPHAS is the first part of this list (it
 * skips 11 and stops at 63). 1 + x/10 rather than repeated adding, so the
 * orders are the doubles those libraries use.
 */
export const DEFAULT_ORDERS: readonly number[] = Object.freeze([
  ...Array.from({ length: 99 }, (_, x) => 1 + (x + 1) / 10),
  ...Array.from({ length: 53 }, (_, k) => 11 + k),
  128,
  256,
  512,
  1024,
]);

/** One mechanism applied `steps` times: sampling rate q and noise multiplier σ (noise std / L2 sensitivity). */
export interface SampledGaussianRun {
  q: number;
  sigma: number;
  steps: number;
}

function invalid(message: string): never {
  throw new CohortError('E_PRIVACY_PARAMS', message);
}

function isNumber(x: unknown): x is number {
  return typeof x === 'number' && !Number.isNaN(x);
}

/** @internal Checks a sampling rate: a number in [0, 1]. */
export function checkQ(q: unknown): asserts q is number {
  if (!isNumber(q) || q < 0 || q > 1) invalid(`"q" expected a number in [0, 1], got ${String(q)}`);
}

/** @internal Checks a noise multiplier: > 0; +Infinity means no release. */
export function checkSigma(sigma: unknown): asserts sigma is number {
  if (!isNumber(sigma) || sigma <= 0) invalid(`"sigma" expected a number > 0, got ${String(sigma)}`);
}

/** @internal Checks a step count: an integer ≥ 0. */
export function checkSteps(steps: unknown): asserts steps is number {
  if (!Number.isSafeInteger(steps) || (steps as number) < 0)
    invalid(`"steps" expected an integer >= 0, got ${String(steps)}`);
}

/** @internal Checks a list of orders: each in (1, MAX_ORDER] or +Infinity. */
export function checkOrders(orders: unknown): asserts orders is readonly number[] {
  if (!Array.isArray(orders)) invalid(`"orders" expected an array of numbers, got ${typeof orders}`);
  for (const a of orders as unknown[]) {
    if (!isNumber(a) || a <= 1 || (a > MAX_ORDER && a !== Infinity)) {
      invalid(`"orders" expected numbers in (1, ${MAX_ORDER}] or Infinity, got ${String(a)}`);
    }
  }
}

// ---------------------------------------------------------------------------
// Log-space arithmetic. A value x ≥ 0 is carried as log x; 0 is −∞.

/** log(e^a + e^b), exact for a or b = −∞. */
export function logAdd(a: number, b: number): number {
  const hi = Math.max(a, b);
  const lo = Math.min(a, b);
  if (lo === -Infinity) return hi;
  return hi + Math.log1p(Math.exp(lo - hi));
}

/** log(e^a − e^b) for a ≥ b; −∞ when they are equal, NaN when a < b (a negative result has no log). */
export function logSub(a: number, b: number): number {
  if (a < b) return NaN;
  if (b === -Infinity) return a;
  if (a === b) return -Infinity;
  const d = b - a;
  // log(1 − e^d): log(−expm1(d)) is accurate for d near 0, log1p(−e^d) for d ≪ 0.
  return a + (d > -Math.LN2 ? Math.log(-Math.expm1(d)) : Math.log1p(-Math.exp(d)));
}

/** log(e^x − 1) for x ≥ 0, without overflow for large x or loss for small x. */
function logExpm1(x: number): number {
  return x > 36 ? x + Math.log1p(-Math.exp(-x)) : Math.log(Math.expm1(x));
}

/** log(1 + e^x). */
function log1pExp(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

// ---------------------------------------------------------------------------
// log erfc(x) to about 1e-15 relative over the whole real line. The
// fractional-order series needs it far into both tails (arguments ±(i − z0)/√2σ
// reach thousands), where erfc itself underflows at x ≈ 27. Three regimes, each
// where it is accurate and cheap (Abramowitz & Stegun, Handbook of
// Mathematical Functions, 1964, §7.1):
//   |x| ≤ 1.5  erf by the series 7.1.6, whose terms are all positive, so
//              1 − erf(x) loses at most 1/erfc(1.5) ≈ 30 ulp;
//   1.5 < x < 8  erfc by the continued fraction 7.1.14 (modified Lentz),
//              ≤ 100 terms at these arguments;
//   x ≥ 8      the asymptotic series 7.1.23, summed to its smallest term,
//              which at x ≥ 8 is below 1e-27.
// Negative x uses erfc(x) = 2 − erfc(−x) ∈ (1, 2].

const LOG_SQRT_PI = 0.5 * Math.log(Math.PI);
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** erf(x) for 0 ≤ x ≤ 1.5 by A&S 7.1.6: (2/√π) e^{−x²} Σ 2ⁿ x^{2n+1} / (1·3···(2n+1)). */
function erfSeries(x: number): number {
  const x2 = 2 * x * x;
  let term = x;
  let sum = x;
  for (let n = 1; term > sum * 1e-17; n++) {
    term *= x2 / (2 * n + 1);
    sum += term;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x * x) * sum;
}

/** log erfc(x) for 1.5 < x < 8: e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))). */
function logErfcContinuedFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 1000; n++) {
    const a = n / 2;
    d = x + a * d;
    d = d === 0 ? 1 / tiny : 1 / d;
    c = x + a / c;
    if (c === 0) c = tiny;
    const step = c * d;
    f *= step;
    if (Math.abs(step - 1) < 1e-16) break;
  }
  return -x * x - LOG_SQRT_PI - Math.log(f);
}

/** log erfc(x) for x ≥ 8: e^{−x²}/(x√π) · Σ (−1)ⁿ (2n−1)!! / (2x²)ⁿ, stopped at its smallest term. */
function logErfcAsymptotic(x: number): number {
  const r = 1 / (2 * x * x);
  let term = 1;
  let sum = 1;
  for (let n = 1; n < 500; n++) {
    const next = -term * (2 * n - 1) * r;
    if (Math.abs(next) >= Math.abs(term) || Math.abs(next) < 1e-17) break;
    term = next;
    sum += term;
  }
  return -x * x - Math.log(x) - LOG_SQRT_PI + Math.log(sum);
}

/** log erfc(x) for any real x (log 2 at −∞, −∞ at +∞). */
export function logErfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) {
    if (x >= -1.5) return Math.log1p(erfSeries(-x));
    return Math.LN2 + Math.log1p(-0.5 * Math.exp(logErfc(-x)));
  }
  if (x <= 1.5) return Math.log1p(-erfSeries(x));
  if (x < 8) return logErfcContinuedFraction(x);
  if (x === Infinity) return -Infinity;
  return logErfcAsymptotic(x);
}

// ---------------------------------------------------------------------------
// log A_α, for 0 < q < 1 and finite σ > 0.

/**
 * Integer α (Mironov et al. 2019, §3.3, eq. for integer α): with the binomial
 * expansion of (1 − q + q·e^{(2z−1)/2σ²})^α and E[e^{i(2z−1)/2σ²}] = e^{(i²−i)/2σ²},
 *   A_α = Σ_{i=0..α} C(α,i) q^i (1 − q)^{α−i} e^{(i²−i)/2σ²}.
 * The i = 0, 1 terms have exponent 0 and the binomial weights sum to 1, so
 *   A_α − 1 = Σ_{i=2..α} C(α,i) q^i (1 − q)^{α−i} (e^{(i²−i)/2σ²} − 1),
 * a sum of positive terms. Summing that and taking log1p keeps log A_α, hence
 * the RDP, to full relative precision when A_α is within rounding of 1 (small
 * q or large σ), where the plain sum would round A_α − 1 to a multiple of 2⁻⁵².
 */
function logAInteger(q: number, sigma: number, alpha: number): number {
  const logQ = Math.log(q);
  const log1mQ = Math.log1p(-q);
  const twoVar = 2 * sigma * sigma;
  let logBinom = Math.log(alpha); // log C(α, 1)
  let logAMinus1 = -Infinity;
  for (let i = 2; i <= alpha; i++) {
    logBinom += Math.log(alpha - i + 1) - Math.log(i);
    const term = logBinom + i * logQ + (alpha - i) * log1mQ + logExpm1((i * i - i) / twoVar);
    logAMinus1 = logAdd(logAMinus1, term);
  }
  return log1pExp(logAMinus1);
}

/** Stop the fractional series once a term is below this fraction of A_α · log A_α (see logAFractional)… */
const FRACTIONAL_REL_TOL = 1e-11;
/** …or below this fraction of A_α itself: a term below one ulp of A_α cannot change the sum. */
const FRACTIONAL_ABS_TOL = 2 ** -53;
/** Terms beyond ⌈α⌉ before giving up on a fractional order (its RDP is then reported as +∞). */
const MAX_FRACTIONAL_TERMS = 1_000_000;

/**
 * Σ ±e^{t} over terms given by their logs t: a Neumaier-compensated sum in
 * units of e^{scale}, scale being the largest t so far. The fractional series
 * can run to 10⁵ terms; adding them one log-add at a time would let rounding
 * grow with the count (we measured 3e-13 in log A_α at q = 0.5, σ = 10⁴),
 * while the compensated sum stays within a few ulp of its largest term.
 */
class ScaledSum {
  private scale = -Infinity;
  private sum = 0;
  private carry = 0;

  add(logMagnitude: number, negative: boolean): void {
    if (logMagnitude === -Infinity) return;
    if (logMagnitude > this.scale) {
      const f = Math.exp(this.scale - logMagnitude);
      this.sum *= f;
      this.carry *= f;
      this.scale = logMagnitude;
    }
    const x = Math.exp(logMagnitude - this.scale);
    const term = negative ? -x : x;
    const t = this.sum + term;
    this.carry += Math.abs(this.sum) >= x ? this.sum - t + term : term - t + this.sum;
    this.sum = t;
  }

  /** log of the sum; NaN if it is negative. */
  log(): number {
    const v = this.sum + this.carry;
    if (v === 0) return -Infinity;
    return v > 0 ? this.scale + Math.log(v) : NaN;
  }
}

/**
 * Fractional α (Mironov et al. 2019, §3.3): split the integral defining A_α at
 * z0 = σ² log(1/q − 1) + 1/2, where q·e^{(2z−1)/2σ²} = 1 − q. On each side the
 * smaller of the two summands is the base of a binomial series that converges,
 * and integrating term by term against μ0 gives
 *   A_α = Σ_i C(α,i) q^i (1−q)^{α−i} e^{(i²−i)/2σ²} · ½erfc((i − z0)/(√2σ))      (z ≤ z0)
 *       + Σ_i C(α,i) q^{α−i} (1−q)^i e^{(j²−j)/2σ²} · ½erfc((z0 − j)/(√2σ)),   j = α − i  (z > z0).
 * C(α, i) changes sign at every i > α + 1, so both series are summed with
 * their signs, as Opacus's _compute_log_a_frac does. (dp_accounting now adds
 * |C(α, i)|, an upper bound: 6.706e-4 against the exact 6.501e-4 at
 * q = 0.01, σ = 2.5, 50 steps, α = 1.5.)
 *
 * Stopping is exact, not heuristic: writing u = i − z0, each term of the first
 * series equals |C(α,i)| (1−q)^α e^{−z0²/2σ²} · e^{u²/2σ²} Φ(−u/σ), and
 * e^{x²/2}Φ(−x) decreases in x (Mills' inequality); the second series
 * mirrors it. |C(α,i)| decreases for i > (α−1)/2. So past i = α both series
 * alternate with decreasing magnitude, and the rest of each sum is smaller
 * than its last term. We stop when the last terms are below
 * A_α · max(FRACTIONAL_REL_TOL · log A_α, FRACTIONAL_ABS_TOL), so the RDP
 * log(A_α)/(α − 1) is accurate to about 1e-11 relative, or to about
 * 1e-16/(α − 1) absolute when log A_α is below 1e-5: A_α ≈ 1 is summed
 * from terms of order 1, each rounded. The tails decay only polynomially
 * (like i^{−α−1}) once i passes z0, so orders near 1 with z0 small (q near
 * 1/2) and large σ take up to ~10⁵ terms.
 */
function logAFractional(q: number, sigma: number, alpha: number): number {
  const logQ = Math.log(q);
  const log1mQ = Math.log1p(-q);
  const twoVar = 2 * sigma * sigma;
  const sqrt2Sigma = Math.SQRT2 * sigma;
  const z0 = sigma * sigma * (log1mQ - logQ) + 0.5;
  const total = new ScaledSum();
  let logBinom = 0; // log |C(α, i)|
  let negative = false; // sign of C(α, i)
  const last = Math.ceil(alpha) + MAX_FRACTIONAL_TERMS;
  for (let i = 0; i <= last; i++) {
    if (i > 0) {
      const factor = alpha - i + 1;
      logBinom += Math.log(Math.abs(factor)) - Math.log(i);
      if (factor < 0) negative = !negative;
    }
    const j = alpha - i;
    const s0 = logBinom + i * logQ + j * log1mQ + (i * i - i) / twoVar - Math.LN2 + logErfc((i - z0) / sqrt2Sigma);
    const s1 = logBinom + j * logQ + i * log1mQ + (j * j - j) / twoVar - Math.LN2 + logErfc((z0 - j) / sqrt2Sigma);
    total.add(s0, negative);
    total.add(s1, negative);
    if (i > alpha) {
      const logA = total.log();
      if (Number.isNaN(logA)) return Infinity; // the sum went negative: lost to rounding
      const tol = Math.max(FRACTIONAL_REL_TOL * logA, FRACTIONAL_ABS_TOL);
      if (Math.max(s0, s1) < logA + Math.log(tol)) return logA;
    }
  }
  return Infinity;
}

/** RDP at one order for one step, validated inputs. */
function rdpOneStep(q: number, sigma: number, alpha: number): number {
  if (q === 0 || sigma === Infinity) return 0; // nothing released about any record
  if (q === 1) return alpha / (2 * sigma * sigma); // Gaussian mechanism (Mironov 2017, Prop. 7)
  if (alpha === Infinity) return Infinity; // the privacy loss of a Gaussian is unbounded
  const logA = Number.isInteger(alpha) ? logAInteger(q, sigma, alpha) : logAFractionalUpper(q, sigma, alpha);
  // A_α ≥ 1 (Jensen); a log below 0 is rounding.
  return Math.max(0, logA) / (alpha - 1);
}

/**
 * Bound on how far rounding takes logAFractional below log A_α: its sum of
 * terms of order 1 is accurate to a few ulps of 1 (measured up to 5e-16
 * absolute against 40-digit quadrature where log A_α < 1e-4), with a margin.
 */
const FRACTIONAL_ROUNDING = 2 ** -50;
/**
 * Above this log A_α that rounding is below 1e-6 relative and the series is
 * taken as it is (the figures of every realistic job, and of ledgers written
 * before the bound below, are unchanged); below it the bound applies.
 */
const FRACTIONAL_ROUNDING_MATTERS = 2 ** -30;

/**
 * log A_α at a fractional order, bounded from above where the series' rounding
 * matters: the smaller of the series plus its rounding and the chord of log A
 * between the neighbouring integer orders (log A_α = log E_μ0[e^{α·log(μ/μ0)}]
 * is a log-MGF, convex in α, and log A_1 = 0). Where A_α − 1 is below the
 * series' rounding (tiny q/σ) the series alone gave 0, and an RDP of 0
 * converts to ε = 0 at any δ and composes to 0 over any number of steps; the
 * chord, from the integer orders' accurate log1p sums, keeps it positive
 * (red-team review: test/core/privacy/rdp-underflow.test.ts).
 */
function logAFractionalUpper(q: number, sigma: number, alpha: number): number {
  const series = logAFractional(q, sigma, alpha);
  if (series >= FRACTIONAL_ROUNDING_MATTERS) return series;
  const lo = Math.floor(alpha);
  const logLo = lo === 1 ? 0 : logAInteger(q, sigma, lo);
  const chord = (lo + 1 - alpha) * logLo + (alpha - lo) * logAInteger(q, sigma, lo + 1);
  // log A_α ≥ 0 (A_α ≥ 1): a series rounded below that, or to −∞, still gets its rounding bound.
  return Math.min(Math.max(0, series) + FRACTIONAL_ROUNDING, chord);
}

/**
 * RDP of one step of the Poisson-subsampled Gaussian mechanism at each order:
 * q = 0 or σ = ∞ give 0, q = 1 gives α/(2σ²), order ∞ gives ∞. An order whose
 * series fails to converge reports +∞ (it is then never the one chosen in
 * conversion). Throws E_PRIVACY_PARAMS for q ∉ [0, 1], σ ≤ 0, an order ≤ 1 or
 * above MAX_ORDER, or NaN anywhere.
 */
export function rdpSampledGaussian(q: number, sigma: number, orders: readonly number[]): number[] {
  checkQ(q);
  checkSigma(sigma);
  checkOrders(orders);
  return orders.map((alpha) => rdpOneStep(q, sigma, alpha));
}

/**
 * RDP of running each mechanism its number of steps, one after another:
 * RDP at a fixed order adds up under adaptive composition (Mironov 2017,
 * Prop. 1), over the steps of one run and across runs.
 */
export function composeRdp(runs: readonly SampledGaussianRun[], orders: readonly number[] = DEFAULT_ORDERS): number[] {
  if (!Array.isArray(runs)) invalid(`"runs" expected an array of { q, sigma, steps }, got ${typeof runs}`);
  checkOrders(orders);
  const total = orders.map(() => 0);
  for (const run of runs) {
    if (typeof run !== 'object' || run === null)
      invalid(`"runs" expected objects { q, sigma, steps }, got ${String(run)}`);
    checkSteps(run.steps);
    const perStep = rdpSampledGaussian(run.q, run.sigma, orders);
    if (run.steps === 0) continue; // also keeps 0 · ∞ out of the sum
    for (let k = 0; k < total.length; k++) total[k]! += run.steps * perStep[k]!;
  }
  return total;
}
