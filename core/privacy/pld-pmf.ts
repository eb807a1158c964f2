/**
 * A discretised privacy loss distribution (PLD): probability masses on the
 * grid of losses k·Δ plus a mass at +∞, with the three operations accounting
 * needs: build it from a mechanism's hockey-stick curve ("connect the dots"),
 * compose it with itself, and read δ(ε) or ε(δ) off it.
 *
 * The PLD of a mechanism M on neighbours D, D' is the law of
 * L = log(P(o)/Q(o)) for o ∼ P = M(D), Q = M(D'); M is (ε, δ)-DP for
 *   δ(ε) = P(L = ∞) + E_P[(1 − e^{ε−L})₊]                                  (1)
 * (the hockey-stick divergence; Sommer, Meiser, Mohammadi, "Privacy Loss
 * Classes", PoPETs 2019, Thm. 1), and composing mechanisms convolves their
 * PLDs (ibid. Thm. 2; Koskela, Jälkö, Honkela, "Computing Tight Differential
 * Privacy Guarantees Using FFT", AISTATS 2020). The algorithms follow Google's
 * dp_accounting (python/dp_accounting/pld/pld_pmf.py and common.py), whose
 * published test values test/core/privacy/pld.test.ts reproduces.
 *
 * Every approximation here errs on the side of more privacy loss, so δ and ε
 * read off the result are upper bounds on the true ones, up to floating-point
 * rounding of the FFT (absolute, about 1e-15 per grid point).
 */
import { CohortError } from '../errors.ts';
import { fft, nextPowerOfTwo } from './fft.ts';

/** A PLD on the grid: probs[i] is the mass at loss (offset + i)·discretization; infinityMass the mass at +∞. */
export interface PldPmf {
  readonly discretization: number;
  readonly offset: number;
  readonly probs: Float64Array;
  readonly infinityMass: number;
}

/**
 * Pessimistic "connect the dots" PLD from a hockey-stick curve sampled on a
 * grid (Doroshenko, Ghazi, Kamath, Kumar, Manurangsi, "Connect the Dots:
 * Tighter Discrete Approximations of Privacy Loss Distributions", PoPETs
 * 2022, arXiv:2207.04380, Alg. 1; the fixed-gap form of dp_accounting's
 * create_pmf_pessimistic_connect_dots_fixed_gap). Given δ_i = δ(ε_i) at
 * ε_i = (lowerIndex + i)·Δ, it puts
 *   p_0 = 1 − δ_0 + (δ_1 − δ_0)/(e^Δ − 1),
 *   p_i = ((δ_{i+1} − δ_i) − e^Δ(δ_i − δ_{i−1}))/(e^Δ − 1),
 *   p_{n−1} = (δ_{n−1} − δ_{n−2})/(e^{−Δ} − 1),   mass δ_{n−1} at +∞.
 * Its δ(ε) equals the mechanism's at every ε_i and, between them, is the
 * chord of the convex curve ε ↦ δ(ε) in e^ε, hence above it: an upper bound
 * everywhere, which survives composition because the result is the PLD of a
 * dominating pair of distributions (ibid. §3). Unlike rounding each loss up
 * to the grid ("privacy buckets", the other pessimistic choice), it has no
 * bias of Δ/2 per step, which over 10⁴ steps would add up to 0.5 in ε at
 * Δ = 1e-4.
 *
 * The p_i are second differences of δ divided by Δ, so an absolute rounding
 * error u in δ becomes u/Δ in p: where δ ≈ 1 (ε ≪ 0), ulp-sized errors are
 * 1e-12 per grid point, and clamping the negative ones to 0 added up to 6e-8
 * of spurious mass per step for a Gaussian at Δ = 1e-4, i.e. up to 6e-4
 * relative in δ after 10⁴ steps (safe, but loose). So the caller passes
 * the excess g_i = δ_i − (1 − e^{ε_i})₊ over the floor every hockey-stick
 * curve lies on, which is small where δ is near 1. The floor is the curve of the mechanism that releases nothing,
 * whose connect-the-dots PLD is exact and known: mass 1 at loss 0 (or at the
 * grid point nearest 0, with e^{ε_{n−1}} of it and the rest at +∞ when the
 * grid lies below 0). The formula is linear in δ, so the floor's masses are
 * added to those of g. The p_i sum to 1 − δ_{n−1}; one below zero can only
 * be rounding and is clamped to 0, which adds mass (pessimistic).
 */
export function connectTheDots(discretization: number, lowerIndex: number, excess: Float64Array): PldPmf {
  const n = excess.length;
  if (n === 0) throw new CohortError('E_INTERNAL', 'connectTheDots: empty grid');
  const g = excess;
  const probs = new Float64Array(n);
  const top = (lowerIndex + n - 1) * discretization;
  const infinityMass = Math.min(1, (top < 0 ? -Math.expm1(top) : 0) + g[n - 1]!);
  if (n === 1) {
    probs[0] = -g[0]!;
  } else {
    const em1 = Math.expm1(discretization);
    const e = Math.exp(discretization);
    probs[0] = -g[0]! + (g[1]! - g[0]!) / em1;
    for (let i = 1; i < n - 1; i++) probs[i] = (g[i + 1]! - g[i]! - e * (g[i]! - g[i - 1]!)) / em1;
    probs[n - 1] = (g[n - 1]! - g[n - 2]!) / Math.expm1(-discretization);
  }
  // The floor (1 − e^ε)₊: mass 1 at loss 0, or its nearest grid point.
  const zero = -lowerIndex;
  if (zero < 0) probs[0]! += 1;
  else if (zero < n) probs[zero]! += 1;
  else probs[n - 1]! += Math.exp(top);
  for (let i = 0; i < n; i++) if (!(probs[i]! > 0)) probs[i] = 0;
  return { discretization, offset: lowerIndex, probs, infinityMass };
}

/** Loss-scale exponents λ for the Chernoff window: ±2^j, j = −6..10, in units of loss (not grid steps). */
const CHERNOFF_EXPONENTS: readonly number[] = Array.from({ length: 17 }, (_, j) => 2 ** (j - 6));

/** The λ per grid step of the Chernoff window, in the order chernoffSums sums them: +2^j·Δ, then −2^j·Δ, for each j. */
function chernoffLambdas(discretization: number): number[] {
  return CHERNOFF_EXPONENTS.flatMap((scale) => [scale * discretization, -scale * discretization]);
}

/** The shift that keeps λ·k − shift ≤ 0 over a grid of n points, so e^{λk − shift} cannot overflow. */
const chernoffShift = (lambda: number, n: number): number => (lambda > 0 ? lambda * (n - 1) : 0);

/**
 * One step's moment generating function at each λ of chernoffLambdas, with
 * the largest exponent factored out: Σ_k p_k e^{λk − shift}. It does not
 * depend on how many times the step is composed, so a step composed again
 * and again (a job's spend at every round) needs it once.
 */
export function chernoffSums(probs: Float64Array, discretization: number): Float64Array {
  const n = probs.length;
  const lambdas = chernoffLambdas(discretization);
  const sums = new Float64Array(lambdas.length);
  lambdas.forEach((lambda, i) => {
    const shift = chernoffShift(lambda, n);
    let sum = 0;
    for (let k = 0; k < n; k++) {
      const p = probs[k]!;
      if (p > 0) sum += p * Math.exp(lambda * k - shift);
    }
    sums[i] = sum;
  });
  return sums;
}

/**
 * Indices [lo, hi] (offsets from T·(first index)) outside which the T-fold
 * convolution of a step of n grid points has mass at most tailMass/2 on each
 * side, by the Chernoff bound P(S ≥ s) ≤ e^{−λs} M(λ)^T for λ > 0, and its
 * mirror for λ < 0, with M the step's moment generating function, from its
 * chernoffSums (dp_accounting common.compute_self_convolve_bounds; its
 * supplementary note "Privacy_Loss_Distributions.pdf", eq. 5). Any λ gives a
 * valid bound; the grid of λ only decides how tight the window is.
 */
function compositionWindow(
  sums: Float64Array,
  n: number,
  times: number,
  discretization: number,
  tailMass: number,
): [number, number] {
  let lo = 0;
  let hi = times * (n - 1);
  const logTwoOverTail = Math.log(2 / tailMass);
  chernoffLambdas(discretization).forEach((lambda, i) => {
    const sum = sums[i]!;
    if (!(sum > 0)) return;
    const bound = (times * (chernoffShift(lambda, n) + Math.log(sum)) + logTwoOverTail) / lambda;
    if (lambda > 0) hi = Math.min(hi, Math.ceil(bound));
    else lo = Math.max(lo, Math.floor(bound));
  });
  return lo <= hi ? [lo, hi] : [lo, lo];
}

/** Options of selfCompose. */
export interface ComposeLimits {
  /** Mass the composition may drop off each tail (it is added to +∞); dp_accounting's default is 1e-15. */
  tailMass: number;
  /** Largest FFT length allowed; a composition needing more throws E_PRIVACY_PARAMS. */
  maxBins: number;
}

/**
 * What selfCompose derives from the step before composing it: its
 * chernoffSums, and its masses wrapped onto `size` points and transformed,
 * in arrays the caller then overwrites. freshDerived computes them each
 * time; pld.ts keeps them for the steps it reuses (the same numbers).
 */
export interface StepDerived {
  sums(): Float64Array;
  spectrum(size: number): { re: Float64Array; im: Float64Array };
}

/** The step's masses wrapped onto `size` (a power of two) points, transformed. */
export function stepSpectrum(probs: Float64Array, size: number): { re: Float64Array; im: Float64Array } {
  const mask = size - 1;
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  for (let k = 0; k < probs.length; k++) re[k & mask]! += probs[k]!;
  fft(re, im);
  return { re, im };
}

/** StepDerived computed afresh at each call. */
export function freshDerived(pmf: PldPmf): StepDerived {
  return { sums: () => chernoffSums(pmf.probs, pmf.discretization), spectrum: (size) => stepSpectrum(pmf.probs, size) };
}

/**
 * The PLD of `times` independent runs of `pmf`: its `times`-fold
 * convolution, by one FFT, a pointwise power and one inverse FFT (Koskela et
 * al. 2020, §4; dp_accounting common.self_convolve) rather than by repeated
 * squaring, so there is one rounding of the transform instead of log₂ T.
 *
 * Tails: the transform length only covers the window of compositionWindow,
 * so mass beyond it wraps around (a circular convolution). Mass beyond the
 * top wraps to the bottom, where it no longer counts towards δ; at most
 * tailMass/2 of it exists, and tailMass is added to the mass at +∞, so δ
 * only grows. Mass below the bottom wraps to the top, which also only grows
 * δ. The mass at +∞ composes as 1 − (1 − m)^T, computed without cancellation.
 *
 * The pointwise power is taken in polar form, |X|^T e^{iTθ}: coefficients
 * small enough to underflow are ones whose power is far below rounding
 * anyway. Entries the inverse transform leaves negative (rounding, about
 * 1e-16 each) are clamped to 0, again adding mass.
 */
export function selfCompose(
  pmf: PldPmf,
  times: number,
  limits: ComposeLimits,
  derived: StepDerived = freshDerived(pmf),
): PldPmf {
  if (times === 1) return pmf;
  const infinityMass = Math.min(1, -Math.expm1(times * Math.log1p(-pmf.infinityMass)) + limits.tailMass);
  const [lo, hi] = compositionWindow(derived.sums(), pmf.probs.length, times, pmf.discretization, limits.tailMass);
  const width = hi - lo + 1;
  const size = nextPowerOfTwo(width);
  if (size > limits.maxBins) {
    throw new CohortError(
      'E_PRIVACY_PARAMS',
      `composing ${times} steps needs ${size} grid points, over the limit of ${limits.maxBins}: use a coarser "discretization"`,
    );
  }
  const mask = size - 1;
  const { re, im } = derived.spectrum(size);
  for (let j = 0; j < size; j++) {
    const x = re[j]!;
    const y = im[j]!;
    const r2 = x * x + y * y;
    if (r2 === 0) continue;
    const magnitude = Math.exp(0.5 * times * Math.log(r2));
    const angle = times * Math.atan2(y, x);
    re[j] = magnitude * Math.cos(angle);
    im[j] = magnitude * Math.sin(angle);
  }
  fft(re, im, true);
  const probs = new Float64Array(width);
  for (let i = 0; i < width; i++) {
    const v = re[(lo + i) & mask]!;
    probs[i] = v > 0 ? v : 0;
  }
  return { discretization: pmf.discretization, offset: times * pmf.offset + lo, probs, infinityMass };
}

/**
 * The PLD of running the mechanisms of `a` and `b` one after the other: the
 * convolution of their masses (a linear one, padded so nothing wraps) and
 * mass at +∞ 1 − (1 − m_a)(1 − m_b). Both must share one grid spacing.
 * Entries the inverse transform leaves negative are clamped to 0 (adds mass).
 */
export function compose(a: PldPmf, b: PldPmf, maxBins: number): PldPmf {
  if (a.discretization !== b.discretization) {
    throw new CohortError(
      'E_PRIVACY_PARAMS',
      `cannot compose PLDs on different grids (${a.discretization} and ${b.discretization})`,
    );
  }
  const width = a.probs.length + b.probs.length - 1;
  const size = nextPowerOfTwo(width);
  if (size > maxBins)
    throw new CohortError('E_PRIVACY_PARAMS', `composing needs ${size} grid points, over the limit of ${maxBins}`);
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  re.set(a.probs);
  im.set(b.probs);
  // Two real transforms in one complex one: X = A + iB, then A·B from X's symmetric parts.
  fft(re, im);
  const pr = new Float64Array(size);
  const pi = new Float64Array(size);
  for (let j = 0; j < size; j++) {
    const k = (size - j) & (size - 1);
    const ar = (re[j]! + re[k]!) / 2;
    const ai = (im[j]! - im[k]!) / 2;
    const br = (im[j]! + im[k]!) / 2;
    const bi = (re[k]! - re[j]!) / 2;
    pr[j] = ar * br - ai * bi;
    pi[j] = ar * bi + ai * br;
  }
  fft(pr, pi, true);
  const probs = new Float64Array(width);
  for (let i = 0; i < width; i++) probs[i] = pr[i]! > 0 ? pr[i]! : 0;
  const infinityMass = Math.min(1, a.infinityMass + b.infinityMass - a.infinityMass * b.infinityMass);
  return { discretization: a.discretization, offset: a.offset + b.offset, probs, infinityMass };
}

/**
 * δ(ε) of the discrete PLD by (1): the mass at +∞ plus Σ_{l > ε} p_l(1 − e^{ε−l}),
 * summed from the largest loss down (small terms first), capped at 1.
 */
export function hockeyStickDelta(pmf: PldPmf, epsilon: number): number {
  const { probs, offset, discretization } = pmf;
  let delta = pmf.infinityMass;
  for (let i = probs.length - 1; i >= 0; i--) {
    const loss = (offset + i) * discretization;
    if (loss <= epsilon) break;
    delta += probs[i]! * -Math.expm1(epsilon - loss);
  }
  return Math.min(1, delta);
}

/**
 * The smallest ε ≥ 0 with δ(ε) ≤ delta for the discrete PLD; +∞ when the
 * mass at +∞ alone exceeds delta. Between two grid losses l_{k−1} ≤ ε < l_k,
 *   δ(ε) = U_k − e^{ε − l_{k−1}} S_k,  U_k = m_∞ + Σ_{j≥k} p_j,  S_k = Σ_{j≥k} p_j e^{l_{k−1} − l_j},
 * so scanning k downwards and solving that for ε in the first interval where
 * δ(l_{k−1}) > delta gives ε exactly (dp_accounting pld_pmf._get_epsilon_for_delta).
 * S is carried relative to the current grid point, S_{k−1} = e^{−Δ}(S_k + p_{k−1}),
 * so no e^{−l} is ever formed and large losses cannot underflow it.
 */
export function hockeyStickEpsilon(pmf: PldPmf, delta: number): number {
  const { probs, offset, discretization } = pmf;
  if (pmf.infinityMass > delta) return Infinity;
  const decay = Math.exp(-discretization);
  let upper = pmf.infinityMass;
  let scaled = 0;
  for (let k = probs.length - 1; k >= 0; k--) {
    const p = probs[k]!;
    upper += p;
    scaled = (scaled + p) * decay;
    const below = (offset + k - 1) * discretization; // l_{k−1}
    if (upper - scaled > delta) {
      if (scaled === 0) return Math.max(0, below + discretization);
      return Math.max(0, below + Math.log((upper - delta) / scaled));
    }
    if (below <= 0) return 0;
  }
  // Even just below the lowest loss δ ≤ delta; below that, δ(ε) = U − e^{ε−l₋₁}S keeps the same form.
  const bottom = (offset - 1) * discretization;
  return upper > delta && scaled > 0 ? Math.max(0, bottom + Math.log((upper - delta) / scaled)) : 0;
}
