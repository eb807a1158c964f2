/**
 * One synthetic patient in the shape Synthea's R4 exporter writes (what a
 * hospital trying cohort on public sample data has): every resource id a
 * UUID, references `urn:uuid:<id>` (in the per-patient transaction Bundle
 * and, as Synthea's bulk export keeps them, in NDJSON too), one Encounter
 * per visit that the visit's Observations point at, blood pressure as one
 * panel Observation (LOINC 85354-9) with its systolic (8480-6) and diastolic
 * (8462-4) values as components (US Core's blood-pressure profile),
 * Conditions coded in SNOMED CT only, and an SSN under
 * http://hl7.org/fhir/sid/us-ssn. `padding` adds Claim resources per visit,
 * as Synthea's billing output does, which a reader does not use: files grow,
 * rows do not (the intake bench's "file size at a fixed patient count").
 */
import { createHash } from 'node:crypto';
import { CONDITIONS, MEASURES, SMOKING, SMOKING_STATUS, SYSTEM, type MeasureKey } from './codes.ts';
import type { SyntheticPatient } from './record.ts';

type Json = Record<string, unknown>;

export const BP_PANEL = { loinc: '85354-9', display: 'Blood pressure panel with all children optional' } as const;

/** A deterministic UUID (v4 layout) for the `n`th resource of patient `id`: the same patient, the same ids. */
export function resourceUuid(id: string, n: number): string {
  const h = createHash('sha1').update(`${id}/${n}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const coding = (system: string, code: string, display: string) => ({
  coding: [{ system, code, display }],
  text: display,
});
const quantity = (value: number, unit: string) => ({ value, unit, system: SYSTEM.ucum, code: unit });
const category = (code: string) => [
  {
    coding: [
      { system: SYSTEM.observationCategory, code, display: code === 'laboratory' ? 'Laboratory' : 'Vital signs' },
    ],
  },
];

function patientResource(p: SyntheticPatient): Json {
  return {
    resourceType: 'Patient',
    id: p.id,
    meta: { profile: ['http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient'] },
    identifier: [
      { system: 'https://github.com/synthetichealth/synthea', value: p.id },
      { type: coding(SYSTEM.identifierType, 'MR', 'Medical Record Number'), system: p.mrnSystem, value: p.mrn },
      { type: coding(SYSTEM.identifierType, 'SS', 'Social Security Number'), system: SYSTEM.ssn, value: p.nationalId },
    ],
    name: [{ use: 'official', family: p.family, given: [p.given] }],
    telecom: [{ system: 'phone', value: p.phone, use: 'home' }],
    gender: p.sex,
    birthDate: p.birthDate,
    address: [
      {
        line: [...p.address.line],
        city: p.address.city,
        state: p.address.state,
        postalCode: p.address.postalCode,
        country: 'US',
      },
    ],
  };
}

/** The patient's resources in Synthea's order: Patient, then per visit its Encounter, Observations and Claims; Conditions last. */
export function toSynthea(p: SyntheticPatient, padding = 0): Json[] {
  let n = 0;
  const uuid = () => resourceUuid(p.id, ++n);
  const subject = { reference: `urn:uuid:${p.id}` };
  const out: Json[] = [patientResource(p)];
  const visits = new Map<string, Json>();
  const visit = (at: string): Json => {
    let enc = visits.get(at);
    if (!enc) {
      const id = uuid();
      enc = { reference: `urn:uuid:${id}` };
      visits.set(at, enc);
      out.push({
        resourceType: 'Encounter',
        id,
        status: 'finished',
        class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
        type: [coding(SYSTEM.snomed, '162673000', 'General examination of patient (procedure)')],
        subject,
        period: { start: at, end: at },
      });
      for (let k = 0; k < padding; k++) out.push(claim(uuid(), subject, enc, at));
    }
    return enc;
  };
  const observation = (at: string, rest: Json) =>
    out.push({
      resourceType: 'Observation',
      id: uuid(),
      status: 'final',
      subject,
      encounter: visit(at),
      effectiveDateTime: at,
      issued: at,
      ...rest,
    });
  observations(p, observation);
  for (const c of p.conditions) out.push(condition(uuid(), subject, c));
  return out;
}

/** Per visit: the BP panel (systolic and diastolic as components), the other measurements, smoking status. */
function observations(p: SyntheticPatient, observation: (at: string, rest: Json) => void): void {
  const byAt = new Map<string, Partial<Record<MeasureKey, number>>>();
  for (const m of p.measurements) byAt.set(m.at, { ...byAt.get(m.at), [m.key]: m.value });
  for (const [at, values] of byAt) {
    if (values.sbp !== undefined && values.dbp !== undefined)
      observation(at, {
        category: category('vital-signs'),
        code: coding(SYSTEM.loinc, BP_PANEL.loinc, BP_PANEL.display),
        component: (['dbp', 'sbp'] as const).map((k) => ({
          code: coding(SYSTEM.loinc, MEASURES[k].loinc, MEASURES[k].display),
          valueQuantity: quantity(values[k]!, MEASURES[k].unit),
        })),
      });
    for (const key of ['bmi', 'heart_rate', 'total_chol', 'hdl', 'hba1c', 'glucose'] as const) {
      const v = values[key];
      if (v === undefined) continue;
      const def = MEASURES[key];
      observation(at, {
        category: category(def.category),
        code: coding(SYSTEM.loinc, def.loinc, def.display),
        valueQuantity: quantity(v, def.unit),
      });
    }
  }
  for (const s of p.smoking)
    observation(s.at, {
      category: [{ coding: [{ system: SYSTEM.observationCategory, code: 'survey', display: 'survey' }] }],
      code: coding(SYSTEM.loinc, SMOKING_STATUS.loinc, SMOKING_STATUS.display),
      valueCodeableConcept: coding(SYSTEM.snomed, SMOKING[s.status].snomed, SMOKING[s.status].display),
    });
}

function condition(id: string, subject: Json, c: SyntheticPatient['conditions'][number]): Json {
  return {
    resourceType: 'Condition',
    id,
    clinicalStatus: { coding: [{ system: SYSTEM.conditionClinical, code: 'active' }] },
    verificationStatus: { coding: [{ system: SYSTEM.conditionVerification, code: 'confirmed' }] },
    category: [
      { coding: [{ system: SYSTEM.conditionCategory, code: 'encounter-diagnosis', display: 'Encounter Diagnosis' }] },
    ],
    code: coding(SYSTEM.snomed, CONDITIONS[c.kind].snomed, CONDITIONS[c.kind].snomedDisplay),
    subject,
    onsetDateTime: `${c.onset}T00:00:00Z`,
    recordedDate: `${c.onset}T00:00:00Z`,
  };
}

function claim(id: string, patient: Json, encounter: Json, at: string): Json {
  return {
    resourceType: 'Claim',
    id,
    status: 'active',
    type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/claim-type', code: 'professional' }] },
    use: 'claim',
    patient,
    billablePeriod: { start: at, end: at },
    created: at,
    provider: { display: 'PCP' },
    priority: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/processpriority', code: 'normal' }] },
    insurance: [{ sequence: 1, focal: true, coverage: { display: 'Medicare' } }],
    item: [
      {
        sequence: 1,
        productOrService: coding(SYSTEM.snomed, '162673000', 'General examination of patient (procedure)'),
        encounter: [encounter],
      },
    ],
    total: { value: 129.16, currency: 'USD' },
  };
}

/** One entry of a transaction Bundle, as text: fullUrl, resource, the POST that creates it. */
export const syntheaEntry = (json: string, resource: Json) =>
  `{"fullUrl":"urn:uuid:${resource['id'] as string}","resource":${json},"request":{"method":"POST","url":"${resource['resourceType'] as string}"}}`;

export const SYNTHEA_BUNDLE_HEAD = '{"resourceType":"Bundle","type":"transaction","entry":[';
export const SYNTHEA_BUNDLE_TAIL = ']}\n';

/** Patient `p` as Synthea's own file: one transaction Bundle. */
export function syntheaBundle(p: SyntheticPatient, padding = 0): string {
  const entries = toSynthea(p, padding).map((r) => syntheaEntry(JSON.stringify(r), r));
  return `${SYNTHEA_BUNDLE_HEAD}${entries.join(',\n')}${SYNTHEA_BUNDLE_TAIL}`;
}
