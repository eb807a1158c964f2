/**
 * FHIR R4 resources -> the one-row-per-patient table the CSV path produces,
 * following each column's declared `fhir` source. Pure: resources come in one
 * at a time (from Bundles or NDJSON lines, client/intake/fhir.ts), in any
 * order, and per reference key only a row's cells are kept, never a resource,
 * so memory is one row per key. References are resolved when rows are read
 * (fhir-refs.ts, fhir-rows.ts). Name, telecom and address are only ever read
 * as present/absent. Malformed resources are counted by reason, never echoed.
 */
import { isLoincCode, isValidCode, LOINC, SYSTEM_URI } from './fhir-codes.ts';
import { planFhirColumns, type FhirColumns, type ObservationMatch } from './fhir-columns.ts';
import { bump, codeKey, codingsOf, effectiveTime, isObj, objectsOf, type Obj } from './fhir-json.ts';
import { fhirPathCell } from './fhir-path.ts';
import { aliasTarget, FHIR_ID, isFinalKey, referenceKey, resolveKey } from './fhir-refs.ts';
import { mergeRow, newRow, offer, type PickedColumn, type RowState } from './fhir-rows.ts';
import { componentOf, deathDate, hasComponent, patientElement, valueOf, type ValueOutcome } from './fhir-values.ts';
import type { ConditionSystem, DatasetSchema } from './schema.ts';

/** Most distinct patients and unresolved reference keys together; bounds the table's memory. */
export const MAX_PATIENTS = 2_000_000;

/** Record-level rejection reasons (the resource is not used). */
export type FhirRejection =
  | 'fhir:json'
  | 'fhir:line-too-long'
  | 'fhir:bundle-json'
  | 'fhir:bundle-type'
  | 'fhir:entry-too-large'
  | 'fhir:resource-type'
  | 'fhir:patient-id'
  | 'fhir:duplicate-patient'
  | 'fhir:reference'
  | 'fhir:contained-patient'
  | 'fhir:unknown-patient'
  | 'fhir:code'
  | 'fhir:too-many-patients';

const CONDITION_SYSTEM_OF = new Map(
  (Object.keys(SYSTEM_URI) as ConditionSystem[]).map((k) => [SYSTEM_URI[k], k] as const),
);

export class FhirTable {
  readonly header: readonly string[];
  private readonly cols: FhirColumns;
  /** Rows under "Patient/<id>": a Patient's, or one referred to before (or without) its Patient. */
  private readonly patients = new Map<string, RowState>();
  /** Partial rows under keys that resolve only at the end (urn:uuid, absolute URLs): fhir-rows.ts. */
  private readonly partials = new Map<string, RowState>();
  /** Patients in the order their Patient resources came: rows do not depend on which file is read first. */
  private readonly order: RowState[] = [];
  private readonly rejected = new Map<string, number>();
  private readonly valueRejected = new Map<string, number>();
  private readonly ignoredCounts = new Map<string, number>();
  /** Bundle fullUrl keys of Patient entries -> "Patient/<id>". */
  private readonly aliases = new Map<string, string>();
  /** Records taken in: every resource added (or contained in a Patient and read) and every record that never became one. */
  private recordsRead = 0;

  constructor(schema: DatasetSchema) {
    this.header = schema.columns.map((c) => c.name);
    this.cols = planFhirColumns(schema);
  }

  /** A record that never became a resource (unparseable or over-long line, a Bundle the reader refused). */
  reject(reason: FhirRejection, n = 1): void {
    if (n <= 0) return;
    this.recordsRead += n;
    bump(this.rejected, reason, n);
  }

  /** A resource already counted as read, not used. */
  private drop(reason: FhirRejection): void {
    bump(this.rejected, reason);
  }

  /** Registers a Bundle entry's fullUrl for a Patient, so references by it resolve (before or after this call). */
  alias(fullUrl: unknown, resource: unknown): void {
    const a = aliasTarget(fullUrl, resource);
    if (a) this.aliases.set(a[0], a[1]);
  }

  /** The resource types read, each with its reader (a Map: a resourceType such as "constructor" finds nothing). */
  private readonly readers = new Map<string, (r: Obj, container?: string) => void>([
    ['Patient', (r) => this.addPatient(r)],
    ['Observation', (r, container) => this.addObservation(r, container)],
    ['Condition', (r, container) => this.addCondition(r, container)],
  ]);

  add(resource: unknown): void {
    this.recordsRead++;
    if (!isObj(resource) || typeof resource['resourceType'] !== 'string') return this.drop('fhir:resource-type');
    const read = this.readers.get(resource['resourceType']);
    // Other resource types are not read; counted so the report shows them.
    if (read) read(resource);
    else bump(this.ignoredCounts, 'other-resource-type');
  }

  /** Rows of patients that have a Patient resource, every resolvable reference merged in. */
  *rows(): Iterable<string[]> {
    this.resolve();
    for (const s of this.order) yield s.cells;
  }

  counts(): {
    recordsRejected: Record<string, number>;
    valuesRejected: Record<string, number>;
    ignored: Record<string, number>;
    recordsRead: number;
  } {
    this.resolve();
    let unknown = 0;
    for (const s of this.patients.values()) if (!s.hasPatient) unknown += s.refs;
    for (const s of this.partials.values()) unknown += s.refs;
    const rejected = new Map(this.rejected);
    if (unknown > 0) rejected.set('fhir:unknown-patient', unknown);
    return {
      recordsRejected: Object.fromEntries(rejected),
      valuesRejected: Object.fromEntries(this.valueRejected),
      ignored: Object.fromEntries(this.ignoredCounts),
      recordsRead: this.recordsRead,
    };
  }

  /** Merges each partial row whose key now names a Patient into that Patient's row; the rest stay unknown. */
  private resolve(): void {
    for (const [key, p] of this.partials) {
      const target = this.patients.get(resolveKey(key, this.aliases));
      if (!target?.hasPatient) continue;
      mergeRow(target, p, this.cols.picked, this.cols.presenceAt);
      this.partials.delete(key);
    }
  }

  private newRow(): RowState | undefined {
    if (this.patients.size + this.partials.size >= MAX_PATIENTS) return undefined;
    return newRow(this.header.length, this.cols.picked.length, this.cols.presenceAt);
  }

  private rowFor(map: Map<string, RowState>, key: string): RowState | undefined {
    let s = map.get(key);
    if (!s) {
      s = this.newRow();
      if (s) map.set(key, s);
    }
    return s;
  }

  private addPatient(r: Obj): void {
    const id = r['id'];
    if (typeof id !== 'string' || !FHIR_ID.test(id)) return this.drop('fhir:patient-id');
    const key = `Patient/${id}`;
    const s = this.rowFor(this.patients, key);
    if (!s) return this.drop('fhir:too-many-patients');
    if (s.hasPatient) return this.drop('fhir:duplicate-patient');
    s.hasPatient = true;
    s.refs = 0;
    this.order.push(s);
    for (const col of this.cols.patient) s.cells[col.at] = this.patientCell(r, col) ?? '';
    // Resources contained in the Patient refer to it as "#" (FHIR R4 3.2.0 "Contained Resources").
    for (const c of objectsOf(r['contained'])) {
      if (c['resourceType'] !== 'Observation' && c['resourceType'] !== 'Condition') continue;
      this.recordsRead++;
      this.readers.get(c['resourceType'])!(c, key);
    }
  }

  private patientCell(r: Obj, col: FhirColumns['patient'][number]): string | undefined {
    if (col.fn) return this.pathCell(col.fn, r, col.name);
    const cell = patientElement(r, col.src);
    if (!col.withDeath || cell === undefined) return cell;
    // The cell a birth-date column reads: "birth" or the ISO 8601 interval "birth/death" (encode.ts ages at death).
    const death = deathDate(r);
    if (death === 'unknown') return void bump(this.valueRejected, `deceased-undated:${col.name}`);
    return death === undefined ? cell : `${cell}/${death}`;
  }

  private pathCell(fn: (r: unknown) => unknown[], r: Obj, name: string): string | undefined {
    const cell = fhirPathCell(fn, r);
    if (cell === 'reject') return void bump(this.valueRejected, `fhirpath:${name}`);
    return cell;
  }

  /** The row a resource's subject refers to (the container's when contained), or undefined after counting why not. */
  private subject(r: Obj, container: string | undefined): RowState | undefined {
    const subject = r['subject'];
    const ref = isObj(subject) ? subject['reference'] : undefined;
    if (container && (ref === undefined || ref === '#')) return this.patients.get(container);
    if (typeof ref !== 'string') return void this.drop('fhir:reference');
    if (ref.startsWith('#')) {
      // A contained Patient has no identity outside this resource: it cannot be joined to a row.
      const inner = objectsOf(r['contained']).find((c) => `#${String(c['id'])}` === ref);
      return void this.drop(inner?.['resourceType'] === 'Patient' ? 'fhir:contained-patient' : 'fhir:reference');
    }
    const key = referenceKey(ref);
    if (!key) return void this.drop('fhir:reference');
    const alias = this.aliases.get(key);
    const s = alias || isFinalKey(key) ? this.rowFor(this.patients, alias ?? key) : this.rowFor(this.partials, key);
    if (!s) return void this.drop('fhir:too-many-patients');
    if (!s.hasPatient) s.refs++;
    return s;
  }

  private addObservation(r: Obj, container?: string): void {
    const codes = codingsOf(r['code']).filter((c) => c.system === LOINC);
    if (codes.length === 0 || !codes.every((c) => isLoincCode(c.code))) return this.drop('fhir:code');
    if (r['status'] === 'entered-in-error' || r['status'] === 'cancelled')
      return bump(this.ignoredCounts, 'observation-status');
    const matches = codes.flatMap((c) => this.cols.observation.get(c.code) ?? []);
    if (matches.length === 0) return bump(this.ignoredCounts, 'observation-undeclared-code');
    const s = this.subject(r, container);
    if (!s) return;
    const when = effectiveTime(r);
    for (const m of matches) {
      if (m.col.src.component && !hasComponent(r, m.col.src.component)) continue;
      const cell = this.countOutcome(this.observationValue(r, m), m.col.name);
      if (cell !== undefined) this.offer(s, m.col, when, cell, m.col.name);
    }
  }

  private observationValue(r: Obj, { col, standalone }: ObservationMatch): ValueOutcome {
    if (col.fn) {
      const cell = fhirPathCell(col.fn, r);
      return cell === 'reject' ? { reject: 'value' } : cell === undefined ? undefined : { cell };
    }
    if (!col.src.valueComponent || standalone) return valueOf(r, col.src, col.unit);
    const component = componentOf(r, col.src.valueComponent);
    // A panel without the declared component (or with it empty) is a value that could not be read.
    return component ? valueOf(component, col.src, col.unit) : { reject: 'value' };
  }

  private countOutcome(v: ValueOutcome, name: string): string | undefined {
    if (v === undefined) return undefined;
    if ('reject' in v) return void bump(this.valueRejected, `${v.reject}:${name}`);
    return v.cell;
  }

  /** Offers a cell to a picked column: by time for latest/earliest, by value (which must be a number) for min/max. */
  private offer(s: RowState, col: PickedColumn, when: number, cell: string, name: string): void {
    if (col.pick === 'min' || col.pick === 'max') {
      const v = Number(cell);
      if (!Number.isFinite(v)) return bump(this.valueRejected, `value:${name}`);
      offer(s, col, v, cell);
    } else offer(s, col, when, cell);
  }

  private addCondition(r: Obj, container?: string): void {
    const known = codingsOf(r['code']).flatMap((c) => {
      const system = typeof c.system === 'string' ? CONDITION_SYSTEM_OF.get(c.system) : undefined;
      return system ? [{ system, code: c.code }] : [];
    });
    if (known.length === 0 || known.some((c) => !isValidCode(c.system, c.code))) return this.drop('fhir:code');
    const v = codingsOf(r['verificationStatus'])[0]?.code;
    if (v === 'refuted' || v === 'entered-in-error') return bump(this.ignoredCounts, 'condition-status');
    const s = this.subject(r, container);
    if (!s) return;
    const keys = known.map((c) => codeKey(SYSTEM_URI[c.system], c.code));
    for (const col of this.cols.condition) {
      if (!keys.some((k) => col.codes.has(k))) continue;
      if (!col.picked) {
        s.cells[col.at] = '1';
        continue;
      }
      const cell = this.pathCell(col.picked.fn, r, col.name);
      if (cell !== undefined) this.offer(s, col.picked, effectiveTime(r), cell, col.name);
    }
  }
}
