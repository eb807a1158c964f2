/**
 * One synthetic patient's record as the hospital holds it, before any FHIR
 * or CSV shape, and what every output shares: the full name, the one-line
 * address, the site's FHIR base URL.
 */
import type { ConditionKind, Genotype, MeasureKey, Smoking } from './codes.ts';

export type Sex = 'male' | 'female' | 'other' | 'unknown';

export interface Address {
  line: string[];
  city: string;
  state: string;
  postalCode: string;
}

export interface Measurement {
  key: MeasureKey;
  value: number;
  /** FHIR dateTime (UTC). */
  at: string;
}

export interface ConditionRecord {
  kind: ConditionKind;
  /** FHIR date. */
  onset: string;
}

/** One patient's record as the hospital holds it, before any FHIR or CSV shape. */
export interface SyntheticPatient {
  site: string;
  index: number;
  /** FHIR resource id (a UUID); the patient's Observations and Conditions derive theirs from it. */
  id: string;
  mrn: string;
  /** The site's MRN identifier system. */
  mrnSystem: string;
  /** SSN-shaped, in the never-issued 9xx area. */
  nationalId: string;
  given: string;
  family: string;
  sex: Sex;
  birthDate: string;
  phone: string;
  email: string;
  address: Address;
  /** In time order. */
  measurements: Measurement[];
  /** Smoking status as recorded at some encounters, in time order (empty: never asked). */
  smoking: { status: Smoking; at: string }[];
  genotype: { value: Genotype; at: string } | null;
  /** Recorded diagnoses, CAD included when the (possibly flipped) label is 1. */
  conditions: ConditionRecord[];
  /** What generated the record; never written out. For tests and calibration only. */
  truth: { age: number; cadProbability: number; cad: boolean; gAlleles: 0 | 1 | 2 };
}

export const fullName = (p: Pick<SyntheticPatient, 'given' | 'family'>) => `${p.given} ${p.family}`;

/** "line 1, line 2, City, ST 12345", as on an envelope. */
export const addressText = (a: Address) => `${[...a.line, a.city].join(', ')}, ${a.state} ${a.postalCode}`;

/** The FHIR server base a site's resources live under (fullUrls are `<base>/<type>/<id>`); its identifier systems hang below it. */
export const fhirBase = (site: string) => `https://${site}.example.org/fhir`;
