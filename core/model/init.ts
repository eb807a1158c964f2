import { seededRng } from '../rng.ts';
import { paramShapes, type ModelSpec } from './spec.ts';

/**
 * Initial global weights, computed by the coordinator without tfjs:
 * Glorot-uniform kernels (Glorot & Bengio 2010, limit sqrt(6/(fan_in+fan_out)),
 * the tfjs/Keras default for dense layers) and zero biases, from a seed.
 */
export function initialWeights(spec: ModelSpec, seed: number): Float32Array {
  const rng = seededRng(seed);
  const shapes = paramShapes(spec);
  const out = new Float32Array(shapes.reduce((n, p) => n + p.size, 0));
  let offset = 0;
  for (const p of shapes) {
    if (p.shape.length === 2) {
      const [fanIn, fanOut] = p.shape as [number, number];
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      for (let i = 0; i < p.size; i++) out[offset + i] = (rng.float() * 2 - 1) * limit;
    }
    offset += p.size;
  }
  return out;
}
