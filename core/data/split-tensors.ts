/**
 * The two doors into DatasetSplit besides the pipeline, both for tensors that
 * never held a record: numeric tables made up by simulations, benchmarks and
 * tests, and concatenations of splits that are already de-identified. Both
 * take only typed arrays, so a raw row (strings, objects) cannot pass.
 */
import { CohortError } from '../errors.ts';
import { brandSplit, type DatasetSplit } from './types.ts';

/** Checks shapes and 0/1 labels, then brands the tensors as a DatasetSplit. */
export function numericSplit(x: Float32Array, y: Float32Array, d: number): DatasetSplit {
  if (!(x instanceof Float32Array) || !(y instanceof Float32Array))
    throw new CohortError('E_CONFIG_INVALID', 'numericSplit takes Float32Array tensors');
  if (!Number.isInteger(d) || d < 1 || x.length !== y.length * d) {
    throw new CohortError(
      'E_CONFIG_INVALID',
      `numericSplit: x has ${x.length} values, expected ${y.length} rows x ${d}`,
    );
  }
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 0 && y[i] !== 1) throw new CohortError('E_CONFIG_INVALID', 'numericSplit: labels must be 0 or 1');
  }
  return brandSplit({ x, y, n: y.length, d });
}

/** Rows of several de-identified splits (same width) in one split. */
export function concatSplits(splits: readonly DatasetSplit[]): DatasetSplit {
  const d = splits[0]?.d ?? 1;
  if (splits.some((s) => s.d !== d)) throw new CohortError('E_CONFIG_INVALID', 'concatSplits: splits differ in width');
  const n = splits.reduce((a, s) => a + s.n, 0);
  const x = new Float32Array(n * d);
  const y = new Float32Array(n);
  let at = 0;
  for (const s of splits) {
    x.set(s.x, at * d);
    y.set(s.y, at);
    at += s.n;
  }
  return brandSplit({ x, y, n, d });
}
