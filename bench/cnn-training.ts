/**
 * Training speed of the fed-pneumonia CNN on the default backend (wasm, with
 * cohort's gradient kernels, client/trainer/wasm-kernels.ts) beside the
 * pure-JS cpu backend, measured in the same run.
 *
 * Model (bench/README.md states it too): input 28×28×1; Conv2D 16 3×3 relu
 * same; MaxPool 2; Conv2D 32 3×3 relu same; MaxPool 2; Flatten; Dense 64
 * relu; Dense 1 (logit); sigmoid cross-entropy, Adam(1e-3), batch 32,
 * `model.fit`. Data: 4,708 synthetic 28×28 grey images (PneumoniaMNIST's
 * training-split size), uniform random pixels and labels from a seeded
 * generator: the cost of an epoch does not depend on the pixels.
 *
 * The cpu backend trains CNN_CPU_IMAGES images (default 160, five batches)
 * after a one-batch warm-up, and its epoch is extrapolated linearly (every
 * batch costs the same). The filter gradient is timed alone per batch of 32
 * for both convolutions, in the formulation the kernel uses (a swapped-axes
 * convolution) beside the wasm backend's native Conv3DBackpropFilterV2 with a
 * depth of 1 (the alternative measured) and the cpu backend's kernel.
 * `npx tsx bench/cnn-training.ts`.
 */
import { pathToFileURL } from 'node:url';
import type * as TfNs from '@tensorflow/tfjs';
import { seededRng, type SeededRng } from '../core/rng.ts';
import { augmentImages, imageAugmentSchema } from '../core/data/augment.ts';
import { csprngRng } from '../core/privacy/random.ts';
import { loadTf, type Tf } from '../client/trainer/index.ts';
import { timed } from './training.ts';
import { median } from './stats.ts';
import { originalWasmKernel, WASM_WRAPPED_KERNELS } from '../client/trainer/wasm-kernels.ts';

export const CNN_IMAGES = 4708;
const BATCH = 32;
const SIDE = 28;
const GRAD_REPEATS = 30;

export interface FilterGradTiming {
  /** Which convolution: input and output gradient shapes. */
  layer: string;
  swappedMs: number;
  conv3dMs: number;
  cpuMs: number;
}

export interface CnnBench {
  backend: string;
  params: number;
  images: number;
  epochSeconds: number;
  /** CPU time this process spent in that epoch: on a shared, loaded machine, closer to an idle machine's wall time (tfjs wasm runs on one thread here). */
  epochCpuSeconds: number;
  cpuImages: number;
  cpuSeconds: number;
  cpuCpuSeconds: number;
  cpuEpochSeconds: number;
  ratio: number;
  /** The ratio of CPU times, cpu backend over the default one: the figure a loaded machine distorts least. */
  cpuTimeRatio: number;
  filterGrad: FilterGradTiming[];
  /** Each wrapped kernel at this CNN's shapes for a batch of 32: the fast path beside the backend's own kernel. */
  fastPaths: { kernel: string; shapes: string; fastMs: number; originalMs: number }[];
  /** Kernel time of one training step on the default backend, by kernel, largest first (tf.profile). */
  stepProfile: { kernel: string; ms: number }[];
  /** One redraw of the fed-pneumonia views (shift 2, rotate 10, zoom 0.1) of every image: seeded, and from the CSPRNG (DP-SGD). */
  views: { seededSeconds: number; csprngSeconds: number };
}

export function pneumoniaCnn(tf: Tf): TfNs.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [SIDE, SIDE, 1],
        filters: 16,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
      }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 64, activation: 'relu' }),
      tf.layers.dense({ units: 1 }),
    ],
  });
}

export async function benchCnn(): Promise<CnnBench> {
  const { tf, backend } = await loadTf();
  const cpuImages = Number(process.env.CNN_CPU_IMAGES ?? 160);
  const data = syntheticImages(CNN_IMAGES, 1);
  const params = paramCount(tf);

  tf.setBackend(backend);
  await fitEpoch(tf, data, 2 * BATCH); // warm-up: XNNPACK operators, first-use allocations
  const cpu0 = process.cpuUsage();
  const epochSeconds = (await timed(() => fitEpoch(tf, data, CNN_IMAGES))) / 1000;
  const used = process.cpuUsage(cpu0);
  const epochCpuSeconds = (used.user + used.system) / 1e6;

  tf.setBackend('cpu');
  await fitEpoch(tf, data, BATCH);
  const cpu1 = process.cpuUsage();
  const cpuSeconds = (await timed(() => fitEpoch(tf, data, cpuImages))) / 1000;
  const usedCpu = process.cpuUsage(cpu1);
  const cpuCpuSeconds = (usedCpu.user + usedCpu.system) / 1e6;
  const cpuEpochSeconds = (cpuSeconds * CNN_IMAGES) / cpuImages;
  tf.setBackend(backend);

  const filterGrad = [timeFilterGrads(tf, backend, 1, 16, SIDE), timeFilterGrads(tf, backend, 16, 32, SIDE / 2)];
  const fastPaths = backend === 'wasm' ? timeFastPaths(tf) : [];
  const stepProfile = await profileStep(tf);
  const views = timeViews(data);
  return {
    backend,
    params,
    images: CNN_IMAGES,
    epochSeconds,
    epochCpuSeconds,
    cpuImages,
    cpuSeconds,
    cpuCpuSeconds,
    cpuEpochSeconds,
    ratio: cpuEpochSeconds / epochSeconds,
    cpuTimeRatio: (cpuCpuSeconds * CNN_IMAGES) / cpuImages / epochCpuSeconds,
    filterGrad,
    fastPaths,
    stepProfile,
    views,
  };
}

/** One redraw of every image's view (client/trainer/views.ts does one an epoch), the least of three, seeded and from the CSPRNG. */
function timeViews(data: Images): CnnBench['views'] {
  const augment = imageAugmentSchema.parse({ shift: 2, rotate: 10, scale: 0.1 });
  const shape = { height: SIDE, width: SIDE, channels: 1 } as const;
  const least = (rng: SeededRng) =>
    Math.min(
      ...[0, 1, 2].map(() => {
        const t0 = performance.now();
        augmentImages(data.x, CNN_IMAGES, shape, augment, rng);
        return (performance.now() - t0) / 1000;
      }),
    );
  return { seededSeconds: least(seededRng(2)), csprngSeconds: least(csprngRng) };
}

/** The wrapped kernels' fast paths beside the originals they fall back to, at this CNN's batch-32 shapes. */
function timeFastPaths(tf: Tf): CnnBench['fastPaths'] {
  const u = (shape: number[], seed: number) => tf.randomUniform(shape, -1, 1, 'float32', seed);
  const x1 = u([BATCH, SIDE, SIDE, 16], 1);
  const cases: Record<(typeof WASM_WRAPPED_KERNELS)[number], [TfNs.NamedTensorMap, object, string]> = {
    Conv2DBackpropInput: [
      { dy: u([BATCH, 14, 14, 32], 2), filter: u([3, 3, 16, 32], 3) },
      { strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: [BATCH, 14, 14, 16] },
      'dy [32, 14, 14, 32], filter [3, 3, 16, 32]',
    ],
    MaxPoolGrad: [
      { dy: u([BATCH, 14, 14, 16], 4), input: x1, output: tf.maxPool(x1 as TfNs.Tensor4D, 2, 2, 'valid') },
      { filterSize: 2, strides: 2, pad: 'valid' },
      'input [32, 28, 28, 16], 2x2 stride 2',
    ],
    BatchMatMul: [
      { a: u([1, BATCH, 1568], 5), b: u([1, BATCH, 64], 6) },
      { transposeA: true, transposeB: false },
      "a^T b, a [32, 1568], b [32, 64] (the dense layer's weight gradient)",
    ],
  };
  const out: CnnBench['fastPaths'] = [];
  for (const kernel of WASM_WRAPPED_KERNELS) {
    const [inputs, attrs, shapes] = cases[kernel];
    const original = originalWasmKernel(kernel);
    if (!original) continue;
    const fastMs = medianMs(() => tf.engine().runKernel(kernel, inputs, attrs as TfNs.NamedAttrMap) as TfNs.Tensor);
    const backend = tf.engine().backend;
    const originalMs = medianMs(() => {
      const info = original({ inputs, attrs: attrs as TfNs.NamedAttrMap, backend }) as TfNs.TensorInfo;
      return { dataSync: () => backend.readSync(info.dataId), dispose: () => backend.disposeData(info.dataId) };
    });
    out.push({ kernel, shapes, fastMs, originalMs });
    tf.dispose(Object.values(inputs));
  }
  tf.dispose(x1);
  return out;
}

/** Which kernels one batch's forward and backward pass and Adam update spend their time in, after warm-up. */
async function profileStep(tf: Tf): Promise<{ kernel: string; ms: number }[]> {
  const model = pneumoniaCnn(tf);
  const optimizer = tf.train.adam(1e-3);
  const x = tf.randomUniform([BATCH, SIDE, SIDE, 1], 0, 1, 'float32', 3);
  const y = tf.randomUniform([BATCH, 1], 0, 1, 'float32', 4).round();
  const step = () =>
    optimizer.minimize(() => tf.losses.sigmoidCrossEntropy(y, model.apply(x) as TfNs.Tensor) as TfNs.Scalar);
  try {
    for (let i = 0; i < 3; i++) step();
    // The least of three profiled steps per kernel: preemption on a shared machine only adds time.
    const byKernel = new Map<string, number>();
    for (let i = 0; i < 3; i++) {
      const info = await tf.profile(() => void step());
      const step1 = new Map<string, number>();
      for (const k of info.kernels) step1.set(k.name, (step1.get(k.name) ?? 0) + Number(k.kernelTimeMs));
      for (const [name, ms] of step1) byKernel.set(name, Math.min(byKernel.get(name) ?? Infinity, ms));
    }
    return [...byKernel].map(([kernel, ms]) => ({ kernel, ms })).sort((a, b) => b.ms - a.ms);
  } finally {
    tf.dispose([x, y]);
    optimizer.dispose();
    model.dispose();
  }
}

interface Images {
  x: Float32Array;
  y: Float32Array;
}

function syntheticImages(n: number, seed: number): Images {
  const rng = seededRng(seed);
  const x = new Float32Array(n * SIDE * SIDE);
  for (let i = 0; i < x.length; i++) x[i] = rng.float();
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) y[i] = rng.float() < 0.5 ? 0 : 1;
  return { x, y };
}

function paramCount(tf: Tf): number {
  const model = pneumoniaCnn(tf);
  const n = model.countParams();
  model.dispose();
  return n;
}

/** One epoch of `model.fit` over the first `n` images, on the current backend, from a fresh model. */
async function fitEpoch(tf: Tf, data: Images, n: number): Promise<void> {
  const model = pneumoniaCnn(tf);
  const optimizer = tf.train.adam(1e-3);
  const x = tf.tensor4d(data.x.subarray(0, n * SIDE * SIDE), [n, SIDE, SIDE, 1]);
  const y = tf.tensor2d(data.y.subarray(0, n), [n, 1]);
  try {
    model.compile({ optimizer, loss: tf.losses.sigmoidCrossEntropy });
    await model.fit(x, y, { epochs: 1, batchSize: BATCH, shuffle: true, verbose: 0 });
  } finally {
    tf.dispose([x, y]);
    optimizer.dispose();
    model.dispose();
  }
}

/** Median ms of one Conv2DBackpropFilter (3×3, same) for a batch of 32, three ways. */
function timeFilterGrads(tf: Tf, backend: string, cin: number, cout: number, side: number): FilterGradTiming {
  const x = tf.randomUniform([BATCH, side, side, cin], -1, 1, 'float32', 1);
  const dy = tf.randomUniform([BATCH, side, side, cout], -1, 1, 'float32', 2);
  const filterShape = [3, 3, cin, cout];
  const k = (name: string, inputs: TfNs.NamedTensorMap, attrs: object) =>
    tf.engine().runKernel(name, inputs, attrs as TfNs.NamedAttrMap) as TfNs.Tensor;
  const swapped = () =>
    k('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape });
  const x5 = x.reshape([BATCH, 1, side, side, cin]);
  const dy5 = dy.reshape([BATCH, 1, side, side, cout]);
  const conv3d = () =>
    k(
      'Conv3DBackpropFilterV2',
      { x: x5, dy: dy5 },
      { strides: [1, 1, 1], pad: 'same', filterShape: [1, ...filterShape] },
    );
  const swappedMs = medianMs(swapped);
  const conv3dMs = medianMs(conv3d);
  tf.setBackend('cpu');
  const xc = tf.tensor(x.dataSync(), x.shape);
  const dyc = tf.tensor(dy.dataSync(), dy.shape);
  const onCpu = () =>
    k('Conv2DBackpropFilter', { x: xc, dy: dyc }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape });
  const cpuMs = medianMs(onCpu, 3, false); // seconds a call: three, no warm-up
  tf.dispose([xc, dyc]);
  tf.setBackend(backend);
  tf.dispose([x, dy, x5, dy5]);
  return { layer: `x [${x.shape.join(', ')}], dy [${dy.shape.join(', ')}]`, swappedMs, conv3dMs, cpuMs };
}

/** A tensor, or a bare kernel output with the same two calls. */
interface Readable {
  dataSync(): unknown;
  dispose(): unknown;
}

/** Median wall time of `f` (its result read back, so the work is done), after one warm-up call by default. */
function medianMs(f: () => Readable, repeats = GRAD_REPEATS, warmUp = true): number {
  const once = () => {
    const t0 = performance.now();
    const out = f();
    out.dataSync();
    const ms = performance.now() - t0;
    out.dispose();
    return ms;
  };
  if (warmUp) once();
  const ms: number[] = [];
  for (let i = 0; i < repeats; i++) ms.push(once());
  return median(ms);
}

export function formatCnn(r: CnnBench): string[] {
  const grads = r.filterGrad.map(
    (g) =>
      `  filter gradient per batch of 32, ${g.layer}: swapped-axes conv ${g.swappedMs.toFixed(2)} ms, ` +
      `native Conv3DBackpropFilterV2 ${g.conv3dMs.toFixed(2)} ms, cpu backend ${g.cpuMs.toFixed(1)} ms`,
  );
  return [
    `fed-pneumonia CNN (${r.params} params, batch 32, Adam, model.fit, ${r.images} synthetic 28x28 images): ` +
      `${r.backend} ${r.epochSeconds.toFixed(2)} s/epoch (${(r.images / r.epochSeconds).toFixed(0)} images/s; ` +
      `${r.epochCpuSeconds.toFixed(2)} s of CPU time)`,
    `  cpu backend: ${r.cpuSeconds.toFixed(1)} s for ${r.cpuImages} images = ${r.cpuEpochSeconds.toFixed(0)} s/epoch extrapolated; ` +
      `ratio cpu / ${r.backend} = ${r.ratio.toFixed(1)}x (of CPU times: ${r.cpuTimeRatio.toFixed(1)}x)`,
    ...grads,
    ...r.fastPaths.map(
      (f) =>
        `  ${f.kernel}, ${f.shapes}: fast path ${f.fastMs.toFixed(2)} ms, the backend's own ${f.originalMs.toFixed(2)} ms ` +
        `(ratio ${(f.originalMs / f.fastMs).toFixed(1)}x)`,
    ),
    `  augmentation (image.augment 2,10,0.1): one view of every image ${r.views.seededSeconds.toFixed(3)} s seeded, ` +
      `${r.views.csprngSeconds.toFixed(3)} s from the CSPRNG (DP-SGD), drawn once an epoch: ` +
      `${((100 * r.views.seededSeconds) / r.epochSeconds).toFixed(1)} % and ${((100 * r.views.csprngSeconds) / r.epochSeconds).toFixed(1)} % of the epoch above`,
    `  one training step on ${r.backend} by kernel (tf.profile): ` +
      r.stepProfile
        .slice(0, 6)
        .map((k) => `${k.kernel} ${k.ms.toFixed(1)} ms`)
        .join(', '),
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await benchCnn();
  process.stdout.write(`${JSON.stringify(r, null, 2)}\n${formatCnn(r).join('\n')}\n`);
}
