import { describe, it, expect } from 'vitest';
import { FhirTable } from '../../../core/data/fhir-table.ts';
import { parseDatasetSchema, type DatasetSchemaInput } from '../../../core/data/schema.ts';
import { FHIR_BMI_COLUMN, fhirSchemaInput } from './fixtures.ts';

const LOINC = 'http://loinc.org';
const UUID = '2f1c7c1e-5b1a-4a0e-9d3b-8f0a1b2c3d4e';

const schema: DatasetSchemaInput = fhirSchemaInput('refs', [FHIR_BMI_COLUMN], '44054006', 'dm');

const bmi = (reference: string | undefined, value: number, when = '2023-01-01T00:00:00Z') => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: LOINC, code: '39156-5' }] },
  ...(reference === undefined ? {} : { subject: { reference } }),
  effectiveDateTime: when,
  valueQuantity: { value, unit: 'kg/m2', system: 'http://unitsofmeasure.org', code: 'kg/m2' },
});
const diabetes = (reference: string) => ({
  resourceType: 'Condition',
  code: { coding: [{ system: 'http://snomed.info/sct', code: '44054006' }] },
  subject: { reference },
});

function table() {
  return new FhirTable(parseDatasetSchema(schema));
}

describe('Patient references in every form', () => {
  it.each([
    ['relative', 'Patient/p1'],
    ['relative, versioned', 'Patient/p1/_history/3'],
    ['absolute', 'https://ehr.example.org/fhir/Patient/p1'],
    ['absolute, versioned', 'https://ehr.example.org/fhir/Patient/p1/_history/12'],
  ])('resolves a %s reference', (_what, reference) => {
    const t = table();
    t.add({ resourceType: 'Patient', id: 'p1' });
    t.add(bmi(reference, 31.5));
    t.add(diabetes(reference));
    expect([...t.rows()]).toEqual([['p1', '31.5', '1']]);
    expect(t.counts().recordsRejected).toEqual({});
  });

  it('resolves urn:uuid through a Bundle fullUrl registered after the resources that use it', () => {
    const t = table();
    const fullUrl = `urn:uuid:${UUID}`;
    t.add(bmi(fullUrl, 28));
    t.add(diabetes(fullUrl));
    const p = { resourceType: 'Patient', id: 'bundle-local-id' };
    t.add(p);
    t.alias(fullUrl, p);
    expect([...t.rows()]).toEqual([['bundle-local-id', '28', '1']]);
    expect(t.counts().recordsRejected).toEqual({});
  });

  it('resolves a non-RFC-4122 urn:uuid fullUrl too', () => {
    const t = table();
    const p = { resourceType: 'Patient', id: 'p9' };
    t.alias('urn:uuid:transient-0', p);
    t.add(p);
    t.add(bmi('urn:uuid:transient-0', 24));
    expect([...t.rows()]).toEqual([['p9', '24', '0']]);
  });

  it("resolves urn:uuid in bulk NDJSON to the Patient whose id is the uuid (Synthea's bulk export)", () => {
    const t = table();
    t.add(bmi(`urn:uuid:${UUID}`, 27.25));
    t.add({ resourceType: 'Patient', id: UUID });
    expect([...t.rows()]).toEqual([[UUID, '27.25', '0']]);
    expect(t.counts().recordsRejected).toEqual({});
  });

  it('reads Observations and Conditions contained in the Patient (subject "#" or none)', () => {
    const t = table();
    t.add({
      resourceType: 'Patient',
      id: 'p1',
      contained: [bmi('#', 30), diabetes('#'), bmi(undefined, 29, '2020-01-01')],
    });
    expect([...t.rows()]).toEqual([['p1', '30', '1']]);
  });

  it('gives the same rows in any arrival order, applying the pick rule across reference forms', () => {
    const resources: [string, unknown][] = [
      ['patient', { resourceType: 'Patient', id: UUID }],
      ['early', bmi(`urn:uuid:${UUID}`, 22, '2019-01-01T00:00:00Z')],
      ['late', bmi(`Patient/${UUID}`, 35, '2023-01-01T00:00:00Z')],
      ['mid', bmi(`https://x.example/fhir/Patient/${UUID}`, 30, '2021-01-01T00:00:00Z')],
    ];
    const orders = [
      [0, 1, 2, 3],
      [3, 2, 1, 0],
      [1, 3, 0, 2],
      [2, 1, 3, 0],
    ];
    for (const order of orders) {
      const t = table();
      for (const i of order) t.add(resources[i]![1]);
      expect([...t.rows()]).toEqual([[UUID, '35', '0']]);
      expect(t.counts().recordsRejected).toEqual({});
    }
  });

  it('counts what cannot be resolved by a named reason, never dropping it silently', () => {
    const t = table();
    t.add({ resourceType: 'Patient', id: 'p1' });
    t.add(bmi('urn:uuid:0b6f3f0e-1111-4222-8333-944445555666', 20)); // no such Patient
    t.add(bmi('Patient/nobody', 20));
    t.add(bmi('Group/g1', 20));
    t.add(bmi(undefined, 20));
    t.add({ ...bmi('#pt', 20), contained: [{ resourceType: 'Patient', id: 'pt' }] });
    t.add(bmi('#missing', 20));
    expect([...t.rows()]).toEqual([['p1', '', '0']]);
    expect(t.counts().recordsRejected).toEqual({
      'fhir:unknown-patient': 2,
      'fhir:reference': 3,
      'fhir:contained-patient': 1,
    });
    expect(t.counts().recordsRead).toBe(7);
  });
});
