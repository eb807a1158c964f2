/**
 * The two doors into DatasetSplit besides the pipeline, both for tensors that
 * never held a record: numeric tables made up by simulations, benchmarks and
 * tests, and concatenations of splits that are already de-identified. Both
 * take only typed arrays, so a raw row (strings, objects) cannot pass.
 */
import { CohortError } from '../errors.ts';
import { BINARY_TASK, labelWidth, outputUnits, type Task } from '../model/task.ts';
import { brandSplit, type DatasetSplit } from './types.ts';

/**
 * Checks shapes and labels, then brands the tensors as a DatasetSplit. `y`
 * holds labelWidth(task) values per row in core/model/task.ts's layout. The
 * task defaults to binary (0/1 labels); `2` is shorthand for survival
 * ([time >= 0, event 0/1]).
 */
export function numericSplit(x: Float32Array, y: Float32Array, d: number, task: Task | 1 | 2 = 1): DatasetSplit {
  if (!(x instanceof Float32Array) || !(y instanceof Float32Array))
    throw new CohortError('E_CONFIG_INVALID', 'numericSplit takes Float32Array tensors');
  const t: Task = task === 1 ? BINARY_TASK : task === 2 ? { kind: 'survival' } : task;
  const width = labelWidth(t);
  const n = y.length / width;
  if (!Number.isInteger(d) || d < 1 || !Number.isInteger(n) || x.length !== n * d) {
    throw new CohortError(
      'E_CONFIG_INVALID',
      `numericSplit: x has ${x.length} values and y ${y.length}, expected rows x ${d} and rows x ${width}`,
    );
  }
  const bad = LABEL_CHECKS[t.kind];
  for (let i = 0; i < n; i++) {
    const row = y.subarray(i * width, (i + 1) * width);
    if (!bad.ok(row, t)) throw new CohortError('E_CONFIG_INVALID', `numericSplit: ${bad.rule}`);
  }
  return brandSplit({ x, y, n, d });
}

const isBit = (v: number): boolean => v === 0 || v === 1;

/** Each task's rule for one row of labels. */
const LABEL_CHECKS: Record<Task['kind'], { ok: (row: Float32Array, t: Task) => boolean; rule: string }> = {
  binary: { ok: (r) => isBit(r[0]!), rule: 'labels must be 0 or 1' },
  multiclass: {
    ok: (r, t) => Number.isInteger(r[0]) && r[0]! >= 0 && r[0]! < outputUnits(t),
    rule: 'multi-class labels are class indices 0..K-1',
  },
  multilabel: { ok: (r) => r.every(isBit), rule: 'multi-label labels are 0 or 1' },
  regression: { ok: (r) => Number.isFinite(r[0]), rule: 'regression targets must be finite' },
  survival: { ok: (r) => r[0]! >= 0 && isBit(r[1]!), rule: 'survival labels are [time >= 0, 0 or 1]' },
};

/** Rows of several de-identified splits (same width) in one split. */
export function concatSplits(splits: readonly DatasetSplit[]): DatasetSplit {
  const d = splits[0]?.d ?? 1;
  if (splits.some((s) => s.d !== d)) throw new CohortError('E_CONFIG_INVALID', 'concatSplits: splits differ in width');
  const n = splits.reduce((a, s) => a + s.n, 0);
  const w = labelWidthOf(splits);
  const x = new Float32Array(n * d);
  const y = new Float32Array(n * w);
  let at = 0;
  for (const s of splits) {
    x.set(s.x, at * d);
    y.set(s.y, at * w);
    at += s.n;
  }
  return brandSplit({ x, y, n, d });
}

/** The label values per row shared by `splits` (1 when all are empty). */
function labelWidthOf(splits: readonly DatasetSplit[]): number {
  const widths = new Set(splits.filter((s) => s.n > 0).map((s) => s.y.length / s.n));
  if (widths.size > 1) throw new CohortError('E_CONFIG_INVALID', 'concatSplits: splits differ in label width');
  return widths.values().next().value ?? 1;
}
