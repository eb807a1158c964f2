import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FhirTable } from '../../../core/data/fhir-table.ts';
import { parseDatasetSchema } from '../../../core/data/schema.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures/fhir');
const schema = parseDatasetSchema(
  JSON.parse(readFileSync(join(import.meta.dirname, '../../../client/schemas/synthea.schema.json'), 'utf8')),
);

/** Every per-patient transaction Bundle of the folder, entries aliased then added as a streaming reader does. */
function readBundles(): FhirTable {
  const t = new FhirTable(schema);
  const dir = join(FIXTURES, 'synthea-bundles');
  for (const f of readdirSync(dir).sort()) {
    const bundle = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { type: string; entry: Record<string, unknown>[] };
    for (const e of bundle.entry) {
      t.alias(e['fullUrl'], e['resource']);
      t.add(e['resource']);
    }
  }
  return t;
}

/** The bulk NDJSON export, files in the given order (references stay urn:uuid). */
function readNdjson(files: string[]): FhirTable {
  const t = new FhirTable(schema);
  for (const f of files)
    for (const line of readFileSync(join(FIXTURES, 'synthea-ndjson', f), 'utf8').split('\n'))
      if (line) t.add(JSON.parse(line));
  return t;
}

const byId = (rows: Iterable<string[]>) => [...rows].sort((a, b) => a[0]!.localeCompare(b[0]!));
/** Columns: mrn ssn name address age sex bmi sbp dbp hba1c glucose diabetes; the first four are identifying. */
const clinical = (rows: string[][]) => rows.map((r) => r.slice(4));

describe('Synthea-shaped fixtures through FhirTable', () => {
  it('reads per-patient Bundles: BP from the panel components, age at death, counted rejections', () => {
    const t = readBundles();
    const rows = byId(t.rows());
    expect(rows).toHaveLength(10);
    expect(clinical(rows)).toEqual(
      expect.arrayContaining([
        // Two visits: the later BP panel, BMI and labs win.
        ['1961-04-12', 'female', '32.4', '138', '88', '8.2', '180', '1'],
        // Died 1989: the birth-date cell carries the death date.
        ['1928-03-14/1989-07-02', 'male', '29.8', '162', '99', '', '131', '0'],
        // Glucose in mmol/L rejected (unit:glucose).
        ['1975-01-22', 'female', '27.6', '128', '84', '6.1', '', '0'],
        // No birthDate; deceasedBoolean without a date (deceased-undated:age).
        ['', 'male', '26', '122', '80', '', '', '0'],
        ['', 'female', '30.5', '141', '90', '', '', '0'],
        // Diabetes entered in error: label 0. Panel without diastolic: value:diastolic BP.
        ['1982-12-05', 'male', '28.9', '124', '79', '5.4', '97', '0'],
        ['1969-08-08', 'female', '31', '129', '', '5.6', '', '0'],
        // HbA1c coded with a wrong check digit (fhir:code).
        ['1958-02-17', 'female', '25.3', '133', '86', '', '122', '1'],
      ]),
    );
    const c = t.counts();
    expect(c.recordsRejected).toEqual({ 'fhir:code': 1, 'fhir:unknown-patient': 1 });
    expect(c.valuesRejected).toEqual({ 'unit:glucose': 1, 'deceased-undated:age': 1, 'value:diastolic BP': 1 });
    expect(c.ignored['condition-status']).toBe(1);
    expect(c.ignored['other-resource-type']).toBeGreaterThan(0); // Encounter, Claim, Organization, Practitioner
  });

  it('reads the bulk NDJSON export (urn:uuid references) to the same rows in any file order', () => {
    const bundles = byId(readBundles().rows());
    for (const order of [
      ['Patient.ndjson', 'Observation.ndjson', 'Condition.ndjson', 'Encounter.ndjson', 'Claim.ndjson'],
      ['Observation.ndjson', 'Condition.ndjson', 'Claim.ndjson', 'Encounter.ndjson', 'Patient.ndjson'],
    ]) {
      const t = readNdjson(order);
      expect(byId(t.rows())).toEqual(bundles);
      expect(t.counts().recordsRejected).toEqual({ 'fhir:code': 1, 'fhir:unknown-patient': 1 });
    }
  });
});
