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
import { ints } from '../../core/model/graph-layers.ts';
import {
  activationValuesPerExample,
  isGraphModel,
  paramCount,
  paramShapes,
  type GraphModelSpec,
  type ModelSpec,
} from '../../core/model/spec.ts';
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

/**
 * Most values one micro-batch of a DP-SGD step may hold (2^24): a step's
 * Poisson batch is about q·n rows, the researcher's q and the hospital's n,
 * and its forward pass, backward pass and per-example norms or gradients
 * grow with it. The clipped sum is a sum over examples, so it is taken in
 * micro-batches of dpChunkRows rows and added (found in review of issue 18:
 * a job at q = 1 asked for every record's activations at once).
 */
export const DP_CHUNK_VALUES = 2 ** 24;

/**
 * Unfold-sized tensors the ghost norm of a convolution holds per example at
 * its peak (the patches, their finite copy, transposes and the Gram
 * products' inputs): measured about 7.6 on the cpu backend.
 */
const UNFOLD_COPIES = 8;

/**
 * Rows of one micro-batch of `spec`: DP_CHUNK_VALUES over what one example
 * holds, at least 1. Per example: its activations; UNFOLD_COPIES times the
 * unfolded inputs of the convolutions the ghost norm takes
 * (ghostUnfoldedValues); and the parameter count, a bound on the per-example
 * norms' other state (min(2T², p·d) per layer, ghost-clip-layers.ts). From
 * the spec alone, so it reveals nothing of the records.
 */
export function dpChunkRows(spec: ModelSpec): number {
  const perExample = activationValuesPerExample(spec) + UNFOLD_COPIES * ghostUnfoldedValues(spec) + paramCount(spec);
  return Math.max(1, Math.floor(DP_CHUNK_VALUES / perExample));
}

/**
 * Σ over the Conv1D/Conv2D layers whose norm is the ghost norm (Bu et al.'s
 * rule, 2T² < p·d, as ghost-clip-layers.ts) of T output positions × c_in ×
 * kernel size: one example's unfolded inputs (ghost-clip-unfold.ts). The
 * explicit per-example gradient unfolds nothing.
 */
export function ghostUnfoldedValues(spec: ModelSpec): number {
  if (!isGraphModel(spec)) return 0;
  const info = analyseGraph(spec);
  const outs = new Map(info.layers.map((l) => [l.name, l.out]));
  const prod = (v: readonly number[]) => v.reduce((x, y) => x * y, 1);
  let n = 0;
  for (const l of info.layers) {
    if (l.className !== 'Conv1D' && l.className !== 'Conv2D') continue;
    const input = l.inbound.length > 0 ? outs.get(l.inbound[0]!)! : info.inputShape;
    const kernel = ints((l.config as { kernel_size: number | number[] }).kernel_size, l.className === 'Conv1D' ? 1 : 2);
    const positions = prod(l.out.slice(0, -1));
    const p = prod(kernel) * input[input.length - 1]!;
    if (2 * positions * positions < p * l.out[l.out.length - 1]!) n += positions * p;
  }
  return n;
}

/** A graph job's model as DP-SGD runs it: built once per trainDpSgd call, its weights overwritten each step. */
export interface GraphStep {
  model: LayersModel;
  /** One example's input shape (the model's, without the batch). */
  inputShape: number[];
  loss: LossPerExample;
  /** Rows per micro-batch (dpChunkRows). */
  chunkRows: number;
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
    chunkRows: dpChunkRows(spec),
    loss: (y, out) => perExampleTaskLoss(tf, task, out as Tensor2D, y as Tensor2D),
  };
}

/**
 * Writes into `sum` Σ_i clip_C(g_i) over `batch` (indices into x's rows; all
 * n rows without a gather) at weights w, in micro-batches of g.chunkRows
 * rows whose clipped sums are added in float32.
 */
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
  if (batch.length <= g.chunkRows) {
    chunkSum(tf, g, data, batch, clip, sum, false);
    return;
  }
  sum.fill(0);
  for (let start = 0; start < batch.length; start += g.chunkRows)
    chunkSum(tf, g, data, batch.subarray(start, start + g.chunkRows), clip, sum, true);
}

/** One micro-batch's clipped sum, written into `sum` or (add) added to it. */
function chunkSum(
  tf: Tf,
  g: GraphStep,
  data: { x: Tensor2D; y: Tensor2D; n: number },
  rows: Int32Array,
  clip: number,
  sum: Float32Array,
  add: boolean,
): void {
  const grads = tf.tidy(() => {
    let xb: Tensor = data.x;
    let yb: Tensor = data.y;
    if (rows.length < data.n) {
      const idx = tf.tensor1d(rows, 'int32');
      xb = tf.gather(data.x, idx);
      yb = tf.gather(data.y, idx);
    }
    return clippedGradientSumGraph(tf, g.model, tf.reshape(xb, [rows.length, ...g.inputShape]), yb, clip, g.loss).grads;
  });
  try {
    let offset = 0;
    for (const t of grads) {
      const v = t.dataSync() as Float32Array;
      if (add) for (let i = 0; i < v.length; i++) sum[offset + i] = sum[offset + i]! + v[i]!;
      else sum.set(v, offset);
      offset += t.size;
    }
  } finally {
    tf.dispose(grads);
  }
}
