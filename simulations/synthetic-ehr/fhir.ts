/**
 * FHIR R4 resources for one synthetic patient (Patient, its Observations and
 * Conditions), and the text pieces of a collection Bundle so a writer can
 * stream one without holding it. References are relative (`Patient/<id>`)
 * and resolve against the entries' fullUrl base (FHIR R4 §2.36.4.1).
 */
import { CONDITIONS, GENOTYPE, MEASURES, SMOKING, SMOKING_STATUS, SYSTEM } from './codes.ts';
import { addressText, fhirBase, fullName, type SyntheticPatient } from './record.ts';

export interface Coding {
  system: string;
  code: string;
  display?: string;
}

export interface CodeableConcept {
  coding?: Coding[];
  text?: string;
}

export interface Reference {
  reference: string;
}

export interface Quantity {
  value: number;
  unit: string;
  system: string;
  code: string;
}

export interface FhirPatient {
  resourceType: 'Patient';
  id: string;
  identifier: { use: string; type: CodeableConcept; system: string; value: string }[];
  name: { use: string; text: string; family: string; given: string[] }[];
  telecom: { system: 'phone' | 'email'; value: string; use: string }[];
  gender: SyntheticPatient['sex'];
  birthDate: string;
  address: {
    use: string;
    type: string;
    text: string;
    line: string[];
    city: string;
    state: string;
    postalCode: string;
    country: string;
  }[];
}

export interface FhirObservation {
  resourceType: 'Observation';
  id: string;
  status: 'final';
  category: CodeableConcept[];
  code: CodeableConcept;
  subject: Reference;
  effectiveDateTime: string;
  valueQuantity?: Quantity;
  valueCodeableConcept?: CodeableConcept;
  component?: { code: CodeableConcept; valueCodeableConcept: CodeableConcept }[];
}

export interface FhirCondition {
  resourceType: 'Condition';
  id: string;
  clinicalStatus: CodeableConcept;
  verificationStatus: CodeableConcept;
  category: CodeableConcept[];
  code: CodeableConcept;
  subject: Reference;
  onsetDateTime: string;
}

export type FhirResource = FhirPatient | FhirObservation | FhirCondition;

export interface PatientResources {
  patient: FhirPatient;
  observations: FhirObservation[];
  conditions: FhirCondition[];
}

const identifierType = (code: string, display: string): CodeableConcept => ({
  coding: [{ system: SYSTEM.identifierType, code, display }],
  text: display,
});

const CATEGORY_DISPLAY = {
  'vital-signs': 'Vital Signs',
  laboratory: 'Laboratory',
  'social-history': 'Social History',
} as const;
const observationCategory = (code: keyof typeof CATEGORY_DISPLAY): CodeableConcept[] => [
  { coding: [{ system: SYSTEM.observationCategory, code, display: CATEGORY_DISPLAY[code] }] },
];

const loinc = (code: string, display: string): CodeableConcept => ({
  coding: [{ system: SYSTEM.loinc, code, display }],
  text: display,
});

export function toFhir(p: SyntheticPatient): PatientResources {
  const subject = { reference: `Patient/${p.id}` };
  return {
    patient: fhirPatient(p),
    observations: fhirObservations(p, subject),
    conditions: fhirConditions(p, subject),
  };
}

/** The Patient resource: identifiers, name, contacts and address, as a registry holds them. */
function fhirPatient(p: SyntheticPatient): FhirPatient {
  return {
    resourceType: 'Patient',
    id: p.id,
    identifier: [
      { use: 'usual', type: identifierType('MR', 'Medical record number'), system: p.mrnSystem, value: p.mrn },
      {
        use: 'official',
        type: identifierType('SS', 'Social Security number'),
        system: SYSTEM.ssn,
        value: p.nationalId,
      },
    ],
    name: [{ use: 'official', text: fullName(p), family: p.family, given: [p.given] }],
    telecom: [
      { system: 'phone', value: p.phone, use: 'home' },
      { system: 'email', value: p.email, use: 'home' },
    ],
    gender: p.sex,
    birthDate: p.birthDate,
    address: [
      {
        use: 'home',
        type: 'physical',
        text: addressText(p.address),
        line: [...p.address.line],
        city: p.address.city,
        state: p.address.state,
        postalCode: p.address.postalCode,
        country: 'US',
      },
    ],
  };
}

/** One Observation per measurement, smoking status and genotype, numbered in that order. */
function fhirObservations(p: SyntheticPatient, subject: { reference: string }): FhirObservation[] {
  const observations: FhirObservation[] = [];
  const observation = (rest: Omit<FhirObservation, 'resourceType' | 'id' | 'status' | 'subject'>) =>
    observations.push({
      resourceType: 'Observation',
      id: `${p.id}-o${observations.length + 1}`,
      status: 'final',
      subject,
      ...rest,
    });
  for (const m of p.measurements) {
    const def = MEASURES[m.key];
    observation({
      category: observationCategory(def.category),
      code: loinc(def.loinc, def.display),
      effectiveDateTime: m.at,
      valueQuantity: { value: m.value, unit: def.unit, system: SYSTEM.ucum, code: def.unit },
    });
  }
  for (const s of p.smoking) {
    const v = SMOKING[s.status];
    observation({
      category: observationCategory('social-history'),
      code: loinc(SMOKING_STATUS.loinc, SMOKING_STATUS.display),
      effectiveDateTime: s.at,
      valueCodeableConcept: {
        coding: [{ system: SYSTEM.snomed, code: v.snomed, display: v.display }],
        text: v.display,
      },
    });
  }
  if (p.genotype) {
    observation({
      category: observationCategory('laboratory'),
      code: loinc(GENOTYPE.loinc, GENOTYPE.display),
      effectiveDateTime: p.genotype.at,
      valueCodeableConcept: { text: p.genotype.value },
      component: [
        { code: loinc(GENOTYPE.dbsnpLoinc, GENOTYPE.dbsnpDisplay), valueCodeableConcept: { text: GENOTYPE.rsid } },
      ],
    });
  }
  return observations;
}

/** One Condition per recorded condition, coded in ICD-10-CM and SNOMED CT. */
function fhirConditions(p: SyntheticPatient, subject: { reference: string }): FhirCondition[] {
  return p.conditions.map((c, i): FhirCondition => {
    const def = CONDITIONS[c.kind];
    return {
      resourceType: 'Condition',
      id: `${p.id}-c${i + 1}`,
      clinicalStatus: { coding: [{ system: SYSTEM.conditionClinical, code: 'active' }] },
      verificationStatus: { coding: [{ system: SYSTEM.conditionVerification, code: 'confirmed' }] },
      category: [
        { coding: [{ system: SYSTEM.conditionCategory, code: 'problem-list-item', display: 'Problem List Item' }] },
      ],
      code: {
        coding: [
          { system: SYSTEM.icd10cm, code: def.icd10, display: def.icd10Display },
          { system: SYSTEM.snomed, code: def.snomed, display: def.snomedDisplay },
        ],
        text: def.snomedDisplay,
      },
      subject,
      onsetDateTime: c.onset,
    };
  });
}

/**
 * A collection Bundle as text pieces: `bundleHead`, then each entry joined
 * by ",", then `BUNDLE_TAIL`. Concatenated they are one JSON document.
 */
export const bundleHead = (site: string, timestamp: string) =>
  `{"resourceType":"Bundle","id":${JSON.stringify(`${site}-export`)},"type":"collection","timestamp":${JSON.stringify(timestamp)},"entry":[`;

/** `resourceJson` is JSON.stringify(resource), passed in so a writer that also emits NDJSON serialises each resource once. */
export const bundleEntry = (site: string, resource: FhirResource, resourceJson = JSON.stringify(resource)) =>
  `{"fullUrl":${JSON.stringify(`${fhirBase(site)}/${resource.resourceType}/${resource.id}`)},"resource":${resourceJson}}`;

export const BUNDLE_TAIL = ']}\n';
