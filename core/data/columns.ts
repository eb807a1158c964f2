/**
 * What each declared column of a dataset schema gives the model: nothing, one
 * number (with the declared range it is scaled by) or a one-hot block, and the
 * names of the encoded features. Read from the schema only, never from records.
 */
import { ageBandMidpoint } from './generalize.ts';
import type { ColumnSpec } from './schema.ts';

/**
 * The declared range [lo, hi] a column's one model number is scaled by, or
 * undefined for a column that gives none (or a one-hot block). Taken from the
 * schema only: `range` of a number feature or a date used as a number, the
 * first and last band midpoints of an age, 0 to 2 allele copies (0 to 1 for a
 * carrier flag).
 */
export function declaredRange(c: ColumnSpec): readonly [number, number] | undefined {
  if (outputOf(c) !== 'number') return undefined;
  switch (c.kind) {
    case 'feature':
      return c.type === 'number' ? c.range : undefined;
    case 'quasi':
      if (c.type === 'date') return c.range;
      if (c.type === 'age' || c.type === 'birth-date')
        return [ageBandMidpoint(0, c.bands), ageBandMidpoint(c.bands.length - 1, c.bands)];
      return undefined;
    case 'genetic':
      return [0, c.derive === 'carrier' ? 1 : 2];
    default:
      return undefined;
  }
}

/** What a missing value becomes under policy "impute": the declared `impute`, or the middle of the declared range. */
export function imputeValueOf(c: ColumnSpec): number | undefined {
  const r = declaredRange(c);
  if (!r || !('missing' in c) || c.missing !== 'impute') return undefined;
  return 'impute' in c && c.impute !== undefined ? c.impute : (r[0] + r[1]) / 2;
}

/** Encoded feature names of `columns` in order (see encodedFeatureNames in schema.ts). */
export function encodedColumnNames(columns: readonly ColumnSpec[]): string[] {
  return columns.flatMap((c) => {
    switch (c.kind) {
      case 'feature':
        return c.type === 'number' ? [c.name] : c.categories.slice(1).map((k) => `${c.name}_${k}`);
      case 'quasi':
        if (c.use === 'band-categorical')
          return ageBandLabels(c.bands)
            .slice(1)
            .map((b) => `${c.name}_${b}`);
        return c.use === 'none' ? [] : [c.name];
      case 'genetic':
        return [c.name];
      default:
        return [];
    }
  });
}

/** What a column gives the model: nothing, one number, or a one-hot block. */
export function outputOf(c: ColumnSpec): 'none' | 'number' | 'one-hot' {
  switch (c.kind) {
    case 'feature':
      return c.type === 'number' ? 'number' : 'one-hot';
    case 'quasi':
      return c.use === 'none' ? 'none' : c.use === 'band-categorical' ? 'one-hot' : 'number';
    case 'genetic':
      return 'number';
    default:
      return 'none';
  }
}

/** "0-9", "10-19", ..., "90+" for lower edges [0, 10, ..., 90]. */
export function ageBandLabels(bands: readonly number[]): string[] {
  return bands.map((b, i) => (i + 1 < bands.length ? `${b}-${bands[i + 1]! - 1}` : `${b}+`));
}
