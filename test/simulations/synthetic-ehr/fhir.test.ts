import { describe, expect, it } from 'vitest';
import {
  CONDITIONS,
  DEFAULT_PROFILES,
  GENOTYPE,
  MEASURES,
  SMOKING,
  SMOKING_STATUS,
  SYSTEM,
  generateSite,
  toFhir,
  type FhirResource,
  type SyntheticPatient,
} from '../../../simulations/synthetic-ehr/index.ts';

/** FHIR R4 primitive formats (R4 datatypes §2.24.0.1), the date and dateTime regexes simplified to the forms used. */
const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;
const FHIR_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const FHIR_DATETIME = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\dZ$/;
const ALLOWED_SYSTEMS = new Set<string>(Object.values(SYSTEM));
const LOINC_UNITS = new Map<string, (typeof MEASURES)[keyof typeof MEASURES]>(
  Object.values(MEASURES).map((m) => [m.loinc, m]),
);
const SMOKING_CODES = new Set<string>(Object.values(SMOKING).map((s) => s.snomed));

/** Every code-system or identifier-system URI in a resource (telecom's `system` is a ContactPoint kind, not a URI). */
function systemsIn(x: unknown, out: string[] = []): string[] {
  if (Array.isArray(x)) for (const v of x) systemsIn(v, out);
  else if (x && typeof x === 'object') {
    for (const [k, v] of Object.entries(x)) {
      if (k === 'system' && typeof v === 'string') out.push(v);
      else if (k !== 'telecom') systemsIn(v, out);
    }
  }
  return out;
}

function siteResources(site: string, patients: number): { patients: SyntheticPatient[]; resources: FhirResource[] } {
  const ps = [...generateSite({ seed: 21, site, patients, profile: DEFAULT_PROFILES[2]! })];
  const resources = ps.flatMap((p) => {
    const r = toFhir(p);
    return [r.patient, ...r.observations, ...r.conditions];
  });
  return { patients: ps, resources };
}

describe('toFhir', () => {
  const { patients, resources } = siteResources('h1', 400);

  it('gives every resource a type and a unique valid id, and every reference a Patient of the same site', () => {
    const ids = new Set<string>();
    const patientIds = new Set(resources.filter((r) => r.resourceType === 'Patient').map((r) => r.id));
    expect(patientIds.size).toBe(400);
    for (const r of resources) {
      expect(['Patient', 'Observation', 'Condition']).toContain(r.resourceType);
      expect(r.id).toMatch(FHIR_ID);
      const key = `${r.resourceType}/${r.id}`;
      expect(ids.has(key)).toBe(false);
      ids.add(key);
      if (r.resourceType !== 'Patient') {
        const m = /^Patient\/(.+)$/.exec(r.subject.reference);
        expect(m).not.toBeNull();
        expect(patientIds.has(m![1]!)).toBe(true);
      }
    }
    // Another site's references point at none of this site's patients.
    for (const r of siteResources('h2', 50).resources)
      if (r.resourceType !== 'Patient')
        expect(patientIds.has(r.subject.reference.slice('Patient/'.length))).toBe(false);
  });

  it('codes only from the listed systems', () => {
    for (const r of resources)
      for (const s of systemsIn(r))
        expect(ALLOWED_SYSTEMS.has(s) || s === 'https://h1.example.org/fhir/sid/mrn', s).toBe(true);
  });

  it('writes Patients with MR and SS identifiers, a name, phone, email, address, birth date and gender', () => {
    for (const r of resources) {
      if (r.resourceType !== 'Patient') continue;
      const types = r.identifier.map((i) => i.type.coding![0]!);
      expect(types.map((t) => [t.system, t.code])).toEqual([
        [SYSTEM.identifierType, 'MR'],
        [SYSTEM.identifierType, 'SS'],
      ]);
      expect(r.identifier[0]!.system).toBe(`https://h1.example.org/fhir/sid/mrn`);
      expect(r.identifier[1]!.value).toMatch(/^9\d\d-\d\d-\d{4}$/);
      expect(r.name[0]!.given[0]!.length).toBeGreaterThan(0);
      expect(r.name[0]!.family.length).toBeGreaterThan(0);
      expect(r.telecom.map((t) => t.system)).toEqual(['phone', 'email']);
      expect(r.address[0]!.postalCode).toMatch(/^\d{5}$/);
      expect(r.birthDate).toMatch(FHIR_DATE);
      expect(['male', 'female', 'other', 'unknown']).toContain(r.gender);
    }
  });

  it('writes Observations in LOINC with UCUM quantities inside physiologic ranges', () => {
    let quantities = 0;
    let genotypes = 0;
    let smoking = 0;
    for (const r of resources) {
      if (r.resourceType !== 'Observation') continue;
      expect(r.effectiveDateTime).toMatch(FHIR_DATETIME);
      const coding = r.code.coding![0]!;
      expect(coding.system).toBe(SYSTEM.loinc);
      if (r.valueQuantity) {
        quantities++;
        const def = LOINC_UNITS.get(coding.code)!;
        expect(def).toBeDefined();
        const q = r.valueQuantity;
        expect(q.system).toBe(SYSTEM.ucum);
        expect(q.code).toBe(def.unit);
        expect(q.unit).toBe(def.unit);
        expect(q.value).toBeGreaterThanOrEqual(def.range[0]);
        expect(q.value).toBeLessThanOrEqual(def.range[1]);
      } else if (coding.code === SMOKING_STATUS.loinc) {
        smoking++;
        const v = r.valueCodeableConcept!.coding![0]!;
        expect(v.system).toBe(SYSTEM.snomed);
        expect(SMOKING_CODES.has(v.code)).toBe(true);
      } else {
        genotypes++;
        expect(coding.code).toBe(GENOTYPE.loinc);
        expect(['A/A', 'A/G', 'G/G']).toContain(r.valueCodeableConcept!.text);
        expect(r.component).toHaveLength(1);
        expect(r.component![0]!.code.coding![0]).toMatchObject({ system: SYSTEM.loinc, code: '81255-2' });
        expect(r.component![0]!.valueCodeableConcept.text).toBe('rs10455872');
      }
    }
    expect(quantities).toBeGreaterThan(400 * 4);
    expect(smoking).toBeGreaterThan(100);
    expect(genotypes).toBe(patients.filter((p) => p.genotype).length);
  });

  it('writes Conditions coded in both ICD-10-CM and SNOMED CT, from the table', () => {
    const pairs = new Set(Object.values(CONDITIONS).map((c) => `${c.icd10}|${c.snomed}`));
    let cad = 0;
    for (const r of resources) {
      if (r.resourceType !== 'Condition') continue;
      const [icd, sct] = r.code.coding!;
      expect(icd!.system).toBe(SYSTEM.icd10cm);
      expect(sct!.system).toBe(SYSTEM.snomed);
      expect(pairs.has(`${icd!.code}|${sct!.code}`)).toBe(true);
      expect(r.onsetDateTime).toMatch(FHIR_DATE);
      if (icd!.code === 'I25.10') cad++;
    }
    expect(cad).toBe(patients.filter((p) => p.conditions.some((c) => c.kind === 'cad')).length);
    expect(cad).toBeGreaterThan(0);
  });
});
