/**
 * A patient's row while resources are read: the cells, and for each column
 * picked among several resources (an Observation column, a Condition column
 * with a FHIRPath value) the key that won so far. Resources referring to a
 * patient by a key not yet resolvable (a urn:uuid before its Bundle alias,
 * an Observation before its Patient) fill a partial row under that key; the
 * partial is merged into the Patient's row by the same pick rules when rows
 * are read, so the result does not depend on the order resources came in.
 */

export type PickRule = 'latest' | 'earliest' | 'min' | 'max';

/** A column whose cell is picked among several resources: its cell position, its rank slot and its rule. */
export interface PickedColumn {
  at: number;
  slot: number;
  pick: PickRule;
}

export interface RowState {
  /** Whether this row is a Patient's (else a partial row under a reference key). */
  hasPatient: boolean;
  /** Resources that referred to this key (counted as unknown-patient if it never resolves). */
  refs: number;
  cells: string[];
  /** Per picked column: the effective time or value that won so far (NaN: none yet). */
  rank: Float64Array;
}

export function newRow(width: number, slots: number, presenceAt: readonly number[]): RowState {
  const cells = new Array<string>(width).fill('');
  // A presence column (Condition with any of the codes) is "0" until a matching resource says otherwise.
  for (const at of presenceAt) cells[at] = '0';
  return { hasPatient: false, refs: 0, cells, rank: new Float64Array(slots).fill(NaN) };
}

/** Whether key `next` beats `prev` under `pick` (ties: the later arrival wins for "latest", else the first stays). */
function wins(pick: PickRule, next: number, prev: number): boolean {
  if (Number.isNaN(prev)) return true;
  switch (pick) {
    case 'latest':
      return next >= prev;
    case 'earliest':
    case 'min':
      return next < prev;
    case 'max':
      return next > prev;
  }
}

/**
 * Offers one resource's cell to a picked column: `key` is its effective time
 * for latest/earliest, its numeric value for min/max (the caller rejects a
 * non-numeric value under min/max).
 */
export function offer(s: RowState, col: PickedColumn, key: number, cell: string): void {
  if (wins(col.pick, key, s.rank[col.slot]!)) {
    s.rank[col.slot] = key;
    s.cells[col.at] = cell;
  }
}

/** Merges a partial row into its Patient's row, column by column, by the same rules as on arrival. */
export function mergeRow(
  into: RowState,
  from: RowState,
  picked: readonly PickedColumn[],
  presenceAt: readonly number[],
): void {
  for (const col of picked) {
    const key = from.rank[col.slot]!;
    if (!Number.isNaN(key)) offer(into, col, key, from.cells[col.at]!);
  }
  for (const at of presenceAt) if (from.cells[at] === '1') into.cells[at] = '1';
}
