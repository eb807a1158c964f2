import type { Scalar, Tensor, Tensor2D } from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { paramCount, paramShapes, type ModelSpec } from '../../../core/model/spec.ts';
import { initialWeights } from '../../../core/model/init.ts';
import { seededRng } from '../../../core/rng.ts';
import type { Tf } from '../../../client/trainer/index.ts';
import { buildModel, setFlatWeights } from '../../../client/trainer/model.ts';
import { clippedGradientSum } from '../../../client/trainer/per-example.ts';
import { clipAmong, clippedReference, clipProperty, loadTestTf, norm, relErr } from './fixtures.ts';
import { binaryClassifier } from '../../helpers/models.ts';

const D = 4;
const SPECS: Record<string, ModelSpec> = {
  'relu, tanh': binaryClassifier(D, [
    [6, 'relu'],
    [5, 'tanh'],
  ]),
  'sigmoid, linear': binaryClassifier(D, [
    [5, 'sigmoid'],
    [3, 'linear'],
  ]),
  logistic: binaryClassifier(D, []),
};

let tf: Tf;
beforeAll(async () => {
  ({ tf } = await loadTestTf());
});

interface Batch {
  x: Float32Array;
  y: Float32Array;
  b: number;
}

function batch(b: number, seed: number): Batch {
  const rng = seededRng(seed);
  return {
    x: Float32Array.from({ length: b * D }, () => rng.float() * 4 - 2),
    y: Float32Array.from({ length: b }, () => (rng.float() < 0.5 ? 1 : 0)),
    b,
  };
}

/** Glorot kernels plus non-zero biases, so bias gradients and relu's dead units both show up. */
function weights(spec: ModelSpec, seed: number): Float32Array {
  const w = initialWeights(spec, seed);
  const rng = seededRng(seed + 1);
  let offset = 0;
  for (const s of paramShapes(spec)) {
    if (s.shape.length === 1) for (let i = 0; i < s.size; i++) w[offset + i] = rng.float() - 0.5;
    offset += s.size;
  }
  return w;
}

/**
 * The reference: tfjs's own Dense layers and autodiff, one backward pass per
 * example, each example's gradient flattened in paramShapes order.
 */
function perExampleGrads(spec: ModelSpec, w: Float32Array, data: Batch): Float64Array[] {
  const model = buildModel(tf, spec, 'logit');
  try {
    setFlatWeights(tf, model, w);
    const vars = model.getWeights();
    const out: Float64Array[] = [];
    for (let i = 0; i < data.b; i++) {
      const flat = tf.tidy(() => {
        const xi = tf.tensor2d(data.x.slice(i * D, (i + 1) * D), [1, D]);
        const yi = tf.tensor2d([data.y[i]!], [1, 1]);
        const grads = tf.grads((..._params: Tensor[]) => {
          // model.apply reads the layer variables, which are the tensors differentiated against.
          const logits = model.apply(xi) as Tensor;
          return tf.losses.sigmoidCrossEntropy(yi, logits, undefined, 0, tf.Reduction.SUM) as Scalar;
        });
        return tf.concat(grads(vars).map((g) => tf.reshape(g, [-1])));
      });
      out.push(Float64Array.from(flat.dataSync()));
      flat.dispose();
    }
    return out;
  } finally {
    model.dispose();
  }
}

function ours(spec: ModelSpec, w: Float32Array, data: Batch, clip: number): { sum: Float32Array; norms: Float32Array } {
  const shapes = paramShapes(spec);
  const params: Tensor[] = [];
  let offset = 0;
  for (const s of shapes) {
    params.push(tf.tensor(w.slice(offset, offset + s.size), s.shape));
    offset += s.size;
  }
  const x = tf.tensor2d(data.x, [data.b, D]) as Tensor2D;
  const y = tf.tensor2d(data.y, [data.b, 1]) as Tensor2D;
  try {
    const { grads, norms } = clippedGradientSum(tf, spec, params, x, y, clip);
    const sum = new Float32Array(paramCount(spec));
    let o = 0;
    for (const g of grads) {
      sum.set(g.dataSync() as Float32Array, o);
      o += g.size;
    }
    const n = norms.dataSync() as Float32Array;
    tf.dispose([...grads, norms]);
    return { sum, norms: n };
  } finally {
    tf.dispose([...params, x, y]);
  }
}

/**
 * Tolerances. Relative 1e-5: float32 sums taken in another order. Absolute
 * 1e-6: the autodiff reference computes σ(z) − y, which near saturation
 * loses ~6e-8 to float32 cancellation, times ‖(x, 1)‖ ≤ 5 here. A clip
 * within 1e-5 of a norm can tip either way, which moves that example's
 * contribution by as much again: hence 2e-5 for the sums.
 */
const REL = 1e-5;
const ABS = 1e-6;

describe('clippedGradientSum', () => {
  for (const [name, spec] of Object.entries(SPECS)) {
    it(`${name}: per-example norms equal one autodiff pass per example`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 1e6 }), (b, seed) => {
          const data = batch(b, seed);
          const w = weights(spec, seed);
          const ref = perExampleGrads(spec, w, data).map(norm);
          const { norms } = ours(spec, w, data, 1);
          expect(norms.length).toBe(b);
          for (let i = 0; i < b; i++) expect(Math.abs(norms[i]! - ref[i]!)).toBeLessThanOrEqual(REL * ref[i]! + ABS);
        }),
        { numRuns: 15 },
      );
    });

    it(`${name}: the sum equals Σ_i g_i·min(1, C/‖g_i‖) of the autodiff gradients`, () => {
      fc.assert(
        fc.property(...clipProperty(12), (b, seed, quantile) => {
          const data = batch(b, seed);
          const w = weights(spec, seed);
          const per = perExampleGrads(spec, w, data);
          const clip = clipAmong(per.map(norm), quantile);
          expect(relErr(ours(spec, w, data, clip).sum, clippedReference(per, clip), ABS)).toBeLessThan(2 * REL);
        }),
        { numRuns: 15 },
      );
    });
  }

  it('with a clip above every norm, is the plain gradient of the summed loss', () => {
    const spec = SPECS['relu, tanh']!;
    const data = batch(16, 3);
    const w = weights(spec, 3);
    const model = buildModel(tf, spec, 'logit');
    setFlatWeights(tf, model, w);
    const ref = tf.tidy(() => {
      const g = tf.grads(
        (..._p: Tensor[]) =>
          tf.losses.sigmoidCrossEntropy(
            tf.tensor2d(data.y, [16, 1]),
            model.apply(tf.tensor2d(data.x, [16, D])) as Tensor,
            undefined,
            0,
            tf.Reduction.SUM,
          ) as Scalar,
      )(model.getWeights());
      return tf.concat(g.map((t) => tf.reshape(t, [-1])));
    });
    const expected = ref.dataSync();
    ref.dispose();
    model.dispose();
    expect(relErr(ours(spec, w, data, 1e6).sum, expected, ABS)).toBeLessThan(REL);
  });

  it('zeroes an example whose gradient is not finite: the sum is that of the others, finite, and the bound C holds', () => {
    // Issue 15: an outlier record whose activations overflow used to turn the whole sum into NaN
    // (‖a‖² = Inf, scale 0, Inf·0 = NaN). Now its contribution is 0, exactly as if it were not sampled.
    const outliers = [1e30, 3e38, Infinity, -Infinity, NaN];
    for (const [name, spec] of Object.entries(SPECS)) {
      for (const bad of outliers) {
        const data = batch(6, 11);
        const w = weights(spec, 11);
        const clip = 0.5;
        const withBad: Batch = { x: data.x.slice(), y: data.y, b: data.b };
        withBad.x[2 * D] = bad; // row 2, feature 0
        const without: Batch = {
          x: Float32Array.from([...data.x.slice(0, 2 * D), ...data.x.slice(3 * D)]),
          y: Float32Array.from([...data.y.slice(0, 2), ...data.y.slice(3)]),
          b: data.b - 1,
        };
        const got = ours(spec, w, withBad, clip);
        const ref = ours(spec, w, without, clip);
        expect(
          got.sum.every((v) => Number.isFinite(v)),
          `${name}, x = ${bad}`,
        ).toBe(true);
        // Finite but large outliers may still give a finite norm on some models: then it is clipped to C.
        if (Number.isFinite(got.norms[2]!))
          expect(norm(Float64Array.from(got.sum, (v, i) => v - ref.sum[i]!))).toBeLessThanOrEqual(clip * (1 + 1e-4));
        else expect(relErr(got.sum, ref.sum, ABS), `${name}, x = ${bad}`).toBeLessThan(REL);
      }
    }
  });

  it('an empty batch gives zero sums and no norms', () => {
    const spec = SPECS['relu, tanh']!;
    const { sum, norms } = ours(spec, weights(spec, 1), { x: new Float32Array(0), y: new Float32Array(0), b: 0 }, 1);
    expect(norms.length).toBe(0);
    expect(sum.every((v) => v === 0)).toBe(true);
    expect(sum.length).toBe(paramCount(spec));
  });

  it('returns only its outputs: no intermediate tensor survives', () => {
    const spec = SPECS['relu, tanh']!;
    const x = tf.tensor2d(batch(8, 1).x, [8, D]);
    const y = tf.tensor2d(batch(8, 1).y, [8, 1]);
    const params = paramShapes(spec).map((s) => tf.ones(s.shape));
    const before = tf.memory().numTensors;
    const { grads, norms } = clippedGradientSum(tf, spec, params, x, y, 0.5);
    expect(tf.memory().numTensors).toBe(before + grads.length + 1);
    tf.dispose([...grads, norms, ...params, x, y]);
  });
});
