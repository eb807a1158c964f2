/**
 * Data that cannot be right is refused (E_DATA_UNTRAINABLE) with the column
 * and the counts, not trained on: a model input missing or constant in every
 * used row, a label of one class, a reader that rejected more than the
 * schema's maxRejectedFraction. `mayBeConstant` turns a column's refusal into
 * a warning; findings over the training rows only are warnings.
 */
import { describe, it, expect } from 'vitest';
import { NOTES, planColumns } from '../../../core/data/encode.ts';
import { prepareDataset, type PrepareOptions } from '../../../core/data/prepare.ts';
import { parseDatasetSchema, type DatasetSchemaInput } from '../../../core/data/schema.ts';
import { checkTrainability, UntrainableDataError } from '../../../core/data/trainability.ts';
import { brandSplit } from '../../../core/data/types.ts';

type Columns = DatasetSchemaInput['columns'];
type Column = Columns[number];

function schema(columns: Columns, extra: Partial<DatasetSchemaInput> = {}): DatasetSchemaInput {
  return { id: 'trainability-v1', missing: ['?'], columns, split: { testFraction: 0.3, seed: 1 }, ...extra };
}

const HBA1C = { name: 'hba1c', kind: 'feature', type: 'number', unit: '%', range: [3.5, 15] } satisfies Column;
const AGE = { name: 'age', kind: 'feature', type: 'number', range: [20, 80] } satisfies Column;
const DIABETES = {
  name: 'diabetes',
  kind: 'label',
  type: 'binary',
  positiveWhen: { op: '==', value: 1 },
} satisfies Column;

/** n rows of (age, hba1c, diabetes): age varies, the others as given per row. */
function rows(n: number, hba1c: (i: number) => string, label: (i: number) => string): string[][] {
  return Array.from({ length: n }, (_, i) => [String(30 + i), hba1c(i), label(i)]);
}

async function refusal(
  s: DatasetSchemaInput,
  header: string[],
  cells: string[][],
  opts: PrepareOptions = {},
): Promise<UntrainableDataError> {
  try {
    await prepareDataset(header, cells, parseDatasetSchema(s), opts);
  } catch (e) {
    if (e instanceof UntrainableDataError) return e;
    throw e;
  }
  throw new Error('expected E_DATA_UNTRAINABLE');
}

const HEADER = ['age', 'hba1c', 'diabetes'];
const alternating = (i: number) => String(i % 2);
const varied = (i: number) => String(5 + (i % 4));

/** The refusal of n rows of varied inputs whose `label` column holds `value` in every row. */
function oneValueLabel(label: Column, n: number, value: string): Promise<UntrainableDataError> {
  return refusal(
    schema([AGE, HBA1C, label]),
    ['age', 'hba1c', label.name],
    rows(n, varied, () => value),
  );
}

describe('a model input that cannot be right', () => {
  it('refuses a feature missing in every used row, naming it with the counts and what the reader rejected', async () => {
    // The NDJSON: every HbA1c Observation rejected for its reference, so every cell empty and imputed.
    const s = schema([AGE, { ...HBA1C, missing: 'impute' }, DIABETES]);
    const reader = () => ({ recordsRejected: { 'fhir:reference': 696 }, valuesRejected: {}, recordsRead: 20 + 696 });
    const e = await refusal(
      { ...s, maxRejectedFraction: 1 },
      HEADER,
      rows(20, () => '', alternating),
      { reader },
    );
    expect(e.code).toBe('E_DATA_UNTRAINABLE');
    expect(e.message).toContain(
      'feature "hba1c": missing in all 20 used rows, each filled with its declared value (696 records rejected by the reader: fhir:reference 696)',
    );
    expect(e.message).toContain('"mayBeConstant": true');
    expect(e.dataset.report.trainability!.refusals).toEqual([
      { check: 'missing', column: 'hba1c', message: expect.stringContaining('missing in all 20 used rows') },
    ]);
  });

  it('names the rejected values of the column itself', async () => {
    const s = schema([AGE, { ...HBA1C, missing: 'impute' }, DIABETES]);
    const reader = () => ({ recordsRejected: {}, valuesRejected: { 'unit:hba1c': 20, 'unit:bmi': 3 } });
    const e = await refusal(
      s,
      HEADER,
      rows(20, () => '', alternating),
      { reader },
    );
    expect(e.message).toContain(
      'feature "hba1c": missing in all 20 used rows, each filled with its declared value (20 of its values rejected by the reader: unit:hba1c 20)',
    );
  });

  it('refuses a number that is the same in every used row, counting the clamped values', async () => {
    // Switzerland's cholesterol: 0 in every row, clamped to the declared range's low end.
    const e = await refusal(
      schema([AGE, HBA1C, DIABETES]),
      HEADER,
      rows(12, () => '0', alternating),
    );
    expect(e.message).toContain(
      'feature "hba1c": the same value in all 12 used rows, 12 clamped to its declared range',
    );
    expect(e.dataset.report.trainability!.refusals.map((f) => f.column)).toEqual(['hba1c']);
  });

  it('counts the filled cells of a column whose values all equal its fill', async () => {
    // The declared fill defaults to the middle of the range: 9.25 for [3.5, 15].
    const s = schema([AGE, { ...HBA1C, missing: 'impute' }, DIABETES]);
    const e = await refusal(
      s,
      HEADER,
      rows(10, (i) => (i % 2 ? '' : '9.25'), alternating),
    );
    expect(e.message).toContain('feature "hba1c": the same value in all 10 used rows, 5 missing and filled');
  });

  it('refuses a categorical column with one category in every used row', async () => {
    const cp = { name: 'cp', kind: 'feature', type: 'categorical', categories: [1, 2, 3] } satisfies Column;
    const e = await refusal(
      schema([AGE, cp, DIABETES]),
      ['age', 'cp', 'diabetes'],
      rows(10, () => '2', alternating),
    );
    expect(e.message).toContain('feature "cp": one category in all 10 used rows');
  });

  it('"mayBeConstant" turns the refusal into a warning; the same data then prepares', async () => {
    const s = parseDatasetSchema(schema([AGE, { ...HBA1C, mayBeConstant: true }, DIABETES]));
    const d = await prepareDataset(
      HEADER,
      rows(12, () => '5', alternating),
      s,
    );
    expect(d.report.trainability).toEqual({
      refusals: [],
      warnings: [
        {
          check: 'constant',
          column: 'hba1c',
          message: 'feature "hba1c": the same value in all 12 used rows (declared "mayBeConstant")',
        },
      ],
    });
  });

  it('takes varied data without a finding', async () => {
    const d = await prepareDataset(
      HEADER,
      rows(20, (i) => String(5 + (i % 4)), alternating),
      parseDatasetSchema(schema([AGE, HBA1C, DIABETES])),
    );
    expect(d.report.trainability).toEqual({ refusals: [], warnings: [] });
  });
});

describe('a label of one class', () => {
  it('refuses a binary label with one class in every used row', async () => {
    const e = await oneValueLabel(DIABETES, 20, '0');
    expect(e.message).toContain('label "diabetes": one class (0) in all 20 used rows');
    expect(e.message).toContain('a label of one class cannot be overridden');
    expect(e.message).not.toContain('mayBeConstant');
  });

  it('refuses a multi-class label with one class, by its declared name', async () => {
    const grade = {
      name: 'grade',
      kind: 'label',
      type: 'multiclass',
      classes: ['low', 'mid', 'high'],
    } satisfies Column;
    const e = await oneValueLabel(grade, 9, 'mid');
    expect(e.message).toContain('label "grade": one class (mid) in all 9 used rows');
  });

  it('refuses a survival label without a single event', async () => {
    const time = { name: 'time', kind: 'label', type: 'survival', event: 'event' } satisfies Column;
    const cells = Array.from({ length: 8 }, (_, i) => [String(30 + i), String(5 + (i % 3)), String(100 + i), '0']);
    const e = await refusal(schema([AGE, HBA1C, time]), ['age', 'hba1c', 'time', 'event'], cells);
    expect(e.message).toContain('label "time": no event (every record censored) in all 8 used rows');
  });

  it('refuses a regression target that is one value, and a multi-label indicator that never changes', async () => {
    const target = { name: 'y', kind: 'label', type: 'regression', range: [0, 10] } satisfies Column;
    const r = await oneValueLabel(target, 6, '4');
    expect(r.message).toContain('label "y": the same target value in all 6 used rows');

    const set = { name: 'findings', kind: 'label', type: 'multilabel', columns: ['a', 'b'] } satisfies Column;
    const cells = Array.from({ length: 6 }, (_, i) => [String(30 + i), String(5 + (i % 3)), String(i % 2), '1']);
    const m = await refusal(schema([AGE, HBA1C, set]), ['age', 'hba1c', 'a', 'b'], cells);
    expect(m.message).toContain('label "findings": indicator "b" is 1 in all 6 used rows');
    expect(m.message).not.toContain('indicator "a"');
  });

  it('only warns when the rows are an evaluation side (side "test")', async () => {
    const s = parseDatasetSchema(schema([AGE, HBA1C, DIABETES]));
    const d = await prepareDataset(
      HEADER,
      rows(
        5,
        () => '5',
        () => '1',
      ),
      s,
      { side: 'test' },
    );
    expect(d.report.trainability!.refusals).toEqual([]);
    expect(d.report.trainability!.warnings.map((f) => f.column)).toEqual(['hba1c', 'diabetes']);
  });
});

describe('findings over the training rows only', () => {
  it('warns (not refuses) when the label or a feature is one value in training rows but varies over all used rows', () => {
    const s = parseDatasetSchema(schema([AGE, HBA1C, DIABETES]));
    const plan = planColumns(HEADER, s);
    // x = (age, hba1c) scaled; train: 3 rows of label 1, hba1c constant; test: 1 row of label 0 with another hba1c.
    const split = (x: number[], y: number[]) =>
      brandSplit({ x: Float32Array.from(x), y: Float32Array.from(y), n: y.length, d: 2 });
    const train = split([0.1, 0.5, 0.2, 0.5, 0.3, 0.5], [1, 1, 1]);
    const test = split([0.4, -0.5], [0]);
    const tally = plan.steps.map(() => new Float64Array(NOTES));
    const t = checkTrainability({
      schema: s,
      plan,
      tally,
      train,
      test,
      rowsRead: 4,
      reader: { recordsRejected: {}, valuesRejected: {} },
      evaluationOnly: false,
    });
    expect(t.refusals).toEqual([]);
    expect(t.warnings.map((f) => f.message)).toEqual([
      'feature "hba1c": the same value in all 3 training rows (it varies over the 4 used rows)',
      'label "diabetes": one class (1) in all 3 training rows (it varies over the 4 used rows)',
    ]);
  });
});

describe('records the reader rejected', () => {
  const s = (max?: number) => schema([AGE, HBA1C, DIABETES], max === undefined ? {} : { maxRejectedFraction: max });
  const varied = (n: number) => rows(n, (i) => String(5 + (i % 4)), alternating);

  it('refuses more than maxRejectedFraction (default 0.1) of the records a CSV reader read: exactly at it passes', async () => {
    // 90 rows read and 10 rejected: 10 / 100 = 0.1, not more.
    const at = () => ({ recordsRejected: { 'csv:oversize': 10 }, valuesRejected: {} });
    const d = await prepareDataset(HEADER, varied(90), parseDatasetSchema(s()), { reader: at });
    expect(d.report.trainability!.refusals).toEqual([]);
    // 89 read and 10 rejected: 10 / 99 > 0.1.
    const e = await refusal(s(), HEADER, varied(89), { reader: at });
    expect(e.message).toContain(
      'the reader rejected 10 of 99 records (10.1%, more than "maxRejectedFraction" 0.1): csv:oversize 10',
    );
    expect(e.message).toContain('"maxRejectedFraction"');
    expect(e.dataset.report.trainability!.refusals.map((f) => f.check)).toEqual(['rejected']);
  });

  it('counts a FHIR reader over the records it tried to use: undeclared ones (ignored) are left out', async () => {
    // 10 rejected of 120 read, 20 of them ignored: 10 / 100 = 0.1 passes; 21 ignored: 10 / 99 refuses.
    const fhir = (ignored: number) => () => ({
      recordsRejected: { 'fhir:reference': 10 },
      valuesRejected: {},
      ignored: { 'other-resource-type': ignored },
      recordsRead: 120,
    });
    const ok = await prepareDataset(HEADER, varied(30), parseDatasetSchema(s()), { reader: fhir(20) });
    expect(ok.report.trainability!.refusals).toEqual([]);
    const e = await refusal(s(), HEADER, varied(30), { reader: fhir(21) });
    expect(e.message).toContain('the reader rejected 10 of 99 records (10.1%');
  });

  it("takes the schema's own limit; 1 never refuses", async () => {
    const many = () => ({ recordsRejected: { 'csv:oversize': 500 }, valuesRejected: {} });
    const d = await prepareDataset(HEADER, varied(10), parseDatasetSchema(s(1)), { reader: many });
    expect(d.report.trainability!.refusals).toEqual([]);
    const e = await refusal(s(0.5), HEADER, varied(10), { reader: many });
    expect(e.message).toContain('more than "maxRejectedFraction" 0.5');
  });
});

describe('the refusal', () => {
  it('carries the dataset for `client inspect` without letting it reach a log line or JSON', async () => {
    const e = await refusal(
      schema([AGE, HBA1C, DIABETES]),
      HEADER,
      rows(12, () => '0', alternating),
    );
    expect(Object.keys(e)).not.toContain('dataset');
    expect(JSON.stringify(e)).not.toContain('train');
    expect(e.dataset.train.n + e.dataset.test.n).toBe(12);
  });
});
