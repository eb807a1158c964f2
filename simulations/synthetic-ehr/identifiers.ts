/**
 * Every identifying value a synthetic patient carries, by kind, so a test can
 * check that none of them survives de-identification. Direct identifiers
 * (HIPAA Safe Harbor §164.514(b)(2)) plus the FHIR resource id, which links
 * records back to the source system.
 */
import { addressText, fullName, type SyntheticPatient } from './record.ts';

export const IDENTIFIER_KINDS = [
  'names',
  'mrns',
  'nationalIds',
  'phones',
  'emails',
  'addresses',
  'streetLines',
  'postalCodes',
  'birthDates',
  'resourceIds',
] as const;

export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

export type PatientIdentifiers = Record<IdentifierKind, string[]>;

/**
 * names: given, family and "Given Family"; addresses: the one-line address;
 * streetLines: each address line. postalCodes (5-digit ZIP) and birthDates
 * are quasi-identifiers Safe Harbor also removes (it keeps a ZIP's first
 * three digits and the birth year).
 */
export function identifiersOf(p: SyntheticPatient): PatientIdentifiers {
  return {
    names: [p.given, p.family, fullName(p)],
    mrns: [p.mrn],
    nationalIds: [p.nationalId],
    phones: [p.phone],
    emails: [p.email],
    addresses: [addressText(p.address)],
    streetLines: [...p.address.line],
    postalCodes: [p.address.postalCode],
    birthDates: [p.birthDate],
    resourceIds: [p.id],
  };
}

export type SiteIdentifiers = Record<IdentifierKind, Set<string>>;

export function emptySiteIdentifiers(): SiteIdentifiers {
  return Object.fromEntries(IDENTIFIER_KINDS.map((k) => [k, new Set<string>()])) as SiteIdentifiers;
}

export function addIdentifiers(into: SiteIdentifiers, p: SyntheticPatient): SiteIdentifiers {
  const ids = identifiersOf(p);
  for (const k of IDENTIFIER_KINDS) for (const v of ids[k]) into[k].add(v);
  return into;
}
