/**
 * Data that cannot be right is refused, not trained on: a model input that is
 * missing or the same in every used row, a label of one class (no event, one
 * value, an indicator that never changes), or a reader that rejected more
 * than the schema's `maxRejectedFraction` of the records it tried to use.
 * Each finding names its column and gives counts, never a cell.
 *
 * Checks run over all used rows (train and test): a column that is missing
 * or constant in every one of them is a property of the export (a mapping or
 * unit bug), not of the split. The same over the training rows only is a
 * warning: a small site's split can hold one class by chance (Switzerland's
 * heart-disease centre trains on positives only) and still help a federation.
 *
 * Overrides: a column that may legitimately hold one value at a site declares
 * `"mayBeConstant": true` (its finding becomes a warning) or is declared
 * `"ignore"`; the reader's limit is the schema's `maxRejectedFraction`. A
 * one-class label has no override: that site's data cannot teach the task.
 */
import { CohortError } from '../errors.ts';
import { Note, stepWidth, type RowPlan, type Step } from './encode.ts';
import type { ColumnSpec, DatasetSchema } from './schema.ts';
import type { DatasetSplit, PreparedDataset, TrainabilityFinding } from './types.ts';

/** What the reader counted before the rows (PrepareOptions.reader). */
export interface ReaderCounts {
  readonly recordsRejected: Readonly<Record<string, number>>;
  readonly valuesRejected: Readonly<Record<string, number>>;
  readonly ignored?: Readonly<Record<string, number>>;
  /**
   * Every record the reader took in (used, ignored or rejected), when its
   * records are not rows (FHIR resources). Absent: each record read is a row
   * or a rejection (CSV).
   */
  readonly recordsRead?: number;
  /**
   * For a reader of a folder of files each holding many records (FHIR
   * Bundles, one per patient): files read and files refused whole. A refused
   * file is one rejected record among thousands of resources, so the
   * fraction is also judged over files.
   */
  readonly files?: { readonly read: number; readonly rejected: number };
}

export interface TrainabilityInput {
  readonly schema: DatasetSchema;
  readonly plan: RowPlan;
  /** Note counts per step (plan.steps order) over the used rows. */
  readonly tally: readonly Float64Array[];
  readonly train: DatasetSplit;
  readonly test: DatasetSplit;
  readonly rowsRead: number;
  readonly reader: ReaderCounts;
  /** The rows are an evaluation side only (PrepareOptions.side "test"): column and label findings only warn. */
  readonly evaluationOnly: boolean;
}

export interface Trainability {
  readonly refusals: readonly TrainabilityFinding[];
  readonly warnings: readonly TrainabilityFinding[];
}

export function checkTrainability(t: TrainabilityInput): Trainability {
  const refusals: TrainabilityFinding[] = [];
  const warnings: TrainabilityFinding[] = [];
  const byName = new Map<string, ColumnSpec>(t.schema.columns.map((c) => [c.name, c]));
  t.plan.steps.forEach((s, k) => {
    if (s.kind === 'label') {
      const f = labelFindings(t);
      (t.evaluationOnly ? warnings : refusals).push(...f.all);
      warnings.push(...f.trainOnly);
    } else if (stepWidth(s) > 0) {
      const f = inputFindings(s, t.tally[k]!, t);
      const c = byName.get(s.name);
      const tolerated = c !== undefined && 'mayBeConstant' in c && c.mayBeConstant;
      if (f.all && (tolerated || t.evaluationOnly))
        warnings.push({ ...f.all, message: `${f.all.message}${tolerated ? ' (declared "mayBeConstant")' : ''}` });
      else if (f.all) refusals.push(f.all);
      if (f.trainOnly) warnings.push(f.trainOnly);
    }
  });
  const rejected = rejectedFinding(t);
  if (rejected) refusals.push(rejected);
  return { refusals, warnings };
}

/** E_DATA_UNTRAINABLE for a report with refusals; the dataset rides along for `client inspect` (not enumerable, never logged). */
export class UntrainableDataError extends CohortError {
  declare readonly dataset: PreparedDataset;
  constructor(dataset: PreparedDataset) {
    const refusals = dataset.report.trainability?.refusals ?? [];
    super('E_DATA_UNTRAINABLE', untrainableMessage(dataset.schemaId, refusals));
    Object.defineProperty(this, 'dataset', { value: dataset, enumerable: false });
  }
}

function untrainableMessage(schemaId: string, refusals: readonly TrainabilityFinding[]): string {
  const checks = new Set(refusals.map((f) => f.check));
  const how = [
    checks.has('missing') || checks.has('constant')
      ? 'a column that may hold one value at this site can say "mayBeConstant": true, or be declared "ignore"'
      : '',
    checks.has('label') ? 'a label of one class cannot be overridden: this site cannot join the task' : '',
    checks.has('rejected') ? 'read the rejection reasons before raising the schema\'s "maxRejectedFraction"' : '',
  ].filter(Boolean);
  return `schema "${schemaId}": refusing to train on this data: ${refusals.map((f) => f.message).join('; ')}. ${how.join('; ')}`;
}

interface Found {
  all: TrainabilityFinding | undefined;
  trainOnly: TrainabilityFinding | undefined;
}

/** A model input missing in every used row, the same in every used row, or the same in every training row. */
function inputFindings(s: Step, tally: Float64Array, t: TrainabilityInput): Found {
  const used = t.train.n + t.test.n;
  const what = `${s.kind === 'number' || s.kind === 'categorical' ? 'feature' : 'column'} "${s.name}"`;
  const missing = tally[Note.Missing]! + tally[Note.Imputed]!;
  if (missing === used) {
    const message = `${what}: missing in all ${used} used rows${s.missing === 'impute' ? ', each filled with its declared value' : ''}${readerNote(s.name, t.reader, true)}`;
    return { all: { check: 'missing', column: s.name, message }, trainOnly: undefined };
  }
  const at = 'out' in s ? s.out : 0;
  const w = stepWidth(s);
  const same = s.kind === 'categorical' ? 'one category' : 'the same value';
  if (constantSlice([t.train, t.test], at, w)) {
    const clamped = tally[Note.Clamped]! > 0 ? `, ${tally[Note.Clamped]} clamped to its declared range` : '';
    const filled = missing > 0 ? `, ${missing} missing${s.missing === 'impute' ? ' and filled' : ''}` : '';
    const message = `${what}: ${same} in all ${used} used rows${clamped}${filled}${readerNote(s.name, t.reader, false)}`;
    return { all: { check: 'constant', column: s.name, message }, trainOnly: undefined };
  }
  if (t.train.n > 1 && constantSlice([t.train], at, w)) {
    const message = `${what}: ${same} in all ${t.train.n} training rows (it varies over the ${used} used rows)`;
    return { all: undefined, trainOnly: { check: 'constant', column: s.name, message } };
  }
  return { all: undefined, trainOnly: undefined };
}

/** Whether columns [at, at + w) hold the same values in every row of the splits. */
function constantSlice(splits: readonly DatasetSplit[], at: number, w: number): boolean {
  const first = splits.find((s) => s.n > 0);
  if (!first) return false;
  const ref = first.x.subarray(at, at + w);
  for (const s of splits)
    for (let i = 0; i < s.n; i++) for (let j = 0; j < w; j++) if (s.x[i * s.d + at + j] !== ref[j]) return false;
  return true;
}

/**
 * Why a column may be empty or constant: the reader's rejected values of that
 * column, and (for an empty one) the records it rejected, which may have held them.
 */
function readerNote(column: string, r: ReaderCounts, withRecords: boolean): string {
  const values = Object.entries(r.valuesRejected).filter(([k]) => k.endsWith(`:${column}`));
  const records = withRecords ? Object.entries(r.recordsRejected) : [];
  const total = (e: [string, number][]) => e.reduce((n, [, v]) => n + v, 0);
  const list = (e: [string, number][]) => e.map(([k, v]) => `${k} ${v}`).join(', ');
  const parts = [
    values.length ? `${total(values)} of its values rejected by the reader: ${list(values)}` : '',
    records.length ? `${total(records)} records rejected by the reader: ${list(records)}` : '',
  ].filter(Boolean);
  return parts.length ? ` (${parts.join('; ')})` : '';
}

/** The label's findings over all used rows, and over the training rows only. */
function labelFindings(t: TrainabilityInput): { all: TrainabilityFinding[]; trainOnly: TrainabilityFinding[] } {
  const all = labelOneClass(t, [t.train, t.test], 'used');
  const used = t.train.n + t.test.n;
  const trainOnly = (all.length === 0 && t.train.n > 1 ? labelOneClass(t, [t.train], 'training') : []).map((f) => ({
    ...f,
    message: `${f.message} (it varies over the ${used} used rows)`,
  }));
  return { all, trainOnly };
}

function labelOneClass(t: TrainabilityInput, splits: readonly DatasetSplit[], rows: string): TrainabilityFinding[] {
  const layout = t.plan.labels;
  const w = layout.kind === 'survival' ? 2 : layout.kind === 'multilabel' ? layout.labels.length : 1;
  const n = splits.reduce((m, s) => m + s.n, 0);
  const only = (j: number): number | undefined => {
    const first = splits.find((s) => s.n > 0)?.y[j];
    return splits.every((s) => s.y.every((v, i) => i % w !== j || v === first)) ? first : undefined;
  };
  const label = `label "${t.plan.label}"`;
  const found = (message: string): TrainabilityFinding => ({ check: 'label', column: t.plan.label, message });
  switch (layout.kind) {
    case 'binary':
    case 'multiclass': {
      const v = only(0);
      if (v === undefined) return [];
      const name = layout.kind === 'multiclass' ? layout.classes[v] : String(v);
      return [found(`${label}: one class (${name}) in all ${n} ${rows} rows`)];
    }
    case 'survival':
      return only(1) === 0 ? [found(`${label}: no event (every record censored) in all ${n} ${rows} rows`)] : [];
    case 'regression':
      return only(0) === undefined ? [] : [found(`${label}: the same target value in all ${n} ${rows} rows`)];
    case 'multilabel':
      return layout.labels.flatMap((name, j) => {
        const v = only(j);
        return v === undefined ? [] : [found(`${label}: indicator "${name}" is ${v} in all ${n} ${rows} rows`)];
      });
  }
}

/** The reader rejected more than the schema's maxRejectedFraction of the records (or the files) it tried to use. */
function rejectedFinding(t: TrainabilityInput): TrainabilityFinding | undefined {
  const sum = (m: Readonly<Record<string, number>> | undefined) => Object.values(m ?? {}).reduce((a, b) => a + b, 0);
  const rejected = sum(t.reader.recordsRejected);
  if (rejected === 0) return undefined;
  return recordsFinding(t, rejected, sum) ?? filesFinding(t);
}

function filesFinding(t: TrainabilityInput): TrainabilityFinding | undefined {
  const f = t.reader.files;
  if (!f || f.rejected === 0) return undefined;
  const message = overRejected({ what: 'the reader refused', rejected: f.rejected, of: f.read, unit: 'files' }, t);
  return message ? { check: 'rejected', message } : undefined;
}

function recordsFinding(
  t: TrainabilityInput,
  rejected: number,
  sum: (m: Readonly<Record<string, number>> | undefined) => number,
): TrainabilityFinding | undefined {
  const tried =
    t.reader.recordsRead === undefined ? t.rowsRead + rejected : t.reader.recordsRead - sum(t.reader.ignored);
  const message = overRejected({ what: 'the reader rejected', rejected, of: tried, unit: 'records' }, t);
  return message ? { check: 'rejected', message } : undefined;
}

/**
 * "<what> N of M <unit> (P%, more than "maxRejectedFraction" X): reasons", when more than the schema's
 * maxRejectedFraction of what a reader tried was rejected; undefined within it. One wording for the tabular and
 * FHIR readers (here) and the image intake (client/intake/images.ts).
 */
export function overRejected(
  o: { what: string; rejected: number; of: number; unit: 'records' | 'files' },
  t: { schema: { maxRejectedFraction: number }; reader: { recordsRejected: Readonly<Record<string, number>> } },
): string | undefined {
  const fraction = o.rejected / Math.max(o.of, o.rejected, 1);
  const max = t.schema.maxRejectedFraction;
  if (fraction <= max) return undefined;
  const reasons = Object.entries(t.reader.recordsRejected)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const pct = (100 * fraction).toFixed(1);
  return `${o.what} ${o.rejected} of ${o.of} ${o.unit} (${pct}%, more than "maxRejectedFraction" ${max}): ${reasons}`;
}
