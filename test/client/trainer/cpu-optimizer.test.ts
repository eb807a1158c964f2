import type { Variable } from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { paramShapes } from '../../../core/model/spec.ts';
import { initialWeights } from '../../../core/model/init.ts';
import { seededRng } from '../../../core/rng.ts';
import { privatizeSum } from '../../../core/privacy/snapped-noise.ts';
import type { Tf } from '../../../client/trainer/index.ts';
import { cpuOptimizer } from '../../../client/trainer/cpu-optimizer.ts';
import { errorCode } from '../../helpers/errors.ts';
import { loadTestTf } from './fixtures.ts';
import { binaryClassifier } from '../../helpers/models.ts';

const SPEC = binaryClassifier(5, [
  [16, 'relu'],
  [8, 'tanh'],
]);
const SHAPES = paramShapes(SPEC);
const TOTAL = SHAPES.reduce((s, p) => s + p.size, 0);

let tf: Tf;
beforeAll(async () => {
  ({ tf } = await loadTestTf());
});

/**
 * DP-SGD's gradients as dpsgd.ts forms them: a clipped-looking sum, privatised
 * (snapped, discrete-Gaussian noise), times 1/(q·n), rounded to float32; with
 * a few extreme coordinates so overflow in Adam's g² and zero moments are
 * exercised too.
 */
function noisyGradients(steps: number, seed: number): Float32Array[] {
  const rng = seededRng(seed);
  const invExpected = 1 / (0.05 * 300);
  return Array.from({ length: steps }, () => {
    const sum = Float64Array.from({ length: TOTAL }, () => (rng.float() - 0.5) * 4);
    const noisy = privatizeSum(sum, 1, 1.1);
    const g = Float32Array.from(noisy, (v) => v * invExpected);
    g[0] = 0;
    g[1] = 3e38;
    g[2] = -1e-30;
    g[3] = 1e-45;
    return g;
  });
}

/** `steps` updates by tf.train's optimiser on tf variables, from `start`: the reference. */
function tfTrajectory(kind: 'sgd' | 'adam', lr: number, start: Float32Array, grads: Float32Array[]): Float32Array[] {
  const optimizer = kind === 'adam' ? tf.train.adam(lr) : tf.train.sgd(lr);
  let offset = 0;
  const vars: Variable[] = SHAPES.map((s) => {
    const v = tf.variable(tf.tensor(start.slice(offset, offset + s.size), s.shape, 'float32'));
    offset += s.size;
    return v;
  });
  try {
    return grads.map((g) => {
      tf.tidy(() => {
        let o = 0;
        optimizer.applyGradients(
          vars.map((v, i) => {
            const t = tf.tensor(g.slice(o, o + SHAPES[i]!.size), SHAPES[i]!.shape, 'float32');
            o += SHAPES[i]!.size;
            return { name: v.name, tensor: t };
          }),
        );
      });
      const w = new Float32Array(TOTAL);
      let p = 0;
      for (const v of vars) {
        w.set(v.dataSync() as Float32Array, p);
        p += v.size;
      }
      return w;
    });
  } finally {
    tf.dispose(vars);
    optimizer.dispose();
  }
}

function cpuTrajectory(kind: 'sgd' | 'adam', lr: number, start: Float32Array, grads: Float32Array[]): Float32Array[] {
  const optimizer = cpuOptimizer(kind, lr, TOTAL);
  const w = start.slice();
  return grads.map((g) => {
    optimizer.step(w, g);
    return w.slice();
  });
}

/** Largest |a − b| in float32 ulps of b (equal infinities: 0; a NaN on one side only: Infinity). */
function maxUlps(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < b.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y || (Number.isNaN(x) && Number.isNaN(y))) continue;
    if (!Number.isFinite(x) || !Number.isFinite(y)) return Infinity;
    const ulp = 2 ** (Math.max(Math.floor(Math.log2(Math.abs(y) || 2 ** -149)), -126) - 23);
    worst = Math.max(worst, Math.abs(x - y) / ulp);
  }
  return worst;
}

describe('cpuOptimizer', () => {
  const cases = [
    { kind: 'sgd' as const, lr: 0.05 },
    { kind: 'sgd' as const, lr: 1 },
    { kind: 'adam' as const, lr: 0.01 },
    { kind: 'adam' as const, lr: 0.001 },
  ];
  for (const { kind, lr } of cases) {
    it(`${kind}, lr ${lr}: matches tf.train.${kind}(${lr}) step by step on the same noisy gradients`, () => {
      const steps = 6;
      const start = initialWeights(SPEC, 4);
      const grads = noisyGradients(steps, 9);
      const ref = tfTrajectory(kind, lr, start, grads);
      const got = cpuTrajectory(kind, lr, start, grads);
      for (let t = 0; t < steps; t++) {
        expect(
          ref[t]!.some((v, i) => v !== start[i]),
          `step ${t} moves the weights`,
        ).toBe(true);
        // Within float32 rounding; on the cpu backend, every operation is the same float32 operation, so bit for bit.
        expect(maxUlps(got[t]!, ref[t]!), `step ${t}`).toBeLessThanOrEqual(2);
        expect(Buffer.from(got[t]!.buffer).equals(Buffer.from(ref[t]!.buffer)), `step ${t}, bit for bit`).toBe(true);
      }
    });
  }

  it('leaves the gradient as it is and updates the weights in place', () => {
    const g = noisyGradients(1, 3)[0]!;
    const before = g.slice();
    const w = initialWeights(SPEC, 1);
    const w0 = w.slice();
    cpuOptimizer('adam', 0.01, TOTAL).step(w, g);
    expect(Buffer.from(g.buffer).equals(Buffer.from(before.buffer))).toBe(true);
    expect(w.some((v, i) => v !== w0[i])).toBe(true);
  });

  it('rejects a bad learning rate, size or vector length with E_INTERNAL', () => {
    for (const lr of [0, -1, NaN, Infinity])
      expect(
        errorCode(() => cpuOptimizer('sgd', lr, 4)),
        String(lr),
      ).toBe('E_INTERNAL');
    for (const size of [-1, 1.5, NaN])
      expect(
        errorCode(() => cpuOptimizer('adam', 0.1, size)),
        String(size),
      ).toBe('E_INTERNAL');
    const opt = cpuOptimizer('sgd', 0.1, 4);
    expect(errorCode(() => opt.step(new Float32Array(4), new Float32Array(3)))).toBe('E_INTERNAL');
    expect(errorCode(() => opt.step(new Float32Array(5), new Float32Array(4)))).toBe('E_INTERNAL');
  });
});
