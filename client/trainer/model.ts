/**
 * A ModelSpec as a tfjs LayersModel, and its weights as cohort's flat
 * parameter vector in `model.getWeights()` order (core/model/spec.ts
 * paramShapes: for the dense form, per layer, kernel [in, units] row-major
 * then bias). A graph model is built layer by layer from its validated
 * topology (model-graph.ts), never deserialised from the researcher's JSON.
 */
import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import { CohortError } from '../../core/errors.ts';
import type { DatasetSplit } from '../../core/data/types.ts';
import { analyseGraph } from '../../core/model/graph.ts';
import { inputSize, isGraphModel, paramShapes, type DenseModelSpec, type ModelSpec } from '../../core/model/spec.ts';
import { BINARY_TASK, type Task } from '../../core/model/task.ts';
import type { Tf } from './backend.ts';
import { buildGraphModel, taskActivation } from './model-graph.ts';

/**
 * `probability`: the model's outputs passed through the task's activation
 * (a dense binary model as specified, final sigmoid included). `logit`: the
 * final activation left out, so training can use the stable losses on
 * logits (sigmoid cross-entropy on logits rather than the log of a sigmoid
 * that saturates to 0 or 1). A graph model's own output is always the logits
 * (core/job/spec.ts refuses a final activation).
 */
export type ModelHead = 'probability' | 'logit';

/** The spec each built model came from, so its weights are checked against core's shapes. */
const specs = new WeakMap<LayersModel, ModelSpec>();

/**
 * The model of `spec`. Every model takes flat rows [batch, inputSize(spec)]
 * (a DatasetSplit's layout); a graph model whose input has more than one
 * axis reshapes them first. `task` picks the probability head's activation
 * (default binary: sigmoid); the dense form's binary model applies its own.
 */
export function buildModel(
  tf: Tf,
  spec: ModelSpec,
  head: ModelHead = 'probability',
  task: Task = BINARY_TASK,
): LayersModel {
  const model = isGraphModel(spec) ? buildGraphModel(tf, spec, head, task) : buildDenseModel(tf, spec, head, task);
  specs.set(model, spec);
  return model;
}

/** A binary dense model's probability head is its own final sigmoid; another task's last layer is linear and gets the task's activation. */
function buildDenseModel(tf: Tf, spec: DenseModelSpec, head: ModelHead, task: Task): LayersModel {
  const model = tf.sequential();
  const last = spec.layers.length - 1;
  spec.layers.forEach((layer, i) => {
    model.add(
      tf.layers.dense({
        units: layer.units,
        activation: i === last && head === 'logit' ? 'linear' : layer.activation,
        ...(i === 0 ? { inputShape: [spec.inputDim] } : {}),
        // Weights always come from the coordinator; zeros skip a random
        // initialisation that would be overwritten and would draw on tf's global RNG.
        kernelInitializer: 'zeros',
        biasInitializer: 'zeros',
      }),
    );
  });
  const act = taskActivation(task);
  if (head === 'probability' && task.kind !== 'binary' && act !== 'linear')
    model.add(tf.layers.activation({ activation: act, name: 'cohort/task_head' }));
  return model;
}

/**
 * The rows a model is fed: `x` itself, or for a model with an Embedding a
 * copy with every value clamped to the ids its Embeddings accept (NaN → 0),
 * so no record can make a look-up throw (core/model/embedding-ids.ts says why
 * that matters). Every forward pass on records goes through this.
 */
export function modelInputs(spec: ModelSpec, x: Float32Array): Float32Array {
  const max = isGraphModel(spec) ? analyseGraph(spec).embeddingIdMax : undefined;
  if (max === undefined) return x;
  // v >= 0 is false for NaN; ids are truncated by the layer, so [max, max + 1) is already id max.
  return x.map((v) => (v >= 0 ? Math.min(v, max) : 0));
}

/** Copies `flat` into the model's weights; `flat` is not retained or mutated. */
export function setFlatWeights(tf: Tf, model: LayersModel, flat: Float32Array): void {
  const shapes = checkedShapes(model);
  const total = shapes.reduce((n, s) => n + s.size, 0);
  if (flat.length !== total) {
    throw new CohortError('E_UPDATE_LENGTH', `model has ${total} parameters, weight vector has ${flat.length}`);
  }
  const tensors: Tensor[] = [];
  let offset = 0;
  try {
    for (const s of shapes) {
      // slice, not subarray: the cpu backend keeps the array it is given, so
      // a view would alias the caller's vector with the model's variables.
      tensors.push(tf.tensor(flat.slice(offset, offset + s.size), s.shape, 'float32'));
      offset += s.size;
    }
    model.setWeights(tensors);
  } finally {
    tf.dispose(tensors);
  }
}

/** A fresh copy of the model's weights as one flat vector. */
export function getFlatWeights(model: LayersModel): Float32Array {
  const shapes = checkedShapes(model);
  const out = new Float32Array(shapes.reduce((n, s) => n + s.size, 0));
  let offset = 0;
  // getWeights returns the variables themselves, not copies: never dispose them.
  model.getWeights().forEach((w, i) => {
    out.set(w.dataSync() as Float32Array, offset);
    offset += shapes[i]!.size;
  });
  return out;
}

/**
 * Largest L2 norm of one weight tensor (a kernel or a bias) the trainer
 * accepts from the coordinator. Generous for real models: a Glorot-initialised
 * 4096×4096 kernel has norm ≈ 64, and trained dense layers stay within a
 * small multiple of their initial norm; 10^6 is four orders of magnitude
 * above that. It exists so that weights chosen to make some record's
 * activations overflow are refused as weights, before any record is read,
 * rather than failing on (and so revealing) that record. It is not what
 * keeps DP-SGD error-free: per-example.ts zeroes any example whose gradient
 * is not finite, whatever the weights (a deep relu stack can still exceed
 * float32 at W^depth).
 */
export const MAX_WEIGHT_NORM = 1e6;

/**
 * Checks incoming weights against `spec` without looking at any data:
 * length (E_UPDATE_LENGTH), every value finite and every tensor's L2 norm at
 * most MAX_WEIGHT_NORM (E_UPDATE_RANGE). Callers run it before reading the
 * split, so the outcome is a function of the weights alone.
 */
export function assertWeights(spec: ModelSpec, weights: Float32Array): void {
  const shapes = paramShapes(spec);
  const total = shapes.reduce((n, s) => n + s.size, 0);
  if (!(weights instanceof Float32Array) || weights.length !== total) {
    throw new CohortError(
      'E_UPDATE_LENGTH',
      `model has ${total} parameters, weight vector has ${(weights as { length?: unknown })?.length}`,
    );
  }
  let offset = 0;
  for (const s of shapes) {
    let sq = 0;
    for (let i = offset; i < offset + s.size; i++) {
      const w = weights[i]!;
      if (!Number.isFinite(w)) throw new CohortError('E_UPDATE_RANGE', `weight ${i} (${s.name}) is not finite`);
      sq += w * w; // float64: a float32 tensor's squares cannot overflow it
    }
    const norm = Math.sqrt(sq);
    if (!(norm <= MAX_WEIGHT_NORM))
      throw new CohortError(
        'E_UPDATE_RANGE',
        `${s.name} has L2 norm ${norm}, above MAX_WEIGHT_NORM ${MAX_WEIGHT_NORM}`,
      );
    offset += s.size;
  }
}

/** Rejects a split that cannot feed `spec` (with `labelWidth` label values a row: core/model/task.ts), before any tensor is built from it. */
export function assertSplitFits(spec: ModelSpec, data: DatasetSplit, labelWidth = 1): void {
  if (data.d !== inputSize(spec)) {
    throw new CohortError(
      'E_JOB_FEATURES',
      `dataset has ${data.d} values a row but the model takes ${inputSize(spec)}`,
    );
  }
  if (data.n > 0 && data.y.length !== data.n * labelWidth && data.y.length % data.n === 0) {
    throw new CohortError(
      'E_JOB_FEATURES',
      `dataset has ${data.y.length / data.n} label values per row but the job's task needs ${labelWidth}`,
    );
  }
  if (
    !Number.isInteger(data.n) ||
    data.n < 0 ||
    data.x.length !== data.n * data.d ||
    data.y.length !== data.n * labelWidth
  ) {
    throw new CohortError(
      'E_INTERNAL',
      `inconsistent split: n=${data.n}, d=${data.d}, x has ${data.x.length} values, y has ${data.y.length}`,
    );
  }
}

/**
 * The model's weight shapes, checked against core's paramShapes order (of
 * the spec it was built from; a model built elsewhere is read as the dense
 * form), so a change in tfjs's weight ordering fails loudly instead of
 * scrambling updates.
 */
function checkedShapes(model: LayersModel): { shape: number[]; size: number }[] {
  const weights = model.weights;
  const spec = specs.get(model);
  const expected = paramShapes(
    spec ?? {
      inputDim: (weights[0]?.shape[0] ?? 0) as number,
      layers: model.layers.map((l) => ({ units: (l.getConfig() as { units: number }).units })),
    },
  );
  if (weights.length !== expected.length) {
    throw new CohortError('E_INTERNAL', `model has ${weights.length} weight tensors, expected ${expected.length}`);
  }
  return weights.map((w, i) => {
    const e = expected[i]!;
    const shape = w.shape as number[];
    if (shape.length !== e.shape.length || shape.some((s, k) => s !== e.shape[k])) {
      throw new CohortError(
        'E_INTERNAL',
        `weight ${i} (${w.name}) has shape [${shape}], expected ${e.name} [${e.shape}]`,
      );
    }
    return { shape, size: e.size };
  });
}
