import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type * as TfNs from '@tensorflow/tfjs';
import { loadTf, type Tf } from '../../../client/trainer/backend.ts';
import {
  WASM_GRADIENT_KERNELS,
  WASM_WRAPPED_KERNELS,
  registerWasmKernels,
} from '../../../client/trainer/wasm-kernels.ts';

type Tensor = TfNs.Tensor;
type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];

let tf: Tf;
let added: readonly string[] | undefined;

beforeAll(async () => {
  // Through the product's loader, so the test covers the path every trainer takes to wasm.
  process.env.COHORT_TF_BACKEND = 'wasm';
  const loaded = await loadTf();
  tf = loaded.tf;
  added = loaded.addedKernels;
  // Not tfjs's IS_TEST leak check: the wasm backend's own fusedMatMul trips it.
});

/** Runs `f` on wasm and on cpu with the same inputs (made by `inputs` on each backend). */
function onBoth(f: () => Tensor | Tensor[]): { wasm: Float32Array[]; cpu: Float32Array[] } {
  const run = (backend: string) => {
    tf.setBackend(backend);
    return tf.tidy(() => {
      const out = f();
      return (Array.isArray(out) ? out : [out]).map((t) => t.dataSync() as Float32Array);
    });
  };
  try {
    return { wasm: run('wasm'), cpu: run('cpu') };
  } finally {
    tf.setBackend('wasm');
  }
}

/** Float32 agreement: sums of products over a few hundred terms, relative to the result's scale. */
function expectClose(a: Float32Array, b: Float32Array, rtol = 2e-5): void {
  expect(a.length).toBe(b.length);
  let scale = 1;
  for (const v of b) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  expect(worst).toBeLessThanOrEqual(rtol * scale);
}

function expectBothClose(r: { wasm: Float32Array[]; cpu: Float32Array[] }, rtol?: number): void {
  expect(r.wasm.length).toBe(r.cpu.length);
  r.wasm.forEach((w, i) => expectClose(w, r.cpu[i]!, rtol));
}

/** Seeded uniform values, so both backends see identical inputs. */
function uniform(shape: number[], seed: number): Tensor {
  return tf.randomUniform(shape, -1, 1, 'float32', seed);
}

/** Gradients of a non-linear loss (Σ out² · weights) w.r.t. input and filter. */
function convGrads(op: (x: Tensor, w: Tensor) => Tensor, xShape: number[], wShape: number[]): () => Tensor[] {
  return () => {
    const x = uniform(xShape, 1);
    const w = uniform(wShape, 2);
    const loss = (a: Tensor, b: Tensor) => {
      const y = op(a, b);
      return y.square().mul(uniform(y.shape, 3)).sum();
    };
    return tf.grads(loss)([x, w]);
  };
}

describe('registerWasmKernels', () => {
  it('registers the missing gradient kernels once, through the wasm loader', () => {
    expect(tf.getBackend()).toBe('wasm');
    expect(added).toEqual([...WASM_GRADIENT_KERNELS, ...WASM_WRAPPED_KERNELS]);
    for (const k of added!) expect(tf.getKernel(k, 'wasm')).toBeDefined();
    // Idempotent: nothing is registered twice (tfjs would warn and replace it).
    expect(registerWasmKernels(tf)).toEqual([]);
  });

  it('names them in the backend log line, for operators', async () => {
    const records: object[] = [];
    const log = { info: (obj: object) => void records.push(obj), warn: (obj: object) => void records.push(obj) };
    await loadTf(log);
    expect(records).toEqual([expect.objectContaining({ backend: 'wasm', addedKernels: added })]);
  });
});

describe('Conv2D gradients (filter and input) on wasm match cpu', () => {
  const cases: { name: string; x: number[]; w: number[]; strides: number | [number, number]; pad: Pad }[] = [
    { name: 'stride 1 same', x: [2, 8, 8, 3], w: [3, 3, 3, 4], strides: 1, pad: 'same' },
    { name: 'stride 1 valid', x: [2, 8, 7, 3], w: [3, 3, 3, 4], strides: 1, pad: 'valid' },
    { name: 'stride 2 same, odd size', x: [3, 9, 9, 2], w: [3, 3, 2, 5], strides: 2, pad: 'same' },
    { name: 'stride 2 valid, leftover row', x: [2, 8, 8, 2], w: [3, 3, 2, 3], strides: 2, pad: 'valid' },
    { name: 'stride 3 valid, 2 leftover', x: [2, 10, 10, 1], w: [3, 3, 1, 2], strides: 3, pad: 'valid' },
    { name: 'strides (1, 2) 5x2 filter', x: [2, 9, 8, 3], w: [5, 2, 3, 2], strides: [1, 2], pad: 'same' },
    { name: 'batch 1, one channel in and out', x: [1, 6, 6, 1], w: [3, 3, 1, 1], strides: 1, pad: 'same' },
    { name: 'numeric pad', x: [2, 6, 6, 2], w: [3, 3, 2, 3], strides: 2, pad: 1 },
    {
      name: 'explicit pad',
      x: [2, 6, 7, 2],
      w: [3, 2, 2, 3],
      strides: [2, 1],
      pad: [
        [0, 0],
        [2, 0],
        [1, 3],
        [0, 0],
      ],
    },
    {
      name: 'stride 1, padding wider than the filter (the original input-gradient kernel)',
      x: [2, 5, 6, 2],
      w: [2, 3, 2, 3],
      strides: 1,
      pad: [
        [0, 0],
        [2, 1],
        [0, 3],
        [0, 0],
      ],
    },
    { name: '1x1 filter, 16 channels', x: [4, 5, 5, 16], w: [1, 1, 16, 8], strides: 1, pad: 'valid' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const conv = (x: Tensor, w: Tensor) =>
        tf.conv2d(x as TfNs.Tensor4D, w as TfNs.Tensor4D, c.strides, c.pad as 'same');
      expectBothClose(onBoth(convGrads(conv, c.x, c.w)));
    });
  }

  it("refuses channels-first data, as the backend's own convolutions do", () => {
    const x = uniform([1, 2, 5, 5], 1);
    const dy = uniform([1, 3, 5, 5], 2);
    const attrs = { strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 2, 3] };
    expect(() => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs)).toThrow(
      expect.objectContaining({ code: 'E_INTERNAL' }),
    );
    tf.dispose([x, dy]);
  });

  // Kernel-level, given x and dy: autodiff would also compare the forward pass, and the wasm
  // backend's own Conv2D disagrees with cpu on a few 'same' shapes (stride 2 over an input of width 1).
  it('random shapes, strides and paddings (property)', () => {
    const shape = fc
      .record({
        b: fc.integer({ min: 1, max: 3 }),
        h: fc.integer({ min: 1, max: 9 }),
        w: fc.integer({ min: 1, max: 9 }),
        ci: fc.integer({ min: 1, max: 4 }),
        co: fc.integer({ min: 1, max: 4 }),
        fh: fc.integer({ min: 1, max: 4 }),
        fw: fc.integer({ min: 1, max: 4 }),
        sh: fc.integer({ min: 1, max: 3 }),
        sw: fc.integer({ min: 1, max: 3 }),
        pad: fc.constantFrom('same' as const, 'valid' as const),
      })
      .filter((s) => s.pad === 'same' || (s.fh <= s.h && s.fw <= s.w));
    fc.assert(
      fc.property(shape, (s) => {
        const filterShape = [s.fh, s.fw, s.ci, s.co] as [number, number, number, number];
        const xShape = [s.b, s.h, s.w, s.ci] as [number, number, number, number];
        const info = tf.backend_util.computeConv2DInfo(xShape, filterShape, [s.sh, s.sw], 1, s.pad);
        const r = onBoth(() => {
          const x = uniform(xShape, 1);
          const dy = uniform(info.outShape, 2);
          const attrs = { strides: [s.sh, s.sw], pad: s.pad, dataFormat: 'NHWC', filterShape };
          return tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs) as Tensor;
        });
        expectBothClose(r);
      }),
      { numRuns: 40, seed: 18 },
    );
  });

  it('conv1d, stride 1 same and stride 2 valid', () => {
    for (const [stride, pad] of [
      [1, 'same'],
      [2, 'valid'],
    ] as const) {
      const conv = (x: Tensor, w: Tensor) => tf.conv1d(x as TfNs.Tensor3D, w as TfNs.Tensor3D, stride, pad);
      expectBothClose(onBoth(convGrads(conv, [3, 17, 4], [5, 4, 6])));
    }
  });
});

describe('the kernels leak no backend memory', () => {
  const cases: Record<string, () => Tensor[]> = {
    conv2d: convGrads(
      (x, w) => tf.conv2d(x as TfNs.Tensor4D, w as TfNs.Tensor4D, 2, 'valid'),
      [2, 8, 8, 2],
      [3, 3, 2, 3],
    ),
    depthwise: convGrads(
      (x, w) => tf.depthwiseConv2d(x as TfNs.Tensor4D, w as TfNs.Tensor4D, 2, 'same'),
      [2, 7, 7, 2],
      [3, 3, 2, 2],
    ),
    maxPool: () => [
      tf.grad((x: Tensor) => tf.maxPool(x as TfNs.Tensor4D, 2, 2, 'valid').sum())(uniform([2, 6, 6, 3], 1)),
    ],
    matMul: () =>
      tf.grads((a: Tensor, b: Tensor) => tf.matMul(a, b).square().sum())([uniform([4, 5], 1), uniform([5, 3], 2)]),
    segmentSum: () => [tf.unsortedSegmentSum(uniform([5, 3], 1), tf.tensor1d([0, 2, 2, 7, 1], 'int32'), 3)],
  };
  for (const [name, grads] of Object.entries(cases)) {
    it(name, () => {
      tf.setBackend('wasm');
      tf.dispose(tf.tidy(grads)); // first use allocates XNNPACK operators
      // The backend's count sees intermediates a kernel forgets; the engine's sees tensors.
      const backend = tf.engine().backend;
      const before = { ids: backend.numDataIds(), tensors: tf.memory().numTensors };
      tf.dispose(tf.tidy(grads));
      expect({ ids: backend.numDataIds(), tensors: tf.memory().numTensors }).toEqual(before);
    });
  }
});

describe('DepthwiseConv2dNativeBackpropFilter on wasm matches cpu', () => {
  const cases: { name: string; x: number[]; w: number[]; strides: number; pad: 'same' | 'valid' }[] = [
    { name: 'multiplier 1, stride 1 same', x: [2, 7, 7, 3], w: [3, 3, 3, 1], strides: 1, pad: 'same' },
    { name: 'multiplier 2, stride 1 valid', x: [3, 6, 8, 2], w: [3, 2, 2, 2], strides: 1, pad: 'valid' },
    { name: 'multiplier 2, stride 2 same', x: [2, 9, 9, 3], w: [3, 3, 3, 2], strides: 2, pad: 'same' },
    { name: 'batch 1, multiplier 3, stride 2 valid', x: [1, 8, 8, 2], w: [3, 3, 2, 3], strides: 2, pad: 'valid' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const conv = (x: Tensor, w: Tensor) =>
        tf.depthwiseConv2d(x as TfNs.Tensor4D, w as TfNs.Tensor4D, c.strides, c.pad);
      expectBothClose(onBoth(convGrads(conv, c.x, c.w)));
    });
  }

  // tfjs's autodiff refuses dilated depthwise gradients and the cpu backend's filter gradient
  // ignores dilations, so these are checked against the forward pass by adjointness: the
  // convolution is bilinear, so <dW, V> = <dy, conv(x, V)> and <dx, U> = <dy, conv(U, W)>.
  it('with dilations, as kernels, by adjointness with the forward pass', () => {
    for (const pad of ['same', 'valid'] as const) {
      for (const dilations of [[2, 1] as [number, number], [1, 3] as [number, number]]) {
        const [lhs, rhs] = tf.tidy(() => {
          const x = uniform([2, 9, 10, 2], 4);
          const w = uniform([3, 2, 2, 2], 5);
          const u = uniform([2, 9, 10, 2], 6);
          const v = uniform([3, 2, 2, 2], 7);
          const conv = (a: Tensor, b: Tensor) =>
            tf.depthwiseConv2d(a as TfNs.Tensor4D, b as TfNs.Tensor4D, 1, pad, 'NHWC', dilations);
          const dy = uniform(conv(x, w).shape, 8);
          const attrs = { strides: [1, 1], dilations, pad };
          const k = tf.engine().runKernel.bind(tf.engine());
          const dW = k('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...attrs, filterShape: w.shape }) as Tensor;
          const dx = k(
            'DepthwiseConv2dNativeBackpropInput',
            { dy, filter: w },
            { ...attrs, inputShape: x.shape },
          ) as Tensor;
          const dot = (a: Tensor, b: Tensor) => a.mul(b).sum().dataSync()[0]!;
          return [
            [dot(dW, v), dot(dx, u)],
            [dot(dy, conv(x, v)), dot(dy, conv(u, w))],
          ];
        });
        expect(Math.abs(lhs![0]! - rhs![0]!)).toBeLessThan(1e-3 * (1 + Math.abs(rhs![0]!)));
        expect(Math.abs(lhs![1]! - rhs![1]!)).toBeLessThan(1e-3 * (1 + Math.abs(rhs![1]!)));
      }
    }
  });

  it('separableConv2d (depthwise then pointwise), multiplier 2', () => {
    const r = onBoth(() => {
      const x = uniform([2, 8, 8, 3], 1);
      const dw = uniform([3, 3, 3, 2], 2);
      const pw = uniform([1, 1, 6, 4], 3);
      const loss = (a: Tensor, b: Tensor, c: Tensor) =>
        tf
          .separableConv2d(a as TfNs.Tensor4D, b as TfNs.Tensor4D, c as TfNs.Tensor4D, 1, 'same')
          .square()
          .sum();
      return tf.grads(loss)([x, dw, pw]);
    });
    expectBothClose(r);
  });
});

describe('UnsortedSegmentSum on wasm matches cpu', () => {
  it('embedding lookup gradient (gather), repeated ids', () => {
    const r = onBoth(() => {
      const table = uniform([10, 5], 1);
      const ids = tf.tensor2d([0, 3, 3, 9, 1, 3, 0, 7], [2, 4], 'int32');
      const loss = (t: Tensor) =>
        tf
          .gather(t, ids)
          .square()
          .mul(uniform([2, 4, 5], 2))
          .sum();
      return tf.grad(loss)(table);
    });
    expectBothClose(r);
  });

  it('drops ids outside [0, numSegments), sums duplicates, keeps trailing dims', () => {
    const r = onBoth(() => {
      const x = uniform([6, 2, 3], 3);
      const ids = tf.tensor1d([2, -1, 2, 4, 0, 5], 'int32');
      return tf.unsortedSegmentSum(x, ids, 4);
    });
    expectBothClose(r);
    expect(r.wasm[0]!.length).toBe(4 * 2 * 3);
  });

  it('an Embedding layer trains on wasm as on cpu', () => {
    const r = onBoth(() => {
      const model = tf.sequential({
        layers: [
          tf.layers.embedding({ inputDim: 12, outputDim: 4, inputLength: 3, embeddingsInitializer: 'ones' }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 1, kernelInitializer: 'ones' }),
        ],
      });
      const ids = tf.tensor2d([1, 2, 3, 3, 11, 0, 5, 5, 5, 7, 1, 2], [4, 3]);
      const y = tf.tensor2d([1, 0, 1, 0], [4, 1]);
      const opt = tf.train.sgd(0.1);
      for (let i = 0; i < 3; i++) opt.minimize(() => tf.losses.meanSquaredError(y, model.apply(ids) as Tensor));
      opt.dispose();
      const w = model.getWeights().map((t) => t.clone());
      model.dispose();
      return w;
    });
    expectBothClose(r, 1e-5);
  });
});

describe('the fast paths wrapped around wasm kernels match cpu', () => {
  it('MaxPoolGrad, with ties going to the first maximum as on cpu', () => {
    const cases = [
      { x: [2, 8, 8, 3], size: 2, strides: 2, pad: 'valid' as const },
      { x: [2, 9, 7, 2], size: 3, strides: 2, pad: 'same' as const },
      { x: [1, 6, 6, 4], size: 3, strides: 1, pad: 'same' as const },
      { x: [3, 7, 7, 1], size: [2, 3] as [number, number], strides: [2, 1] as [number, number], pad: 'valid' as const },
    ];
    for (const c of cases) {
      const r = onBoth(() => {
        // Values on a grid of 5 levels: many windows hold tied maxima.
        const x = uniform(c.x, 1).mul(2).round();
        const loss = (a: Tensor) =>
          tf
            .maxPool(a as TfNs.Tensor4D, c.size, c.strides, c.pad)
            .mul(uniform([1], 2).add(1))
            .square()
            .sum();
        return tf.grad(loss)(x);
      });
      expectBothClose(r, 0);
    }
  });

  it('BatchMatMul with every transpose flag, batched and not', () => {
    for (const [ta, tb] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      const r = onBoth(() => {
        const a = uniform(ta ? [3, 5, 4] : [3, 4, 5], 1);
        const b = uniform(tb ? [3, 6, 5] : [3, 5, 6], 2);
        const a2 = uniform(ta ? [7, 4] : [4, 7], 3);
        const b2 = uniform(tb ? [2, 7] : [7, 2], 4);
        const loss = (p: Tensor, q: Tensor, p2: Tensor, q2: Tensor) =>
          tf
            .matMul(p, q, ta, tb)
            .square()
            .sum()
            .add(tf.matMul(p2, q2, ta, tb).square().sum());
        return [tf.matMul(a, b, ta, tb), ...tf.grads(loss)([a, b, a2, b2])];
      });
      expectBothClose(r);
    }
  });
});

describe('a small CNN trained with model.fit', () => {
  /** Conv2D, MaxPool, SeparableConv2D, Conv1D-free head: the layers fed-pneumonia's CNN and its kin use. */
  async function fitOn(backend: string): Promise<Float32Array[]> {
    tf.setBackend(backend);
    const init = (seed: number) => tf.initializers.glorotUniform({ seed });
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({
          inputShape: [10, 10, 1],
          filters: 4,
          kernelSize: 3,
          padding: 'same',
          activation: 'relu',
          kernelInitializer: init(1),
        }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.separableConv2d({
          filters: 6,
          kernelSize: 3,
          depthMultiplier: 2,
          activation: 'relu',
          depthwiseInitializer: init(2),
          pointwiseInitializer: init(3),
        }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 1, kernelInitializer: init(4) }),
      ],
    });
    model.compile({ optimizer: tf.train.adam(0.01), loss: tf.losses.sigmoidCrossEntropy });
    const x = tf.randomUniform([16, 10, 10, 1], 0, 1, 'float32', 7);
    const y = tf.tidy(() => x.mean([1, 2, 3]).greater(0.5).cast('float32').reshape([16, 1]));
    await model.fit(x, y, { epochs: 3, batchSize: 4, shuffle: false, verbose: 0 });
    const w = model.getWeights().map((t) => t.dataSync() as Float32Array);
    tf.dispose([x, y]);
    model.dispose();
    return w;
  }

  it('ends at the same weights on wasm as on cpu', async () => {
    try {
      const wasm = await fitOn('wasm');
      const cpu = await fitOn('cpu');
      expectBothClose({ wasm, cpu }, 1e-4);
    } finally {
      tf.setBackend('wasm');
    }
  });
});
