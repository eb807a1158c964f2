/**
 * A ModelSpec as a tfjs LayersModel, and its weights as cohort's flat
 * parameter vector (core/model/spec.ts: per layer, kernel [in, units]
 * row-major then bias — the order of `model.getWeights()`).
 */
import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import { CohortError } from '../../core/errors.ts';
import type { DatasetSplit } from '../../core/data/types.ts';
import { paramShapes, type ModelSpec } from '../../core/model/spec.ts';
import type { Tf } from './backend.ts';

/**
 * `probability`: the model as specified (final sigmoid). `logit`: the final
 * activation left out, so training can use the stable sigmoid cross-entropy
 * on logits instead of taking log of a sigmoid that saturates to 0 or 1.
 */
export type ModelHead = 'probability' | 'logit';

export function buildModel(tf: Tf, spec: ModelSpec, head: ModelHead = 'probability'): LayersModel {
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
  return model;
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

/** Rejects a split that cannot feed `spec`, before any tensor is built from it. */
export function assertSplitFits(spec: ModelSpec, data: DatasetSplit): void {
  if (data.d !== spec.inputDim) {
    throw new CohortError('E_JOB_FEATURES', `dataset has ${data.d} features but model.inputDim is ${spec.inputDim}`);
  }
  if (!Number.isInteger(data.n) || data.n < 0 || data.x.length !== data.n * data.d || data.y.length !== data.n) {
    throw new CohortError(
      'E_INTERNAL',
      `inconsistent split: n=${data.n}, d=${data.d}, x has ${data.x.length} values, y has ${data.y.length}`,
    );
  }
}

/**
 * The model's weight shapes, checked against the paramShapes order so a
 * change in tfjs's weight ordering fails loudly instead of scrambling updates.
 */
function checkedShapes(model: LayersModel): { shape: number[]; size: number }[] {
  const weights = model.weights;
  const expected = paramShapes({
    inputDim: (weights[0]?.shape[0] ?? 0) as number,
    layers: model.layers.map((l) => ({ units: (l.getConfig() as { units: number }).units })),
  });
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
