/**
 * Regression metrics against scikit-learn's docstring examples
 * (sklearn/metrics/_regression.py): mean_squared_error([3, -0.5, 2, 7],
 * [2.5, 0.0, 2, 8]) = 0.375, mean_absolute_error = 0.5, r2_score = 0.948...
 * (0.9486081370449679), and r2_score of constant targets (force_finite).
 */
import { describe, expect, it } from 'vitest';
import { regressionMetrics } from '../../../core/evaluation/regression.ts';

describe('regressionMetrics', () => {
  it('reproduces scikit-learn’s examples', () => {
    const m = regressionMetrics([2.5, 0.0, 2, 8], [3, -0.5, 2, 7], 4);
    expect(m.mse).toBe(0.375);
    expect(m.mae).toBe(0.5);
    expect(m.r2).toBeCloseTo(0.9486081370449679, 14);
  });

  it('r2 of constant targets is 1 when exact and 0 otherwise, as scikit-learn', () => {
    expect(regressionMetrics([-2, -2, -2], [-2, -2, -2], 3).r2).toBe(1);
    expect(regressionMetrics([-2, -2, -2 + 1e-8], [-2, -2, -2], 3).r2).toBe(0);
  });
});
