/**
 * k-anonymity of the generalised quasi-identifier combination (Sweeney,
 * "k-anonymity: a model for protecting privacy", 2002): k is the size of the
 * smallest equivalence class of rows sharing all quasi values.
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
  let k = Infinity;
  let classesBelow = 0;
  let rowsBelow = 0;
  for (const n of classes.values()) {
    if (n < k) k = n;
    if (n < threshold) {
      classesBelow++;
      rowsBelow += n;
    }
  }
  const smallest = [...classes]
    .sort(([a, m], [b, n]) => m - n || (a < b ? -1 : 1))
    .slice(0, listed)
    .map(([key, count]) => ({ values: key.split(QUASI_SEPARATOR), count }));
  return {
    columns,
    k: classes.size === 0 ? 0 : k,
    classes: classes.size,
    threshold,
    classesBelow,
    rowsBelow,
    smallest,
  };
}
