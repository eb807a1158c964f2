/**
 * The example-weighted mean of client deltas, Δ = Σ n_i Δ_i / Σ n_i
 * (McMahan et al. 2017, Algorithm 1, "FederatedAveraging"; Flower
 * `aggregate.py: aggregate`).
 */
import { CohortError } from '../errors.ts';
import type { ClientResult } from './types.ts';

/**
 * Accumulates in float64 so that many float32 deltas of mixed magnitude do not
 * lose precision before the final rounding to float32; one pass over the
 * results and one extra vector of length d. Never mutates its inputs.
 *
 * Throws E_UPDATE_LENGTH if a delta is not `length` long, E_UPDATE_RANGE for a
 * count that is not a non-negative safe integer, and E_ROUND_FAILED when there
 * is nothing to average (no results, or Σ n_i = 0).
 */
export function weightedMeanDelta(results: readonly ClientResult[], length: number): Float64Array {
  if (results.length === 0) throw new CohortError('E_ROUND_FAILED', 'no client results to aggregate');
  const sum = new Float64Array(length);
  let total = 0;
  for (const r of results) {
    if (r.delta.length !== length) {
      throw new CohortError(
        'E_UPDATE_LENGTH',
        `delta of "${r.client}" has ${r.delta.length} values, model has ${length}`,
      );
    }
    const n = r.numExamples;
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new CohortError('E_UPDATE_RANGE', `"numExamples" of "${r.client}" expected integer >= 0, got ${n}`);
    }
    if (n === 0) continue;
    total += n;
    const d = r.delta;
    for (let j = 0; j < length; j++) sum[j]! += n * d[j]!;
  }
  if (total === 0) throw new CohortError('E_ROUND_FAILED', 'client results hold 0 examples in total');
  for (let j = 0; j < length; j++) sum[j]! /= total;
  return sum;
}

/** A mean delta must match the model it updates. */
export function checkLength(delta: ArrayLike<number>, length: number): void {
  if (delta.length !== length)
    throw new CohortError('E_UPDATE_LENGTH', `mean delta has ${delta.length} values, model has ${length}`);
}
