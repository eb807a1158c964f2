/** Regression metrics of predictions against targets, in float64. */
import { CohortError } from '../errors.ts';

export interface RegressionMetrics {
  numExamples: number;
  /** Mean squared error. */
  mse: number;
  /** Mean absolute error. */
  mae: number;
  /**
   * Coefficient of determination 1 − SS_res / SS_tot, as scikit-learn's
   * `r2_score` (force_finite): 1 for a perfect fit of constant targets, 0 for
   * an imperfect one; NaN on an empty split.
   */
  r2: number;
}

export function regressionMetrics(pred: ArrayLike<number>, target: ArrayLike<number>, n: number): RegressionMetrics {
  if (!Number.isInteger(n) || n < 0 || pred.length !== n || target.length !== n)
    throw new CohortError('E_INTERNAL', `${n} examples but ${pred.length} predictions and ${target.length} targets`);
  if (n === 0) return { numExamples: 0, mse: 0, mae: 0, r2: Number.NaN };
  let sq = 0;
  let abs = 0;
  let mean = 0;
  for (let i = 0; i < n; i++) {
    const e = pred[i]! - target[i]!;
    sq += e * e;
    abs += Math.abs(e);
    mean += target[i]!;
  }
  mean /= n;
  let tot = 0;
  for (let i = 0; i < n; i++) tot += (target[i]! - mean) ** 2;
  const r2 = tot === 0 ? (sq === 0 ? 1 : 0) : 1 - sq / tot;
  return { numExamples: n, mse: sq / n, mae: abs / n, r2 };
}
