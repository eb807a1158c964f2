/**
 * k-anonymity over every quasi-identifier: sex joins the class when a feature
 * is declared `quasiIdentifier`, and always when it is read from
 * Patient.gender; the report holds class sizes, never a class's values.
 */
import { describe, it, expect } from 'vitest';
import { planColumns } from '../../../core/data/encode.ts';
import { prepareDataset } from '../../../core/data/prepare.ts';
import { parseDatasetSchema, type DatasetSchemaInput } from '../../../core/data/schema.ts';
import { errorCode } from '../../helpers/errors.ts';

type Column = DatasetSchemaInput['columns'][number];

const AGE: Column = { name: 'age', kind: 'quasi', type: 'age', bands: [0, 40, 50, 60, 90] };
const SEX: Column = { name: 'sex', kind: 'feature', type: 'categorical', categories: ['female', 'male'] };
const BMI: Column = { name: 'bmi', kind: 'feature', type: 'number', range: [15, 45] };
const LABEL: Column = { name: 'cad', kind: 'label', type: 'binary', positiveWhen: { op: '==', value: 1 } };

function schema(sex: Column): DatasetSchemaInput {
  return { id: 'k-v1', columns: [AGE, sex, BMI, LABEL], split: { testFraction: 0.3, seed: 5 } };
}

/**
 * 12 rows: 6 aged 40-49 (5 female, 1 male) and 6 aged 50-59 (3 female, 3
 * male). Over age alone k = 6; with sex the lone man in his forties is a
 * class of one: k = 1.
 */
const HEADER = ['age', 'sex', 'bmi', 'cad'];
const ROWS = [
  ...['female', 'female', 'female', 'female', 'female', 'male'].map((s, i) => [String(41 + i), s]),
  ...['female', 'female', 'female', 'male', 'male', 'male'].map((s, i) => [String(51 + i), s]),
].map(([age, sex], i) => [age!, sex!, String(20 + i), String(i % 2)]);

describe('k-anonymity with sex', () => {
  it('without sex declared a quasi-identifier, k is over the age band alone', async () => {
    const d = await prepareDataset(HEADER, ROWS, parseDatasetSchema(schema(SEX)));
    expect(d.report.kAnonymity).toMatchObject({ columns: ['age'], k: 6, classes: 2, smallest: [6, 6] });
  });

  it('declared `quasiIdentifier`, sex joins the class and lowers k from 6 to 1', async () => {
    const d = await prepareDataset(HEADER, ROWS, parseDatasetSchema(schema({ ...SEX, quasiIdentifier: true })));
    expect(d.report.kAnonymity).toEqual({
      columns: ['age', 'sex'],
      k: 1,
      classes: 4,
      threshold: 5,
      classesBelow: 3,
      rowsBelow: 7,
      smallest: [1, 3, 3, 5],
      // Left out of the class: without age, 8 women and 4 men; without sex, two bands of 6.
      kWithout: { age: 4, sex: 6 },
    });
    // Still a model input, one-hot as before.
    expect(d.features).toEqual(['sex_male', 'bmi']);
  });

  it('reports sizes only: no class value (band, sex) appears in the report', async () => {
    const d = await prepareDataset(HEADER, ROWS, parseDatasetSchema(schema({ ...SEX, quasiIdentifier: true })));
    const k = JSON.stringify(d.report.kAnonymity);
    for (const v of ['40-49', '50-59', 'female', 'male']) expect(k).not.toContain(v);
  });

  it('a number coded sex (heart disease: 0/1) forms classes by value, "1" and "1.0" alike', async () => {
    const num: Column = { name: 'sex', kind: 'feature', type: 'number', range: [0, 1], quasiIdentifier: true };
    const coded = ROWS.map((r, i) => [r[0]!, r[1] === 'male' ? (i % 2 ? '1' : '1.0') : '0', r[2]!, r[3]!]);
    const d = await prepareDataset(HEADER, coded, parseDatasetSchema(schema(num)));
    expect(d.report.kAnonymity).toMatchObject({ columns: ['age', 'sex'], k: 1, smallest: [1, 3, 3, 5] });
  });

  it('a column read from Patient.gender is a quasi-identifier without saying so', () => {
    const gender: Column = { ...SEX, fhir: { resource: 'Patient', element: 'gender' } };
    expect(planColumns(HEADER, parseDatasetSchema(schema(gender))).quasiColumns).toEqual(['age', 'sex']);
  });

  it('refuses `"quasiIdentifier": false` (a column cannot be declared out of the class)', () => {
    const bad = schema({ ...SEX, quasiIdentifier: false } as unknown as Column);
    expect(errorCode(() => parseDatasetSchema(bad))).toBe('E_SCHEMA_INVALID');
  });
});
