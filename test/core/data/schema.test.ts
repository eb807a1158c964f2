import { describe, it, expect } from 'vitest';
import {
  declaredRange,
  encodedFeatureNames,
  imputeValueOf,
  parseDatasetSchema,
  type DatasetSchemaInput,
} from '../../../core/data/schema.ts';
import { smallSchemaInput } from './fixtures.ts';

function withColumns(columns: unknown[]): Record<string, unknown> {
  return { ...smallSchemaInput(), columns };
}

function schemaError(input: unknown): { code: string; message: string } {
  try {
    parseDatasetSchema(input);
  } catch (e) {
    return e as { code: string; message: string };
  }
  throw new Error('schema was accepted');
}

const label = { name: 'num', kind: 'label', type: 'binary', positiveWhen: { op: '>', value: 0 } };
const age = { name: 'age', kind: 'feature', type: 'number', range: [20, 80] };

describe('parseDatasetSchema', () => {
  it('accepts a valid schema and applies defaults', () => {
    const input = smallSchemaInput() as Record<string, unknown>;
    delete input['missing'];
    const s = parseDatasetSchema({ ...input, split: { testFraction: 0.3 } });
    expect(s.missing).toEqual([]);
    expect(s.split).toEqual({ testFraction: 0.3, seed: 0 });
    expect(s.standardize).toBe('declared-range');
    expect(s.columns[0]).toMatchObject({ name: 'age', missing: 'drop-row' });
  });

  it.each<[string, unknown, string]>([
    ['duplicate names', withColumns([age, { ...age }, label]), 'columns.1.name'],
    ['two labels', withColumns([age, label, { ...label, name: 'num2' }]), 'columns'],
    ['no label', withColumns([age]), 'columns'],
    ['no feature', withColumns([label, { name: 'x', kind: 'ignore' }]), 'columns'],
    ['unknown kind', withColumns([age, label, { name: 'id', kind: 'secret' }]), 'columns.2.kind'],
    ['unknown feature type', withColumns([{ ...age, type: 'date' }, label]), 'columns.0.type'],
    ['range min above max', withColumns([{ ...age, range: [120, 0] }, label]), 'columns.0.range'],
    ['an empty range (nothing to scale by)', withColumns([{ ...age, range: [5, 5] }, label]), 'columns.0.range'],
    ['valid min above max', withColumns([{ ...age, valid: [120, 0] }, label]), 'columns.0.valid'],
    [
      'an impute value outside the range',
      withColumns([{ ...age, missing: 'impute', impute: 81 }, label]),
      'columns.0.impute',
    ],
    ['an impute value without missing "impute"', withColumns([{ ...age, impute: 50 }, label]), 'columns.0.impute'],
    [
      'a genotype fill above 2 copies',
      withColumns([
        age,
        label,
        {
          name: 'g',
          kind: 'genetic',
          variant: 'rs1',
          allele: 'G',
          derive: 'allele-count',
          missing: 'impute',
          impute: 3,
        },
      ]),
      'columns.2.impute',
    ],
    [
      'a date used as a number without its range of years',
      withColumns([age, label, { name: 'seen', kind: 'quasi', type: 'date', generalize: 'year', use: 'number' }]),
      'columns.2.range',
    ],
    [
      'a date range that nothing uses',
      withColumns([age, label, { name: 'seen', kind: 'quasi', type: 'date', generalize: 'year', range: [2000, 2030] }]),
      'columns.2.range',
    ],
    ['range not numbers', withColumns([{ ...age, range: ['a', 1] }, label]), 'columns.0.range.0'],
    ['range of one bound', withColumns([{ ...age, range: [0] }, label]), 'columns.0.range'],
    [
      'repeated categories',
      withColumns([age, { name: 'cp', kind: 'feature', type: 'categorical', categories: [1, 1] }, label]),
      'columns.1.categories',
    ],
    [
      'mixed categories',
      withColumns([age, { name: 'cp', kind: 'feature', type: 'categorical', categories: [1, 'a'] }, label]),
      'columns.1.categories',
    ],
    [
      'a category with a bidi override (it names a feature sent on the wire)',
      withColumns([age, { name: 'cp', kind: 'feature', type: 'categorical', categories: ['a', 'b\u202e'] }, label]),
      'columns.1.categories.1',
    ],
    [
      'one category',
      withColumns([age, { name: 'cp', kind: 'feature', type: 'categorical', categories: [1] }, label]),
      'columns.1.categories',
    ],
    [
      'encoded name collision',
      withColumns([
        { ...age, name: 'cp_2' },
        { name: 'cp', kind: 'feature', type: 'categorical', categories: [1, 2] },
        label,
      ]),
      'columns',
    ],
    [
      'ordering op on text',
      withColumns([age, { ...label, positiveWhen: { op: '>', value: 'yes' } }]),
      'columns.1.positiveWhen.value',
    ],
    ['unknown op', withColumns([age, { ...label, positiveWhen: { op: '<', value: 0 } }]), 'columns.1.positiveWhen.op'],
    ['bad column name', withColumns([{ ...age, name: 'a,b' }, label]), 'columns.0.name'],
    ['unknown key', withColumns([{ ...age, colour: 'red' }, label]), 'columns.0'],
    ['ignore with a type', withColumns([age, label, { name: 'x', kind: 'ignore', type: 'number' }]), 'columns.2'],
    ['test fraction 1', { ...smallSchemaInput(), split: { testFraction: 1 } }, 'split.testFraction'],
    ['no split', { ...smallSchemaInput(), split: undefined }, 'split'],
    ['unknown standardize', { ...smallSchemaInput(), standardize: 'global' }, 'standardize'],
    [
      'per-site standardisation (fitted on the records)',
      { ...smallSchemaInput(), standardize: 'per-site-train' },
      'standardize',
    ],
    [
      'a stratified split (it ties records together)',
      { ...smallSchemaInput(), split: { testFraction: 0.3, stratified: true } },
      'split.stratified',
    ],
    [
      'mean imputation (fitted on the records)',
      withColumns([{ ...age, missing: 'impute-mean' }, label]),
      'columns.0.missing',
    ],
    [
      'a label kept when missing (it would read as a negative)',
      withColumns([age, { ...label, missing: 'keep' }]),
      'columns.1.missing',
    ],
    ['a label imputed', withColumns([age, { ...label, missing: 'impute-mean' }]), 'columns.1.missing'],
  ])('refuses %s with E_SCHEMA_INVALID naming the field', (_, input, path) => {
    const e = schemaError(input);
    expect(e.code).toBe('E_SCHEMA_INVALID');
    expect(e.message).toContain(`"${path}"`);
  });

  it('refuses a number column without a declared range, saying why', () => {
    for (const columns of [
      [{ name: 'age', kind: 'feature', type: 'number' }, label],
      [age, { name: 'chol', kind: 'feature', type: 'number', unit: 'mg/dL' }, label],
    ]) {
      const e = schemaError(withColumns(columns));
      expect(e.code).toBe('E_SCHEMA_INVALID');
      expect(e.message).toContain(`"columns.${columns.length - 2}.range"`);
      expect(e.message).toContain('never fitted on the records');
    }
  });

  it('says what replaced a removed option', () => {
    expect(schemaError(withColumns([{ ...age, missing: 'impute-mean' }, label])).message).toContain('use "impute"');
    expect(schemaError({ ...smallSchemaInput(), standardize: 'per-site-train' }).message).toContain('"declared-range"');
    expect(schemaError({ ...smallSchemaInput(), split: { testFraction: 0.3, stratified: false } }).message).toContain(
      'keyed hash',
    );
  });

  it('names every bad field at once', () => {
    const e = schemaError({
      ...withColumns([
        { ...age, range: [5, 1] },
        { name: 'x', kind: 'nope' },
      ]),
      id: 'bad id!',
    });
    expect(e.code).toBe('E_SCHEMA_INVALID');
    for (const p of ['"id"', '"columns.1.kind"']) expect(e.message).toContain(p);
  });

  it('refuses non-objects', () => {
    for (const v of [null, 42, 'schema', []]) expect(schemaError(v).code).toBe('E_SCHEMA_INVALID');
  });
});

describe('encodedFeatureNames', () => {
  it('expands categoricals in place, reference (first) category dropped', () => {
    const input: DatasetSchemaInput = {
      ...smallSchemaInput(),
      columns: [
        { name: 'sex', kind: 'feature', type: 'categorical', categories: ['F', 'M', 'X'] },
        { name: 'age', kind: 'feature', type: 'number', range: [20, 80] },
        { name: 'cp', kind: 'feature', type: 'categorical', categories: [1, 2, 3, 4] },
        { name: 'skip', kind: 'ignore' },
        { name: 'bmi', kind: 'feature', type: 'number', range: [14, 65] },
        { name: 'y', kind: 'label', type: 'binary', positiveWhen: { op: '==', value: 'yes' } },
      ],
    };
    expect(encodedFeatureNames(parseDatasetSchema(input))).toEqual([
      'sex_M',
      'sex_X',
      'age',
      'cp_2',
      'cp_3',
      'cp_4',
      'bmi',
    ]);
  });
});

describe('declaredRange and imputeValueOf', () => {
  it('take every scale and fill from the schema', () => {
    const s = parseDatasetSchema(
      withColumns([
        { ...age, missing: 'impute' },
        { name: 'sbp', kind: 'feature', type: 'number', range: [80, 230], missing: 'impute', impute: 120 },
        { name: 'ageBand', kind: 'quasi', type: 'age', bands: [0, 30, 60, 90], use: 'band-midpoint' },
        { name: 'seen', kind: 'quasi', type: 'date', generalize: 'year', use: 'number', range: [2000, 2030] },
        { name: 'g', kind: 'genetic', variant: 'rs1', allele: 'G', derive: 'allele-count', missing: 'impute' },
        { name: 'c', kind: 'genetic', variant: 'rs1', allele: 'G', derive: 'carrier' },
        { name: 'cp', kind: 'feature', type: 'categorical', categories: [1, 2] },
        label,
      ]),
    );
    const c = (name: string) => s.columns.find((x) => x.name === name)!;
    expect(['age', 'sbp', 'ageBand', 'seen', 'g', 'c', 'cp', 'num'].map((n) => declaredRange(c(n)))).toEqual([
      [20, 80],
      [80, 230],
      [14.5, 105], // midpoints of 0-29 and of the open 90+ band (90 + half the 30-wide band below it)
      [2000, 2030],
      [0, 2],
      [0, 1],
      undefined,
      undefined,
    ]);
    // The default fill is the middle of the declared range; without policy "impute" there is none.
    expect(['age', 'sbp', 'g', 'c'].map((n) => imputeValueOf(c(n)))).toEqual([50, 120, 1, undefined]);
  });
});
