/**
 * Reading one cell out of one resource, as a column's `fhir` source says:
 * a Patient element, an Observation's (or one of its components') value.
 * Identifying elements (name, telecom, address) are read only as present or
 * absent. Returns the cell, undefined for "no value here", or the name of
 * the value rejection to count.
 */
import { LOINC, UCUM } from './fhir-codes.ts';
import { codingsOf, isObj, objectsOf, type Obj } from './fhir-json.ts';
import type { FhirSource } from './schema.ts';

export type ObservationSource = Extract<FhirSource, { resource: 'Observation' }>;
export type PatientSource = Extract<FhirSource, { resource: 'Patient' }>;

/** A value's outcome: the cell, or a rejection kind ("value", "unit") counted as `<kind>:<column>`. */
export type ValueOutcome = { cell: string } | { reject: 'value' | 'unit' } | undefined;

/** Longest text or code cell read from a value. */
const MAX_TEXT = 256;

export function patientElement(r: Obj, src: PatientSource): string | undefined {
  switch (src.element) {
    case undefined:
      return undefined;
    case 'id':
      return r['id'] as string;
    case 'birthDate':
    case 'gender':
      return typeof r[src.element] === 'string' ? (r[src.element] as string) : undefined;
    case 'name':
    case 'address':
      // Identifying elements: present or not, their content is never read.
      return objectsOf(r[src.element]).length > 0 ? '1' : undefined;
    case 'telecom':
      return objectsOf(r['telecom']).some((c) => !src.telecomSystem || c['system'] === src.telecomSystem)
        ? '1'
        : undefined;
    case 'postalCode': {
      const a = objectsOf(r['address']);
      const home = a.find((x) => x['use'] === 'home') ?? a[0];
      return home && typeof home['postalCode'] === 'string' ? home['postalCode'] : undefined;
    }
    case 'identifier': {
      const hit = objectsOf(r['identifier']).find(
        (i) =>
          typeof i['value'] === 'string' &&
          (!src.identifierSystem || i['system'] === src.identifierSystem) &&
          (!src.identifierType || codingsOf(i['type']).some((c) => c.code === src.identifierType)),
      );
      return hit?.['value'] as string | undefined;
    }
  }
}

/**
 * The date of death a birth-date cell carries: "YYYY-MM-DD" of deceasedDateTime
 * (the date as written, not moved to UTC), "unknown" for deceasedBoolean true
 * without a date, undefined for a patient not recorded as deceased.
 */
export function deathDate(r: Obj): string | 'unknown' | undefined {
  const t = r['deceasedDateTime'];
  if (typeof t === 'string') return /^\d{4}-\d{2}-\d{2}/.test(t) ? t.slice(0, 10) : 'unknown';
  return r['deceasedBoolean'] === true ? 'unknown' : undefined;
}

/** The component of `r` coded with `loinc`, if any. */
export function componentOf(r: Obj, loinc: string): Obj | undefined {
  return objectsOf(r['component']).find((c) =>
    codingsOf(c['code']).some((k) => k.system === LOINC && k.code === loinc),
  );
}

/** Whether `r` has a component of `want.loinc` whose value (coding code, text or string) is `want.value`. */
export function hasComponent(r: Obj, want: { loinc: string; value: string }): boolean {
  return objectsOf(r['component']).some((c) => {
    if (!codingsOf(c['code']).some((k) => k.system === LOINC && k.code === want.loinc)) return false;
    const cc = c['valueCodeableConcept'];
    return (
      c['valueString'] === want.value ||
      (isObj(cc) && cc['text'] === want.value) ||
      codingsOf(cc).some((k) => k.code === want.value)
    );
  });
}

/**
 * The value of an Observation or of one of its components (both carry
 * value[x] the same way): a quantity in the column's UCUM `unit`, a code
 * (mapped through `codes` if declared), or a text.
 */
export function valueOf(v: Obj, src: ObservationSource, unit: string | undefined): ValueOutcome {
  if (src.value === 'quantity') {
    const q = v['valueQuantity'];
    if (!isObj(q) || typeof q['value'] !== 'number' || !Number.isFinite(q['value'])) return { reject: 'value' };
    const u = typeof q['code'] === 'string' ? q['code'] : q['unit'];
    if ((q['system'] !== undefined && q['system'] !== UCUM) || u !== unit) return { reject: 'unit' };
    return { cell: String(q['value']) };
  }
  const cc = v['valueCodeableConcept'];
  const code = codingsOf(cc)[0]?.code;
  let text: unknown;
  if (src.value === 'code') {
    if (!src.codes || code === undefined) text = code;
    else text = Object.hasOwn(src.codes, code) ? src.codes[code] : undefined;
  } else text = isObj(cc) && typeof cc['text'] === 'string' ? cc['text'] : v['valueString'];
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_TEXT) return { reject: 'value' };
  return { cell: text };
}
