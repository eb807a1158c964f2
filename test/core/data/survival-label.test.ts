/** A survival label (time column + event column) through the schema, the row encoder and the pipeline. */
import { describe, it, expect } from 'vitest';
import { encodeRow, planColumns } from '../../../core/data/encode.ts';
import { parseDatasetSchema, type DatasetSchemaInput } from '../../../core/data/schema.ts';
import { concatSplits, numericSplit, prepareDataset } from '../../../core/data/index.ts';
import { caught } from './fixtures.ts';

function survivalSchemaInput(): DatasetSchemaInput {
  return {
    id: 'survival-test',
    columns: [
      { name: 'pid', kind: 'identifier' },
      { name: 'age', kind: 'feature', type: 'number', range: [20, 90] },
      { name: 'stage', kind: 'feature', type: 'number', range: [0, 1] },
      { name: 'T', kind: 'label', type: 'survival', event: 'E' },
    ],
    split: { testFraction: 0.3, seed: 1 },
  };
}
const schema = () => parseDatasetSchema(survivalSchemaInput());
const HEADER = ['pid', 'age', 'stage', 'E', 'T'];

describe('survival label: schema', () => {
  it('parses, and the event column is read but is no feature', () => {
    const plan = planColumns(HEADER, schema());
    expect(plan.features).toEqual(['age', 'stage']);
    expect(plan.label).toBe('T');
    expect(plan.labelWidth).toBe(2);
  });

  it('refuses an event column that is also declared as a column, or is the time column', async () => {
    const input = survivalSchemaInput();
    for (const columns of [
      [...input.columns, { name: 'E', kind: 'ignore' as const }],
      input.columns.map((c) => (c.kind === 'label' ? { ...c, event: 'T' } : c)),
    ]) {
      const e = await caught(() => parseDatasetSchema({ ...input, columns }));
      expect(e.code).toBe('E_SCHEMA_INVALID');
      expect(e.message).toContain('columns.3.event');
    }
  });

  it('refuses a header without the event column, naming it', async () => {
    const e = await caught(() => planColumns(['pid', 'age', 'stage', 'T'], schema()));
    expect(e.code).toBe('E_DATA_COLUMNS');
    expect(e.message).toContain('"E"');
  });
});

describe('survival label: rows', () => {
  const plan = planColumns(HEADER, schema());
  const encode = (e: string, t: string) => {
    const r = encodeRow(['TCGA-XX-0001', '55', '1', e, t], plan);
    return r.ok ? r.y : r.reason;
  };

  it('gives y = [time, event]; time 0 (censored on the day of diagnosis) is kept', () => {
    expect(encode('1', '343')).toEqual([343, 1]);
    expect(encode('0.0', '538.0')).toEqual([538, 0]);
    expect(encode('0', '0')).toEqual([0, 0]);
  });

  it('drops a row by reason: missing, non-numeric or negative time; missing or non-0/1 event', () => {
    expect(encode('1', '')).toBe('missing:T');
    expect(encode('1', 'soon')).toBe('number:T');
    expect(encode('1', '-3')).toBe('range:T');
    expect(encode('', '100')).toBe('missing:E');
    expect(encode('2', '100')).toBe('event:E');
    expect(encode('0.5', '100')).toBe('event:E');
    expect(encode('yes', '100')).toBe('event:E');
  });
});

describe('survival label: pipeline', () => {
  const rows = [
    ['TCGA-AA-0001', '40', '0', '1', '100'],
    ['TCGA-AA-0002', '50', '1', '0', '200'],
    ['TCGA-AA-0003', '60', '0', '1', '-1'],
    ['TCGA-AA-0004', '70', '1', '3', '300'],
    ['TCGA-AA-0005', '80', '1', '1', ''],
    ['TCGA-AA-0006', '30', '0', '0', '0'],
  ];

  it('lays y out n x 2, counts dropped rows by reason, and keeps no identifier', async () => {
    const d = await prepareDataset(HEADER, rows, schema(), { side: 'train' });
    expect(d.train.n).toBe(3);
    expect([...d.train.y]).toEqual([100, 1, 200, 0, 0, 0]);
    expect(d.train.x.length).toBe(3 * 2);
    expect(d.test.n).toBe(0);
    expect(d.report.rowsDropped).toEqual({ 'event:E': 1, 'missing:T': 1, 'range:T': 1 });
    expect(d.features).not.toContain('pid');
    expect(d.report.columns.find((c) => c.name === 'pid')?.action).toBe('dropped');
  });

  it("side 'test' sends every row to test and is no error without training rows", async () => {
    const d = await prepareDataset(HEADER, rows, schema(), { side: 'test' });
    expect([d.train.n, d.test.n]).toEqual([0, 3]);
    // Without `side`, an intake whose rows all went to test is an error.
    await expect(prepareDataset(HEADER, [], schema())).rejects.toMatchObject({ code: 'E_DATA_EMPTY' });
  });

  it('numericSplit and concatSplits keep two label values a row', async () => {
    const s = numericSplit(new Float32Array([1, 2]), new Float32Array([5, 1, 7, 0]), 1, 2);
    expect(s.n).toBe(2);
    expect([...concatSplits([s, s]).y]).toEqual([5, 1, 7, 0, 5, 1, 7, 0]);
    for (const y of [
      [5, 2, 7, 0],
      [-1, 1, 7, 0],
    ])
      expect((await caught(() => numericSplit(new Float32Array([1, 2]), new Float32Array(y), 1, 2))).code).toBe(
        'E_CONFIG_INVALID',
      );
    const binary = numericSplit(new Float32Array([1]), new Float32Array([1]), 1);
    expect((await caught(() => concatSplits([s, binary]))).code).toBe('E_CONFIG_INVALID');
  });
});
