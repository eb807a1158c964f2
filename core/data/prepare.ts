/**
 * The intake pipeline, pure (no I/O): header check, row encoding, split,
 * standardisation. Rows are encoded as they stream in and their text is not
 * kept; a bad row is dropped and counted by reason, never echoed.
 */
import { CohortError } from '../errors.ts';
import { encodeRow, planColumns, type DropReason } from './encode.ts';
import type { DatasetSchema } from './schema.ts';
import { splitIndices } from './split.ts';
import { applyStandardizer, fitStandardizer } from './standardize.ts';
import type { DatasetSplit, PreparedDataset } from './types.ts';

export interface PrepareOptions {
  /** Overrides the schema's split seed (experiments repeat a split under several seeds). */
  seed?: number;
}

export async function prepareDataset(
  header: readonly string[],
  rows: AsyncIterable<readonly string[]> | Iterable<readonly string[]>,
  schema: DatasetSchema,
  opts: PrepareOptions = {},
): Promise<PreparedDataset> {
  const plan = planColumns(header, schema);
  const d = plan.features.length;
  let x = new Float64Array(d * 1024);
  const y: number[] = [];
  const dropped = new Map<DropReason, number>();
  let rowsRead = 0;

  for await (const cells of rows) {
    rowsRead++;
    const r = encodeRow(cells, plan);
    if (!r.ok) {
      dropped.set(r.reason, (dropped.get(r.reason) ?? 0) + 1);
      continue;
    }
    if ((y.length + 1) * d > x.length) {
      const bigger = new Float64Array(x.length * 2);
      bigger.set(x);
      x = bigger;
    }
    x.set(r.x, y.length * d);
    y.push(r.y);
  }

  const report = {
    rowsRead,
    rowsUsed: y.length,
    rowsDropped: Object.fromEntries([...dropped].sort(([a], [b]) => (a < b ? -1 : 1))),
  };
  if (y.length === 0) {
    const why = Object.entries(report.rowsDropped).map(([k, v]) => `${k} ${v}`).join(', ');
    throw new CohortError('E_DATA_EMPTY', `no usable rows: ${rowsRead} read${why ? `, dropped ${why}` : ''}`);
  }

  const { train, test } = splitIndices(y, { ...schema.split, seed: opts.seed ?? schema.split.seed });
  if (train.length === 0) throw new CohortError('E_DATA_EMPTY', `no training rows: ${y.length} usable rows all went to test`);
  // Only 'per-site-train' exists; a future 'none' or 'global' would branch here.
  const scaler = fitStandardizer(x, d, train);
  const take = (idx: number[]): DatasetSplit => ({
    x: applyStandardizer(x, d, idx, scaler),
    y: Float32Array.from(idx, (i) => y[i]!),
    n: idx.length,
    d,
  });

  return {
    schemaId: schema.id,
    features: plan.features,
    label: plan.label,
    train: take(train),
    test: take(test),
    report,
  };
}
