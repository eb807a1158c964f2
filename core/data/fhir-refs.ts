/**
 * References to a Patient in the forms exports write them (FHIR R4 3.2.0,
 * "Resource References" and "Resolving references in Bundles"):
 * - relative `Patient/<id>`, optionally versioned `Patient/<id>/_history/<v>`;
 * - absolute `https://host/fhir/Patient/<id>` (also versioned);
 * - `urn:uuid:<uuid>`: a Bundle entry's fullUrl (resolved through the aliases
 *   the Bundle's entries register), or, in bulk NDJSON that kept Synthea's
 *   references, the Patient whose id is that uuid;
 * - `#<id>`: a resource contained in the referring one (handled by the table).
 * A reference is reduced to a key on arrival and resolved to a Patient only
 * when rows are read, so resources may come in any order.
 */

const ID = '[A-Za-z0-9\\-.]{1,64}';
export const FHIR_ID = new RegExp(`^${ID}$`);
const RELATIVE = new RegExp(`^Patient/(${ID})(?:/_history/${ID})?$`);
const ABSOLUTE = new RegExp(`^(https?://[^\\s#?]{1,512}?/Patient/(${ID}))(?:/_history/${ID})?$`);
// Not only RFC 4122 shapes: Bundles in the wild use fullUrls such as "urn:uuid:transient-0" too.
const URN_UUID = new RegExp(`^urn:uuid:(${ID})$`);
/** Longest reference read; a longer one is malformed ("fhir:reference"). */
export const MAX_REFERENCE_LENGTH = 1024;

/**
 * The key a Patient reference is kept under until rows are read: "Patient/<id>"
 * for a relative reference, the unversioned URL for an absolute one, the urn
 * itself for urn:uuid. Undefined: not a reference to a Patient in a form read.
 */
export function referenceKey(ref: string): string | undefined {
  if (ref.length > MAX_REFERENCE_LENGTH) return undefined;
  const rel = RELATIVE.exec(ref);
  if (rel) return `Patient/${rel[1]}`;
  const abs = ABSOLUTE.exec(ref);
  if (abs) return abs[1];
  return URN_UUID.test(ref) ? ref : undefined;
}

/** The "Patient/<id>" a Bundle entry's fullUrl stands for, if the entry is a Patient with a valid id. */
export function aliasTarget(fullUrl: unknown, resource: unknown): [string, string] | undefined {
  if (typeof fullUrl !== 'string' || typeof resource !== 'object' || resource === null) return undefined;
  const r = resource as Record<string, unknown>;
  if (r['resourceType'] !== 'Patient' || typeof r['id'] !== 'string' || !FHIR_ID.test(r['id'])) return undefined;
  const key = referenceKey(fullUrl);
  return key ? [key, `Patient/${r['id']}`] : undefined;
}

/**
 * Resolves a key to "Patient/<id>": a Bundle alias first (a fullUrl names the
 * entry it belongs to), then the id an absolute URL ends with, then a
 * urn:uuid as the Patient's id (Synthea's bulk NDJSON keeps its Bundles'
 * urn:uuid references and gives each Patient that uuid as its id).
 */
export function resolveKey(key: string, aliases: ReadonlyMap<string, string>): string {
  const alias = aliases.get(key);
  if (alias) return alias;
  if (key.startsWith('Patient/')) return key;
  const urn = URN_UUID.exec(key);
  if (urn) return `Patient/${urn[1]}`;
  return `Patient/${key.slice(key.lastIndexOf('/') + 1)}`;
}

/** Whether a key already names its Patient for good (a relative reference: no alias can change it). */
export function isFinalKey(key: string): boolean {
  return key.startsWith('Patient/');
}
