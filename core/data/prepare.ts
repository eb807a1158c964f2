/**
 * The intake pipeline, pure (no I/O): header check, identifier removal,
 * pseudonymisation, generalisation, encoding, split, imputation and
 * standardisation with the training rows' statistics. Rows are encoded as
 * they stream in and their text is not kept; a bad row is dropped and
 * counted by reason, never echoed.
 */
import { CohortError } from '../errors.ts';
import { encodeRow, Note, planColumns, type DropReason, type RowPlan, type Step } from './encode.ts';
import { kAnonymity, DEFAULT_K_THRESHOLD } from './k-anonymity.ts';
import { pseudonymizer } from './pseudonym.ts';
import type { DatasetSchema } from './schema.ts';
import { splitIndices } from './split.ts';
import { applyStandardizer, fitStandardizer } from './standardize.ts';
import { brandSplit, type ColumnReport, type DatasetSplit, type IntakeReport, type PreparedDataset } from './types.ts';

export interface PrepareOptions {
  /** Overrides the schema's split seed (experiments repeat a split under several seeds). */
  seed?: number;
  /** The site secret keying pseudonyms and date shifts; required when the schema has either. */
  secret?: Uint8Array;
  /** Counts the reader already made (records rejected before they were rows, values turned missing). */
  reader?: () => { recordsRejected: Readonly<Record<string, number>>; valuesRejected: Readonly<Record<string, number>>; ignored?: Readonly<Record<string, number>> };
  /** Classes smaller than this are flagged in the k-anonymity report. */
  kThreshold?: number;
}

export async function prepareDataset(
  header: readonly string[],
  rows: AsyncIterable<readonly string[]> | Iterable<readonly string[]>,
  schema: DatasetSchema,
  opts: PrepareOptions = {},
): Promise<PreparedDataset> {
  const plan = planColumns(header, schema);
  if (plan.needsSecret && !opts.secret) throw new CohortError('E_INTAKE_SECRET', `schema "${schema.id}" pseudonymises or shifts dates: a site secret is required`);
  const keys = opts.secret ? pseudonymizer(opts.secret) : undefined;
  const d = plan.features.length;
  let x = new Float64Array(d * 1024);
  const y: number[] = [];
  const dropped = new Map<DropReason, number>();
  const tally = plan.steps.map(() => new Float64Array(3));
  const classes = new Map<string, number>();
  const hasQuasi = plan.quasiColumns.length > 0;
  let rowsRead = 0;

  for await (const cells of rows) {
    rowsRead++;
    const r = encodeRow(cells, plan, keys);
    if (!r.ok) {
      dropped.set(r.reason, (dropped.get(r.reason) ?? 0) + 1);
      continue;
    }
    for (let k = 0; k < r.notes.length; k++) tally[k]![r.notes[k]!]! += 1;
    if (hasQuasi) classes.set(r.quasi, (classes.get(r.quasi) ?? 0) + 1);
    if ((y.length + 1) * d > x.length) {
      const bigger = new Float64Array(x.length * 2);
      bigger.set(x);
      x = bigger;
    }
    x.set(r.x, y.length * d);
    y.push(r.y);
  }

  const fromReader = opts.reader?.() ?? { recordsRejected: {}, valuesRejected: {} };
  const report: IntakeReport = {
    rowsRead,
    rowsUsed: y.length,
    rowsDropped: sorted(dropped),
    recordsRejected: sorted(new Map(Object.entries(fromReader.recordsRejected))),
    valuesRejected: sorted(new Map(Object.entries(fromReader.valuesRejected))),
    ...(fromReader.ignored ? { recordsIgnored: sorted(new Map(Object.entries(fromReader.ignored))) } : {}),
    columns: columnReports(schema, plan, tally),
    ...(hasQuasi ? { kAnonymity: kAnonymity(classes, plan.quasiColumns, opts.kThreshold ?? DEFAULT_K_THRESHOLD) } : {}),
  };
  if (y.length === 0) {
    const why = Object.entries(report.rowsDropped).map(([k, v]) => `${k} ${v}`).join(', ');
    throw new CohortError('E_DATA_EMPTY', `no usable rows: ${rowsRead} read${why ? `, dropped ${why}` : ''}`);
  }

  const { train, test } = splitIndices(y, { ...schema.split, seed: opts.seed ?? schema.split.seed });
  if (train.length === 0) throw new CohortError('E_DATA_EMPTY', `no training rows: ${y.length} usable rows all went to test`);
  imputeTrainMeans(x, d, train, y.length);
  // Only 'per-site-train' exists; a future 'none' or 'global' would branch here.
  const scaler = fitStandardizer(x, d, train);
  const take = (idx: number[]): DatasetSplit =>
    brandSplit({
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

/**
 * Replaces NaN (missing, policy impute-mean) in each column of all n rows
 * with the mean of that column's present training values (0 if none), so no
 * test value informs the fill.
 */
function imputeTrainMeans(x: Float64Array, d: number, train: readonly number[], n: number): void {
  for (let j = 0; j < d; j++) {
    let sum = 0;
    let count = 0;
    let any = false;
    for (let i = 0; i < n; i++) if (Number.isNaN(x[i * d + j]!)) any = true;
    if (!any) continue;
    for (const r of train) {
      const v = x[r * d + j]!;
      if (!Number.isNaN(v)) {
        sum += v;
        count++;
      }
    }
    const fill = count > 0 ? sum / count : 0;
    for (let i = 0; i < n; i++) if (Number.isNaN(x[i * d + j]!)) x[i * d + j] = fill;
  }
}

function columnReports(schema: DatasetSchema, plan: RowPlan, tally: readonly Float64Array[]): ColumnReport[] {
  const byName = new Map(plan.steps.map((s, k) => [s.name, { s, t: tally[k]! }]));
  return schema.columns.map((c) => {
    const hit = byName.get(c.name);
    return {
      name: c.name,
      kind: c.kind,
      action: hit ? actionOf(hit.s) : 'not read',
      values: hit?.t[Note.Done] ?? 0,
      missing: hit?.t[Note.Missing] ?? 0,
      special: hit?.t[Note.Special] ?? 0,
    };
  });
}

function actionOf(s: Step): string {
  switch (s.kind) {
    case 'identifier':
      return 'dropped';
    case 'pseudonym':
      return 'pseudonymised (HMAC-SHA256), not model input';
    case 'number':
      return 'number, standardised';
    case 'categorical':
      return `one-hot (${s.levels.size - 1} columns)`;
    case 'label':
      return 'label (0/1)';
    case 'age':
      return `generalised to ${s.bands.length} age bands (top ${s.labels.at(-1)})${s.use === 'none' ? '' : s.use === 'band-midpoint' ? ', band midpoint as input' : ', bands one-hot as input'}`;
    case 'date':
      return `${s.shift === undefined ? 'generalised to year' : `shifted per patient (up to ${s.shift} days)`}${s.use === 'number' ? ', year as input' : ''}`;
    case 'zip':
      return 'generalised to ZIP3 (restricted prefixes to 000)';
    case 'genetic':
      return s.carrier ? `carrier of ${s.allele} (0/1); genotype dropped` : `copies of ${s.allele} (0-2); genotype dropped`;
  }
}

function sorted(m: ReadonlyMap<string, number>): Record<string, number> {
  return Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : 1)));
}
