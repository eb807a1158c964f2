import { describe, it, expect } from 'vitest';
import { encodeRow, planColumns } from '../../../core/data/encode.ts';
import { FhirTable } from '../../../core/data/fhir-table.ts';
import { parseDatasetSchema, type DatasetSchema } from '../../../core/data/schema.ts';
import { FHIR_AGE_COLUMN, fhirSchemaInput } from './fixtures.ts';

function schema(): DatasetSchema {
  return parseDatasetSchema(fhirSchemaInput('age', [FHIR_AGE_COLUMN], '59621000'));
}

/** The age band a row lands in (its k-anonymity class here: the only quasi-identifier), or why it was dropped. */
function band(cells: string[]): string {
  const s = schema();
  const r = encodeRow(cells, planColumns(['id', 'age', 'y'], s));
  return r.ok ? r.quasi : r.reason;
}

describe('age at death, or at the declared reference date', () => {
  it('bands a patient who died in 1989 aged 61 as 60-69, not 90+ (FHIR deceasedDateTime)', () => {
    const t = new FhirTable(schema());
    t.add({
      resourceType: 'Patient',
      id: 'd',
      birthDate: '1928-03-14',
      deceasedDateTime: '1989-07-02T04:12:55-05:00',
    });
    t.add({ resourceType: 'Patient', id: 'alive', birthDate: '1928-03-14' });
    const rows = [...t.rows()];
    expect(rows[0]).toEqual(['d', '1928-03-14/1989-07-02', '0']);
    expect(band(rows[0]!)).toBe('60-69');
    expect(band(rows[1]!)).toBe('90+');
  });

  it('leaves the age unknown for deceasedBoolean true without a date: missing, and counted', () => {
    const t = new FhirTable(schema());
    t.add({ resourceType: 'Patient', id: 'd', birthDate: '1940-01-01', deceasedBoolean: true });
    t.add({ resourceType: 'Patient', id: 'a', birthDate: '1940-01-01', deceasedBoolean: false });
    expect([...t.rows()]).toEqual([
      ['d', '', '0'],
      ['a', '1940-01-01', '0'],
    ]);
    expect(t.counts().valuesRejected).toEqual({ 'deceased-undated:age': 1 });
    expect(band(['d', '', '0'])).toBe('missing:age');
  });

  it('reads the same "birth/death" cell from a CSV, and takes the earlier of death and asOf', () => {
    expect(band(['x', '1928-03-14/1989-07-02', '0'])).toBe('60-69');
    expect(band(['x', '1928-03-14/1989-03-13', '0'])).toBe('60-69'); // the day before the 61st birthday: 60
    expect(band(['x', '1928-03-14/1989-03-14', '0'])).toBe('60-69');
    // A death recorded after the reference date: the age is the one on asOf (2024-06-30), 35.
    expect(band(['x', '1989-01-01/2030-01-01', '0'])).toBe('30-39');
  });

  it('drops a malformed interval as a date error', () => {
    for (const cell of [
      '1989-07-02/1928-03-14',
      '1928-03-14/',
      '1928-03-14/1989-02-30',
      '1928-03-14/1989-07-02/2000-01-01',
    ])
      expect(band(['x', cell, '0'])).toBe('date:age');
  });
});
