/**
 * The only table type the trainer accepts: numeric, encoded features scaled
 * by declared ranges, with labels in the layout of the job's task (LabelLayout). Produced by the intake pipeline (core/data) from
 * declared schemas; raw rows never reach a model.
 *
 * `DatasetSplit` is branded with a symbol this module does not export, so an
 * object literal (raw rows, or tensors built by hand) does not type-check as
 * one: only core/data's pipeline (`prepareDataset`) and its two explicit doors
 * for record-free tensors (`numericSplit`, `concatSplits` in split-tensors.ts)
 * make them, and `imageSplit` (image-split.ts) for images from the image
 * intake: x is then n × (h·w·c) pixels in NHWC order, y a class index per image.
 */
declare const deidentified: unique symbol;

export interface DatasetSplit {
  /** Row-major features, n * d values. */
  readonly x: Float32Array;
  /**
   * Labels, row-major n × labelWidth (core/model/task.ts): a binary label's
   * one 0/1 value per row, a class index, L 0/1 values of a multi-label label,
   * a regression target (scaled by its declared range), or a survival label's
   * [time, event] per row.
   */
  readonly y: Float32Array;
  readonly n: number;
  readonly d: number;
  readonly [deidentified]: true;
}

/** The brand, for core/data's constructors only (not re-exported by index.ts). */
export function brandSplit(s: { x: Float32Array; y: Float32Array; n: number; d: number }): DatasetSplit {
  return s as DatasetSplit;
}

/**
 * What a dataset's `y` holds, read from its schema (never from its records):
 * the layout core/model/task.ts gives each task, so the tasks the dataset can
 * serve. Multi-class classes and multi-label labels are named in index order
 * (numbers as their decimal text); a job of that task must name the same in
 * the same order (core/round/hospital-admission.ts).
 */
export type LabelLayout =
  | { readonly kind: 'binary' }
  | { readonly kind: 'multiclass'; readonly classes: readonly string[] }
  | { readonly kind: 'multilabel'; readonly labels: readonly string[] }
  | { readonly kind: 'regression' }
  | { readonly kind: 'survival' };

/** The model input shape of an image dataset, NHWC without the N (image-split.ts). */
export interface ImageShape {
  readonly height: number;
  readonly width: number;
  readonly channels: 1 | 3;
}

export interface PreparedDataset {
  /** Stable identifier of the schema that produced this data. */
  readonly schemaId: string;
  /** Encoded feature names, in column order of `x` (length d). */
  readonly features: readonly string[];
  readonly label: string;
  /** What `y` holds; absent means a binary 0/1 label (tables made up before tasks existed: simulations, tests). */
  readonly labels?: LabelLayout;
  /**
   * Present for images (client/intake/image-dataset.ts): the one feature is an
   * image of this shape, and only a job declaring the same `image` is admitted.
   * Absent: a table (or images made up by hand, whose shape is then not checked).
   */
  readonly image?: ImageShape;
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

/**
 * k-anonymity of the used rows, in sizes only: neither a class's values nor
 * its records are reported (a class of one is a record's quasi part).
 */
export interface KAnonymity {
  /**
   * Columns forming the equivalence classes (after generalisation): quasi
   * columns, and features declared quasi-identifiers or read from Patient.gender.
   */
  readonly columns: readonly string[];
  /** Size of the smallest class: every used row shares its generalised quasi values with at least k - 1 others. */
  readonly k: number;
  readonly classes: number;
  /** Classes smaller than `threshold`, and how many rows they hold. */
  readonly threshold: number;
  readonly classesBelow: number;
  readonly rowsBelow: number;
  /** Sizes of the smallest classes, smallest first. */
  readonly smallest: readonly number[];
  /** For each column, k if that column were left out of the class: which one to generalise further. */
  readonly kWithout: Readonly<Record<string, number>>;
}

/** Why the intake refuses (or only warns about) the data: one column or the reader, with the counts (trainability.ts). */
export interface TrainabilityFinding {
  readonly check: 'missing' | 'constant' | 'label' | 'rejected';
  /** The declared column (a multi-label label's indicator: the label's name); absent for the reader. */
  readonly column?: string;
  /** Names the column and gives counts, never a cell. */
  readonly message: string;
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
  /**
   * What makes the data untrainable (`refusals`: the intake throws
   * E_DATA_UNTRAINABLE) or suspect (`warnings`). Present for tables.
   */
  readonly trainability?: {
    readonly refusals: readonly TrainabilityFinding[];
    readonly warnings: readonly TrainabilityFinding[];
  };
}
