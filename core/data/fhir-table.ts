/**
 * FHIR R4 resources -> the one-row-per-patient table the CSV path produces,
 * following each column's declared `fhir` source. Pure: resources come in one
 * at a time (from a Bundle or NDJSON lines, client/intake/fhir.ts), and per
 * patient only the row's cells are kept, never a resource, so memory is one
 * row per patient. Name, telecom and address are only ever read as
 * present/absent. Malformed resources are counted by reason, never echoed.
 */
import { CohortError } from '../errors.ts';
import { isLoincCode, isValidCode, LOINC, SYSTEM_URI, UCUM } from './fhir-codes.ts';
import type { ColumnSpec, ConditionSystem, DatasetSchema, FhirSource } from './schema.ts';

/** Most distinct patients (with a Patient resource or referenced); bounds the table's memory. */
export const MAX_PATIENTS = 2_000_000;

/** Record-level rejection reasons (the resource is not used). */
export type FhirRejection =
  | 'fhir:json'
  | 'fhir:line-too-long'
  | 'fhir:resource-type'
  | 'fhir:patient-id'
  | 'fhir:duplicate-patient'
  | 'fhir:reference'
  | 'fhir:unknown-patient'
  | 'fhir:code'
  | 'fhir:too-many-patients';

type Obj = Record<string, unknown>;
type ObservationSource = Extract<FhirSource, { resource: 'Observation' }>;
type PatientSource = Extract<FhirSource, { resource: 'Patient' }>;

interface PatientState {
  hasPatient: boolean;
  /** Resources that referred to this patient before (or without) its Patient resource. */
  refs: number;
  cells: string[];
  /** Per observation column: the effective time or value that won so far. */
  rank: Float64Array;
}

const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

export class FhirTable {
  readonly header: readonly string[];
  private readonly patients = new Map<string, PatientState>();
  /** Patients in the order their Patient resources came: rows do not depend on which file is read first. */
  private readonly order: PatientState[] = [];
  private readonly rejected = new Map<string, number>();
  private readonly valueRejected = new Map<string, number>();
  private readonly ignoredCounts = new Map<string, number>();
  private readonly patientCols: { at: number; src: PatientSource }[] = [];
  private readonly obsCols = new Map<
    string,
    { at: number; rank: number; name: string; unit: string | undefined; src: ObservationSource }[]
  >();
  private readonly condCols: { at: number; codes: ReadonlySet<string> }[] = [];
  private readonly nObs: number;
  /** Bundle fullUrl aliases ("urn:uuid:...") of Patient entries -> "Patient/<id>". */
  private readonly aliases = new Map<string, string>();

  constructor(schema: DatasetSchema) {
    this.header = schema.columns.map((c) => c.name);
    const unsourced = schema.columns.filter((c) => !c.fhir && c.kind !== 'ignore').map((c) => `"${c.name}"`);
    if (unsourced.length)
      throw new CohortError(
        'E_SCHEMA_INVALID',
        `schema "${schema.id}": reading FHIR needs a "fhir" source on column(s) ${unsourced.join(', ')}`,
      );
    let rank = 0;
    schema.columns.forEach((c: ColumnSpec, at) => {
      const src = c.fhir;
      if (!src) return;
      if (src.resource === 'Patient') this.patientCols.push({ at, src });
      else if (src.resource === 'Condition')
        this.condCols.push({ at, codes: new Set(src.codes.map((k) => codeKey(SYSTEM_URI[k.system], k.code))) });
      else {
        const list = this.obsCols.get(src.loinc) ?? [];
        list.push({
          at,
          rank: rank++,
          name: c.name,
          unit: c.kind === 'feature' && c.type === 'number' ? c.unit : undefined,
          src,
        });
        this.obsCols.set(src.loinc, list);
      }
    });
    this.nObs = rank;
  }

  /** A record that never became a resource (unparseable or over-long line). */
  reject(reason: FhirRejection, n = 1): void {
    if (n > 0) bump(this.rejected, reason, n);
  }

  /** Registers a Bundle entry's fullUrl for a Patient, so references by "urn:uuid:..." resolve. */
  alias(fullUrl: unknown, resource: unknown): void {
    if (
      typeof fullUrl === 'string' &&
      isObj(resource) &&
      resource['resourceType'] === 'Patient' &&
      typeof resource['id'] === 'string'
    ) {
      this.aliases.set(fullUrl, `Patient/${resource['id']}`);
    }
  }

  /** The resource types read, each with its reader (a Map: a resourceType such as "constructor" finds nothing). */
  private readonly readers = new Map<string, (r: Obj) => void>([
    ['Patient', (r) => this.addPatient(r)],
    ['Observation', (r) => this.addObservation(r)],
    ['Condition', (r) => this.addCondition(r)],
  ]);

  add(resource: unknown): void {
    if (!isObj(resource) || typeof resource['resourceType'] !== 'string') return this.reject('fhir:resource-type');
    const read = this.readers.get(resource['resourceType']);
    // Other resource types are not read; counted so the report shows them.
    if (read) read(resource);
    else bump(this.ignoredCounts, 'other-resource-type', 1);
  }

  /** Rows of patients that have a Patient resource; references to others are counted as rejected. */
  *rows(): Iterable<string[]> {
    for (const s of this.order) yield s.cells;
  }

  counts(): {
    recordsRejected: Record<string, number>;
    valuesRejected: Record<string, number>;
    ignored: Record<string, number>;
  } {
    let unknown = 0;
    for (const s of this.patients.values()) if (!s.hasPatient) unknown += s.refs;
    const rejected = new Map(this.rejected);
    if (unknown > 0) rejected.set('fhir:unknown-patient', unknown);
    return {
      recordsRejected: Object.fromEntries(rejected),
      valuesRejected: Object.fromEntries(this.valueRejected),
      ignored: Object.fromEntries(this.ignoredCounts),
    };
  }

  private state(key: string): PatientState | undefined {
    let s = this.patients.get(key);
    if (!s) {
      if (this.patients.size >= MAX_PATIENTS) return undefined;
      s = { hasPatient: false, refs: 0, cells: this.emptyRow(), rank: new Float64Array(this.nObs).fill(NaN) };
      this.patients.set(key, s);
    }
    return s;
  }

  private emptyRow(): string[] {
    const cells = new Array<string>(this.header.length).fill('');
    for (const c of this.condCols) cells[c.at] = '0';
    return cells;
  }

  private addPatient(r: Obj): void {
    const id = r['id'];
    if (typeof id !== 'string' || !FHIR_ID.test(id)) return this.reject('fhir:patient-id');
    const s = this.state(`Patient/${id}`);
    if (!s) return this.reject('fhir:too-many-patients');
    if (s.hasPatient) return this.reject('fhir:duplicate-patient');
    s.hasPatient = true;
    s.refs = 0;
    this.order.push(s);
    for (const { at, src } of this.patientCols) s.cells[at] = patientElement(r, src) ?? '';
  }

  private subject(r: Obj): PatientState | undefined {
    const subject = r['subject'];
    const ref = isObj(subject) ? subject['reference'] : undefined;
    if (typeof ref !== 'string') return void this.reject('fhir:reference');
    const key = this.aliases.get(ref) ?? ref;
    const m = /^Patient\/([A-Za-z0-9\-.]{1,64})$/.exec(key);
    if (!m) return void this.reject('fhir:reference');
    const s = this.state(key);
    if (!s) return void this.reject('fhir:too-many-patients');
    if (!s.hasPatient) s.refs++;
    return s;
  }

  private addObservation(r: Obj): void {
    const codings = codingsOf(r['code']);
    const loinc = codings.find((c) => c.system === LOINC);
    if (!loinc || !isLoincCode(loinc.code)) return this.reject('fhir:code');
    if (r['status'] === 'entered-in-error' || r['status'] === 'cancelled')
      return bump(this.ignoredCounts, 'observation-status', 1);
    const cols = this.obsCols.get(loinc.code);
    if (!cols) return bump(this.ignoredCounts, 'observation-undeclared-code', 1);
    const s = this.subject(r);
    if (!s) return;
    const when = effectiveTime(r);
    for (const col of cols) {
      if (col.src.component && !hasComponent(r, col.src.component)) continue;
      const v = this.observationValue(r, col.src, col.unit, col.name);
      if (v === undefined) continue;
      const prev = s.rank[col.rank]!;
      const key = col.src.pick === 'min' || col.src.pick === 'max' ? Number(v) : when;
      const wins =
        Number.isNaN(prev) ||
        (col.src.pick === 'latest' && key >= prev) ||
        (col.src.pick === 'earliest' && key < prev) ||
        (col.src.pick === 'max' && key > prev) ||
        (col.src.pick === 'min' && key < prev);
      if (wins) {
        s.rank[col.rank] = key;
        s.cells[col.at] = v;
      }
    }
  }

  private observationValue(r: Obj, src: ObservationSource, unit: string | undefined, name: string): string | undefined {
    if (src.value === 'quantity') {
      const q = r['valueQuantity'];
      if (!isObj(q) || typeof q['value'] !== 'number' || !Number.isFinite(q['value']))
        return void bump(this.valueRejected, `value:${name}`, 1);
      const u = typeof q['code'] === 'string' ? q['code'] : q['unit'];
      if ((q['system'] !== undefined && q['system'] !== UCUM) || u !== unit)
        return void bump(this.valueRejected, `unit:${name}`, 1);
      return String(q['value']);
    }
    const cc = r['valueCodeableConcept'];
    const code = codingsOf(cc)[0]?.code;
    const text =
      src.value === 'code'
        ? src.codes && code !== undefined
          ? Object.hasOwn(src.codes, code)
            ? src.codes[code]
            : undefined
          : code
        : isObj(cc) && typeof cc['text'] === 'string'
          ? cc['text']
          : r['valueString'];
    if (typeof text !== 'string' || text.length === 0 || text.length > 256)
      return void bump(this.valueRejected, `value:${name}`, 1);
    return text;
  }

  private addCondition(r: Obj): void {
    const codings = codingsOf(r['code']);
    const known = codings.flatMap((c) => {
      const system = (Object.keys(SYSTEM_URI) as ConditionSystem[]).find((k) => SYSTEM_URI[k] === c.system);
      return system ? [{ system, code: c.code }] : [];
    });
    if (known.length === 0 || known.some((c) => !isValidCode(c.system, c.code))) return this.reject('fhir:code');
    const v = codingsOf(r['verificationStatus'])[0]?.code;
    if (v === 'refuted' || v === 'entered-in-error') return bump(this.ignoredCounts, 'condition-status', 1);
    const s = this.subject(r);
    if (!s) return;
    const keys = known.map((c) => codeKey(SYSTEM_URI[c.system], c.code));
    for (const col of this.condCols) if (keys.some((k) => col.codes.has(k))) s.cells[col.at] = '1';
  }
}

function patientElement(r: Obj, src: PatientSource): string | undefined {
  switch (src.element) {
    case 'id':
      return r['id'] as string;
    case 'birthDate':
    case 'gender':
      return typeof r[src.element] === 'string' ? (r[src.element] as string) : undefined;
    case 'name':
    case 'address':
      // Identifying elements: present or not, their content is never read.
      return Array.isArray(r[src.element]) && (r[src.element] as unknown[]).length > 0 ? '1' : undefined;
    case 'telecom': {
      const t = Array.isArray(r['telecom']) ? r['telecom'] : [];
      return t.some((c) => isObj(c) && (!src.telecomSystem || c['system'] === src.telecomSystem)) ? '1' : undefined;
    }
    case 'postalCode': {
      const a = (Array.isArray(r['address']) ? r['address'] : []).filter(isObj);
      const home = a.find((x) => x['use'] === 'home') ?? a[0];
      return home && typeof home['postalCode'] === 'string' ? home['postalCode'] : undefined;
    }
    case 'identifier': {
      const ids = (Array.isArray(r['identifier']) ? r['identifier'] : []).filter(isObj);
      const hit = ids.find(
        (i) =>
          typeof i['value'] === 'string' &&
          (!src.identifierSystem || i['system'] === src.identifierSystem) &&
          (!src.identifierType || codingsOf(i['type']).some((c) => c.code === src.identifierType)),
      );
      return hit?.['value'] as string | undefined;
    }
  }
}

function effectiveTime(r: Obj): number {
  const p = r['effectivePeriod'];
  const t = r['effectiveDateTime'] ?? r['effectiveInstant'] ?? (isObj(p) ? p['start'] : undefined) ?? r['issued'];
  const ms = typeof t === 'string' ? Date.parse(t) : NaN;
  return Number.isNaN(ms) ? -Infinity : ms;
}

function hasComponent(r: Obj, want: { loinc: string; value: string }): boolean {
  const comps = Array.isArray(r['component']) ? r['component'] : [];
  return comps.some((c) => {
    if (!isObj(c) || !codingsOf(c['code']).some((k) => k.system === LOINC && k.code === want.loinc)) return false;
    const cc = c['valueCodeableConcept'];
    return (
      c['valueString'] === want.value ||
      (isObj(cc) && cc['text'] === want.value) ||
      codingsOf(cc).some((k) => k.code === want.value)
    );
  });
}

function codingsOf(cc: unknown): { system: unknown; code: string }[] {
  if (!isObj(cc) || !Array.isArray(cc['coding'])) return [];
  return cc['coding'].flatMap((c) =>
    isObj(c) && typeof c['code'] === 'string' ? [{ system: c['system'], code: c['code'] }] : [],
  );
}

function codeKey(system: string, code: string): string {
  return `${system}|${code}`;
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function bump(m: Map<string, number>, k: string, n: number): void {
  m.set(k, (m.get(k) ?? 0) + n);
}
