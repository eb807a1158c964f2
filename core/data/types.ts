/**
 * The only table type the trainer accepts: numeric, encoded features scaled
 * by declared ranges, with 0/1 labels. Produced by the intake pipeline (core/data) from
 * declared schemas; raw rows never reach a model.
 *
 * `DatasetSplit` is branded with a symbol this module does not export, so an
 * object literal (raw rows, or tensors built by hand) does not type-check as
 * one: only core/data's pipeline (`prepareDataset`) and its two explicit doors
 * for record-free tensors (`numericSplit`, `concatSplits` in split-tensors.ts)
 * make them.
 */
declare const deidentified: unique symbol;

export interface DatasetSplit {
  /** Row-major features, n * d values. */
  readonly x: Float32Array;
  /** Binary labels, n values, each 0 or 1. */
  readonly y: Float32Array;
  readonly n: number;
  readonly d: number;
  readonly [deidentified]: true;
}

/** The brand, for core/data's constructors only (not re-exported by index.ts). */
export function brandSplit(s: { x: Float32Array; y: Float32Array; n: number; d: number }): DatasetSplit {
  return s as DatasetSplit;
}

export interface PreparedDataset {
  /** Stable identifier of the schema that produced this data. */
  readonly schemaId: string;
  /** Encoded feature names, in column order of `x` (length d). */
  readonly features: readonly string[];
  readonly label: string;
  readonly train: DatasetSplit;
  readonly test: DatasetSplit;
  readonly report: IntakeReport;
}

/** What the pipeline did to one declared column, over the rows used. */
export interface ColumnReport {
  readonly name: string;
  readonly kind: string;
  /** "dropped", "pseudonymised (HMAC-SHA256)", "generalised: age band", ... */
  readonly action: string;
  /** Values handled (identifier: dropped; pseudonym: replaced; quasi: generalised; genetic: derived). */
  readonly values: number;
  readonly missing: number;
  /** Age top-coded into the open band, ZIP prefix suppressed to "000", or a missing number imputed. */
  readonly special: number;
  /** Numbers outside the column's declared range, clamped to it (not counted in `values`). */
  readonly clamped: number;
}

export interface KAnonymity {
  /** Quasi-identifier columns forming the equivalence classes (after generalisation). */
  readonly columns: readonly string[];
  /** Size of the smallest class: every used row shares its generalised quasi values with at least k - 1 others. */
  readonly k: number;
  readonly classes: number;
  /** Classes smaller than `threshold`, and how many rows they hold. */
  readonly threshold: number;
  readonly classesBelow: number;
  readonly rowsBelow: number;
  /** The smallest classes (generalised values only), smallest first. */
  readonly smallest: readonly { values: readonly string[]; count: number }[];
}

export interface IntakeReport {
  readonly rowsRead: number;
  readonly rowsUsed: number;
  /** Rows dropped, by reason code (e.g. "missing:chol", "range:age"). */
  readonly rowsDropped: Readonly<Record<string, number>>;
  /** Records the reader rejected before they became rows, by reason code (e.g. "csv:oversize", "fhir:json"). */
  readonly recordsRejected: Readonly<Record<string, number>>;
  /** Single values the reader rejected (the cell became missing), by reason code (e.g. "unit:sbp"). */
  readonly valuesRejected: Readonly<Record<string, number>>;
  /** Records read but deliberately not used (another FHIR resource type, an undeclared code), by reason. */
  readonly recordsIgnored?: Readonly<Record<string, number>>;
  readonly columns: readonly ColumnReport[];
  /** Undefined when the schema declares no quasi-identifier. */
  readonly kAnonymity?: KAnonymity;
}
