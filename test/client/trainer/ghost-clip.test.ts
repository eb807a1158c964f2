import type { LayersModel, Scalar, SequentialArgs, SymbolicTensor, Tensor } from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededRng } from '../../../core/rng.ts';
import { loadTf, type Tf } from '../../../client/trainer/backend.ts';
import { assertGhostClippable, clippedGradientSumGraph } from '../../../client/trainer/ghost-clip.ts';
import { clipAmong, clippedReference, clipProperty, norm, relErr } from './fixtures.ts';

let tf: Tf;
beforeAll(async () => {
  // As fixtures.ts's loadTestTf (cpu, tfjs's leak checks), without the trainer's index and its other modules.
  process.env.COHORT_TF_BACKEND = 'cpu';
  ({ tf } = await loadTf());
  tf.env().set('IS_TEST', true);
});

const thrownCode = (err: unknown) => (err as { code?: string }).code;

/** Sigmoid cross-entropy on logits, summed over the output units: one value per example. */
const loss = (y: Tensor, out: Tensor) =>
  tf.sum(tf.losses.sigmoidCrossEntropy(y, out, undefined, 0, tf.Reduction.NONE), -1);

interface Case {
  build: () => LayersModel;
  /** Input shape without the batch. */
  input: number[];
  /** Inputs are token ids in [0, vocab) when set. */
  vocab?: number;
  /** Norm methods the case must exercise. */
  methods?: string[];
}

const L = () => tf.layers;
function functional(input: number[], body: (x: SymbolicTensor) => SymbolicTensor): LayersModel {
  const x = tf.input({ shape: input });
  return tf.model({ inputs: x, outputs: body(x) });
}
const apply = (
  layer: { apply: (x: SymbolicTensor | SymbolicTensor[]) => unknown },
  x: SymbolicTensor | SymbolicTensor[],
) => layer.apply(x) as SymbolicTensor;

/** A Sequential case: `layers` gets the input shape for its first layer. */
function sequentialCase(
  input: number[],
  layers: (inputShape: number[]) => NonNullable<SequentialArgs['layers']>,
  more: Pick<Case, 'vocab' | 'methods'> = {},
): Case {
  return { input, ...more, build: () => tf.sequential({ layers: layers(input) }) };
}

/** A functional-API case: `body` maps the input to the output. */
function functionalCase(input: number[], body: (x: SymbolicTensor) => SymbolicTensor): Case {
  return { input, build: () => functional(input, body) };
}

const CASES: Record<string, Case> = {
  'conv → pool → flatten → dense (the fed-pneumonia shape)': sequentialCase(
    [6, 6, 2],
    (inputShape) => [
      L().conv2d({ inputShape, filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' }),
      L().maxPooling2d({ poolSize: 2 }),
      L().conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'tanh' }),
      L().averagePooling2d({ poolSize: 3 }),
      L().flatten(),
      L().dense({ units: 5, activation: 'relu' }),
      L().dense({ units: 1 }),
    ],
    { methods: ['explicit', 'outer'] },
  ),
  'strided valid conv (ghost norm), conv without bias': sequentialCase(
    [7, 7, 3],
    (inputShape) => [
      L().conv2d({ inputShape, filters: 12, kernelSize: 3, strides: 2, activation: 'sigmoid' }),
      L().conv2d({ filters: 2, kernelSize: 2, padding: 'same', useBias: false }),
      L().globalMaxPooling2d({}),
      L().dense({ units: 2 }),
    ],
    { methods: ['ghost', 'explicit'] },
  ),
  'residual block with Add': functionalCase([5], (x) => {
    const h = apply(L().dense({ units: 4, activation: 'relu' }), x);
    const r = apply(L().dense({ units: 5 }), h);
    const s = apply(L().add(), [x, r]);
    return apply(L().dense({ units: 1 }), apply(L().activation({ activation: 'relu' }), s));
  }),
  'Concatenate of two branches, Dropout at inference': functionalCase([4], (x) => {
    const a = apply(L().dense({ units: 3, activation: 'tanh' }), x);
    const b = apply(L().dense({ units: 2, activation: 'relu' }), apply(L().dropout({ rate: 0.5 }), x));
    return apply(L().dense({ units: 2 }), apply(L().concatenate(), [a, b]));
  }),
  'Embedding → GlobalAveragePooling1D → Dense': sequentialCase(
    [5],
    () => [
      L().embedding({ inputDim: 7, outputDim: 3, inputLength: 5 }),
      L().globalAveragePooling1d({}),
      L().dense({ units: 1 }),
    ],
    { vocab: 7 },
  ),
  'Conv1D, Dense on sequences, LayerNormalization, pooling 1-D': sequentialCase(
    [8, 3],
    (inputShape) => [
      L().conv1d({ inputShape, filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }),
      L().layerNormalization({}),
      L().maxPooling1d({ poolSize: 2 }),
      L().dense({ units: 30, activation: 'tanh' }),
      L().reshape({ targetShape: [120] }),
      L().dense({ units: 1 }),
    ],
    { methods: ['explicit', 'per-example', 'ghost'] },
  ),
  'strided Conv1D and a 2×1 strided Conv2D, valid padding': sequentialCase([9, 2], (inputShape) => [
    L().conv1d({ inputShape, filters: 3, kernelSize: 3, strides: 2, activation: 'relu' }),
    L().reshape({ targetShape: [4, 3, 1] }),
    L().conv2d({ filters: 2, kernelSize: [2, 1], strides: [2, 1] }),
    L().flatten(),
    L().dense({ units: 1 }),
  ]),
  'DepthwiseConv2D and SeparableConv2D': sequentialCase([5, 5, 2], (inputShape) => [
    L().depthwiseConv2d({ inputShape, kernelSize: 3, depthMultiplier: 2, activation: 'relu' }),
    L().separableConv2d({ filters: 3, kernelSize: 2, padding: 'same' }),
    L().globalAveragePooling2d({}),
    L().dense({ units: 1 }),
  ]),
};

interface Data {
  x: Tensor;
  y: Tensor;
  b: number;
}

function data(c: Case, out: number, b: number, seed: number): Data {
  const rng = seededRng(seed);
  const width = c.input.reduce((p, q) => p * q, 1);
  const x = Float32Array.from({ length: b * width }, () =>
    c.vocab ? Math.floor(rng.float() * c.vocab) : rng.float() * 4 - 2,
  );
  const y = Float32Array.from({ length: b * out }, () => (rng.float() < 0.5 ? 1 : 0));
  return { x: tf.tensor(x, [b, ...c.input]), y: tf.tensor(y, [b, out]), b };
}

/** Random weights, biases and norm scales included, so every term of every gradient shows up. */
function randomize(model: LayersModel, seed: number): void {
  const rng = seededRng(seed);
  const values = model.weights.map((w) => {
    const shape = w.shape as number[];
    const size = shape.reduce((p, q) => p * q, 1);
    return tf.tensor(
      Float32Array.from({ length: size }, () => rng.float() - 0.5),
      shape,
    );
  });
  model.setWeights(values);
  tf.dispose(values);
}

/** The reference: tfjs's own layers and autodiff, one backward pass per example, flattened in model.weights order. */
function perExample(model: LayersModel, d: Data): Float64Array[] {
  const vars = model.weights.map((w) => w.read());
  const out: Float64Array[] = [];
  for (let i = 0; i < d.b; i++) {
    const flat = tf.tidy(() => {
      const g = tf.grads((..._v: Tensor[]) => {
        const logits = model.apply(tf.slice(d.x, i, 1)) as Tensor;
        return tf.sum(loss(tf.slice(d.y, i, 1), logits)) as Scalar;
      })(vars);
      return tf.concat(g.map((t) => tf.reshape(t, [-1])));
    });
    out.push(Float64Array.from(flat.dataSync()));
    flat.dispose();
  }
  return out;
}

function ours(model: LayersModel, d: Data, clip: number) {
  const r = clippedGradientSumGraph(tf, model, d.x, d.y, clip, loss);
  const sum = Float64Array.from(tf.tidy(() => tf.concat(r.grads.map((t) => tf.reshape(t, [-1])))).dataSync());
  const norms = Array.from(r.norms.dataSync());
  tf.dispose([...r.grads, r.norms]);
  return { sum, norms, methods: r.methods };
}

/** float32 sums taken in other orders (convolutions sum over positions and channels): relative 1e-4 beyond 1e-6. */
const REL = 1e-4;
const ABS = 1e-6;

describe('clippedGradientSumGraph', () => {
  for (const [name, c] of Object.entries(CASES)) {
    it(`${name}: norms and clipped sum equal one autodiff pass per example`, () => {
      const model = c.build();
      const outUnits = (model.outputs[0]!.shape as number[])[1]!;
      try {
        fc.assert(
          fc.property(...clipProperty(5), (b, seed, quantile) => {
            randomize(model, seed);
            const d = data(c, outUnits, b, seed + 1);
            try {
              const per = perExample(model, d);
              const refNorms = per.map(norm);
              const clip = clipAmong(refNorms, quantile);
              const got = ours(model, d, clip);
              for (let i = 0; i < b; i++)
                expect(Math.abs(got.norms[i]! - refNorms[i]!)).toBeLessThanOrEqual(REL * refNorms[i]! + ABS);
              expect(relErr(got.sum, clippedReference(per, clip), ABS)).toBeLessThan(2 * REL);
              for (const m of c.methods ?? []) expect(got.methods).toContain(m);
            } finally {
              tf.dispose([d.x, d.y]);
            }
          }),
          { numRuns: 8 },
        );
      } finally {
        model.dispose();
      }
    });
  }

  const SANITISED = [
    'conv → pool → flatten → dense (the fed-pneumonia shape)',
    'strided valid conv (ghost norm), conv without bias',
    'Conv1D, Dense on sequences, LayerNormalization, pooling 1-D',
    'DepthwiseConv2D and SeparableConv2D',
  ];
  for (const name of SANITISED) {
    it(`${name}: an example with a non-finite input is zeroed, the others are summed as before`, () => {
      const c = CASES[name]!;
      const model = c.build();
      const width = c.input.reduce((p, q) => p * q, 1);
      randomize(model, 5);
      const outUnits = (model.outputs[0]!.shape as number[])[1]!;
      const clean = data(c, outUnits, 4, 6);
      const raw = clean.x.dataSync().slice();
      raw[0] = Number.NaN; // example 0
      raw[width * 2 + 4] = Number.NEGATIVE_INFINITY; // example 2
      raw[width * 3 + 1] = Number.POSITIVE_INFINITY; // example 3
      const bad = { x: tf.tensor(raw, clean.x.shape), y: clean.y, b: 4 };
      try {
        const per = perExample(model, clean);
        const got = ours(model, bad, 0.5);
        expect(got.norms.map(Number.isFinite)).toEqual([false, true, false, false]);
        expect(got.sum.every(Number.isFinite)).toBe(true);
        expect(relErr(got.sum, clippedReference(per, 0.5, new Set([0, 2, 3])), ABS)).toBeLessThan(2 * REL);
      } finally {
        tf.dispose([clean.x, clean.y, bad.x]);
        model.dispose();
      }
    });
  }

  it('zeroes an example with finite inputs whose squared norm overflows float32', () => {
    const c = CASES['residual block with Add']!;
    const model = c.build();
    randomize(model, 7);
    const clean = data(c, 1, 3, 8);
    const raw = clean.x.dataSync().slice();
    raw[5] = 1e30; // example 1: ‖a‖² of the first Dense is past float32
    const bad = { x: tf.tensor(raw, clean.x.shape), y: clean.y, b: 3 };
    try {
      const per = perExample(model, clean);
      const got = ours(model, bad, 0.5);
      expect(got.norms.map(Number.isFinite)).toEqual([true, false, true]);
      expect(relErr(got.sum, clippedReference(per, 0.5, new Set([1])), ABS)).toBeLessThan(2 * REL);
    } finally {
      tf.dispose([clean.x, clean.y, bad.x]);
      model.dispose();
    }
  });

  it('an empty batch gives zeros of every weight shape', () => {
    const model = CASES['residual block with Add']!.build();
    const r = clippedGradientSumGraph(tf, model, tf.zeros([0, 5]), tf.zeros([0, 1]), 1, loss);
    expect(r.grads.map((g) => g.shape)).toEqual(model.weights.map((w) => w.shape));
    expect(r.grads.every((g) => g.dataSync().every((v) => v === 0))).toBe(true);
    tf.dispose([...r.grads, r.norms]);
    model.dispose();
  });

  it('leaks no tensor', () => {
    const c = CASES['Embedding → GlobalAveragePooling1D → Dense']!;
    const model = c.build();
    const d = data(c, 1, 3, 1);
    const before = tf.memory().numTensors;
    const r = clippedGradientSumGraph(tf, model, d.x, d.y, 1, loss);
    tf.dispose([...r.grads, r.norms]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([d.x, d.y]);
    model.dispose();
  });

  it('refuses BatchNormalization, a layer applied twice and a dilated convolution, before any record is read (E_JOB_SPEC)', () => {
    const bn = tf.sequential({
      layers: [L().dense({ inputShape: [3], units: 2 }), L().batchNormalization({}), L().dense({ units: 1 })],
    });
    const shared = L().dense({ units: 3 });
    const twice = functional([3], (x) => apply(L().dense({ units: 1 }), apply(shared, apply(shared, x))));
    // tfjs has no gradient for a dilated convolution: refused up front, not on the first step.
    const dilated = tf.sequential({
      layers: [L().conv1d({ inputShape: [6, 1], filters: 1, kernelSize: 2, dilationRate: 2 }), L().flatten()],
    });
    for (const model of [bn, twice, dilated]) {
      let code: string | undefined;
      try {
        assertGhostClippable(model);
      } catch (err) {
        code = thrownCode(err);
      }
      expect(code).toBe('E_JOB_SPEC');
      model.dispose();
    }
  });
});
