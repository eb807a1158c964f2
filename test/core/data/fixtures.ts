import { readFileSync } from 'node:fs';
import { parseDatasetSchema, type DatasetSchema, type DatasetSchemaInput } from '../../../core/data/schema.ts';

/**
 * A small schema exercising every column kind: number (declared range, and
 * plausibility bounds that drop a row), categorical, ignore, label.
 * age scales by [20, 80] (center 50, half-width 30), chol by [100, 400] (250, 150).
 */
export function smallSchemaInput(): DatasetSchemaInput {
  return {
    id: 'small-v1',
    missing: ['?'],
    columns: [
      { name: 'age', kind: 'feature', type: 'number', range: [20, 80], valid: [0, 120] },
      { name: 'cp', kind: 'feature', type: 'categorical', categories: [1, 2, 3] },
      { name: 'note', kind: 'ignore' },
      { name: 'chol', kind: 'feature', type: 'number', range: [100, 400] },
      { name: 'num', kind: 'label', type: 'binary', positiveWhen: { op: '>', value: 0 } },
    ],
    split: { testFraction: 0.25, seed: 3 },
    standardize: 'declared-range',
  };
}

export function smallSchema(): DatasetSchema {
  return parseDatasetSchema(smallSchemaInput());
}

export const SMALL_HEADER = ['age', 'cp', 'note', 'chol', 'num'];

/** n valid rows with varied values, alternating labels. */
export function validRows(n: number): string[][] {
  return Array.from({ length: n }, (_, i) => [
    String(30 + (i % 40)),
    String(1 + (i % 3)),
    'free text',
    String(150 + ((i * 37) % 200)),
    String(i % 2 === 0 ? 0 : 1 + (i % 3)),
  ]);
}

/** Captures a thrown error (sync or async) for code and message assertions. */
export async function caught(f: () => unknown): Promise<{ code?: string; message: string }> {
  try {
    await f();
  } catch (e) {
    return e as { code?: string; message: string };
  }
  throw new Error('expected a throw');
}

/** The schemas of the synthetic EHR layout (simulations/synthetic-ehr/schemas/), as a CSV table or as FHIR R4 resources. */
export function ehrSchema(kind: 'csv' | 'fhir'): DatasetSchema {
  return parseDatasetSchema(
    JSON.parse(
      readFileSync(new URL(`../../../simulations/synthetic-ehr/schemas/${kind}.schema.json`, import.meta.url), 'utf8'),
    ),
  );
}

type SchemaColumn = DatasetSchemaInput['columns'][number];

/** An age band from the Patient's birth date, at death or on 2024-06-30, fed as the band's midpoint. */
export const FHIR_AGE_COLUMN = {
  name: 'age',
  kind: 'quasi',
  type: 'birth-date',
  asOf: '2024-06-30',
  use: 'band-midpoint',
  fhir: { resource: 'Patient', element: 'birthDate' },
} as const satisfies SchemaColumn;

/** BMI from the latest Observation coded LOINC 39156-5, in kg/m2. */
export const FHIR_BMI_COLUMN = {
  name: 'bmi',
  kind: 'feature',
  type: 'number',
  unit: 'kg/m2',
  range: [15, 50],
  fhir: { resource: 'Observation', loinc: '39156-5' },
} as const satisfies SchemaColumn;

/**
 * A FHIR schema as the FHIR reader tests write them: the Patient's id (dropped),
 * the columns under test, and a binary label that is 1 when the patient has a
 * Condition with this SNOMED code (hypertension 59621000, diabetes 44054006).
 */
export function fhirSchemaInput(
  id: string,
  columns: readonly unknown[],
  labelSnomed: string,
  label = 'y',
): DatasetSchemaInput {
  return {
    id,
    columns: [
      { name: 'id', kind: 'identifier', fhir: { resource: 'Patient', element: 'id' } },
      ...(columns as SchemaColumn[]),
      {
        name: label,
        kind: 'label',
        type: 'binary',
        positiveWhen: { op: '==', value: 1 },
        fhir: { resource: 'Condition', codes: [{ system: 'snomed', code: labelSnomed }] },
      },
    ],
    split: { testFraction: 0.5 },
  };
}
