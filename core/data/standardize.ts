/**
 * Per-site z-scoring fitted on the training rows only, so no test statistic
 * leaks into training (FLamby Fed-Heart-Disease standardises each centre with
 * its own train mean and std). Statistics stay on the hospital.
 */

export interface Standardizer {
  readonly mean: Float64Array;
  /** Population std, or 1 for a column constant on train (centred only). */
  readonly scale: Float64Array;
}

/** Fits mean and population std per column over the rows `rows` of row-major `x` (d columns). */
export function fitStandardizer(x: ArrayLike<number>, d: number, rows: readonly number[]): Standardizer {
  const mean = new Float64Array(d);
  const scale = new Float64Array(d);
  const n = rows.length;
  for (let j = 0; j < d; j++) {
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (const r of rows) {
      const v = x[r * d + j]!;
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const m = n > 0 ? sum / n : 0;
    // Two passes: E[x²] − E[x]² cancels catastrophically on columns like chol.
    let ss = 0;
    for (const r of rows) ss += (x[r * d + j]! - m) ** 2;
    const std = n > 0 ? Math.sqrt(ss / n) : 0;
    mean[j] = m;
    // A constant column's computed std can be a rounding residue (~1e-17) rather
    // than 0; min === max detects it exactly.
    scale[j] = min === max || !(std > 0) ? 1 : std;
  }
  return { mean, scale };
}

/** Returns the rows `rows` of `x`, standardised, as a new row-major Float32Array. */
export function applyStandardizer(x: ArrayLike<number>, d: number, rows: readonly number[], s: Standardizer): Float32Array {
  const out = new Float32Array(rows.length * d);
  rows.forEach((r, i) => {
    for (let j = 0; j < d; j++) out[i * d + j] = (x[r * d + j]! - s.mean[j]!) / s.scale[j]!;
  });
  return out;
}
