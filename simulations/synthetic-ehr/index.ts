/**
 * Synthetic EHR data for the intake pipeline and the synthetic-EHR scenario:
 * seeded, non-IID hospitals of patients with FHIR R4 and flat CSV renderings,
 * a CAD label a model can learn, and the list of identifiers that must not
 * survive de-identification.
 */
export {
  generateSite,
  generatePatient,
  DEFAULT_AS_OF,
  MAX_PATIENTS_PER_SITE,
  type GenerateSiteOptions,
} from './generator.ts';
export {
  fullName,
  addressText,
  fhirBase,
  type SyntheticPatient,
  type Address,
  type Measurement,
  type ConditionRecord,
  type Sex,
} from './record.ts';
export { DEFAULT_PROFILES, MAX_SITES, siteProfiles, parseSiteProfile, type SiteProfile } from './profiles.ts';
export { CAD_COEFFICIENTS, CAD_REFERENCE, cadLogit, type RiskFactors } from './risk.ts';
export {
  SYSTEM,
  MEASURES,
  MEASURE_KEYS,
  SMOKING,
  SMOKING_STATUS,
  GENOTYPE,
  CONDITIONS,
  type MeasureKey,
  type Smoking,
  type Genotype,
  type ConditionKind,
} from './codes.ts';
export {
  toFhir,
  bundleHead,
  bundleEntry,
  BUNDLE_TAIL,
  type PatientResources,
  type FhirResource,
  type FhirPatient,
  type FhirObservation,
  type FhirCondition,
} from './fhir.ts';
export { CSV_HEADER, CSV_HEADER_LINE, csvField, csvLine, csvValues, csvRow, type CsvColumn } from './csv.ts';
export {
  identifiersOf,
  addIdentifiers,
  emptySiteIdentifiers,
  IDENTIFIER_KINDS,
  type IdentifierKind,
  type PatientIdentifiers,
  type SiteIdentifiers,
} from './identifiers.ts';
export {
  writeSyntheticHospitals,
  SYNTHETIC_FORMATS,
  type SyntheticFormat,
  type WriteSyntheticHospitalsOptions,
  type WrittenHospital,
  type SiteFiles,
} from './write.ts';
export { toSynthea, syntheaBundle, resourceUuid, BP_PANEL } from './synthea.ts';
export {
  writeSyntheaExport,
  SYNTHEA_LAYOUTS,
  type SyntheaLayout,
  type WriteSyntheaOptions,
  type SyntheaWritten,
} from './write-synthea.ts';
