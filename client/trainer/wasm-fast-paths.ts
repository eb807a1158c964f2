/**
 * Faster paths for three kernels the wasm backend of tfjs 4.22 has but runs
 * slowly in a CNN's backward pass (profiled in bench/README.md, "Convolutional
 * training on wasm"). Each wraps the backend's kernel and falls back to it
 * outside the fast path's domain.
 */
import {
  scratch,
  type KernelFunc,
  type Pad,
  type Pair,
  type Rounding,
  type TensorInfo,
  type Tf,
  type WasmBackend,
} from './wasm-scratch.ts';

/**
 * BatchMatMul with a transpose flag runs 5-15 times slower on wasm than the
 * same product of an explicitly transposed operand (measured in
 * bench/README.md's DP-SGD section too), and autodiff of every dense layer
 * asks for one: transpose first, then multiply without flags.
 */
export function batchMatMulExplicitTranspose(tf: Tf, original: KernelFunc): KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = args.attrs as { transposeA?: boolean; transposeB?: boolean };
    if (!transposeA && !transposeB) return original(args);
    return scratch(tf, args, (s) => {
      const flip = (t: TensorInfo) => {
        const perm = t.shape.map((_, i) => i);
        const n = perm.length;
        [perm[n - 2], perm[n - 1]] = [perm[n - 1]!, perm[n - 2]!];
        return s.transpose(t, perm);
      };
      const inputs = { a: transposeA ? flip(a) : a, b: transposeB ? flip(b) : b };
      const out = original({ ...args, inputs, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
      return s.adopt(out as TensorInfo);
    });
  };
}

/**
 * MaxPoolGrad as one scatter pass: each window's gradient goes to the first
 * maximum in the window in row-major order (strict >, as the cpu backend's
 * maxPoolPositions), so results equal the cpu backend's bit for bit. Linear in
 * the input; the backend's own kernel took about a quarter of a
 * fed-pneumonia training step.
 */
export function maxPoolGradScatter(tf: Tf, original: KernelFunc): KernelFunc {
  return (args) => {
    const { dy, input } = args.inputs as { dy: TensorInfo; input: TensorInfo };
    if (input.dtype !== 'float32') return original(args);
    const a = args.attrs as unknown as {
      filterSize: [number, number] | number;
      strides: [number, number] | number;
      pad: Pad;
      dimRoundingMode: Rounding;
    };
    const info = tf.backend_util.computePool2DInfo(
      input.shape as [number, number, number, number],
      a.filterSize,
      a.strides,
      1,
      a.pad as never,
      a.dimRoundingMode,
    );
    const backend = args.backend as unknown as WasmBackend;
    const x = backend.readSync(input.dataId); // copies: survive the allocation below
    const g = backend.readSync(dy.dataId);
    const out = backend.makeOutput(input.shape, 'float32');
    const dx = backend.typedArrayFromHeap(out);
    dx.fill(0);
    scatterToMaxima(info, x, g, dx);
    return out;
  };
}

type PoolInfo = ReturnType<Tf['backend_util']['computePool2DInfo']>;

function scatterToMaxima(
  info: PoolInfo,
  x: ArrayLike<number>,
  g: ArrayLike<number>,
  dx: Float32Array | Int32Array | Uint8Array,
) {
  const { batchSize, inHeight: H, inWidth: W, inChannels: C, outHeight: oH, outWidth: oW } = info;
  const { strideHeight: sH, strideWidth: sW, filterHeight: fH, filterWidth: fW, padInfo } = info;
  const best = new Float64Array(C);
  const at = new Int32Array(C);
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < oH; oh++) {
      const h0 = oh * sH - padInfo.top;
      for (let ow = 0; ow < oW; ow++) {
        const w0 = ow * sW - padInfo.left;
        best.fill(-Infinity);
        at.fill(-1);
        for (let h = Math.max(0, h0); h < Math.min(H, h0 + fH); h++) {
          for (let w = Math.max(0, w0); w < Math.min(W, w0 + fW); w++) {
            const base = ((b * H + h) * W + w) * C;
            for (let c = 0; c < C; c++) {
              const v = x[base + c]!;
              if (v > best[c]!) {
                best[c] = v;
                at[c] = base + c;
              }
            }
          }
        }
        const gBase = ((b * oH + oh) * oW + ow) * C;
        for (let c = 0; c < C; c++) if (at[c]! >= 0) dx[at[c]!]! += g[gBase + c]!;
      }
    }
  }
}

/**
 * Wraps the backend's Conv2DBackpropInput (a plain loop in tfjs 4.22's wasm,
 * the slowest step of a CNN's backward pass) with a fast path for stride 1:
 * dx is then the "full" convolution of dy with the filter rotated 180° and its
 * channel axes swapped, which XNNPACK's Conv2D runs (Dumoulin & Visin 2016,
 * section 4.1). Strided or over-padded cases keep the original kernel.
 */
export function conv2dBackpropInputStride1(tf: Tf, original: KernelFunc): KernelFunc {
  return (args) => {
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    const a = args.attrs as unknown as {
      strides: Pair | number;
      pad: Pad;
      dataFormat: 'NHWC' | 'NCHW';
      dimRoundingMode: Rounding;
      inputShape: [number, number, number, number];
    };
    const info = tf.backend_util.computeConv2DInfo(
      a.inputShape,
      filter.shape as [number, number, number, number],
      a.strides,
      1,
      a.pad as never,
      a.dimRoundingMode,
    );
    const { padInfo: p, filterHeight: fH, filterWidth: fW } = info;
    const fast =
      a.dataFormat !== 'NCHW' &&
      info.strideHeight === 1 &&
      info.strideWidth === 1 &&
      Math.max(p.top, p.bottom) <= fH - 1 &&
      Math.max(p.left, p.right) <= fW - 1;
    if (!fast) return original(args);
    return scratch(tf, args, (s) => {
      const rotated = s.run('Reverse', { x: filter }, { dims: [0, 1] });
      const swapped = s.transpose(rotated, [0, 1, 3, 2]);
      const pad = [
        [0, 0],
        [fH - 1 - p.top, fH - 1 - p.bottom],
        [fW - 1 - p.left, fW - 1 - p.right],
        [0, 0],
      ];
      return s.run(
        'Conv2D',
        { x: dy, filter: swapped },
        { strides: [1, 1], pad, dilations: [1, 1], dataFormat: 'NHWC' },
      );
    });
  };
}
