/**
 * Gradient kernels the WebAssembly backend of tfjs 4.22 lacks, registered so
 * convolutions (Conv1D/Conv2D, DepthwiseConv2D/SeparableConv2D) and
 * embeddings train on it: `Conv2DBackpropFilter`,
 * `DepthwiseConv2dNativeBackpropFilter`, `DepthwiseConv2dNativeBackpropInput`
 * and `UnsortedSegmentSum`. Without them the first backward pass through such
 * a layer throws "kernel not registered".
 *
 * The filter gradients are composed from the backend's own fast (XNNPACK)
 * kernels: a filter gradient is a convolution of the input with the output
 * gradient, batch and channel axes swapped, the forward stride becoming the
 * dilation (the standard identity, e.g. Dumoulin & Visin, "A guide to
 * convolution arithmetic for deep learning", 2016, section 4); see
 * wasm-conv-grads.ts. The segment sum is a scatter-add over the heap, linear
 * in the input.
 *
 * Three kernels the backend has but runs slowly in a CNN's backward pass
 * (Conv2DBackpropInput, MaxPoolGrad, BatchMatMul with transpose flags) are
 * wrapped with faster paths that fall back to the backend's kernel outside
 * their domain (wasm-fast-paths.ts). `npm run bench training` measures the
 * result (bench/README.md, "Convolutional training on wasm").
 *
 * Only types are imported from tfjs: the caller passes the tf namespace it
 * loaded (client/trainer/backend.ts), so this module loads nothing by itself.
 */
import type { KernelConfig } from '@tensorflow/tfjs';
import { conv2dBackpropFilter, depthwiseBackpropFilter, depthwiseBackpropInput } from './wasm-conv-grads.ts';
import { batchMatMulExplicitTranspose, conv2dBackpropInputStride1, maxPoolGradScatter } from './wasm-fast-paths.ts';
import type { KernelFunc, TensorInfo, Tf, WasmBackend } from './wasm-scratch.ts';

/** The kernels this module provides, in registration order. */
export const WASM_GRADIENT_KERNELS = [
  'Conv2DBackpropFilter',
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
  'UnsortedSegmentSum',
] as const;

/** The backend's kernels this module wraps with a faster path, keeping the original as the fallback. */
export const WASM_WRAPPED_KERNELS = ['Conv2DBackpropInput', 'MaxPoolGrad', 'BatchMatMul'] as const;

const FAST_PATHS: Record<(typeof WASM_WRAPPED_KERNELS)[number], (tf: Tf, original: KernelFunc) => KernelFunc> = {
  Conv2DBackpropInput: conv2dBackpropInputStride1,
  MaxPoolGrad: maxPoolGradScatter,
  BatchMatMul: batchMatMulExplicitTranspose,
};

/** Our wrappers, so a second registration does not wrap a wrapper. */
const wrappers = new WeakSet<KernelFunc>();
/** The backend's kernels we wrapped, by name: bench/cnn-training.ts times them beside the fast paths. */
const originals = new Map<string, KernelFunc>();

export function originalWasmKernel(name: (typeof WASM_WRAPPED_KERNELS)[number]): KernelFunc | undefined {
  return originals.get(name);
}

/**
 * Registers the kernels the 'wasm' backend lacks, wraps the slow ones with
 * their fast paths, and returns the names it registered. Idempotent. A
 * missing kernel that the backend has by then (a later tfjs may ship its own)
 * is left alone, so it returns fewer names; a wrapped kernel keeps the
 * backend's own as its fallback.
 */
export function registerWasmKernels(tf: Tf): string[] {
  const configs: KernelConfig[] = [
    { kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv2dBackpropFilter(tf) },
    {
      kernelName: 'DepthwiseConv2dNativeBackpropFilter',
      backendName: 'wasm',
      kernelFunc: depthwiseBackpropFilter(tf),
    },
    {
      kernelName: 'DepthwiseConv2dNativeBackpropInput',
      backendName: 'wasm',
      kernelFunc: depthwiseBackpropInput(tf),
    },
    { kernelName: 'UnsortedSegmentSum', backendName: 'wasm', kernelFunc: unsortedSegmentSum },
  ];
  const added: string[] = [];
  for (const c of configs) {
    if (tf.getKernel(c.kernelName, 'wasm') !== undefined) continue;
    tf.registerKernel(c);
    added.push(c.kernelName);
  }
  for (const name of WASM_WRAPPED_KERNELS) {
    const original = tf.getKernel(name, 'wasm');
    if (original === undefined || wrappers.has(original.kernelFunc)) continue;
    const kernelFunc = FAST_PATHS[name](tf, original.kernelFunc);
    wrappers.add(kernelFunc);
    originals.set(name, original.kernelFunc);
    tf.unregisterKernel(name, 'wasm');
    // The original's setupFunc stays: it binds the wasm function the fallback calls.
    tf.registerKernel({ ...original, kernelFunc });
    added.push(name);
  }
  return added;
}

/**
 * out[s, …] = Σ_{i: ids[i] = s} x[i, …]; ids outside [0, numSegments) are
 * dropped, as TensorFlow and the cpu backend do. A scatter-add on the CPU side
 * of the heap: the gradient of an embedding lookup is a few thousand rows, so
 * one linear pass beats composing a one-hot matrix product.
 */
const unsortedSegmentSum: KernelFunc = (args) => {
  const { x, segmentIds } = args.inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const { numSegments } = args.attrs as unknown as { numSegments: number };
  const backend = args.backend as unknown as WasmBackend;
  const rows = segmentIds.shape.reduce((p, d) => p * d, 1);
  const rest = x.shape.slice(segmentIds.shape.length);
  const inner = rest.reduce((p, d) => p * d, 1);
  // readSync copies out of the heap, so these survive the allocation below.
  const ids = backend.readSync(segmentIds.dataId);
  const xs = backend.readSync(x.dataId);
  const out = backend.makeOutput([numSegments, ...rest], x.dtype);
  const o = backend.typedArrayFromHeap(out);
  o.fill(0);
  for (let i = 0; i < rows; i++) {
    const id = ids[i]!;
    if (!(id >= 0 && id < numSegments)) continue;
    const src = i * inner;
    const dst = id * inner;
    for (let j = 0; j < inner; j++) o[dst + j]! += xs[src + j]!;
  }
  return out;
};
