import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFhirBundle, readFhirNdjson } from '../../../client/intake/fhir.ts';
import { caught, ehrSchema } from '../../core/data/fixtures.ts';

const SECRET = new Uint8Array(32).fill(3);
const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';
let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'cohort-fhir-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function patient(i: number) {
  return {
    resourceType: 'Patient',
    id: `p${i}`,
    identifier: [
      {
        type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] },
        value: `MRN-${9000 + i}`,
      },
      { system: 'urn:oid:2.16.840.1.113883.4.1', value: `999-00-${1000 + i}` },
    ],
    name: [{ family: `Surname${i}`, given: ['Given'] }],
    telecom: [
      { system: 'phone', value: `555-01${i}` },
      { system: 'email', value: `p${i}@example.org` },
    ],
    address: [{ use: 'home', line: [`${i} Elm Road`], postalCode: i % 4 === 0 ? '89301' : '10115' }],
    gender: i % 2 ? 'male' : 'female',
    birthDate: `${1940 + i}-03-04`,
  };
}
const quantity = (id: string, p: number, loinc: string, value: number, unit: string, when = '2024-01-01') => ({
  resourceType: 'Observation',
  id,
  status: 'final',
  code: { coding: [{ system: LOINC, code: loinc }] },
  subject: { reference: `Patient/p${p}` },
  effectiveDateTime: when,
  valueQuantity: { value, unit, system: UCUM, code: unit },
});
const smoking = (p: number, code: string) => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: LOINC, code: '72166-2' }] },
  subject: { reference: `Patient/p${p}` },
  valueCodeableConcept: { coding: [{ system: 'http://snomed.info/sct', code }] },
});
const genotype = (p: number, g: string) => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: LOINC, code: '69548-6' }] },
  subject: { reference: `Patient/p${p}` },
  valueCodeableConcept: { text: g },
  component: [
    {
      code: { coding: [{ system: LOINC, code: '81255-2' }] },
      valueCodeableConcept: { coding: [{ system: 'http://www.ncbi.nlm.nih.gov/projects/SNP', code: 'rs10455872' }] },
    },
  ],
});
const condition = (p: number, system: string, code: string) => ({
  resourceType: 'Condition',
  code: { coding: [{ system, code }] },
  subject: { reference: `Patient/p${p}` },
});

/** 24 patients with a full record; CAD for odd ones. */
function goodResources(): object[] {
  const out: object[] = [];
  for (let i = 0; i < 24; i++) {
    out.push(
      patient(i),
      smoking(i, ['266919005', '8517006', '77176002'][i % 3]!),
      genotype(i, ['A/A', 'A/G', 'G/G'][i % 3]!),
    );
    // Values vary across patients: a feature constant in every row is refused (core/data/trainability.ts).
    for (const [loinc, v, u] of [
      ['8480-6', 120 + i, 'mm[Hg]'],
      ['8462-4', 80 + (i % 5), 'mm[Hg]'],
      ['39156-5', 25 + (i % 4), 'kg/m2'],
      ['8867-4', 70 + (i % 6), '/min'],
      ['2093-3', 190 + (i % 7), 'mg/dL'],
      ['2085-9', 50 + (i % 3), 'mg/dL'],
      ['4548-4', 5.5 + (i % 4) / 10, '%'],
      ['2345-7', 95 + (i % 5), 'mg/dL'],
    ] as const) {
      out.push(quantity(`o${i}-${loinc}`, i, loinc, v, u));
    }
    if (i % 2) out.push(condition(i, 'http://hl7.org/fhir/sid/icd-10-cm', 'I25.10'));
    if (i % 3 === 0) out.push(condition(i, 'http://snomed.info/sct', '44054006'));
    if (i % 4 === 2) out.push(condition(i, 'http://snomed.info/sct', '38341003'));
  }
  // An older systolic reading: "latest" must keep the 2024 one.
  out.push(quantity('old', 0, '8480-6', 299, 'mm[Hg]', '2001-01-01'));
  return out;
}

const BAD: [object | string, string][] = [
  [{ id: 'x', code: {} }, 'fhir:resource-type'],
  [quantity('wrongloinc', 1, '8480-5', 120, 'mm[Hg]'), 'fhir:code'],
  [condition(2, 'http://snomed.info/sct', '53741009'), 'fhir:code'],
  [condition(2, 'http://example.org/local', 'CAD'), 'fhir:code'],
  [quantity('ghost', 999, '8480-6', 120, 'mm[Hg]'), 'fhir:unknown-patient'],
  [{ ...quantity('noref', 1, '8480-6', 120, 'mm[Hg]'), subject: { reference: 'Group/7' } }, 'fhir:reference'],
  [{ ...patient(3) }, 'fhir:duplicate-patient'],
];

describe('FHIR R4 intake', () => {
  it('Bundle and NDJSON give the same table as each other, with typed counted rejections and the rest used', async () => {
    const schema = ehrSchema('fhir');
    const resources = [...goodResources(), ...BAD.map(([r]) => r)];
    // Unknown unit: the value is rejected (and imputed), the patient kept.
    resources.push(quantity('lbs', 5, '39156-5', 55, 'lb/in2', '2025-01-01'));
    const bundlePath = join(dir, 'bundle.json');
    writeFileSync(
      bundlePath,
      JSON.stringify({
        resourceType: 'Bundle',
        type: 'collection',
        entry: resources.map((resource) => ({ resource })),
      }),
    );
    const nd = join(dir, 'export');
    mkdirSync(nd);
    const lines = (rt: string) =>
      resources.filter((r) => (r as { resourceType?: string }).resourceType === rt).map((r) => JSON.stringify(r));
    writeFileSync(join(nd, 'Patient.ndjson'), lines('Patient').join('\n') + '\n');
    writeFileSync(
      join(nd, 'Observation.ndjson'),
      [
        ...lines('Observation'),
        '{"resourceType": "Observation", broken',
        JSON.stringify(BAD[0]![0]),
        `{"resourceType":"Observation","note":"${'x'.repeat(5000)}"}`,
      ].join('\n'),
    );
    writeFileSync(join(nd, 'Condition.ndjson'), lines('Condition').join('\n'));

    const b = await readFhirBundle(bundlePath, schema, { secret: SECRET });
    const n = await readFhirNdjson(nd, schema, { secret: SECRET, maxLineBytes: 4096 });
    expect(b.report.rowsUsed).toBe(24);
    expect(b.report.recordsRejected).toEqual({
      'fhir:code': 3,
      'fhir:duplicate-patient': 1,
      'fhir:reference': 1,
      'fhir:resource-type': 1,
      'fhir:unknown-patient': 1,
    });
    expect(b.report.valuesRejected).toEqual({ 'unit:bmi': 1 });
    expect(n.report.recordsRejected).toEqual({ ...b.report.recordsRejected, 'fhir:json': 1, 'fhir:line-too-long': 1 });
    expect(n.features).toEqual(b.features);
    expect(n.train.x).toEqual(b.train.x);
    expect(n.test.y).toEqual(b.test.y);
    expect(b.report.columns.find((c) => c.name === 'zip')).toMatchObject({ values: 18, special: 6 });
    // p5's rejected reading leaves its earlier valid BMI in place.
    expect(b.report.columns.find((c) => c.name === 'bmi')).toMatchObject({ values: 24, special: 0 });
    const y = [...b.train.y, ...b.test.y];
    expect(y.filter((v) => v === 1).length).toBe(12);
    const out = JSON.stringify(b.report) + JSON.stringify(n.report);
    for (const s of ['MRN-', '999-00-', 'Surname', 'Elm Road', '@example.org', '555-01']) expect(out).not.toContain(s);
  });

  it('picks the latest observation', async () => {
    const schema = ehrSchema('fhir');
    const p = join(dir, 'latest.json');
    const res = goodResources();
    writeFileSync(p, JSON.stringify({ resourceType: 'Bundle', entry: res.map((resource) => ({ resource })) }));
    const d = await readFhirBundle(p, schema, { secret: SECRET });
    // 299 would be the only systolic value above 143; with "latest" it never wins.
    expect(d.report.rowsDropped).toEqual({});
    const sbp = d.features.indexOf('sbp');
    const all = [...d.train.x, ...d.test.x].filter((_, k) => k % d.features.length === sbp);
    expect(Math.max(...all) - Math.min(...all)).toBeLessThan(4); // 23 mmHg range standardised, not a 299 outlier
  });

  it('refuses a file that is not a Bundle, and a schema column without a FHIR source', async () => {
    const p = join(dir, 'notbundle.json');
    writeFileSync(p, JSON.stringify({ resourceType: 'Patient', name: 'SENTINEL' }));
    expect((await caught(() => readFhirBundle(p, ehrSchema('fhir'), { secret: SECRET }))).code).toBe('E_DATA_FILE');
    expect((await caught(() => readFhirBundle(p, ehrSchema('csv'), { secret: SECRET }))).code).toBe('E_SCHEMA_INVALID');
  });
});

describe('FHIR coded values mapped to the CSV categories', () => {
  it('maps each listed code to its cell, so CSV and FHIR exports encode alike; an unlisted code is a counted, rejected value', async () => {
    const schema = ehrSchema('fhir');
    const smokingCol = schema.columns.find((c) => c.name === 'smoking')!;
    expect(smokingCol).toMatchObject({
      categories: ['never', 'former', 'current'],
      fhir: { codes: { '8517006': 'former' } },
    });
    const resources = goodResources();
    // Patient 5's smoking status uses a SNOMED code the schema does not list.
    const i = resources.findIndex(
      (r) =>
        (r as { code?: { coding?: { code?: string }[] }; subject?: { reference?: string } }).code?.coding?.[0]?.code ===
          '72166-2' && (r as { subject: { reference: string } }).subject.reference === 'Patient/p5',
    );
    resources[i] = smoking(5, '428041000124106');
    const file = join(dir, 'coded.ndjson');
    writeFileSync(file, resources.map((r) => JSON.stringify(r)).join('\n'));
    const d = await readFhirNdjson(file, schema, { secret: SECRET });
    expect(d.features.filter((f) => f.startsWith('smoking_'))).toEqual(['smoking_former', 'smoking_current']);
    expect(d.report.valuesRejected).toMatchObject({ 'value:smoking': 1 });
    expect(d.report.rowsUsed).toBe(23); // patient 5 lost its smoking status, which drops its row
  });
});
