/**
 * One DP-SGD step's clipped sum for a graph model (ghost-clip.ts), in the
 * layout dpsgd.ts privatises: the counterpart of dpsgd.ts's dense-MLP
 * clippedSum. The model's weights are set from the flat vector, the sampled
 * rows are gathered and reshaped to the model's input shape, and the sum is
 * written into the caller's flat buffer (model.weights order, the order of
 * paramShapes for a graph spec).
 */
import type { LayersModel, Tensor, Tensor2D } from '@tensorflow/tfjs';
import { CohortError } from '../../core/errors.ts';
import { analyseGraph } from '../../core/model/graph.ts';
import { paramShapes, type GraphModelSpec, type ModelSpec } from '../../core/model/spec.ts';
import type { Task } from '../../core/model/task.ts';
import type { Tf } from './backend.ts';
import { assertGhostClippable, clippedGradientSumGraph, type LossPerExample } from './ghost-clip.ts';
import { buildModel, setFlatWeights } from './model.ts';
import { perExampleTaskLoss } from './task-loss.ts';

/**
 * Throws E_JOB_SPEC for a graph spec with a layer DP-SGD cannot clip per
 * example, from the spec alone (before the model is built or a record read).
 * BatchNormalization normalises each example by statistics of the whole
 * batch, so one record moves every other example's gradient: no per-example
 * clip bounds it. (core validates dilation and data format to the values
 * ghost-clip-graph.ts takes; it checks the built model again.)
 */
export function assertGraphClippable(spec: GraphModelSpec): void {
  if (analyseGraph(spec).classes.includes('BatchNormalization'))
    throw new CohortError(
      'E_JOB_SPEC',
      'BatchNormalization mixes the examples of a batch, so DP-SGD cannot clip per example: use LayerNormalization',
    );
}

/** A graph job's model as DP-SGD runs it: built once per trainDpSgd call, its weights overwritten each step. */
export interface GraphStep {
  model: LayersModel;
  /** One example's input shape (the model's, without the batch). */
  inputShape: number[];
  loss: LossPerExample;
}

/**
 * The spec's model (logits head, model.ts buildModel), checked by
 * ghost-clip-graph.ts (E_JOB_SPEC for a layer it cannot clip; nothing here
 * depends on a record). The caller owns the model and disposes it. The loss
 * is the task's per-example loss (task-loss.ts; survival has none, and runs
 * without record-level DP).
 */
export function graphStep(tf: Tf, spec: ModelSpec, task: Task): GraphStep {
  const model = buildModel(tf, spec, 'logit', task);
  try {
    assertGhostClippable(model);
    const sizes = paramShapes(spec).map((p) => p.size);
    const got = model.weights.map((w) => (w.shape as number[]).reduce((a, b) => a * b, 1));
    if (got.length !== sizes.length || got.some((size, i) => size !== sizes[i]))
      throw new CohortError('E_INTERNAL', `the built model's weights do not match the job's parameter layout`);
  } catch (err) {
    model.dispose();
    throw err;
  }
  const inputShape = (model.inputs[0]!.shape as (number | null)[]).slice(1).map((d) => d ?? -1);
  return {
    model,
    inputShape,
    loss: (y, out) => perExampleTaskLoss(tf, task, out as Tensor2D, y as Tensor2D),
  };
}

/** Writes into `sum` Σ_i clip_C(g_i) over `batch` (indices into x's rows; all n rows without a gather) at weights w. */
export function graphClippedSum(
  tf: Tf,
  g: GraphStep,
  data: { x: Tensor2D; y: Tensor2D; n: number },
  w: Float32Array,
  batch: Int32Array,
  clip: number,
  sum: Float32Array,
): void {
  setFlatWeights(tf, g.model, w);
  const grads = tf.tidy(() => {
    let xb: Tensor = data.x;
    let yb: Tensor = data.y;
    if (batch.length < data.n) {
      const idx = tf.tensor1d(batch, 'int32');
      xb = tf.gather(data.x, idx);
      yb = tf.gather(data.y, idx);
    }
    const r = clippedGradientSumGraph(tf, g.model, tf.reshape(xb, [batch.length, ...g.inputShape]), yb, clip, g.loss);
    return r.grads;
  });
  try {
    let offset = 0;
    for (const t of grads) {
      sum.set(t.dataSync() as Float32Array, offset);
      offset += t.size;
    }
  } finally {
    tf.dispose(grads);
  }
}
