/**
 * The terminology the synthetic records are coded in: LOINC for
 * observations, UCUM for units, SNOMED CT and ICD-10-CM for conditions and
 * smoking status, the HL7 v2 identifier-type table for MRN and SSN. One table
 * per kind, shared by the FHIR and CSV writers and by the tests that check
 * them.
 */

export const SYSTEM = {
  loinc: 'http://loinc.org',
  snomed: 'http://snomed.info/sct',
  icd10cm: 'http://hl7.org/fhir/sid/icd-10-cm',
  ucum: 'http://unitsofmeasure.org',
  identifierType: 'http://terminology.hl7.org/CodeSystem/v2-0203',
  observationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
  conditionCategory: 'http://terminology.hl7.org/CodeSystem/condition-category',
  conditionClinical: 'http://terminology.hl7.org/CodeSystem/condition-clinical',
  conditionVerification: 'http://terminology.hl7.org/CodeSystem/condition-ver-status',
  /** US Social Security numbers (HL7 terminology's identifier system for them). */
  ssn: 'http://hl7.org/fhir/sid/us-ssn',
} as const;

/**
 * The measured quantities, keyed by their CSV column; `unit` is a UCUM code
 * (also its human-readable form). `range` is the
 * physiologic range every generated value lies in (adult, outpatient or
 * ward; wide enough for the sick tail).
 */
export const MEASURES = {
  sbp: {
    loinc: '8480-6',
    display: 'Systolic blood pressure',
    unit: 'mm[Hg]',
    category: 'vital-signs',
    decimals: 0,
    range: [80, 230] as const,
  },
  dbp: {
    loinc: '8462-4',
    display: 'Diastolic blood pressure',
    unit: 'mm[Hg]',
    category: 'vital-signs',
    decimals: 0,
    range: [40, 140] as const,
  },
  bmi: {
    loinc: '39156-5',
    display: 'Body mass index (BMI) [Ratio]',
    unit: 'kg/m2',
    category: 'vital-signs',
    decimals: 1,
    range: [14, 65] as const,
  },
  heart_rate: {
    loinc: '8867-4',
    display: 'Heart rate',
    unit: '/min',
    category: 'vital-signs',
    decimals: 0,
    range: [40, 140] as const,
  },
  total_chol: {
    loinc: '2093-3',
    display: 'Cholesterol [Mass/volume] in Serum or Plasma',
    unit: 'mg/dL',
    category: 'laboratory',
    decimals: 0,
    range: [100, 360] as const,
  },
  hdl: {
    loinc: '2085-9',
    display: 'Cholesterol in HDL [Mass/volume] in Serum or Plasma',
    unit: 'mg/dL',
    category: 'laboratory',
    decimals: 0,
    range: [15, 120] as const,
  },
  hba1c: {
    loinc: '4548-4',
    display: 'Hemoglobin A1c/Hemoglobin.total in Blood',
    unit: '%',
    category: 'laboratory',
    decimals: 1,
    range: [3.5, 15] as const,
  },
  glucose: {
    loinc: '2345-7',
    display: 'Glucose [Mass/volume] in Serum or Plasma',
    unit: 'mg/dL',
    category: 'laboratory',
    decimals: 0,
    range: [50, 450] as const,
  },
} as const;

export type MeasureKey = keyof typeof MEASURES;
export const MEASURE_KEYS = Object.keys(MEASURES) as MeasureKey[];

export const SMOKING_STATUS = { loinc: '72166-2', display: 'Tobacco smoking status' } as const;
export const SMOKING = {
  never: { snomed: '266919005', display: 'Never smoked tobacco' },
  former: { snomed: '8517006', display: 'Ex-smoker' },
  current: { snomed: '77176002', display: 'Smoker' },
} as const;
export type Smoking = keyof typeof SMOKING;

export const GENOTYPE = {
  loinc: '69548-6',
  display: 'Genetic variant assessment',
  dbsnpLoinc: '81255-2',
  dbsnpDisplay: 'dbSNP [ID]',
  /** LPA intronic variant; its minor allele G raises lipoprotein(a) and coronary risk (Clarke et al., NEJM 2009). */
  rsid: 'rs10455872',
} as const;
export type Genotype = 'A/A' | 'A/G' | 'G/G';

/** Conditions with both codings. `cad` is the label; the rest are features or noise. */
export const CONDITIONS = {
  diabetes: {
    icd10: 'E11.9',
    icd10Display: 'Type 2 diabetes mellitus without complications',
    snomed: '44054006',
    snomedDisplay: 'Diabetes mellitus type 2',
  },
  hypertension: {
    icd10: 'I10',
    icd10Display: 'Essential (primary) hypertension',
    snomed: '38341003',
    snomedDisplay: 'Hypertensive disorder, systemic arterial',
  },
  cad: {
    icd10: 'I25.10',
    icd10Display: 'Atherosclerotic heart disease of native coronary artery without angina pectoris',
    snomed: '53741008',
    snomedDisplay: 'Coronary arteriosclerosis',
  },
  asthma: {
    icd10: 'J45.909',
    icd10Display: 'Unspecified asthma, uncomplicated',
    snomed: '195967001',
    snomedDisplay: 'Asthma',
  },
  rhinitis: {
    icd10: 'J30.9',
    icd10Display: 'Allergic rhinitis, unspecified',
    snomed: '61582004',
    snomedDisplay: 'Allergic rhinitis',
  },
  gerd: {
    icd10: 'K21.9',
    icd10Display: 'Gastro-esophageal reflux disease without esophagitis',
    snomed: '235595009',
    snomedDisplay: 'Gastroesophageal reflux disease',
  },
  anxiety: {
    icd10: 'F41.1',
    icd10Display: 'Generalized anxiety disorder',
    snomed: '21897009',
    snomedDisplay: 'Generalized anxiety disorder',
  },
  lowBackPain: {
    icd10: 'M54.50',
    icd10Display: 'Low back pain, unspecified',
    snomed: '279039007',
    snomedDisplay: 'Low back pain',
  },
  hypothyroidism: {
    icd10: 'E03.9',
    icd10Display: 'Hypothyroidism, unspecified',
    snomed: '40930008',
    snomedDisplay: 'Hypothyroidism',
  },
  migraine: {
    icd10: 'G43.909',
    icd10Display: 'Migraine, unspecified, not intractable, without status migrainosus',
    snomed: '37796009',
    snomedDisplay: 'Migraine',
  },
} as const;
export type ConditionKind = keyof typeof CONDITIONS;

/** Unrelated conditions and the share of patients that have each. */
export const NOISE_CONDITIONS: readonly { kind: ConditionKind; prevalence: number }[] = [
  { kind: 'asthma', prevalence: 0.08 },
  { kind: 'rhinitis', prevalence: 0.12 },
  { kind: 'gerd', prevalence: 0.1 },
  { kind: 'anxiety', prevalence: 0.07 },
  { kind: 'lowBackPain', prevalence: 0.09 },
  { kind: 'hypothyroidism', prevalence: 0.05 },
  { kind: 'migraine', prevalence: 0.06 },
];
