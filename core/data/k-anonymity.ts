/**
 * k-anonymity of the generalised quasi-identifier combination (Sweeney,
 * "k-anonymity: a model for protecting privacy", 2002): k is the size of the
 * smallest equivalence class of rows sharing all quasi values. The report
 * holds class sizes only, never a class's values: a class of one is the quasi
 * part of one patient's record.
 */
import type { KAnonymity } from './types.ts';

/** Classes below this size are flagged (a common floor in health-data release practice). */
export const DEFAULT_K_THRESHOLD = 5;
/** Smallest classes listed in the report. */
export const MAX_LISTED_CLASSES = 10;
/** Separator of quasi values inside a class key (cannot occur in a generalised value). */
export const QUASI_SEPARATOR = '\u0000';

export function kAnonymity(
  classes: ReadonlyMap<string, number>,
  columns: readonly string[],
  threshold: number,
  listed = MAX_LISTED_CLASSES,
): KAnonymity {
  let classesBelow = 0;
  let rowsBelow = 0;
  for (const n of classes.values()) {
    if (n < threshold) {
      classesBelow++;
      rowsBelow += n;
    }
  }
  const smallest = [...classes.values()].sort((m, n) => m - n).slice(0, listed);
  const kWithout = Object.fromEntries(columns.map((c, j) => [c, smallestClass(merged(classes, j))]));
  return {
    columns,
    k: smallestClass(classes),
    classes: classes.size,
    threshold,
    classesBelow,
    rowsBelow,
    smallest,
    kWithout,
  };
}

function smallestClass(classes: ReadonlyMap<string, number>): number {
  let k = Infinity;
  for (const n of classes.values()) if (n < k) k = n;
  return classes.size === 0 ? 0 : k;
}

/** The classes with the j-th quasi value left out of every key. */
function merged(classes: ReadonlyMap<string, number>, j: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const [key, n] of classes) {
    const values = key.split(QUASI_SEPARATOR);
    values.splice(j, 1);
    const k = values.join(QUASI_SEPARATOR);
    out.set(k, (out.get(k) ?? 0) + n);
  }
  return out;
}
