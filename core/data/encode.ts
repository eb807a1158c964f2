/**
 * Row encoding: matches a header against the schema once, then turns each row
 * of cells into a feature vector and a 0/1 label, or into a drop reason.
 * Reasons and errors name columns, never cells: cells are patient data.
 */
import { CohortError } from '../errors.ts';
import { encodedFeatureNames, type ColumnSpec, type DatasetSchema, type LabelColumn } from './schema.ts';

/** Why a row was dropped: "cells" (wrong cell count) or `${check}:${column}`. */
export type DropReason = 'cells' | `${'missing' | 'number' | 'range' | 'category'}:${string}`;

export type EncodedRow = { ok: true; x: Float64Array; y: 0 | 1 } | { ok: false; reason: DropReason };

/** A header resolved against a schema: where each used column sits and how it encodes. */
export interface RowPlan {
  readonly width: number;
  readonly features: readonly string[];
  readonly label: string;
  readonly steps: readonly Step[];
  readonly missing: ReadonlySet<string>;
}

type Step =
  | { kind: 'number'; name: string; at: number; out: number; min: number; max: number }
  | { kind: 'categorical'; name: string; at: number; out: number; numeric: boolean; levels: ReadonlyMap<number | string, number> }
  | { kind: 'label'; name: string; at: number; numeric: boolean; isPositive: (v: number | string) => boolean };

/**
 * Checks that the header holds exactly the declared columns (any order) and
 * builds the plan. Throws E_DATA_COLUMNS naming undeclared, missing or
 * repeated columns.
 */
export function planColumns(header: readonly string[], schema: DatasetSchema): RowPlan {
  const at = new Map<string, number>();
  const repeated: string[] = [];
  header.forEach((h, i) => {
    if (at.has(h)) repeated.push(displayName(h, i));
    else at.set(h, i);
  });
  const declared = new Set(schema.columns.map((c) => c.name));
  // No header cell names a declared column: most likely the export has no
  // header and this line is a patient's record, so name nothing from it.
  if (!header.some((h) => declared.has(h))) {
    throw new CohortError('E_DATA_COLUMNS', `schema "${schema.id}": no header cell names a declared column (is the header line missing?)`);
  }
  const undeclared = header.flatMap((h, i) => (declared.has(h) ? [] : [displayName(h, i)]));
  const absent = schema.columns.filter((c) => !at.has(c.name)).map((c) => `"${c.name}"`);
  const problems = [
    undeclared.length ? `undeclared column(s): ${list(undeclared)}` : '',
    absent.length ? `declared column(s) missing from the header: ${list(absent)}` : '',
    repeated.length ? `repeated column(s): ${list(repeated)}` : '',
  ].filter(Boolean);
  if (problems.length) throw new CohortError('E_DATA_COLUMNS', `schema "${schema.id}": ${problems.join('; ')}`);

  let out = 0;
  const steps = schema.columns.flatMap((c): Step[] => {
    const i = at.get(c.name)!;
    const step = stepFor(c, i, out);
    if (step?.kind === 'number') out += 1;
    if (step?.kind === 'categorical') out += step.levels.size - 1;
    return step ? [step] : [];
  });
  const label = schema.columns.find((c): c is LabelColumn => c.kind === 'label')!;
  return {
    width: header.length,
    features: encodedFeatureNames(schema),
    label: label.name,
    steps,
    missing: new Set(['', ...schema.missing]),
  };
}

/** Encodes one row; the first failing column (in declared order) gives the reason. */
export function encodeRow(cells: readonly string[], plan: RowPlan): EncodedRow {
  if (cells.length !== plan.width) return { ok: false, reason: 'cells' };
  const x = new Float64Array(plan.features.length);
  let y: 0 | 1 = 0;
  for (const s of plan.steps) {
    const cell = cells[s.at]!.trim();
    if (plan.missing.has(cell)) return { ok: false, reason: `missing:${s.name}` };
    switch (s.kind) {
      case 'number': {
        const v = parseDecimal(cell);
        if (v === undefined) return { ok: false, reason: `number:${s.name}` };
        if (v < s.min || v > s.max) return { ok: false, reason: `range:${s.name}` };
        x[s.out] = v;
        break;
      }
      case 'categorical': {
        const key = s.numeric ? parseDecimal(cell) : cell;
        const level = key === undefined ? undefined : s.levels.get(key);
        if (level === undefined) return { ok: false, reason: `category:${s.name}` };
        if (level > 0) x[s.out + level - 1] = 1;
        break;
      }
      case 'label': {
        const v = s.numeric ? parseDecimal(cell) : cell;
        if (v === undefined) return { ok: false, reason: `number:${s.name}` };
        y = s.isPositive(v) ? 1 : 0;
        break;
      }
    }
  }
  return { ok: true, x, y };
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

function stepFor(c: ColumnSpec, at: number, out: number): Step | undefined {
  switch (c.kind) {
    case 'ignore':
      return undefined;
    case 'feature':
      if (c.type === 'number') {
        return { kind: 'number', name: c.name, at, out, min: c.range?.[0] ?? -Infinity, max: c.range?.[1] ?? Infinity };
      }
      return {
        kind: 'categorical',
        name: c.name,
        at,
        out,
        numeric: typeof c.categories[0] === 'number',
        levels: new Map<number | string, number>(c.categories.map((k, level) => [k, level])),
      };
    case 'label': {
      const { op, value } = c.positiveWhen;
      return { kind: 'label', name: c.name, at, numeric: typeof value === 'number', isPositive: (v) => compare(v, op, value) };
    }
  }
}

function compare(v: number | string, op: LabelColumn['positiveWhen']['op'], value: number | string): boolean {
  switch (op) {
    case '>':
      return v > value;
    case '>=':
      return v >= value;
    case '==':
      return v === value;
    case '!=':
      return v !== value;
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
