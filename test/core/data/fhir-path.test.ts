import { beforeAll, describe, it, expect } from 'vitest';
import { loadDatasetSchema } from '../../../core/data/fhir-schema.ts';
import { FhirTable } from '../../../core/data/fhir-table.ts';
import { loadFhirPath, MAX_FHIRPATH_LENGTH } from '../../../core/data/fhir-path.ts';
import { parseDatasetSchema, type DatasetSchemaInput } from '../../../core/data/schema.ts';
import { caught, FHIR_BMI_COLUMN, fhirSchemaInput } from './fixtures.ts';

const LOINC = 'http://loinc.org';
const RACE =
  "extension.where(url='http://hl7.org/fhir/us/core/StructureDefinition/us-core-race').extension.where(url='ombCategory').valueCoding.code";

function schemaWith(columns: Record<string, unknown>[]): DatasetSchemaInput {
  return fhirSchemaInput('fp', columns, '44054006');
}
const race = {
  name: 'race',
  kind: 'feature',
  type: 'categorical',
  categories: ['2106-3', '2054-5', '2028-9'],
  fhir: { resource: 'Patient', fhirpath: RACE },
};
function patient(id: string, codes: string[]) {
  return {
    resourceType: 'Patient',
    id,
    extension: [
      {
        url: 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-race',
        extension: [
          ...codes.map((code) => ({
            url: 'ombCategory',
            valueCoding: { system: 'urn:oid:2.16.840.1.113883.6.238', code },
          })),
          { url: 'text', valueString: 'x' },
        ],
      },
    ],
  };
}
function read(schema: DatasetSchemaInput, resources: unknown[]) {
  const t = new FhirTable(parseDatasetSchema(schema));
  for (const r of resources) t.add(r);
  return { rows: [...t.rows()], counts: t.counts() };
}

// Runs first (suites run in order, this module loads the engine only in the next one).
describe('loading the FHIRPath engine only for a schema that uses it', () => {
  it('refuses to parse a "fhirpath" source before the engine is loaded, then loadDatasetSchema loads it', async () => {
    const e = await caught(() => parseDatasetSchema(schemaWith([race])));
    expect(e.code).toBe('E_SCHEMA_INVALID');
    expect(e.message).toContain('FHIRPath engine');
    const schema = await loadDatasetSchema(schemaWith([race]));
    expect(schema.columns[1]!.fhir).toMatchObject({ resource: 'Patient', fhirpath: RACE });
  });
});

describe('FHIRPath columns', () => {
  beforeAll(() => loadFhirPath());

  it('reads the US Core race category of a Patient', () => {
    const { rows, counts } = read(schemaWith([race]), [patient('a', ['2054-5']), patient('b', [])]);
    expect(rows).toEqual([
      ['a', '2054-5', '0'],
      ['b', '', '0'],
    ]);
    expect(counts.valuesRejected).toEqual({});
  });

  it('counts a result that is not one primitive (several values, an object) as a rejected value', () => {
    const obj = { ...race, fhir: { resource: 'Patient', fhirpath: 'extension' } };
    expect(read(schemaWith([race]), [patient('a', ['2054-5', '2106-3'])]).counts.valuesRejected).toEqual({
      'fhirpath:race': 1,
    });
    const r = read(schemaWith([obj]), [patient('a', ['2054-5'])]);
    expect(r.rows).toEqual([['a', '', '0']]);
    expect(r.counts.valuesRejected).toEqual({ 'fhirpath:race': 1 });
  });

  it('evaluates on Observations with the pick rules', () => {
    const col = {
      name: 'sbp',
      kind: 'feature',
      type: 'number',
      range: [80, 200],
      fhir: {
        resource: 'Observation',
        loinc: '85354-9',
        pick: 'max',
        fhirpath: "component.where(code.coding.code = '8480-6').value.ofType(Quantity).where(code = 'mm[Hg]').value",
      },
    };
    const bp = (v: number, unit = 'mm[Hg]') => ({
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: LOINC, code: '85354-9' }] },
      subject: { reference: 'Patient/a' },
      component: [{ code: { coding: [{ system: LOINC, code: '8480-6' }] }, valueQuantity: { value: v, code: unit } }],
    });
    const { rows } = read(schemaWith([col]), [
      { resourceType: 'Patient', id: 'a' },
      bp(150),
      bp(171),
      bp(250, 'kPa'),
      bp(120),
    ]);
    expect(rows).toEqual([['a', '171', '0']]);
  });

  it('evaluates on the matching Conditions with the pick rules (earliest onset)', () => {
    const col = {
      name: 'dm onset',
      kind: 'quasi',
      type: 'date',
      generalize: 'year',
      missing: 'keep',
      fhir: {
        resource: 'Condition',
        codes: [{ system: 'snomed', code: '44054006' }],
        fhirpath: 'onset.ofType(dateTime).toString().substring(0, 10)',
        pick: 'earliest',
      },
    };
    const cond = (onset: string) => ({
      resourceType: 'Condition',
      code: { coding: [{ system: 'http://snomed.info/sct', code: '44054006' }] },
      subject: { reference: 'Patient/a' },
      onsetDateTime: onset,
    });
    const bmi = { ...FHIR_BMI_COLUMN, missing: 'impute' };
    const { rows } = read(schemaWith([col, bmi]), [
      cond('2015-08-19T09:14:26-05:00'),
      { resourceType: 'Patient', id: 'a' },
      cond('2011-02-03T09:14:26-05:00'),
      cond('2019-01-01T00:00:00Z'),
    ]);
    expect(rows).toEqual([['a', '2011-02-03', '', '1']]);
  });

  it('refuses at schema parse time an expression that does not compile, or is too long', async () => {
    const bad = await caught(() =>
      parseDatasetSchema(schemaWith([{ ...race, fhir: { resource: 'Patient', fhirpath: "extension.where(url='x'" } }])),
    );
    expect(bad.code).toBe('E_SCHEMA_INVALID');
    expect(bad.message).toContain('FHIRPath does not compile');
    const long = await caught(() =>
      parseDatasetSchema(
        schemaWith([{ ...race, fhir: { resource: 'Patient', fhirpath: `id${' or id'.repeat(MAX_FHIRPATH_LENGTH)}` } }]),
      ),
    );
    expect(long.code).toBe('E_SCHEMA_INVALID');
  });

  it('refuses at parse the functions whose cost a resource does not bound (repeat, aggregate, descendants)', async () => {
    for (const fhirpath of ['1.repeat($this + 1)', 'name.aggregate($total + 1, 0)', 'descendants().descendants()']) {
      const e = await caught(() =>
        parseDatasetSchema(schemaWith([{ ...race, fhir: { resource: 'Patient', fhirpath } }])),
      );
      expect(e.code).toBe('E_SCHEMA_INVALID');
      expect(e.message).toMatch(/\(\) is refused: its cost is not bounded/);
    }
    // The spellings a final review found compiling past a plain scan: a comment or backticks between the
    // name and its call, a line comment; and an escape in a delimited identifier (which could spell one).
    for (const fhirpath of [
      '1.repeat/**/($this + 1)',
      '1.`repeat`(1)',
      'descendants/* */()',
      'name.repeat//x\n(given)',
      "'it''s // not a comment' | name.repeat(given)",
      "/* ' */ name.repeat(given) // '",
      '1.`\\u0072epeat`(1)',
    ]) {
      const e = await caught(() =>
        parseDatasetSchema(schemaWith([{ ...race, fhir: { resource: 'Patient', fhirpath } }])),
      );
      expect(e.code, fhirpath).toBe('E_SCHEMA_INVALID');
      expect(e.message).toMatch(/is refused/);
    }
    // A path that only mentions such a word as a name is fine, and so are strings and comments naming one.
    await loadDatasetSchema(schemaWith([{ ...race, fhir: { resource: 'Patient', fhirpath: 'extension.repeated' } }]));
    await loadDatasetSchema(
      schemaWith([{ ...race, fhir: { resource: 'Patient', fhirpath: "id /* not repeat() */ | 'repeat(' " } }]),
    );
  });

  it('needs exactly one of "element" and "fhirpath" on a Patient source', async () => {
    for (const fhir of [{ resource: 'Patient' }, { resource: 'Patient', element: 'gender', fhirpath: 'gender' }]) {
      const e = await caught(() => parseDatasetSchema(schemaWith([{ ...race, fhir }])));
      expect(e.code).toBe('E_SCHEMA_INVALID');
    }
  });

  it('never reaches a server or a log: resolve() and trace() give a rejected value, nothing printed', () => {
    const col = (fhirpath: string) => ({ ...race, name: 'r', fhir: { resource: 'Patient', fhirpath } });
    const logged: unknown[] = [];
    const log = console.log;
    console.log = (...a: unknown[]) => void logged.push(a);
    try {
      const r1 = read(schemaWith([col('link.other.resolve().id')]), [
        { resourceType: 'Patient', id: 'a', link: [{ other: { reference: 'Patient/b' } }] },
      ]);
      const r2 = read(schemaWith([col("gender.trace('g')")]), [{ resourceType: 'Patient', id: 'a', gender: 'male' }]);
      expect(r1.rows).toEqual([['a', '', '0']]);
      expect(r2.rows).toEqual([['a', 'male', '0']]);
    } finally {
      console.log = log;
    }
    expect(logged).toEqual([]);
  });
});
