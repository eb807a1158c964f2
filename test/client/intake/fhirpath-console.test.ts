/**
 * A FHIRPath column's evaluation must not print a record. The `fhirpath`
 * package and its UCUM library (@lhncbc/ucum-lhc) write to the console
 * directly: ucum-lhc's getSpecifiedUnit logs "Unit requested for unit string
 * <the record's Quantity.code> ... request unsuccessful" when a unit does not
 * parse, and fhirpath's date arithmetic warns "The quantity value was
 * truncated ... in operation with <the record's date>". The console is the
 * daemon's stdout/stderr, where its JSON log lines go: such a line bypasses
 * the logger and its redaction (edge/log.ts) and puts a patient's value in the
 * log, against "log without leaking records" and core/data/fhir-path.ts's "no
 * record reaches a log".
 *
 * Standard tested against: HL7 FHIR R4 Quantity (https://hl7.org/fhir/R4/datatypes.html#Quantity):
 * `code` is the coded unit, `unit` free text; a careless export that puts free
 * text (here a name and an MRN) in `code` is the deviating data source. Driven
 * through the real intake (readHospitalDataset, NDJSON and a Bundle), the
 * console captured.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readHospitalDataset } from '../../../client/intake/index.ts';

const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';
const SNOMED = 'http://snomed.info/sct';
const PHI = 'Jane Roe MRN 4711';
const BIRTH = '1931-02-03';

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'cohort-fhirpath-console-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const CONSOLE = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

/** Every console call made while `f` runs, as text. */
async function consoleDuring(f: () => Promise<unknown>): Promise<string[]> {
  const lines: string[] = [];
  for (const m of CONSOLE)
    vi.spyOn(console, m).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')));
  await f();
  return lines;
}

function schema(fhirpath: { glucose: string; born: string }) {
  return {
    id: 'fhirpath-console',
    columns: [
      {
        name: 'glucose',
        kind: 'feature',
        type: 'number',
        range: [50, 400],
        missing: 'impute',
        fhir: { resource: 'Observation', loinc: '2339-0', fhirpath: fhirpath.glucose },
      },
      {
        name: 'follow-up year',
        kind: 'quasi',
        type: 'date',
        generalize: 'year',
        fhir: { resource: 'Patient', fhirpath: fhirpath.born },
      },
      {
        name: 'sex',
        kind: 'feature',
        type: 'categorical',
        categories: ['female', 'male'],
        fhir: { resource: 'Patient', element: 'gender' },
      },
      {
        name: 'diabetes',
        kind: 'label',
        type: 'binary',
        positiveWhen: { op: '==', value: 1 },
        fhir: { resource: 'Condition', codes: [{ system: 'snomed', code: '44054006' }] },
      },
    ],
    split: { testFraction: 0.25, seed: 1 },
    maxRejectedFraction: 1,
  };
}

/** Twelve patients; patient 0's glucose carries free text in its coded unit. */
function resources(): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < 12; i++) {
    const subject = { reference: `Patient/p${i}` };
    out.push({ resourceType: 'Patient', id: `p${i}`, gender: i % 2 ? 'male' : 'female', birthDate: BIRTH });
    const code = i === 0 ? PHI : 'mg/dL';
    out.push({
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: LOINC, code: '2339-0' }] },
      subject,
      effectiveDateTime: '2024-01-01',
      valueQuantity: { value: 90 + 7 * i, unit: 'mg/dL', system: UCUM, code },
    });
    if (i % 3 === 0)
      out.push({ resourceType: 'Condition', code: { coding: [{ system: SNOMED, code: '44054006' }] }, subject });
  }
  return out;
}

// Converting to the column's unit (toQuantity) hands the record's coded unit to ucum-lhc.
const CONVERTS = { glucose: "value.ofType(Quantity).toQuantity('mg/dL').value", born: 'birthDate' };
// Date arithmetic with a fractional duration makes fhirpath warn, quoting the record's date.
const SHIFTS = { glucose: 'value.ofType(Quantity).value', born: '(birthDate + 0.5 years).toString()' };

function write(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('FHIRPath evaluation prints no record to the console', () => {
  for (const [what, exprs] of [
    ['a unit conversion (ucum-lhc) of a free-text coded unit', CONVERTS],
    ['date arithmetic (fhirpath) on a birth date', SHIFTS],
  ] as const) {
    it(`NDJSON and Bundle: ${what}`, async () => {
      const schemaPath = write(`schema-${what.length}.json`, JSON.stringify(schema(exprs)));
      const ndjson = write(
        `data-${what.length}.ndjson`,
        resources()
          .map((r) => JSON.stringify(r))
          .join('\n'),
      );
      const bundle = write(
        `data-${what.length}.json`,
        JSON.stringify({
          resourceType: 'Bundle',
          type: 'collection',
          entry: resources().map((resource) => ({ resource })),
        }),
      );
      for (const data of [ndjson, bundle]) {
        let rows = 0;
        const printed = await consoleDuring(async () => {
          const d = await readHospitalDataset(schemaPath, data);
          rows = d.train.n + d.test.n;
        });
        expect(rows).toBe(12);
        const leaked = printed.filter((l) => l.includes('Jane Roe') || l.includes('4711') || l.includes(BIRTH));
        expect(leaked, data).toEqual([]);
      }
    });
  }
});
