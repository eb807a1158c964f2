/**
 * The FHIR table's plan: for each declared column, which resource it reads
 * and how, indexed the way resources arrive (Observations by LOINC code).
 * Built once from a parsed schema; FHIRPath expressions are compiled here
 * (already checked when the schema was parsed).
 */
import { CohortError } from '../errors.ts';
import { SYSTEM_URI } from './fhir-codes.ts';
import { codeKey } from './fhir-json.ts';
import { compileFhirPath, type FhirPathFn } from './fhir-path.ts';
import type { PickedColumn } from './fhir-rows.ts';
import type { ObservationSource, PatientSource } from './fhir-values.ts';
import type { ColumnSpec, DatasetSchema } from './schema.ts';

export interface PatientColumn {
  at: number;
  name: string;
  src: PatientSource;
  fn: FhirPathFn | undefined;
  /** A `birth-date` quasi column read from birthDate: the cell also carries the date of death. */
  withDeath: boolean;
}

export interface ObservationColumn extends PickedColumn {
  name: string;
  unit: string | undefined;
  src: ObservationSource;
  fn: FhirPathFn | undefined;
}

/** How an Observation code reaches a column: as the column's own code, or (standalone) as its component's code. */
export interface ObservationMatch {
  col: ObservationColumn;
  standalone: boolean;
}

export interface ConditionColumn {
  at: number;
  name: string;
  codes: ReadonlySet<string>;
  /** With a FHIRPath value: picked like an Observation column (else the cell is presence, 1/0). */
  picked: (PickedColumn & { fn: FhirPathFn }) | undefined;
}

export interface FhirColumns {
  patient: PatientColumn[];
  /** By LOINC code of Observation.code. */
  observation: Map<string, ObservationMatch[]>;
  condition: ConditionColumn[];
  /** Every picked column, for merging partial rows. */
  picked: PickedColumn[];
  /** Cell positions of presence (1/0) Condition columns. */
  presenceAt: number[];
}

export function planFhirColumns(schema: DatasetSchema): FhirColumns {
  const unsourced = schema.columns.filter((c) => !c.fhir && c.kind !== 'ignore').map((c) => `"${c.name}"`);
  if (unsourced.length)
    throw new CohortError(
      'E_SCHEMA_INVALID',
      `schema "${schema.id}": reading FHIR needs a "fhir" source on column(s) ${unsourced.join(', ')}`,
    );
  const plan: FhirColumns = { patient: [], observation: new Map(), condition: [], picked: [], presenceAt: [] };
  schema.columns.forEach((c, at) => planColumn(plan, c, at));
  return plan;
}

function planColumn(plan: FhirColumns, c: ColumnSpec, at: number): void {
  const src = c.fhir;
  if (!src) return;
  const fn = src.fhirpath === undefined ? undefined : compileFhirPath(src.fhirpath);
  if (src.resource === 'Patient') {
    const withDeath = c.kind === 'quasi' && c.type === 'birth-date' && src.element === 'birthDate';
    plan.patient.push({ at, name: c.name, src, fn, withDeath });
    return;
  }
  if (src.resource === 'Condition') {
    const codes = new Set(src.codes.map((k) => codeKey(SYSTEM_URI[k.system], k.code)));
    const picked = fn ? { at, slot: plan.picked.length, pick: src.pick, fn } : undefined;
    if (picked) plan.picked.push(picked);
    else plan.presenceAt.push(at);
    plan.condition.push({ at, name: c.name, codes, picked });
    return;
  }
  const unit = c.kind === 'feature' && c.type === 'number' ? c.unit : undefined;
  const col: ObservationColumn = { at, slot: plan.picked.length, pick: src.pick, name: c.name, unit, src, fn };
  plan.picked.push(col);
  index(plan.observation, src.loinc, { col, standalone: false });
  if (src.standalone && src.valueComponent) index(plan.observation, src.valueComponent, { col, standalone: true });
}

function index(m: Map<string, ObservationMatch[]>, loinc: string, match: ObservationMatch): void {
  const list = m.get(loinc) ?? [];
  list.push(match);
  m.set(loinc, list);
}
