/** Metrics of a weight vector on one local test split. */
import type { Tensor } from '@tensorflow/tfjs';
import { binaryMetrics, type Metrics } from '../../core/metrics.ts';
import type { DatasetSplit } from '../../core/data/types.ts';
import type { ModelSpec } from '../../core/model/spec.ts';
import type { Tf } from './backend.ts';
import { assertSplitFits, buildModel, setFlatWeights } from './model.ts';

/** Rows predicted per forward pass: bounds activation memory on large splits. */
export const EVAL_CHUNK_ROWS = 4096;

export async function evaluateModel(tf: Tf, spec: ModelSpec, weights: Float32Array, data: DatasetSplit): Promise<Metrics> {
  assertSplitFits(spec, data);
  const { n, d } = data;
  const model = buildModel(tf, spec, 'probability');
  try {
    setFlatWeights(tf, model, weights);
    const probs = new Float32Array(n);
    for (let start = 0; start < n; start += EVAL_CHUNK_ROWS) {
      const rows = Math.min(EVAL_CHUNK_ROWS, n - start);
      // model.apply, not model.predict: predict would split the chunk into batches of 32.
      const p = tf.tidy(() => tf.reshape(model.apply(tf.tensor2d(data.x.subarray(start * d, (start + rows) * d), [rows, d])) as Tensor, [rows]));
      try {
        probs.set((await p.data()) as Float32Array, start);
      } finally {
        p.dispose();
      }
    }
    return binaryMetrics(probs, data.y);
  } finally {
    model.dispose();
  }
}
