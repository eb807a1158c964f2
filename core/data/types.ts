/**
 * The only table type the trainer accepts: numeric, encoded, standardised
 * features with 0/1 labels. Produced by the intake pipeline (core/data) from
 * declared schemas; raw rows never reach a model.
 */
export interface DatasetSplit {
  /** Row-major features, n * d values. */
  readonly x: Float32Array;
  /** Binary labels, n values, each 0 or 1. */
  readonly y: Float32Array;
  readonly n: number;
  readonly d: number;
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

export interface IntakeReport {
  readonly rowsRead: number;
  readonly rowsUsed: number;
  /** Rows dropped, by reason code (e.g. "missing:chol", "range:age"). */
  readonly rowsDropped: Readonly<Record<string, number>>;
}
