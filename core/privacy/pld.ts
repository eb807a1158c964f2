/**
 * Privacy-loss-distribution (PLD) accounting of DP-SGD-style runs: `steps`
 * steps of the Poisson-subsampled Gaussian mechanism (sampling rate q, noise
 * multiplier σ, add-or-remove-one neighbours), to (ε, δ).
 *
 * RDP (rdp.ts, conversion.ts) bounds every order's moment and converts with
 * slack; the PLD is the whole distribution of the privacy loss, composed
 * numerically, so its (ε, δ) is tight up to the discretisation (Koskela,
 * Jälkö, Honkela, AISTATS 2020; Gopi, Lee, Wutschitz, "Numerical Composition
 * of Differential Privacy", NeurIPS 2021). The steps, after Google's
 * dp_accounting PLDAccountant (python/dp_accounting/pld/):
 *   1. each direction's one-step PLD, from the exact hockey-stick curve by
 *      pessimistic connect-the-dots on a grid of spacing Δ (gaussian-pld.ts);
 *   2. its `steps`-fold self-composition by FFT, truncated pessimistically
 *      (pld-pmf.ts selfCompose);
 *   3. δ(ε), or ε(δ), of each direction, and the larger of the two, as
 *      dp_accounting's PrivacyLossDistribution does for q < 1 (for q = 1 the
 *      directions coincide and one is computed).
 * Every step rounds towards more privacy loss, so the ε and δ returned are
 * upper bounds on the true ones, up to floating-point rounding of order
 * 1e-15 in δ (tested against closed forms where they exist,
 * test/core/privacy/pld.test.ts).
 *
 * Cost: one step's grid has (loss range)/Δ points (35 000 for q = 0.04,
 * σ = 1.5 at Δ = 1e-4) and the composition one FFT over the window where the
 * composed loss can lie (245 000 points, a 2^18 FFT, for 2250 such steps):
 * about 0.2 s for both directions. Smaller σ or many more steps widen both;
 * `maxBins` bounds the memory (16 bytes a point).
 */
import { CohortError } from '../errors.ts';
import { Lru } from '../lru.ts';
import { clearTwiddles, MAX_FFT_SIZE } from './fft.ts';
import { sampledGaussianPmf, type Adjacency } from './gaussian-pld.ts';
import {
  chernoffSums,
  compose,
  freshDerived,
  hockeyStickDelta,
  hockeyStickEpsilon,
  selfCompose,
  stepSpectrum,
  type ComposeLimits,
  type PldPmf,
  type StepDerived,
} from './pld-pmf.ts';
import { checkQ, checkSigma, checkSteps } from './rdp.ts';

/**
 * Grid spacing of the privacy losses unless the caller gives one:
 * dp_accounting PLDAccountant's default. With connect-the-dots, ε at 1e-4 is
 * within 0.01 % of its Δ → 0 limit in the DP-SGD settings of the tests
 * (measured against Δ = 2e-5); 1e-3 is ~6× faster and within 0.4 %.
 */
export const DEFAULT_DISCRETIZATION = 1e-4;

/** Largest grid (one step's, or the composition's FFT length) unless the caller gives another: 2^22 points, 64 MiB. */
export const DEFAULT_MAX_BINS = 2 ** 22;

/** Mass the composition may push off its window, added to the mass at +∞ (dp_accounting's self_compose default). */
export const TAIL_MASS_TRUNCATION = 1e-15;

/** log of the one-step mass outside the grid, sent to +∞ (dp_accounting's GaussianPrivacyLoss default). */
export const LOG_MASS_TRUNCATION_BOUND = -50;

/** A sampled-Gaussian run to account by PLD. */
export interface PldRun {
  /** Poisson sampling rate per step, in [0, 1]. */
  q: number;
  /** Noise multiplier: noise standard deviation over L2 sensitivity, > 0 (Infinity: nothing released). */
  sigma: number;
  /** Number of steps, an integer ≥ 0. */
  steps: number;
  /** Grid spacing Δ of the privacy losses, in (0, 1]; default DEFAULT_DISCRETIZATION. */
  discretization?: number;
  /** Largest grid allowed, in [2, 2^26]; default DEFAULT_MAX_BINS. A run needing more throws E_PRIVACY_PARAMS. */
  maxBins?: number;
}

/** The composed PLD of a run, per direction; `add` is the same object as `remove` when the two coincide. */
export interface SampledGaussianPld {
  remove: PldPmf;
  add: PldPmf;
}

function invalid(message: string): never {
  throw new CohortError('E_PRIVACY_PARAMS', message);
}

function checkRun(run: unknown): asserts run is PldRun {
  if (typeof run !== 'object' || run === null) invalid(`expected a run { q, sigma, steps }, got ${String(run)}`);
  const r = run as Record<string, unknown>;
  checkQ(r.q);
  checkSigma(r.sigma);
  checkSteps(r.steps);
  const d = r.discretization;
  if (d !== undefined && (typeof d !== 'number' || !(d > 0 && d <= 1))) {
    invalid(`"discretization" expected a number in (0, 1], got ${String(d)}`);
  }
  const m = r.maxBins;
  if (m !== undefined && (!Number.isSafeInteger(m) || (m as number) < 2 || (m as number) > MAX_FFT_SIZE)) {
    invalid(`"maxBins" expected an integer in [2, ${MAX_FFT_SIZE}], got ${String(m)}`);
  }
}

function checkEpsilon(epsilon: unknown): asserts epsilon is number {
  if (typeof epsilon !== 'number' || !Number.isFinite(epsilon) || epsilon < 0) {
    invalid(`"epsilon" expected a finite number >= 0, got ${String(epsilon)}`);
  }
}

function checkDelta(delta: unknown): asserts delta is number {
  if (typeof delta !== 'number' || Number.isNaN(delta) || delta < 0 || delta > 1) {
    invalid(`"delta" expected a number in [0, 1], got ${String(delta)}`);
  }
}

/**
 * One step's PLD, kept by a key of everything it is computed from, with what
 * selfCompose derives from it (its Chernoff sums, its transform at each
 * size): a job's spend is priced afresh at every round (the step count
 * grows, the step does not), and building a step's grid costs an erfc per
 * grid point. What is kept is what a fresh computation returns, so every
 * figure is bit-for-bit the same. Shared, so read-only. Bounded by bytes,
 * 32 MiB each (a step is 1-2 MB at the default grid, a transform 16 bytes a
 * point): with fft.ts's tables, at most 96 MiB a thread, for the daemon, the
 * coordinator and each of its pricing threads (512 MB each) alike.
 */
const stepPmfs = new Lru<string, PldPmf>(32 * 2 ** 20, (p) => p.probs.byteLength);
const spectra = new Lru<string, { re: Float64Array; im: Float64Array }>(
  32 * 2 ** 20,
  (t) => t.re.byteLength + t.im.byteLength,
);
const keptDerived = new WeakMap<PldPmf, StepDerived>();

export function keptStepPmf(key: string, make: () => PldPmf): PldPmf {
  const kept = stepPmfs.get(key);
  if (kept) return kept;
  const pmf = make();
  let sums: Float64Array | undefined;
  keptDerived.set(pmf, {
    sums: () => (sums ??= chernoffSums(pmf.probs, pmf.discretization)),
    spectrum: (size) => {
      const t = spectra.getOrSet(`${key}|${size}`, () => stepSpectrum(pmf.probs, size));
      return { re: t.re.slice(), im: t.im.slice() };
    },
  });
  stepPmfs.set(key, pmf);
  return pmf;
}

/** `pmf` composed `times` times, from what is kept of it when it is a kept step. */
function selfComposeStep(pmf: PldPmf, times: number, limits: ComposeLimits): PldPmf {
  return selfCompose(pmf, times, limits, keptDerived.get(pmf) ?? freshDerived(pmf));
}

/** Forgets every kept step PLD, transform and FFT table (tests compare against fresh builds; benchmarks measure cold runs). */
export function clearPldCaches(): void {
  stepPmfs.clear();
  spectra.clear();
  clearTwiddles();
}

/** The PLD of a mechanism that releases nothing: all mass at loss 0. */
function identity(discretization: number): PldPmf {
  return { discretization, offset: 0, probs: Float64Array.of(1), infinityMass: 0 };
}

/**
 * The composed PLD of `steps` sampled-Gaussian steps, for reading δ or ε at
 * several points (pldDeltaFor, pldEpsilonFor) without recomputing it.
 * Throws E_PRIVACY_PARAMS for invalid parameters or a grid over `maxBins`.
 */
export function sampledGaussianPld(run: PldRun): SampledGaussianPld {
  checkRun(run);
  const discretization = run.discretization ?? DEFAULT_DISCRETIZATION;
  const maxBins = run.maxBins ?? DEFAULT_MAX_BINS;
  const { q, sigma, steps } = run;
  if (q === 0 || sigma === Infinity || steps === 0) {
    const none = identity(discretization);
    return { remove: none, add: none };
  }
  const limits = { tailMass: TAIL_MASS_TRUNCATION, maxBins };
  const step = (adjacency: Adjacency): PldPmf =>
    keptStepPmf(`g${q},${sigma},${adjacency},${discretization},${maxBins}`, () =>
      sampledGaussianPmf({
        q,
        sigma,
        adjacency,
        discretization,
        logMassTruncationBound: LOG_MASS_TRUNCATION_BOUND,
        maxBins,
      }),
    );
  const composed = (adjacency: Adjacency): PldPmf => selfComposeStep(step(adjacency), steps, limits);
  const remove = composed('remove');
  return { remove, add: q === 1 ? remove : composed('add') };
}

/**
 * The PLD of several sampled-Gaussian runs one after another (a hospital's
 * jobs, each with its own q and σ): each run composed with itself by
 * sampledGaussianPld, then the runs convolved, per direction. All runs use
 * one grid (`discretization` and `maxBins` of the first run, or the defaults).
 */
export function composeSampledGaussianPlds(runs: readonly PldRun[]): SampledGaussianPld {
  const discretization = runs[0]?.discretization ?? DEFAULT_DISCRETIZATION;
  const maxBins = runs[0]?.maxBins ?? DEFAULT_MAX_BINS;
  let acc: SampledGaussianPld = { remove: identity(discretization), add: identity(discretization) };
  acc.add = acc.remove;
  for (const run of runs) {
    const next = sampledGaussianPld({ ...run, discretization, maxBins });
    const remove = compose(acc.remove, next.remove, maxBins);
    const symmetric = acc.add === acc.remove && next.add === next.remove;
    acc = { remove, add: symmetric ? remove : compose(acc.add, next.add, maxBins) };
  }
  return acc;
}

/**
 * `pld` followed by `times` runs of a mechanism whose PLD `pmf` is the same
 * in both directions (the discrete Gaussian, discrete-gaussian-pld.ts): `pmf`
 * composed with itself, then convolved with each direction. `pmf` must be on
 * `pld`'s grid. Throws E_PRIVACY_PARAMS for a grid over `maxBins`.
 */
export function composeSymmetricPmf(
  pld: SampledGaussianPld,
  pmf: PldPmf,
  times: number,
  maxBins: number = DEFAULT_MAX_BINS,
): SampledGaussianPld {
  checkSteps(times);
  if (times === 0) return pld;
  const next = selfComposeStep(pmf, times, { tailMass: TAIL_MASS_TRUNCATION, maxBins });
  const remove = compose(pld.remove, next, maxBins);
  return { remove, add: pld.add === pld.remove ? remove : compose(pld.add, next, maxBins) };
}

/** δ at ε of a composed PLD: the larger of the two directions. Throws E_PRIVACY_PARAMS unless ε is finite and ≥ 0. */
export function pldDeltaFor(pld: SampledGaussianPld, epsilon: number): number {
  checkEpsilon(epsilon);
  const remove = hockeyStickDelta(pld.remove, epsilon);
  return pld.add === pld.remove ? remove : Math.max(remove, hockeyStickDelta(pld.add, epsilon));
}

/** The smallest ε ≥ 0 at δ of a composed PLD (+∞ if none): the larger of the two directions. Throws E_PRIVACY_PARAMS unless δ ∈ [0, 1]. */
export function pldEpsilonFor(pld: SampledGaussianPld, delta: number): number {
  checkDelta(delta);
  const remove = hockeyStickEpsilon(pld.remove, delta);
  return pld.add === pld.remove ? remove : Math.max(remove, hockeyStickEpsilon(pld.add, delta));
}

/** ε at δ for `steps` steps of the sampled Gaussian mechanism, by PLD: an upper bound, tight to the discretisation. */
export function pldEpsilon(run: PldRun & { delta: number }): number {
  checkRun(run);
  checkDelta(run.delta); // before the expensive part
  return pldEpsilonFor(sampledGaussianPld(run), run.delta);
}

/** δ at ε for `steps` steps of the sampled Gaussian mechanism, by PLD: an upper bound, tight to the discretisation. */
export function pldDelta(run: PldRun & { epsilon: number }): number {
  checkRun(run);
  checkEpsilon(run.epsilon);
  return pldDeltaFor(sampledGaussianPld(run), run.epsilon);
}
