/**
 * A row's label in the layout of its task (core/model/task.ts), by the label
 * column's type: binary 0/1 from a comparison, a class index, L indicators,
 * a scaled regression target, or a survival [time, event]. A cell that cannot
 * be such a label drops the row with a reason naming the column, never the
 * cell. A label is never imputed: its missing policy is always drop-row.
 */
import { declaredScale, isClamped, scaleValue, type DeclaredScale } from './standardize.ts';
import type { Comparison, LabelColumn } from './schema.ts';
import type { LabelLayout } from './types.ts';

/** Why a label drops its row: `${check}:${column}`. */
export type LabelReason = `${'missing' | 'number' | 'range' | 'class' | 'indicator' | 'event'}:${string}`;

interface Cell {
  name: string;
  at: number;
}

export type LabelStep =
  | (Cell & { type: 'binary'; numeric: boolean; isPositive: (v: number | string) => boolean })
  | (Cell & { type: 'survival'; event: Cell })
  | (Cell & { type: 'multiclass'; numeric: boolean; index: ReadonlyMap<number | string, number> })
  | (Cell & { type: 'multilabel'; columns: readonly Cell[] })
  | (Cell & { type: 'regression'; scale: DeclaredScale; min: number; max: number });

/** The label's step; `header` maps every read column (readColumnNames) to its position. */
export function labelStep(c: LabelColumn, header: ReadonlyMap<string, number>): LabelStep {
  const cell = (name: string): Cell => ({ name, at: header.get(name)! });
  switch (c.type) {
    case 'binary': {
      const { op, value } = c.positiveWhen;
      const isPositive = (v: number | string) => compare(v, op, value);
      return { ...cell(c.name), type: 'binary', numeric: typeof value === 'number', isPositive };
    }
    case 'survival':
      return { ...cell(c.name), type: 'survival', event: cell(c.event) };
    case 'multiclass': {
      const index = new Map<number | string, number>(c.classes.map((k, i) => [k, i]));
      return { ...cell(c.name), type: 'multiclass', numeric: typeof c.classes[0] === 'number', index };
    }
    case 'multilabel': {
      const columns = c.columns.map(cell);
      // The set has no column of its own: its first indicator stands for it where a position is needed.
      return { name: c.name, at: columns[0]!.at, type: 'multilabel', columns };
    }
    case 'regression': {
      const [min, max] = c.valid ?? [-Infinity, Infinity];
      return { ...cell(c.name), type: 'regression', scale: declaredScale(c.range[0], c.range[1]), min, max };
    }
  }
}

/** What the label column says `y` holds. */
export function labelLayoutOf(c: LabelColumn): LabelLayout {
  switch (c.type) {
    case 'multiclass':
      return { kind: 'multiclass', classes: c.classes.map(String) };
    case 'multilabel':
      return { kind: 'multilabel', labels: [...c.columns] };
    default:
      return { kind: c.type };
  }
}

/** Values of `y` per row under a layout (labelWidth of its task). */
export function layoutWidth(l: LabelLayout): number {
  return l.kind === 'survival' ? 2 : l.kind === 'multilabel' ? l.labels.length : 1;
}

/**
 * The row's label values, or why the row is dropped; `clamped` is true for a
 * regression target outside its declared range (clamped to it, counted).
 */
export function encodeLabel(
  s: LabelStep,
  cells: readonly string[],
  missing: ReadonlySet<string>,
  parse: (cell: string) => number | undefined,
): { y: number[]; clamped: boolean } | { reason: LabelReason } {
  const read = (c: Cell) => cells[c.at]!.trim();
  if (s.type === 'multilabel') {
    const y: number[] = [];
    for (const c of s.columns) {
      const v = read(c);
      if (missing.has(v)) return { reason: `missing:${c.name}` };
      const b = parse(v);
      if (b !== 0 && b !== 1) return { reason: `indicator:${c.name}` };
      y.push(b);
    }
    return { y, clamped: false };
  }
  const text = read(s);
  if (missing.has(text)) return { reason: `missing:${s.name}` };
  const num = parse(text);
  switch (s.type) {
    case 'binary': {
      const v = s.numeric ? num : text;
      return v === undefined ? { reason: `number:${s.name}` } : { y: [s.isPositive(v) ? 1 : 0], clamped: false };
    }
    case 'multiclass': {
      const k = s.numeric ? num : text;
      const i = k === undefined ? undefined : s.index.get(k);
      return i === undefined ? { reason: `class:${s.name}` } : { y: [i], clamped: false };
    }
    case 'regression':
      if (num === undefined) return { reason: `number:${s.name}` };
      if (num < s.min || num > s.max) return { reason: `range:${s.name}` };
      return { y: [scaleValue(num, s.scale)], clamped: isClamped(num, s.scale) };
    case 'survival': {
      if (num === undefined) return { reason: `number:${s.name}` };
      if (num < 0) return { reason: `range:${s.name}` };
      const e = read(s.event);
      if (missing.has(e)) return { reason: `missing:${s.event.name}` };
      const event = parse(e);
      return event === 0 || event === 1 ? { y: [num, event], clamped: false } : { reason: `event:${s.event.name}` };
    }
  }
}

/** What the intake report says the label became. */
export function labelAction(s: LabelStep): string {
  switch (s.type) {
    case 'binary':
      return 'label (0/1)';
    case 'survival':
      return `survival label: time (days) and event "${s.event.name}" (1 observed, 0 censored)`;
    case 'multiclass':
      return `multi-class label: class index 0-${s.index.size - 1} in declared order`;
    case 'multilabel':
      return `multi-label label: ${s.columns.length} indicators (${s.columns.map((c) => c.name).join(', ')})`;
    case 'regression':
      return `regression target, scaled by [${s.scale.lo}, ${s.scale.hi}]`;
  }
}

function compare(v: number | string, op: Comparison, value: number | string): boolean {
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
