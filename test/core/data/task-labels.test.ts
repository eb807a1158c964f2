/**
 * Labels of the tasks beyond binary and survival through the intake: a
 * multi-class label becomes its class index in declared order, a multi-label
 * set its 0/1 indicators, a regression target its value scaled by the declared
 * range; a cell that is no such label drops its row by a named reason.
 */
import { describe, it, expect } from 'vitest';
import { parseDatasetSchema, prepareDataset, type DatasetSchemaInput } from '../../../core/data/index.ts';
import { errorCode } from '../../helpers/errors.ts';
import { SCHEMAS } from '../../helpers/task-tables.ts';

/** Every row to train (side), so row order is kept and y can be read back in order. */
async function prepare(schema: DatasetSchemaInput, header: string[], rows: string[][]) {
  return prepareDataset(header, rows, parseDatasetSchema(schema), { side: 'train' });
}

/**
 * One row per cell of the label column `grade`, features 0 or 1 (always
 * valid, and alternating so that no column is constant: trainability.ts):
 * the label alone decides what is kept.
 */
async function prepareGrades(schema: DatasetSchemaInput, grades: string[]) {
  return prepare(
    schema,
    ['x0', 'x1', 'grade'],
    grades.map((g, i) => [String(i % 2), String(i % 2), g]),
  );
}

describe('multi-class label', () => {
  it('gives the class index in declared order and drops an unknown class by reason', async () => {
    const d = await prepareGrades(SCHEMAS.multiclass(), ['high', 'low', 'mid', 'severe', '']);
    expect(Array.from(d.train.y)).toEqual([2, 0, 1]);
    expect(d.labels).toEqual({ kind: 'multiclass', classes: ['low', 'mid', 'high'] });
    expect(d.report.rowsDropped).toEqual({ 'class:grade': 1, 'missing:grade': 1 });
    expect(d.report.columns.find((c) => c.name === 'grade')!.action).toMatch(/class index 0-2/);
  });

  it('matches numeric classes numerically (heart disease "num" 0-4 as 0, 1, 2+)', async () => {
    const d = await prepareGrades(SCHEMAS.multiclass([0, 1, 2]), ['2.0', '0', '4']);
    expect(Array.from(d.train.y)).toEqual([2, 0]);
    expect(d.labels).toEqual({ kind: 'multiclass', classes: ['0', '1', '2'] });
    expect(d.report.rowsDropped).toEqual({ 'class:grade': 1 });
  });

  it('refuses repeated classes', () => {
    expect(errorCode(() => parseDatasetSchema(SCHEMAS.multiclass(['a', 'b', 'a'])))).toBe('E_SCHEMA_INVALID');
  });
});

describe('multi-label label', () => {
  it('reads each indicator column in order and drops a row with a bad or missing one', async () => {
    const d = await prepare(
      SCHEMAS.multilabel(),
      ['x0', 'b', 'x1', 'a'],
      [
        ['0', '1', '0', '0'],
        ['1', '0', '1', '1'],
        ['0', '2', '0', '1'],
        ['0', '1', '0', ''],
      ],
    );
    // Label order is the schema's (a, b), not the header's.
    expect(Array.from(d.train.y)).toEqual([0, 1, 1, 0]);
    expect(d.train.n).toBe(2);
    expect(d.labels).toEqual({ kind: 'multilabel', labels: ['a', 'b'] });
    expect(d.report.rowsDropped).toEqual({ 'indicator:b': 1, 'missing:a': 1 });
  });

  it('refuses an indicator column that is also declared as a column, and a header column named like the set', async () => {
    const s = SCHEMAS.multilabel();
    const clash = { ...s, columns: [...s.columns.slice(0, 2), { ...s.columns[2]!, columns: ['x0', 'b'] }] };
    expect(errorCode(() => parseDatasetSchema(clash as DatasetSchemaInput))).toBe('E_SCHEMA_INVALID');
    await expect(prepare(s, ['x0', 'x1', 'a', 'b', 'findings'], [])).rejects.toMatchObject({ code: 'E_DATA_COLUMNS' });
  });
});

describe('regression label', () => {
  it('scales the target by its declared range, clamps and counts values outside, drops what is no number', async () => {
    const d = await prepareGrades(SCHEMAS.regression(), ['50', '100', '25', '150', 'n/a']);
    expect(Array.from(d.train.y)).toEqual([0, 1, -0.5, 1]);
    expect(d.labels).toEqual({ kind: 'regression' });
    expect(d.report.rowsDropped).toEqual({ 'number:grade': 1 });
    const col = d.report.columns.find((c) => c.name === 'grade')!;
    expect(col.clamped).toBe(1);
    expect(col.action).toBe('regression target, scaled by [0, 100]');
  });

  it('drops a target outside "valid" as an entry error', async () => {
    const s = SCHEMAS.regression();
    const valid = { ...s, columns: [...s.columns.slice(0, 2), { ...s.columns[2]!, valid: [0, 500] }] };
    const d = await prepareGrades(valid as DatasetSchemaInput, ['-1', '600', '200', '50']);
    expect(Array.from(d.train.y)).toEqual([1, 0]);
    expect(d.report.rowsDropped).toEqual({ 'range:grade': 2 });
  });

  it('needs a declared range with lo below hi', () => {
    const s = SCHEMAS.regression();
    const label = s.columns[2]! as Record<string, unknown>;
    const without = { ...label };
    delete without['range'];
    for (const bad of [without, { ...label, range: [5, 5] }]) {
      const schema = { ...s, columns: [...s.columns.slice(0, 2), bad] } as DatasetSchemaInput;
      expect(errorCode(() => parseDatasetSchema(schema))).toBe('E_SCHEMA_INVALID');
    }
  });
});
