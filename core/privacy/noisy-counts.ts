/**
 * A hospital's evaluation of a DP job's model, released as a confusion
 * matrix with discrete-Gaussian noise on each cell.
 *
 * Adding or removing one test record moves exactly one of the four cells by
 * 1 (the other cells' noise cancels in the privacy loss), so the release is
 * one-dimensional discrete Gaussian noise at integer shift 1: core/job/privacy.ts
 * charges it as the 'discrete-gaussian' mechanism, priced by its own exact
 * PLD (discrete-gaussian-pld.ts; at small σ its δ(ε) exceeds the continuous
 * Gaussian's) and by RDP α/(2σ²) (Canonne, Kamath and Steinke, NeurIPS 2020).
 * The noise is the exact integer sampler of discrete-gaussian.ts, so no
 * floating-point value of a record ever reaches the output. σ is rounded up
 * to a rational and squared exactly, so σ² is never below the one priced.
 *
 * What leaves is four integers, and what is derived from them (accuracy,
 * sensitivity, specificity) is post-processing. Loss and AUC are not
 * released: their per-record sensitivity is large or unbounded.
 */
import { CohortError } from '../errors.ts';
import type { Metrics } from '../metrics.ts';
import { discreteGaussian, rationalFromNumber } from './discrete-gaussian.ts';
import { checkDiscreteGaussianSigma } from './discrete-gaussian-pld.ts';

/** A 2×2 confusion matrix: exact on the hospital, noisy once released (cells may then be negative). */
export interface Confusion {
  truePositive: number;
  falsePositive: number;
  trueNegative: number;
  falseNegative: number;
}

export interface NoisyCounts extends Confusion {
  /** Std of the noise on each cell. */
  sigma: number;
}

/** Denominator of the rational σ: 2^20, so σ is within 2^−20 above the double asked for (and σ² never below its square). */
const SIGMA_DEN = 1n << 20n;
/** Most a noisy cell may be on the wire (sint32) and from a peer: counts up to 10^9 plus noise. */
export const MAX_NOISY_CELL = 2 ** 31 - 1;

/** Counts of predictions (prob ≥ threshold is positive) against 0/1 labels. A NaN probability compares false, so counts as negative (client/trainer/evaluate.ts replaces non-finite ones with 0.5 before). */
export function confusion(probs: ArrayLike<number>, labels: ArrayLike<number>, threshold = 0.5): Confusion {
  const c: Confusion = { truePositive: 0, falsePositive: 0, trueNegative: 0, falseNegative: 0 };
  for (let i = 0; i < probs.length; i++) {
    const predicted = probs[i]! >= threshold;
    if (labels[i] === 1) {
      if (predicted) c.truePositive++;
      else c.falseNegative++;
    } else if (predicted) c.falsePositive++;
    else c.trueNegative++;
  }
  return c;
}

/** The matrix with independent N_Z(0, σ²) noise added to each cell. Throws E_PRIVACY_PARAMS unless σ ≥ 1 is finite. */
export function noisyConfusion(c: Confusion, sigma: number): NoisyCounts {
  // The σ the accountant prices (discrete-gaussian-pld.ts): sampling and pricing accept the same range.
  checkDiscreteGaussianSigma(sigma);
  // σ rounded up to a rational, then squared exactly: σ·σ in doubles could round below σ².
  const s = rationalFromNumber(sigma, SIGMA_DEN);
  const sigma2 = { num: s.num * s.num, den: s.den * s.den };
  const clamp = (v: number) => Math.max(-MAX_NOISY_CELL, Math.min(MAX_NOISY_CELL, v));
  return {
    truePositive: clamp(c.truePositive + discreteGaussian(sigma2)),
    falsePositive: clamp(c.falsePositive + discreteGaussian(sigma2)),
    trueNegative: clamp(c.trueNegative + discreteGaussian(sigma2)),
    falseNegative: clamp(c.falseNegative + discreteGaussian(sigma2)),
    sigma,
  };
}

/**
 * Checks noisy counts received from a peer: integer cells within the wire's
 * range, σ ≥ 1 and finite. Throws E_WIRE_FIELD naming the field.
 */
export function validateNoisyCounts(n: NoisyCounts): NoisyCounts {
  for (const k of ['truePositive', 'falsePositive', 'trueNegative', 'falseNegative'] as const) {
    const v = n[k];
    if (!Number.isSafeInteger(v) || Math.abs(v) > MAX_NOISY_CELL)
      throw new CohortError(
        'E_WIRE_FIELD',
        `noisy count "${k}" must be an integer of magnitude at most ${MAX_NOISY_CELL}`,
      );
  }
  if (!Number.isFinite(n.sigma) || n.sigma < 1)
    throw new CohortError('E_WIRE_FIELD', 'noisy counts: "sigma" must be a finite number >= 1');
  return noisyCountsOnly(n);
}

/** The four cells and σ of `n`, and nothing else it may carry at run time: what is released. */
export function noisyCountsOnly(n: NoisyCounts): NoisyCounts {
  const { truePositive, falsePositive, trueNegative, falseNegative, sigma } = n;
  return { truePositive, falsePositive, trueNegative, falseNegative, sigma };
}

/**
 * Metrics read off noisy counts (post-processing): negative cells count as 0,
 * so numExamples ≥ numCorrect ≥ 0 and accuracy is in [0, 1]. Loss and AUC
 * are NaN: they are not released.
 */
export function metricsOfNoisyCounts(n: Confusion): Metrics {
  const pos = (v: number) => Math.max(0, v);
  const correct = pos(n.truePositive) + pos(n.trueNegative);
  const total = correct + pos(n.falsePositive) + pos(n.falseNegative);
  return {
    numExamples: total,
    numCorrect: correct,
    loss: Number.NaN,
    accuracy: total === 0 ? 0 : correct / total,
    auc: Number.NaN,
  };
}
