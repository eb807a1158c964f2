/** Small readers of untrusted FHIR JSON shared by the FHIR table's modules: nothing here trusts a field's type. */

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The codings of a CodeableConcept that have a string code (others are skipped, not guessed at). */
export function codingsOf(cc: unknown): { system: unknown; code: string }[] {
  if (!isObj(cc) || !Array.isArray(cc['coding'])) return [];
  return cc['coding'].flatMap((c) =>
    isObj(c) && typeof c['code'] === 'string' ? [{ system: c['system'], code: c['code'] }] : [],
  );
}

/** The objects of an array element (absent or malformed: none). */
export function objectsOf(v: unknown): Obj[] {
  return Array.isArray(v) ? v.filter(isObj) : [];
}

export function codeKey(system: string, code: string): string {
  return `${system}|${code}`;
}

export function bump(m: Map<string, number>, k: string, n = 1): void {
  m.set(k, (m.get(k) ?? 0) + n);
}

/**
 * When a resource happened, for the "latest"/"earliest" pick rules: an
 * Observation's effective[DateTime|Instant|Period.start] or issued, a
 * Condition's onset[DateTime|Period.start] or recordedDate. Unknown sorts first.
 */
export function effectiveTime(r: Obj): number {
  const p = r['effectivePeriod'] ?? r['onsetPeriod'];
  const t =
    r['effectiveDateTime'] ??
    r['effectiveInstant'] ??
    r['onsetDateTime'] ??
    (isObj(p) ? p['start'] : undefined) ??
    r['issued'] ??
    r['recordedDate'];
  const ms = typeof t === 'string' ? Date.parse(t) : NaN;
  return Number.isNaN(ms) ? -Infinity : ms;
}
