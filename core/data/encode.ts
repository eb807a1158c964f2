/**
 * Row de-identification and encoding: matches a header against the schema
 * once, then turns each row of cells into its final feature vector and its
 * label (its task's layout, encode-label.ts), or into a drop reason.
 * Identifier cells are never read past "is it empty", pseudonyms are HMACs,
 * quasi-identifiers leave only generalised values. Reasons and errors name
 * columns, never cells: cells are patient data.
 *
 * A row's encoding depends on that row and the schema only (declared ranges
 * and fills, standardize.ts), never on the other rows.
 */
import { CohortError } from '../errors.ts';
import {
  ageBandIndex,
  ageBandMidpoint,
  ageOn,
  alleleCount,
  parseDate,
  shiftDate,
  zip3,
  type CalendarDate,
} from './generalize.ts';
import {
  encodeLabel,
  labelLayoutOf,
  labelStep,
  layoutWidth,
  type LabelReason,
  type LabelStep,
} from './encode-label.ts';
import type { Pseudonymizer } from './pseudonym.ts';
import {
  AGE_VALID,
  ageBandLabels,
  declaredRange,
  encodedFeatureNames,
  imputeValueOf,
  readColumnNames,
  type ColumnSpec,
  type DatasetSchema,
  type FeatureColumn,
  type LabelColumn,
  type MissingPolicy,
  type QuasiColumn,
} from './schema.ts';
import { declaredScale, isClamped, scaleValue, type DeclaredScale } from './standardize.ts';
import type { LabelLayout } from './types.ts';

/** Why a row was dropped: "cells" (wrong cell count) or `${check}:${column}`. */
export type DropReason =
  'cells' | LabelReason | `${'missing' | 'number' | 'range' | 'category' | 'date' | 'zip' | 'genotype'}:${string}`;

/** What happened to one column's value in one row, tallied per column in the report. */
export const enum Note {
  Missing = 0,
  Done = 1,
  /** Age top-coded into the open band, or ZIP prefix suppressed to "000". */
  Special = 2,
  /** A number outside its declared range, clamped to it. */
  Clamped = 3,
  /** Missing and filled with the declared value ("impute"); the report counts it with Special. */
  Imputed = 4,
}
/** How many Note values there are (tally width). */
export const NOTES = 5;

export type EncodedRow =
  | {
      ok: true;
      /** Final features: numbers scaled by their declared ranges, missing ones filled with their declared values. */
      x: Float64Array;
      /** The label values in the plan's layout (core/model/task.ts), labelWidth of them. */
      y: readonly number[];
      /** The row's pseudonym (HMAC of its join key), when the schema declares one. */
      pseudonym: string | undefined;
      /** Generalised quasi-identifier values of the row, joined (k-anonymity class key); "" if none. */
      quasi: string;
      /** One Note per step (plan.steps order); valid until the next encodeRow call. */
      notes: Uint8Array;
    }
  | { ok: false; reason: DropReason };

/** A header resolved against a schema: where each used column sits and how it encodes. */
export interface RowPlan {
  readonly width: number;
  readonly features: readonly string[];
  readonly label: string;
  /** What `y` holds, from the label column's declaration. */
  readonly labels: LabelLayout;
  /** Values of `y` per row (labelWidth of the layout's task). */
  readonly labelWidth: number;
  readonly steps: readonly Step[];
  readonly missing: ReadonlySet<string>;
  /** Whether any step needs the site secret (pseudonyms, date shifts). */
  readonly needsSecret: boolean;
  /** Columns whose generalised values form the k-anonymity class, in order. */
  readonly quasiColumns: readonly string[];
  /** Header position of each declared column, in schema order: the canonical cell order of a record. */
  readonly order: readonly number[];
}

/**
 * `scale` is the declared range of a step that gives one number (undefined
 * otherwise); `fill` is its scaled value for a missing cell under "impute".
 */
type Common = { name: string; at: number; missing: MissingPolicy; scale: DeclaredScale | undefined; fill: number };
export type Step = Common &
  (
    | { kind: 'identifier' }
    | { kind: 'pseudonym' }
    | { kind: 'number'; out: number; min: number; max: number; quasi: boolean }
    | {
        kind: 'categorical';
        out: number;
        numeric: boolean;
        levels: ReadonlyMap<number | string, number>;
        quasi: boolean;
      }
    | { kind: 'label'; label: LabelStep }
    | {
        kind: 'age';
        out: number;
        use: AgeUse;
        bands: readonly number[];
        labels: readonly string[];
        min: number;
        max: number;
        asOf?: CalendarDate;
      }
    | { kind: 'date'; out: number; use: 'none' | 'number'; shift: number | undefined }
    | { kind: 'zip' }
    | { kind: 'genetic'; out: number; allele: string; carrier: boolean }
  );
type AgeUse = 'none' | 'band-midpoint' | 'band-categorical';

/**
 * Checks that the header holds exactly the declared columns (any order) and
 * builds the plan. Throws E_DATA_COLUMNS naming undeclared, missing or
 * repeated columns: an undeclared column is refused, never passed through.
 * An undeclared cell is named only in a header holding every declared
 * column once, else given by position: the line may be a record.
 */
export function planColumns(header: readonly string[], schema: DatasetSchema): RowPlan {
  const at = new Map<string, number>();
  const repeatedAt: number[] = [];
  header.forEach((h, i) => {
    if (at.has(h)) repeatedAt.push(i);
    else at.set(h, i);
  });
  const read = readColumnNames(schema);
  const declared = new Set(read);
  // No header cell names a declared column: most likely the export has no
  // header and this line is a patient's record, so name nothing from it.
  if (!header.some((h) => declared.has(h))) {
    throw new CohortError(
      'E_DATA_COLUMNS',
      `schema "${schema.id}": no header cell names a declared column (is the header line missing?)`,
    );
  }
  const absent = read.filter((name) => !at.has(name)).map((name) => `"${name}"`);
  // A header is trusted to hold names only when it holds every declared column once: a line that matches
  // some (a transposed export's `name` row, a record holding a value equal to a column's name) may be a
  // patient's record, so its other cells are given by position only (review finding, deidreview).
  const trusted = absent.length === 0 && repeatedAt.length === 0;
  const shown = (h: string, i: number) => (declared.has(h) ? `"${h}"` : trusted ? displayName(h, i) : `#${i + 1}`);
  const undeclared = header.flatMap((h, i) => (declared.has(h) ? [] : [shown(h, i)]));
  const repeated = repeatedAt.map((i) => shown(header[i]!, i));
  const problems = [
    undeclared.length ? `undeclared column(s): ${list(undeclared)}` : '',
    absent.length ? `declared column(s) missing from the header: ${list(absent)}` : '',
    repeated.length ? `repeated column(s): ${list(repeated)}` : '',
  ].filter(Boolean);
  if (problems.length) throw new CohortError('E_DATA_COLUMNS', `schema "${schema.id}": ${problems.join('; ')}`);

  let out = 0;
  const steps = schema.columns.flatMap((c): Step[] => {
    const step = stepFor(c, at, out);
    if (!step) return [];
    out += stepWidth(step);
    return [step];
  });
  // Pseudonyms first: date shifts are keyed by the row's pseudonym.
  steps.sort((a, b) => Number(b.kind === 'pseudonym') - Number(a.kind === 'pseudonym'));
  const label = schema.columns.find((c): c is LabelColumn => c.kind === 'label')!;
  const labels = labelLayoutOf(label);
  return {
    width: header.length,
    features: encodedFeatureNames(schema),
    label: label.name,
    labels,
    labelWidth: layoutWidth(labels),
    steps,
    missing: new Set(['', ...schema.missing]),
    needsSecret: steps.some((s) => s.kind === 'pseudonym' || (s.kind === 'date' && s.shift !== undefined)),
    quasiColumns: steps.filter(isQuasiClassStep).map((s) => s.name),
    order: read.map((name) => at.get(name)!),
  };
}

/**
 * The steps whose values form the k-anonymity class: quasi columns and
 * features declared quasi-identifiers (or read from Patient.gender). Shifted
 * dates are left out: the secret offset already breaks linkage with outside data.
 */
function isQuasiClassStep(s: Step): boolean {
  if (s.kind === 'number' || s.kind === 'categorical') return s.quasi;
  return s.kind === 'age' || s.kind === 'zip' || (s.kind === 'date' && s.shift === undefined);
}

/**
 * De-identifies and encodes one row; the first failing column (pseudonyms
 * first, then declared order) gives the reason. `keys` is needed when the
 * plan has pseudonym or date-shift steps.
 */
export function encodeRow(cells: readonly string[], plan: RowPlan, keys?: Pseudonymizer): EncodedRow {
  if (cells.length !== plan.width) return { ok: false, reason: 'cells' };
  if (plan.needsSecret && !keys)
    throw new CohortError('E_INTAKE_SECRET', 'this schema pseudonymises or shifts dates: a site secret is required');
  const row: RowSoFar = {
    x: new Float64Array(plan.features.length),
    notes: new Uint8Array(plan.steps.length),
    y: [],
    pseudonym: undefined,
    quasi: '',
  };
  for (let k = 0; k < plan.steps.length; k++) {
    const s = plan.steps[k]!;
    if (s.kind === 'label') {
      const r = encodeLabel(s.label, cells, plan.missing, parseDecimal);
      if ('reason' in r) return { ok: false, reason: r.reason };
      row.y = r.y;
      row.notes[k] = r.clamped ? Note.Clamped : Note.Done;
      continue;
    }
    const cell = cells[s.at]!.trim();
    if (s.kind === 'identifier') {
      row.notes[k] = plan.missing.has(cell) ? Note.Missing : Note.Done;
      continue;
    }
    if (plan.missing.has(cell)) {
      if (s.missing === 'drop-row') return { ok: false, reason: `missing:${s.name}` };
      if (s.missing === 'impute') {
        // The schema allows "impute" only on steps that give one number.
        if ('out' in s) row.x[s.out] = s.fill;
        row.notes[k] = Note.Imputed;
      } // 'keep': nothing to write
      if (isQuasiClassStep(s)) row.quasi += '\u0000*';
      continue;
    }
    row.notes[k] = Note.Done;
    const dropped = encodeCell(s, k, cell, row, keys);
    if (dropped) return { ok: false, reason: dropped };
  }
  return { ok: true, x: row.x, y: row.y, pseudonym: row.pseudonym, quasi: row.quasi.slice(1), notes: row.notes };
}

/** One row's encoding as its columns are read. */
interface RowSoFar {
  x: Float64Array;
  notes: Uint8Array;
  y: number[];
  pseudonym: string | undefined;
  quasi: string;
}

/** Encodes one present cell of step `k` into `row`; the reason to drop the row, if the cell is invalid. */
function encodeCell(s: Step, k: number, cell: string, row: RowSoFar, keys?: Pseudonymizer): DropReason | undefined {
  switch (s.kind) {
    case 'identifier':
    case 'label': // encodeLabel
      return undefined;
    case 'pseudonym':
      row.pseudonym ??= keys!.pseudonym(cell);
      return undefined;
    case 'number': {
      const v = parseDecimal(cell);
      if (v === undefined) return `number:${s.name}`;
      if (v < s.min || v > s.max) return `range:${s.name}`;
      row.x[s.out] = scaleValue(v, s.scale!);
      if (isClamped(v, s.scale!)) row.notes[k] = Note.Clamped;
      if (s.quasi) row.quasi += `\u0000${v}`;
      return undefined;
    }
    case 'categorical': {
      const key = s.numeric ? parseDecimal(cell) : cell;
      const level = key === undefined ? undefined : s.levels.get(key);
      if (level === undefined) return `category:${s.name}`;
      if (level > 0) row.x[s.out + level - 1] = 1;
      // The declared category, never the cell's own spelling ("1.0" for 1).
      if (s.quasi) row.quasi += `\u0000${key}`;
      return undefined;
    }
    case 'age':
      return encodeAge(s, k, cell, row);
    case 'date':
      return encodeDate(s, k, cell, row, keys);
    case 'zip': {
      const z = zip3(cell);
      if (z === undefined) return `zip:${s.name}`;
      if (z === '000') row.notes[k] = Note.Special;
      row.quasi += `\u0000${z}`;
      return undefined;
    }
    case 'genetic': {
      const n = alleleCount(cell, s.allele);
      if (n === undefined) return `genotype:${s.name}`;
      row.x[s.out] = scaleValue(s.carrier ? Math.min(n, 1) : n, s.scale!);
      return undefined;
    }
  }
}

function before(a: CalendarDate, b: CalendarDate): boolean {
  return a.year !== b.year ? a.year < b.year : a.month !== b.month ? a.month < b.month : a.day < b.day;
}

/** An age (or a birth date, as of the schema's date or at death if earlier) as its band: a feature and part of the k-anonymity class. */
function encodeAge(s: Step & { kind: 'age' }, k: number, cell: string, row: RowSoFar): DropReason | undefined {
  let age: number | undefined;
  if (s.asOf) {
    // "birth" or the ISO 8601 interval "birth/death": a patient's age stops at death (the FHIR reader writes
    // deceasedDateTime so; a CSV may too), so one who died at 61 in 1989 is 61, not 90+.
    const [b, d, extra] = cell.split('/');
    const birth = parseDate(b!);
    const death = d === undefined ? undefined : parseDate(d);
    if (!birth || extra !== undefined || (d !== undefined && (!death || before(death, birth)))) return `date:${s.name}`;
    age = ageOn(birth, death && before(death, s.asOf) ? death : s.asOf);
  } else {
    age = parseDecimal(cell);
    if (age === undefined) return `number:${s.name}`;
  }
  if (age < s.min || age > s.max) return `range:${s.name}`;
  const band = ageBandIndex(age, s.bands);
  if (band === s.bands.length - 1) row.notes[k] = Note.Special;
  if (s.use === 'band-midpoint') row.x[s.out] = scaleValue(ageBandMidpoint(band, s.bands), s.scale!);
  else if (s.use === 'band-categorical' && band > 0) row.x[s.out + band - 1] = 1;
  row.quasi += `\u0000${s.labels[band]}`;
  return undefined;
}

/** A date as its year, shifted by the pseudonym's secret offset when the schema says so. */
function encodeDate(
  s: Step & { kind: 'date' },
  k: number,
  cell: string,
  row: RowSoFar,
  keys?: Pseudonymizer,
): DropReason | undefined {
  const d = parseDate(cell);
  if (!d) return `date:${s.name}`;
  // A row without a pseudonym was dropped above (pseudonyms are drop-row and come first).
  const year = s.shift === undefined ? d.year : shiftDate(d, keys!.shiftDays(row.pseudonym!, s.shift)).year;
  if (s.shift === undefined) row.quasi += `\u0000${d.year}`;
  if (s.use === 'number') {
    row.x[s.out] = scaleValue(year, s.scale!);
    if (isClamped(year, s.scale!)) row.notes[k] = Note.Clamped;
  }
  return undefined;
}

/**
 * Strict decimal syntax. `Number()` alone would accept "", " ", "0x1F",
 * "Infinity" and "1_000"-like surprises as numbers.
 */
export function parseDecimal(cell: string): number | undefined {
  if (!/^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/.test(cell)) return undefined;
  const v = Number(cell);
  return Number.isFinite(v) ? v : undefined;
}

/** How many model inputs a step gives (its slice of `x` starts at its `out`). */
export function stepWidth(s: Step): number {
  switch (s.kind) {
    case 'number':
    case 'genetic':
      return 1;
    case 'categorical':
      return s.levels.size - 1;
    case 'age':
      return s.use === 'none' ? 0 : s.use === 'band-midpoint' ? 1 : s.bands.length - 1;
    case 'date':
      return s.use === 'number' ? 1 : 0;
    default:
      return 0;
  }
}

function stepFor(c: ColumnSpec, header: ReadonlyMap<string, number>, out: number): Step | undefined {
  const at = header.get(c.name)!;
  const range = declaredRange(c);
  const scale = range && declaredScale(range[0], range[1]);
  const fillRaw = imputeValueOf(c);
  const common: Common = {
    name: c.name,
    at,
    missing: 'missing' in c ? c.missing : 'drop-row',
    scale,
    fill: scale && fillRaw !== undefined ? scaleValue(fillRaw, scale) : 0,
  };
  switch (c.kind) {
    case 'ignore':
      return undefined;
    case 'identifier':
      return { ...common, kind: 'identifier' };
    case 'pseudonym':
      return { ...common, kind: 'pseudonym' };
    case 'feature':
      if (c.type === 'number') {
        const [min, max] = c.valid ?? [-Infinity, Infinity];
        return { ...common, kind: 'number', out, min, max, quasi: isQuasiFeature(c) };
      }
      return {
        ...common,
        kind: 'categorical',
        out,
        numeric: typeof c.categories[0] === 'number',
        levels: new Map<number | string, number>(c.categories.map((k, level) => [k, level])),
        quasi: isQuasiFeature(c),
      };
    case 'label': {
      const label = labelStep(c, header);
      return { ...common, at: label.at, kind: 'label', label };
    }
    case 'quasi':
      return quasiStep(c, common, out);
    case 'genetic':
      return { ...common, kind: 'genetic', out, allele: c.allele, carrier: c.derive === 'carrier' };
  }
}

/** Declared a quasi-identifier, or read from Patient.gender (always one: sex narrows every class). */
function isQuasiFeature(c: FeatureColumn): boolean {
  return c.quasiIdentifier === true || (c.fhir?.resource === 'Patient' && c.fhir.element === 'gender');
}

function quasiStep(c: QuasiColumn, common: Common, out: number): Step {
  switch (c.type) {
    case 'age':
    case 'birth-date': {
      // Both give an age: a birth date's is checked against AGE_VALID, an age column's against its `valid` (same default).
      const [min, max] = c.type === 'age' ? (c.valid ?? AGE_VALID) : AGE_VALID;
      const asOf = c.type === 'birth-date' ? { asOf: parseDate(c.asOf)! } : {};
      return {
        ...common,
        kind: 'age',
        out,
        use: c.use,
        bands: c.bands,
        labels: ageBandLabels(c.bands),
        min,
        max,
        ...asOf,
      };
    }
    case 'date':
      return { ...common, kind: 'date', out, use: c.use, shift: c.generalize === 'shift' ? c.maxShiftDays : undefined };
    case 'zip':
      return { ...common, kind: 'zip' };
  }
}

/**
 * A header cell is named in errors only when it looks like a column name. A
 * file exported without a header has a patient's row in its first line, and
 * that must not end up in an error message or a log.
 */
function displayName(h: string, i: number): string {
  return /^\p{L}[\p{L}\p{N}_.() -]{0,63}$/u.test(h) ? `"${h}"` : `#${i + 1} (name withheld: not a column name)`;
}

function list(xs: readonly string[], max = 10): string {
  return xs.length <= max ? xs.join(', ') : `${xs.slice(0, max).join(', ')} and ${xs.length - max} more`;
}
