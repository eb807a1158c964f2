import { describe, it, expect } from 'vitest';
import { encodedFeatureNames, parseDatasetSchema, type DatasetSchemaInput } from '../../core/data/schema.ts';
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
const age = { name: 'age', kind: 'feature', type: 'number' };

describe('parseDatasetSchema', () => {
  it('accepts a valid schema and applies defaults', () => {
    const input = smallSchemaInput() as Record<string, unknown>;
    delete input['missing'];
    const s = parseDatasetSchema({ ...input, split: { testFraction: 0.3 } });
    expect(s.missing).toEqual([]);
    expect(s.split).toEqual({ testFraction: 0.3, stratified: true, seed: 0 });
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
    ['range not numbers', withColumns([{ ...age, range: ['a', 1] }, label]), 'columns.0.range.0'],
    ['range of one bound', withColumns([{ ...age, range: [0] }, label]), 'columns.0.range'],
    ['repeated categories', withColumns([age, { name: 'cp', kind: 'feature', type: 'categorical', categories: [1, 1] }, label]), 'columns.1.categories'],
    ['mixed categories', withColumns([age, { name: 'cp', kind: 'feature', type: 'categorical', categories: [1, 'a'] }, label]), 'columns.1.categories'],
    ['one category', withColumns([age, { name: 'cp', kind: 'feature', type: 'categorical', categories: [1] }, label]), 'columns.1.categories'],
    ['encoded name collision', withColumns([{ ...age, name: 'cp_2' }, { name: 'cp', kind: 'feature', type: 'categorical', categories: [1, 2] }, label]), 'columns'],
    ['ordering op on text', withColumns([age, { ...label, positiveWhen: { op: '>', value: 'yes' } }]), 'columns.1.positiveWhen.value'],
    ['unknown op', withColumns([age, { ...label, positiveWhen: { op: '<', value: 0 } }]), 'columns.1.positiveWhen.op'],
    ['bad column name', withColumns([{ ...age, name: 'a,b' }, label]), 'columns.0.name'],
    ['unknown key', withColumns([{ ...age, colour: 'red' }, label]), 'columns.0'],
    ['ignore with a type', withColumns([age, label, { name: 'x', kind: 'ignore', type: 'number' }]), 'columns.2'],
    ['test fraction 1', { ...smallSchemaInput(), split: { testFraction: 1 } }, 'split.testFraction'],
    ['no split', { ...smallSchemaInput(), split: undefined }, 'split'],
    ['unknown standardize', { ...smallSchemaInput(), standardize: 'global' }, 'standardize'],
    ['a label kept when missing (it would read as a negative)', withColumns([age, { ...label, missing: 'keep' }]), 'columns.1.missing'],
    ['a label imputed', withColumns([age, { ...label, missing: 'impute-mean' }]), 'columns.1.missing'],
  ])('refuses %s with E_SCHEMA_INVALID naming the field', (_, input, path) => {
    const e = schemaError(input);
    expect(e.code).toBe('E_SCHEMA_INVALID');
    expect(e.message).toContain(`"${path}"`);
  });

  it('names every bad field at once', () => {
    const e = schemaError({ ...withColumns([{ ...age, range: [5, 1] }, { name: 'x', kind: 'nope' }]), id: 'bad id!' });
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
        { name: 'age', kind: 'feature', type: 'number' },
        { name: 'cp', kind: 'feature', type: 'categorical', categories: [1, 2, 3, 4] },
        { name: 'skip', kind: 'ignore' },
        { name: 'bmi', kind: 'feature', type: 'number' },
        { name: 'y', kind: 'label', type: 'binary', positiveWhen: { op: '==', value: 'yes' } },
      ],
    };
    expect(encodedFeatureNames(parseDatasetSchema(input))).toEqual(['sex_M', 'sex_X', 'age', 'cp_2', 'cp_3', 'cp_4', 'bmi']);
  });
});
