import { describe, it, expect } from 'vitest';
import { FhirTable } from '../../../core/data/fhir-table.ts';
import { parseDatasetSchema, type DatasetSchemaInput } from '../../../core/data/schema.ts';
import { caught, fhirSchemaInput } from './fixtures.ts';

const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';
const mmHg = (value: number) => ({ value, unit: 'mm[Hg]', system: UCUM, code: 'mm[Hg]' });
const coded = (code: string) => ({ coding: [{ system: LOINC, code }] });

/** A US Core / Synthea blood-pressure panel: one Observation, systolic and diastolic as components. */
function panel(subject: string, sbp: number | undefined, dbp: number | undefined, when = '2023-01-01T10:00:00Z') {
  const component = [];
  if (sbp !== undefined) component.push({ code: coded('8480-6'), valueQuantity: mmHg(sbp) });
  if (dbp !== undefined) component.push({ code: coded('8462-4'), valueQuantity: mmHg(dbp) });
  return {
    resourceType: 'Observation',
    status: 'final',
    code: coded('85354-9'),
    subject: { reference: subject },
    effectiveDateTime: when,
    component,
  };
}
const standaloneSystolic = (subject: string, v: number, when = '2024-01-01T10:00:00Z') => ({
  resourceType: 'Observation',
  status: 'final',
  code: coded('8480-6'),
  subject: { reference: subject },
  effectiveDateTime: when,
  valueQuantity: mmHg(v),
});

function bpSchema(extra: Record<string, unknown> = {}): DatasetSchemaInput {
  const bp = (name: string, component: string) => ({
    name,
    kind: 'feature' as const,
    type: 'number' as const,
    unit: 'mm[Hg]',
    range: [40, 200] as [number, number],
    fhir: { resource: 'Observation' as const, loinc: '85354-9', valueComponent: component, ...extra },
  });
  return fhirSchemaInput('bp', [bp('sbp', '8480-6'), bp('dbp', '8462-4')], '59621000', 'htn');
}

function read(schema: DatasetSchemaInput, resources: unknown[]) {
  const t = new FhirTable(parseDatasetSchema(schema));
  for (const r of resources) t.add(r);
  return { rows: [...t.rows()], counts: t.counts() };
}

describe('Observation components selected by code', () => {
  it('reads systolic and diastolic from the components of a blood-pressure panel', () => {
    const { rows, counts } = read(bpSchema(), [{ resourceType: 'Patient', id: 'a' }, panel('Patient/a', 131, 84)]);
    expect(rows).toEqual([['a', '131', '84', '0']]);
    expect(counts.valuesRejected).toEqual({});
  });

  it('picks among panels by the column rule, per component', () => {
    const resources = [
      { resourceType: 'Patient', id: 'a' },
      panel('Patient/a', 150, 95, '2023-05-01T00:00:00Z'),
      panel('Patient/a', 120, 70, '2021-05-01T00:00:00Z'),
    ];
    expect(read(bpSchema(), resources).rows).toEqual([['a', '150', '95', '0']]);
    expect(read(bpSchema({ pick: 'min' }), resources).rows).toEqual([['a', '120', '70', '0']]);
  });

  it('counts a panel without the declared component, or in another unit, as a rejected value of that column', () => {
    const wrongUnit = panel('Patient/a', 130, 80);
    wrongUnit.component[0]!.valueQuantity = { value: 17.3, unit: 'kPa', system: UCUM, code: 'kPa' };
    const { rows, counts } = read(bpSchema(), [
      { resourceType: 'Patient', id: 'a' },
      panel('Patient/a', 129, undefined),
      wrongUnit,
    ]);
    expect(rows).toEqual([['a', '129', '80', '0']]);
    expect(counts.valuesRejected).toEqual({ 'value:dbp': 1, 'unit:sbp': 1 });
  });

  it('reads a standalone 8480-6 Observation only when the column says "standalone"', () => {
    const resources = [
      { resourceType: 'Patient', id: 'a' },
      panel('Patient/a', 131, 84, '2023-01-01T00:00:00Z'),
      standaloneSystolic('Patient/a', 142, '2024-01-01T00:00:00Z'),
    ];
    const off = read(bpSchema(), resources);
    expect(off.rows).toEqual([['a', '131', '84', '0']]);
    expect(off.counts.ignored['observation-undeclared-code']).toBe(1);
    // The later standalone reading wins under "latest"; the diastolic column has no standalone 8462-4 here.
    expect(read(bpSchema({ standalone: true }), resources).rows).toEqual([['a', '142', '84', '0']]);
  });

  it('keeps the old "component" filter working beside valueComponent', () => {
    const schema = bpSchema();
    (schema.columns[1] as { fhir: Record<string, unknown> }).fhir['component'] = { loinc: '8462-4', value: 'never' };
    const { rows } = read(schema, [{ resourceType: 'Patient', id: 'a' }, panel('Patient/a', 131, 84)]);
    expect(rows).toEqual([['a', '', '84', '0']]);
  });

  it('refuses "standalone" without valueComponent, and fhirpath with valueComponent, as schema errors', async () => {
    const noComponent = bpSchema();
    const col = (noComponent.columns[1] as { fhir: Record<string, unknown> }).fhir;
    delete col['valueComponent'];
    col['standalone'] = true;
    const e1 = await caught(() => parseDatasetSchema(noComponent));
    expect(e1.code).toBe('E_SCHEMA_INVALID');
    expect(e1.message).toContain('standalone');
    const e2 = await caught(() => parseDatasetSchema(bpSchema({ fhirpath: 'component.value.ofType(Quantity).value' })));
    expect(e2.code).toBe('E_SCHEMA_INVALID');
    expect(e2.message).toContain('fhirpath');
  });
});
