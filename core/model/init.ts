import { seededRng } from '../rng.ts';
import type { ParamShape } from './params.ts';
import { paramShapes, type ModelSpec } from './spec.ts';

/** Half-width of the uniform embedding initialiser (Keras's `embeddings_initializer` default, RandomUniform ±0.05). */
export const EMBEDDING_INIT_LIMIT = 0.05;

/**
 * Initial global weights, computed by the coordinator without tfjs, from a
 * seed, tensor by tensor in the flat vector's order:
 * - kernels (dense, convolution, depthwise and pointwise): Glorot-uniform
 *   (Glorot & Bengio 2010), limit sqrt(6/(fan_in+fan_out)) with Keras's fans
 *   (a dense kernel [in, out]: in and out; a convolution kernel
 *   [...window, in, out]: the window's size times in and times out);
 * - embeddings: uniform in ±0.05, Keras's default;
 * - LayerNorm/BatchNorm gamma and BatchNorm's moving variance: ones;
 * - biases, beta and moving means: zeros.
 * The draws run through one seeded stream in that order, so a dense-form
 * model gets the same weights it got before graph models existed.
 */
export function initialWeights(spec: ModelSpec, seed: number): Float32Array {
  const rng = seededRng(seed);
  const shapes = paramShapes(spec);
  const out = new Float32Array(shapes.reduce((n, p) => n + p.size, 0));
  let offset = 0;
  for (const p of shapes) {
    const t = out.subarray(offset, offset + p.size);
    const limit = uniformLimit(p);
    if (limit !== undefined) for (let i = 0; i < p.size; i++) t[i] = (rng.float() * 2 - 1) * limit;
    else if (p.role === 'gamma' || p.role === 'moving_variance') t.fill(1);
    offset += p.size;
  }
  return out;
}

/** Half-width of the tensor's uniform initialiser, or undefined for a constant one. */
function uniformLimit(p: ParamShape): number | undefined {
  if (p.role === 'embeddings') return EMBEDDING_INIT_LIMIT;
  if (p.role !== 'kernel' && p.role !== 'depthwise_kernel' && p.role !== 'pointwise_kernel') return undefined;
  const [fanIn, fanOut] = kerasFans(p.shape);
  return Math.sqrt(6 / (fanIn + fanOut));
}

/** Keras's `_compute_fans`: [in, out] for a matrix; receptive field × in/out channels for a convolution kernel. */
export function kerasFans(shape: readonly number[]): [number, number] {
  if (shape.length === 2) return [shape[0]!, shape[1]!];
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return [receptive * shape[shape.length - 2]!, receptive * shape[shape.length - 1]!];
}
