/**
 * Must-show of issue 19: `cohort client inspect` on a folder of Synthea-shaped
 * per-patient transaction Bundles (test/fixtures/fhir/) with the shipped
 * client/schemas/synthea.schema.json. Blood pressure is read from the panel's
 * components; every Patient is a row that is used or dropped for a named
 * reason, and every resource not used is counted by reason.
 */
import { describe, it, expect } from 'vitest';
import { readdirSync } from 'node:fs';
import { cohort } from '../helpers/cli.ts';

const SCHEMA = 'client/schemas/synthea.schema.json';
const BUNDLES = 'test/fixtures/fhir/synthea-bundles';
const NDJSON = 'test/fixtures/fhir/synthea-ndjson';

interface Report {
  rowsRead: number;
  rowsUsed: number;
  rowsDropped: Record<string, number>;
  recordsRejected: Record<string, number>;
  valuesRejected: Record<string, number>;
  columns: { name: string; values: number; missing: number }[];
  trainability: { refusals: unknown[] };
}

function inspect(data: string): { report: Report; out: string } {
  const r = cohort('client', 'inspect', '--schema', SCHEMA, '--data', data, '--json');
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return { report: (JSON.parse(r.out) as { report: Report }).report, out: r.out };
}

describe('cohort client inspect on Synthea per-patient Bundles', () => {
  it('reads BP from the panel components and accounts for every row by a named reason', () => {
    const { report, out } = inspect(BUNDLES);
    const patientFiles = readdirSync(BUNDLES).filter((f) => !/^(hospital|practitioner)Information/.test(f));
    expect(report.rowsRead).toBe(patientFiles.length);
    expect(report.rowsUsed).toBe(7);
    // Every row not used is dropped for a named reason: no birthDate, a deceasedBoolean without a
    // date (age unknown), a BP panel without its diastolic component.
    expect(report.rowsDropped).toEqual({ 'missing:age': 2, 'missing:diastolic BP': 1 });
    expect(report.rowsUsed + Object.values(report.rowsDropped).reduce((a, b) => a + b, 0)).toBe(report.rowsRead);
    for (const name of ['systolic BP', 'diastolic BP']) {
      const col = report.columns.find((c) => c.name === name)!;
      expect(col).toMatchObject({ values: report.rowsUsed, missing: 0 });
    }
    // Synthea's hospitalInformation/practitionerInformation batch Bundles are read, their resources not used.
    expect(report.recordsRejected).toEqual({ 'fhir:code': 1, 'fhir:unknown-patient': 1 });
    expect(report.valuesRejected).toEqual({
      'deceased-undated:age': 1,
      'unit:glucose': 1,
      'value:diastolic BP': 1,
    });
    expect(report.trainability.refusals).toEqual([]);
    // Names, SSNs and MRNs of the fixtures never reach the report.
    for (const secret of ['Reichel38', 'Kristeen750', '999-10-4500', '99d5a3e6-3b2a-e4b5-8ac2-24d2820c81a1'])
      expect(out).not.toContain(secret);
  });

  it('gives the same rows from the bulk NDJSON export that keeps urn:uuid references', () => {
    const { report } = inspect(NDJSON);
    expect(report.rowsRead).toBe(10);
    expect(report.rowsUsed).toBe(7);
    expect(report.rowsDropped).toEqual({ 'missing:age': 2, 'missing:diastolic BP': 1 });
    expect(report.recordsRejected).toEqual({ 'fhir:code': 1, 'fhir:unknown-patient': 1 });
  });
});
