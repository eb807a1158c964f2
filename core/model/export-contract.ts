/**
 * The preprocessing contract a downloaded model carries (in its model.json's
 * `userDefinedMetadata.cohort`): what the model's input is, in which order,
 * and how each value was scaled at the hospitals; what its output means and
 * which activation still has to be applied for the task. Without it a model
 * is a bare vector of weights that cannot be used on a new record.
 *
 * The scaling is declared by each hospital's dataset schema, not by the job,
 * so the contract records it from the schema the researcher gives (the one
 * the hospitals declared for this job's features); without one each feature
 * says its scaling is undeclared here.
 */
import { CohortError } from '../errors.ts';
import { encodedColumnNames } from '../data/columns.ts';
import { declaredRange, imputeValueOf, outputOf, type ColumnSpec, type DatasetSchema } from '../data/schema.ts';
import type { ImageSchema } from '../data/image-schema.ts';
import { declaredScale } from '../data/standardize.ts';
import type { JobSpec } from '../job/spec.ts';
import { outputUnits, type Task } from './task.ts';

/** Version of the contract's layout; bumped on an incompatible change. */
export const CONTRACT_VERSION = 1;

export type FeatureScaling =
  | {
      kind: 'declared-range';
      /** v ↦ (clamp(v, lo, hi) − center) / halfWidth, in [−1, 1] (core/data/standardize.ts). */
      lo: number;
      hi: number;
      center: number;
      halfWidth: number;
      unit: string | null;
      /** What a missing value was filled with (in the column's unit), or null if such a record was dropped. */
      impute: number | null;
      /** What the number is: the cell's value, or what the schema derived from it (a year, an age band's midpoint, an allele count). */
      derivedFrom: string;
    }
  | { kind: 'one-hot'; column: string; category: string; meaning: string }
  | { kind: 'undeclared'; meaning: string };

export interface FeatureContract {
  index: number;
  name: string;
  scaling: FeatureScaling;
}

export interface ImageContract {
  /** [height, width] every image was resized to (bilinear). */
  size: [number, number];
  channels: 1 | 3;
  /** Pixel values are first divided by 255 (8-bit) or 65535 (16-bit) to [0, 1]; then this. */
  normalise: ImageSchema['normalise'];
}

export interface OutputContract {
  units: number;
  /** The activation that turns the model's output into the task's prediction. */
  activation: 'sigmoid' | 'softmax' | 'sigmoid-per-unit' | 'identity' | 'none';
  /** Whether the exported model already applies it (a binary dense model ends in its declared sigmoid). */
  appliedInModel: boolean;
  meaning: string;
}

export interface PreprocessingContract {
  version: number;
  job: { id: string | null; name: string; completedRounds: number | null };
  task: Task;
  /**
   * Names of what the model predicts: the label column and, by task, its
   * classes, labels or survival fields. A regression job's `target` is how
   * its target was scaled (core/data/encode-label.ts): the model predicts the
   * scaled value u, the target is center + halfWidth · u in `unit`.
   */
  label: { column: string; names: string[]; positive: string | null; target?: FeatureScaling };
  input: { features: FeatureContract[] | null; image: ImageContract | null };
  output: OutputContract;
}

export interface ContractInput {
  spec: JobSpec;
  jobId?: string | null;
  completedRounds?: number | null;
  /** The dataset schema the hospitals declared (tabular or image), if the researcher has it. */
  schema?: { kind: 'table'; schema: DatasetSchema } | { kind: 'images'; schema: ImageSchema } | null;
}

/** Throws E_JOB_FEATURES when a tabular schema does not encode one of the job's features. */
export function preprocessingContract(c: ContractInput): PreprocessingContract {
  const { spec } = c;
  const schema = c.schema ?? null;
  const image = schema?.kind === 'images' ? imageContract(schema.schema) : null;
  const features =
    image !== null ? null : featureContracts(spec.features, schema?.kind === 'table' ? schema.schema : null);
  return {
    version: CONTRACT_VERSION,
    job: { id: c.jobId ?? null, name: spec.name, completedRounds: c.completedRounds ?? null },
    task: spec.task,
    label: labelContract(spec, schema),
    input: { features, image },
    output: outputContract(spec),
  };
}

function featureContracts(names: readonly string[], schema: DatasetSchema | null): FeatureContract[] {
  const byName = new Map<string, FeatureScaling>();
  for (const col of schema?.columns ?? []) for (const [name, s] of columnScalings(col)) byName.set(name, s);
  return names.map((name, index) => {
    if (schema === null)
      return {
        index,
        name,
        scaling: { kind: 'undeclared', meaning: "declared by each hospital's dataset schema; not given at export" },
      };
    const scaling = byName.get(name);
    if (!scaling)
      throw new CohortError('E_JOB_FEATURES', `feature "${name}" is not an encoded feature of schema "${schema.id}"`);
    return { index, name, scaling };
  });
}

/** The encoded features one schema column gives, each with its scaling. */
function columnScalings(col: ColumnSpec): [string, FeatureScaling][] {
  const names = encodedColumnNames([col]);
  const kind = outputOf(col);
  if (kind === 'one-hot')
    return names.map((name) => {
      const category = name.slice(col.name.length + 1);
      return [
        name,
        { kind: 'one-hot', column: col.name, category, meaning: `1 if ${col.name} is ${category}, else 0` },
      ];
    });
  const range = declaredRange(col);
  if (kind !== 'number' || !range || names.length !== 1) return [];
  const s = declaredScale(range[0], range[1]);
  return [
    [
      names[0]!,
      {
        kind: 'declared-range',
        lo: s.lo,
        hi: s.hi,
        center: s.center,
        halfWidth: s.halfWidth,
        unit: 'unit' in col && col.unit !== undefined ? col.unit : null,
        impute: imputeValueOf(col) ?? null,
        derivedFrom: derivation(col),
      },
    ],
  ];
}

function derivation(col: ColumnSpec): string {
  if (col.kind === 'quasi') return col.type === 'date' ? 'the date as a (fractional) year' : "the age band's midpoint";
  if (col.kind === 'genetic')
    return col.derive === 'carrier' ? 'carrier of the allele (0/1)' : 'copies of the allele (0-2)';
  return 'the value';
}

function imageContract(s: ImageSchema): ImageContract {
  return { size: [s.size[0], s.size[1]], channels: s.channels, normalise: s.normalise };
}

function labelContract(spec: JobSpec, schema: ContractInput['schema']): PreprocessingContract['label'] {
  const task = spec.task;
  switch (task.kind) {
    case 'multiclass':
      return { column: spec.label, names: task.classes, positive: null };
    case 'multilabel':
      return { column: spec.label, names: task.labels, positive: null };
    case 'regression':
      return { column: spec.label, names: [spec.label], positive: null, target: regressionTarget(spec.label, schema) };
    case 'survival':
      return { column: spec.label, names: ['time (days)', 'event (1 observed, 0 censored)'], positive: null };
    case 'binary':
      return { column: spec.label, names: ['0', '1'], positive: binaryPositive(spec.label, schema) };
  }
}

/** How a regression target was scaled, from the schema that made the labels; undeclared without it. */
function regressionTarget(label: string, schema: ContractInput['schema']): FeatureScaling {
  const col =
    schema?.kind === 'table' ? schema.schema.columns.find((c) => c.kind === 'label' && c.name === label) : undefined;
  if (col?.kind !== 'label' || col.type !== 'regression')
    return { kind: 'undeclared', meaning: "declared by each hospital's dataset schema; not given at export" };
  const s = declaredScale(col.range[0], col.range[1]);
  const unit = col.unit ?? null;
  return { kind: 'declared-range', ...s, unit, impute: null, derivedFrom: 'the value' };
}

/** What label 1 means, from the schema that made the labels, when the researcher gave it. */
function binaryPositive(label: string, schema: ContractInput['schema']): string | null {
  if (schema?.kind === 'images') return schema.schema.classes[1] ?? null;
  const col = schema?.schema.columns.find((c) => c.kind === 'label' && c.name === label);
  if (col?.kind !== 'label' || col.type !== 'binary') return null;
  return `${col.name} ${col.positiveWhen.op} ${JSON.stringify(col.positiveWhen.value)}`;
}

function outputContract(spec: JobSpec): OutputContract {
  const task = spec.task;
  const units = outputUnits(task);
  switch (task.kind) {
    // The exported model applies the task's activation (client/model-export.ts builds the probability head).
    case 'binary':
      return { units, activation: 'sigmoid', appliedInModel: true, meaning: 'P(label = 1)' };
    case 'multiclass':
      return {
        units,
        activation: 'softmax',
        appliedInModel: true,
        meaning: 'probability of each class, in label.names order',
      };
    case 'multilabel':
      return {
        units,
        activation: 'sigmoid-per-unit',
        appliedInModel: true,
        meaning: 'probability of each label, in label.names order',
      };
    case 'regression':
      return {
        units,
        activation: 'identity',
        appliedInModel: true,
        meaning: `the predicted ${spec.label}, scaled to [-1, 1] by its declared range (label.target undoes it)`,
      };
    case 'survival':
      return {
        units,
        activation: 'none',
        appliedInModel: true,
        meaning: 'Cox risk score (log relative hazard): higher means shorter survival',
      };
  }
}
