/**
 * The exact hockey-stick curve δ(ε) of one step of the Poisson-subsampled
 * Gaussian mechanism (sensitivity 1, noise N(0, σ²)), in both directions of
 * the add-or-remove-one relation, and its discretised PLD (pld-pmf.ts).
 *
 * With μ = N(0, σ²) and sampling rate q, the worst-case (dominating) pairs
 * are (Zhu, Dong, Wang, "Optimal Accounting of Differential Privacy via
 * Characteristic Function", AISTATS 2022, on Poisson subsampling; dp_accounting
 * privacy_loss_mechanism.py, AdditiveNoisePrivacyLoss):
 *   remove: P = (1 − q)·μ + q·μ(· + 1),  Q = μ,
 *   add:    P = μ,                      Q = (1 − q)·μ + q·μ(· − 1).
 * Their privacy losses are monotone in the output x, so δ(ε) = P(X ≤ x*) −
 * e^ε Q(X ≤ x*) at the x* where the loss equals ε. Writing a for the loss of
 * the plain Gaussian mechanism at x*, both reduce to the Gaussian
 * mechanism's curve (Balle & Wang, "Improving the Gaussian Mechanism for
 * Differential Privacy", ICML 2018, Thm. 8)
 *   δ_G(a) = Φ(−σa + 1/2σ) − e^a Φ(−σa − 1/2σ):
 *   remove: e^ε = 1 − q + q e^a,       δ(ε) = q δ_G(a)          (ε > log(1 − q); else δ = 1 − e^ε),
 *   add:    e^{−ε} = 1 − q + q e^{−a}, δ(ε) = q e^{ε−a} δ_G(a)  (ε < −log(1 − q); else δ = 0).
 * (Expand P and Q at x* and substitute e^ε; the (1 − q)Φ terms cancel.)
 * δ_G is evaluated in log space, so tails far below 1e-300 keep their
 * relative precision; Φ comes from rdp.ts's logErfc (about 1e-15 relative).
 */
import { CohortError } from '../errors.ts';
import { logErfc } from './rdp.ts';
import { connectTheDots, type PldPmf } from './pld-pmf.ts';

/** Which neighbour is the larger dataset: `remove` takes a record out of D to get D', `add` puts one in. */
export type Adjacency = 'add' | 'remove';

/** log Φ(z), the standard normal CDF, for any real z. */
export function logNormalCdf(z: number): number {
  return logErfc(-z / Math.SQRT2) - Math.LN2;
}

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * The z with log Φ(z) = logP < 0, by Newton's method on the concave
 * increasing log Φ: started left of the root (where Φ(z) ≤ φ(z), z ≤ −1),
 * every iterate stays left of it and the sequence increases to it.
 */
export function normalQuantileOfLog(logP: number): number {
  if (!(logP < 0)) throw new CohortError('E_INTERNAL', `normalQuantileOfLog: expected log p < 0, got ${logP}`);
  let z = -(Math.sqrt(-2 * logP) + 1);
  for (let i = 0; i < 200; i++) {
    const f = logNormalCdf(z) - logP;
    const slope = Math.exp(-0.5 * z * z - LOG_SQRT_2PI - logNormalCdf(z));
    const step = f / slope;
    z -= step;
    if (Math.abs(step) <= 1e-15 * Math.max(1, Math.abs(z))) break;
  }
  return z;
}

/**
 * log δ_G(a): the log of the Gaussian mechanism's δ at ε = a, sensitivity 1,
 * noise σ (Balle & Wang 2018, Thm. 8). The two terms are within a factor
 * ≈ 1 + 1/(σ²a) of each other for large a, so their difference is taken as
 * e^A(1 − e^{B−A}) with expm1: a few digits lost at a ≈ 10³, never all.
 */
export function gaussianLogDelta(sigma: number, a: number): number {
  const half = 1 / (2 * sigma);
  const logA = logNormalCdf(-sigma * a + half);
  const logB = a + logNormalCdf(-sigma * a - half);
  if (logA === -Infinity || logB >= logA) return -Infinity;
  return logA + Math.log(-Math.expm1(logB - logA));
}

/** δ(ε) of the Gaussian mechanism (sensitivity 1, noise σ), any real ε (Balle & Wang 2018, Thm. 8). */
export function gaussianDelta(sigma: number, epsilon: number): number {
  return Math.exp(gaussianLogDelta(sigma, epsilon));
}

/**
 * log(1 + (e^x − 1)/q) for 0 < q ≤ 1 and x > log(1 − q), without overflow
 * for large x. log1p of the ratio is accurate while the ratio is ≥ −1/2.
 * Below, as x nears log(1 − q) (the add direction near its largest loss),
 * the ratio is −1 plus a number rounding leaves with fewer correct digits
 * the nearer q is to 1, and connect-the-dots divides such errors by Δ (a
 * q = 1 − 1e-12 PLD at σ = 0.2 summed to 7.3, not 1); so there it is
 * x − log q + log(1 − (1 − q)e^{−x}), with 1 − (1 − q)e^{−x} = −expm1(log(1 − q) − x).
 */
function logOnePlusExpm1Over(x: number, q: number): number {
  if (q === 1) return x;
  if (x > 1) return x - Math.log(q) + Math.log1p(-(1 - q) * Math.exp(-x));
  const ratio = Math.expm1(x) / q;
  if (ratio >= -0.5) return Math.log1p(ratio);
  return x - Math.log(q) + Math.log(-Math.expm1(Math.log1p(-q) - x));
}

/** δ(ε) by the formulas of the module comment; accurate in relative terms when δ is small (ε ≥ 0). */
function directDelta(q: number, sigma: number, epsilon: number, adjacency: Adjacency): number {
  if (adjacency === 'remove') {
    if (q < 1 && epsilon <= Math.log1p(-q)) return -Math.expm1(epsilon);
    const a = logOnePlusExpm1Over(epsilon, q);
    return Math.exp(Math.log(q) + gaussianLogDelta(sigma, a));
  }
  if (q < 1 && epsilon >= -Math.log1p(-q)) return 0;
  const a = -logOnePlusExpm1Over(-epsilon, q);
  return Math.exp(Math.log(q) + epsilon - a + gaussianLogDelta(sigma, a));
}

/**
 * δ(ε) − (1 − e^ε)₊ for one step: how far the curve lies above the floor
 * every hockey-stick curve lies on (see connectTheDots). For ε < 0 it comes
 * from the reversal identity δ_{P,Q}(ε) = 1 − e^ε + e^ε δ_{Q,P}(−ε) (expand
 * (p − e^ε q)₊ = p − e^ε q + (e^ε q − p)₊), and reversing the remove pair
 * gives the add pair mirrored by x ↦ −x, and vice versa; so the excess is
 * e^ε times the other direction's δ at −ε > 0, a small number computed to
 * full relative precision instead of a difference of two numbers near 1.
 */
export function sampledGaussianExcess(q: number, sigma: number, epsilon: number, adjacency: Adjacency): number {
  if (epsilon >= 0) return directDelta(q, sigma, epsilon, adjacency);
  return Math.exp(epsilon) * directDelta(q, sigma, -epsilon, adjacency === 'add' ? 'remove' : 'add');
}

/**
 * Exact δ(ε) of one step of the Poisson-subsampled Gaussian mechanism in one
 * direction, for 0 < q ≤ 1, 0 < σ < ∞ and any real ε (see the module comment).
 */
export function sampledGaussianDelta(q: number, sigma: number, epsilon: number, adjacency: Adjacency): number {
  return (epsilon < 0 ? -Math.expm1(epsilon) : 0) + sampledGaussianExcess(q, sigma, epsilon, adjacency);
}

/** log(e^a + e^b), either may be −∞. */
function logAddExp(a: number, b: number): number {
  const hi = Math.max(a, b);
  if (hi === -Infinity) return -Infinity;
  return hi + Math.log1p(Math.exp(Math.min(a, b) - hi));
}

/**
 * log(1 − q + q e^t), for 0 < q ≤ 1 and any real t, without overflow. While
 * the mix is ≥ 1/2 (always, for q < 1/2), log1p(q·expm1(t)) is accurate to
 * rounding. Below 1/2, 1 + q·expm1(t) is a difference of numbers near 1:
 * it loses the digits of 1 − q as q → 1 and, at q = 1, gives log 0 = −∞ once
 * expm1(t) rounds to −1 (t < −37: the grid's edge for σ below about 0.3,
 * which calibration at large ε tries). There the two positive
 * terms are summed in log space instead, log(1 − q) ⊕ (log q + t), which at
 * q = 1 is exactly t: the plain Gaussian's loss, linear in the output.
 */
export function logMix(q: number, t: number): number {
  if (t > 0) return t + Math.log(q + (1 - q) * Math.exp(-t));
  const mix = q * Math.expm1(t);
  if (mix > -0.5) return Math.log1p(mix);
  return logAddExp(Math.log1p(-q), Math.log(q) + t);
}

/** The privacy loss at output x: decreasing in x in both directions. */
function privacyLoss(q: number, sigma: number, x: number, adjacency: Adjacency): number {
  const variance = sigma * sigma;
  if (adjacency === 'remove') return logMix(q, (-0.5 - x) / variance);
  return -logMix(q, -(0.5 - x) / variance);
}

/** Options of sampledGaussianPmf. */
export interface SampledGaussianPmfOptions {
  q: number;
  sigma: number;
  adjacency: Adjacency;
  /** Grid spacing Δ of the losses. */
  discretization: number;
  /**
   * log of the mass of P left outside the finite grid (dp_accounting's
   * log_mass_truncation_bound, default −50 there and here): the grid spans
   * the losses of outputs within Φ⁻¹(e^b/2)·σ of the noise's centres.
   */
  logMassTruncationBound: number;
  /** Largest number of grid points allowed; more throws E_PRIVACY_PARAMS. */
  maxBins: number;
}

/**
 * The pessimistic connect-the-dots PLD of one step (dp_accounting
 * privacy_loss_distribution.from_gaussian_mechanism with use_connect_dots,
 * its default). The grid runs from the loss at the upper truncation point,
 * rounded down, to the loss at the lower one, rounded up; the truncation
 * points are ∓σ·Φ⁻¹(e^b/2), the lower one moved by −1 for remove and the
 * upper one by +1 for add (GaussianPrivacyLoss.privacy_loss_tail), so both
 * directions get the same grid when q = 1. δ at the top loss becomes the
 * mass at +∞.
 */
export function sampledGaussianPmf(opts: SampledGaussianPmfOptions): PldPmf {
  const { q, sigma, adjacency, discretization, logMassTruncationBound, maxBins } = opts;
  let lowerX = sigma * normalQuantileOfLog(logMassTruncationBound - Math.LN2);
  let upperX = -lowerX;
  if (adjacency === 'add') upperX += 1;
  else lowerX -= 1;
  const lowerIndex = Math.floor(privacyLoss(q, sigma, upperX, adjacency) / discretization);
  const upperIndex = Math.ceil(privacyLoss(q, sigma, lowerX, adjacency) / discretization);
  const n = upperIndex - lowerIndex + 1;
  if (!(n <= maxBins)) {
    throw new CohortError(
      'E_PRIVACY_PARAMS',
      `one step's privacy loss spans ${n} grid points, over the limit of ${maxBins}: use a coarser "discretization"`,
    );
  }
  const excess = new Float64Array(n);
  for (let i = 0; i < n; i++) excess[i] = sampledGaussianExcess(q, sigma, (lowerIndex + i) * discretization, adjacency);
  return connectTheDots(discretization, lowerIndex, excess);
}
