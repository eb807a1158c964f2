/**
 * Metrics of a weight vector on one local test split.
 *
 * No failure that depends on the records: the weights are checked first,
 * before the split is read (assertWeights: finite, each tensor's norm at
 * most MAX_WEIGHT_NORM), and a probability that is not finite (NaN from an
 * overflow on some record) counts as 0.5 rather than throwing. Otherwise a
 * coordinator could choose weights that fail on exactly one record and learn
 * from the error whether that record is in the test split.
 */
import type { Tensor } from '@tensorflow/tfjs';
import { binaryMetrics, type Metrics } from '../../core/metrics.ts';
import { confusion, type Confusion } from '../../core/privacy/noisy-counts.ts';
import type { DatasetSplit } from '../../core/data/types.ts';
import type { ModelSpec } from '../../core/model/spec.ts';
import type { Tf } from './backend.ts';
import { assertSplitFits, assertWeights, buildModel, setFlatWeights } from './model.ts';

/** Rows predicted per forward pass: bounds activation memory on large splits. */
export const EVAL_CHUNK_ROWS = 4096;

/** What a non-finite probability counts as: the uninformative prediction (loss log 2, on the threshold). */
const NONFINITE_PROBABILITY = 0.5;

/**
 * Throws E_UPDATE_LENGTH / E_UPDATE_RANGE for weights that do not fit the
 * model or are out of range (before reading `data`), E_JOB_FEATURES for a
 * split of another width. Never throws on the values of the records.
 */
export async function evaluateModel(
  tf: Tf,
  spec: ModelSpec,
  weights: Float32Array,
  data: DatasetSplit,
): Promise<Metrics> {
  return binaryMetrics(await predictProbabilities(tf, spec, weights, data), data.y);
}

/** evaluateModel's metrics and the confusion matrix behind them, which a DP job releases noised (core/privacy/noisy-counts.ts). Throws as evaluateModel. */
export async function evaluateConfusion(
  tf: Tf,
  spec: ModelSpec,
  weights: Float32Array,
  data: DatasetSplit,
): Promise<{ metrics: Metrics; counts: Confusion }> {
  const probs = await predictProbabilities(tf, spec, weights, data);
  return { metrics: binaryMetrics(probs, data.y), counts: confusion(probs, data.y) };
}

/** The model's probability for every row of the split, non-finite ones replaced (see the module doc). */
async function predictProbabilities(
  tf: Tf,
  spec: ModelSpec,
  weights: Float32Array,
  data: DatasetSplit,
): Promise<Float32Array> {
  assertWeights(spec, weights);
  assertSplitFits(spec, data);
  const { n, d } = data;
  const model = buildModel(tf, spec, 'probability');
  try {
    setFlatWeights(tf, model, weights);
    const probs = new Float32Array(n);
    for (let start = 0; start < n; start += EVAL_CHUNK_ROWS) {
      const rows = Math.min(EVAL_CHUNK_ROWS, n - start);
      // model.apply, not model.predict: predict would split the chunk into batches of 32.
      const p = tf.tidy(() =>
        tf.reshape(model.apply(tf.tensor2d(data.x.subarray(start * d, (start + rows) * d), [rows, d])) as Tensor, [
          rows,
        ]),
      );
      try {
        probs.set((await p.data()) as Float32Array, start);
      } finally {
        p.dispose();
      }
    }
    // A sigmoid's output is in [0, 1] or NaN (from Inf − Inf in an overflowing layer); never an error.
    for (let i = 0; i < n; i++) if (!Number.isFinite(probs[i]!)) probs[i] = NONFINITE_PROBABILITY;
    return probs;
  } finally {
    model.dispose();
  }
}
