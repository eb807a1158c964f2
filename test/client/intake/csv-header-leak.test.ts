/**
 * Review finding (deidreview). "Reasons and errors name columns, never cells" (core/data/encode.ts) and
 * "log without leaking records": E_DATA_COLUMNS names every undeclared header
 * cell that is shaped like a column name, as soon as ONE header cell matches a
 * declared column. A careless export whose first line is not a header — a
 * transposed export (patients as columns, the first row the `name` row), or a
 * header-less export whose first record holds a value equal to a column's name
 * (a diagnosis "diabetes" beside a label column "diabetes") — then has
 * patients' names printed by `cohort client start/inspect` (stderr, the
 * service's journal). Standard: HIPAA Safe Harbor 45 CFR 164.514(b)(2)(i)(A),
 * names are identifiers.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readCsvDataset } from '../../../client/intake/csv.ts';
import { parseDatasetSchema } from '../../../core/data/schema.ts';
import { CohortError } from '../../../core/errors.ts';

const schema = parseDatasetSchema({
  id: 'careless-export',
  columns: [
    { name: 'name', kind: 'identifier' },
    { name: 'mrn', kind: 'identifier' },
    { name: 'diagnosis', kind: 'ignore' },
    { name: 'age', kind: 'quasi', type: 'age', use: 'band-midpoint' },
    { name: 'diabetes', kind: 'label', type: 'binary', positiveWhen: { op: '==', value: 1 } },
  ],
  split: { testFraction: 0.25 },
});

async function refusal(text: string): Promise<CohortError> {
  try {
    await readCsvDataset(Readable.from([text]), schema);
  } catch (e) {
    if (e instanceof CohortError) return e;
    throw e;
  }
  throw new Error('read');
}

describe('a first line that is records, not a header, is never quoted', () => {
  it('a transposed export: the name row first', async () => {
    const e = await refusal('name,John Smith,Jane Roe\nmrn,4711,4712\nage,45,93\ndiabetes,1,0\n');
    expect(e.code).toBe('E_DATA_COLUMNS');
    expect(e.message).not.toMatch(/John Smith|Jane Roe/);
  });

  it('a header-less export whose first record holds a value equal to a column name', async () => {
    const e = await refusal('Jane Roe,4711,diabetes,93,1\nAnn Lee,4712,asthma,45,0\n');
    expect(e.code).toBe('E_DATA_COLUMNS');
    expect(e.message).not.toMatch(/Jane Roe/);
  });

  it('a real header with one extra column still names it (what the operator must declare)', async () => {
    const e = await refusal('name,mrn,diagnosis,age,diabetes,ward\nJane Roe,4711,asthma,93,1,B\n');
    expect(e.message).toContain('"ward"');
  });
});
