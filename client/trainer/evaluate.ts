/**
 * Metrics of a weight vector on one local test split, for the job's task
 * (core/model/task.ts).
 *
 * No failure that depends on the records: the weights are checked first,
 * before the split is read (assertWeights: finite, each tensor's norm at
 * most MAX_WEIGHT_NORM), and an output that is not finite (NaN from an
 * overflow on some record) counts as the uninformative one (probability 0.5;
 * output 0 for the other tasks, core/task-metrics.ts) rather than throwing.
 * Otherwise a coordinator could choose weights that fail on exactly one
 * record and learn from the error whether that record is in the test split.
 */
import type { Tensor } from '@tensorflow/tfjs';
import { binaryMetrics, type Metrics } from '../../core/metrics.ts';
import { confusion, type Confusion } from '../../core/privacy/noisy-counts.ts';
import type { DatasetSplit } from '../../core/data/types.ts';
import { activationValuesPerExample, type ModelSpec } from '../../core/model/spec.ts';
import { BINARY_TASK, labelWidth, outputUnits, type Task } from '../../core/model/task.ts';
import { taskMetrics, type TaskMetrics } from '../../core/task-metrics.ts';
import type { Tf } from './backend.ts';
import { assertSplitFits, assertWeights, buildModel, modelInputs, setFlatWeights, type ModelHead } from './model.ts';

/** Most rows predicted per forward pass: bounds activation memory on large splits. */
export const EVAL_CHUNK_ROWS = 4096;

/**
 * Most layer outputs one chunk's forward pass may hold (2^24 values, 64 MiB
 * of float32; tf.tidy keeps them, and a layer's pre-activation and bias sum
 * beside them, until the chunk is done: a few times this in all). A chunk of
 * EVAL_CHUNK_ROWS rows of a model whose layers output 2^25 values per example
 * would otherwise ask for over 512 GiB (found in review of issue 18).
 */
export const EVAL_CHUNK_VALUES = 2 ** 24;

/** Rows of one evaluation chunk of `spec`: at most EVAL_CHUNK_ROWS, at most EVAL_CHUNK_VALUES activations, at least 1. */
export function evalChunkRows(spec: ModelSpec): number {
  return Math.max(1, Math.min(EVAL_CHUNK_ROWS, Math.floor(EVAL_CHUNK_VALUES / activationValuesPerExample(spec))));
}

/** What a non-finite probability counts as: the uninformative prediction (loss log 2, on the threshold). */
const NONFINITE_PROBABILITY = 0.5;

/** No confusion matrix: a task that is not binary has none to release. */
const NO_CONFUSION: Confusion = { truePositive: 0, falsePositive: 0, trueNegative: 0, falseNegative: 0 };

/**
 * Throws E_UPDATE_LENGTH / E_UPDATE_RANGE for weights that do not fit the
 * model or are out of range (before reading `data`), E_JOB_FEATURES for a
 * split of another width or label width. Never throws on the values of the records.
 */
export async function evaluateModel(
  tf: Tf,
  spec: ModelSpec,
  weights: Float32Array,
  data: DatasetSplit,
  task: Task = BINARY_TASK,
): Promise<Metrics> {
  return (await evaluateConfusion(tf, spec, weights, data, task)).metrics;
}

/**
 * evaluateModel's metrics and the confusion matrix behind them, which a
 * record-level DP job releases noised (core/privacy/noisy-counts.ts).
 * Binary jobs only have one: another task's counts are all 0, which nothing
 * releases (a record-level DP job of another task releases no evaluation,
 * core/job/privacy.ts releasesEvaluation; survival is refused under
 * record-level DP, core/job/spec.ts).
 * Throws as evaluateModel.
 */
export async function evaluateConfusion(
  tf: Tf,
  spec: ModelSpec,
  weights: Float32Array,
  data: DatasetSplit,
  task: Task = BINARY_TASK,
): Promise<{ metrics: Metrics; counts: Confusion }> {
  if (task.kind === 'binary') {
    const probs = await predict(tf, spec, weights, data, 'probability', 1);
    // A sigmoid's output is in [0, 1] or NaN (from Inf − Inf in an overflowing layer); never an error.
    for (let i = 0; i < probs.length; i++) if (!Number.isFinite(probs[i]!)) probs[i] = NONFINITE_PROBABILITY;
    return { metrics: binaryMetrics(probs, data.y), counts: confusion(probs, data.y) };
  }
  const outputs = await predict(tf, spec, weights, data, 'logit', outputUnits(task), labelWidth(task));
  return { metrics: wireMetrics(task, taskMetrics(task, outputs, data.y, data.n)), counts: NO_CONFUSION };
}

/**
 * A task's metrics in the Metrics the wire carries (proto Metrics,
 * core/metrics.ts): loss always; numCorrect, accuracy and AUC where the task
 * has them (else 0, 0 and NaN), a multi-label job's numCorrect counting the
 * examples with every label right; the task's own figures beside them.
 */
function wireMetrics(task: Task, m: TaskMetrics): Metrics {
  const n = m.numExamples;
  const numCorrect =
    task.kind === 'multiclass'
      ? m['numCorrect']!
      : task.kind === 'multilabel'
        ? Math.round(m['subsetAccuracy']! * n)
        : 0;
  const base: Metrics = {
    numExamples: n,
    numCorrect,
    loss: m.loss,
    accuracy: n > 0 ? numCorrect / n : 0,
    auc: m['auc'] ?? Number.NaN,
  };
  switch (task.kind) {
    case 'multiclass':
      return { ...base, balancedAccuracy: m['balancedAccuracy']! };
    case 'multilabel':
      return { ...base, hammingAccuracy: m['hammingAccuracy']! };
    case 'regression':
      return { ...base, mse: m['mse']!, mae: m['mae']!, r2: m['r2']! };
    case 'survival':
      return { ...base, cIndex: m['cIndex']! };
    case 'binary':
      return base;
  }
}

/** The model's `units` outputs for every row of the split (`head`: model.ts), row-major. */
async function predict(
  tf: Tf,
  spec: ModelSpec,
  weights: Float32Array,
  data: DatasetSplit,
  head: ModelHead,
  units: number,
  width = 1,
): Promise<Float32Array> {
  assertWeights(spec, weights);
  assertSplitFits(spec, data, width);
  const { n, d } = data;
  const inputs = modelInputs(spec, data.x);
  const model = buildModel(tf, spec, head);
  try {
    setFlatWeights(tf, model, weights);
    const out = new Float32Array(n * units);
    const chunk = evalChunkRows(spec);
    for (let start = 0; start < n; start += chunk) {
      const rows = Math.min(chunk, n - start);
      // model.apply, not model.predict: predict would split the chunk into batches of 32.
      const p = tf.tidy(() =>
        tf.reshape(model.apply(tf.tensor2d(inputs.subarray(start * d, (start + rows) * d), [rows, d])) as Tensor, [
          rows * units,
        ]),
      );
      try {
        out.set((await p.data()) as Float32Array, start * units);
      } finally {
        p.dispose();
      }
    }
    return out;
  } finally {
    model.dispose();
  }
}
