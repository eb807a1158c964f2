/**
 * The convolution gradient kernels of wasm-kernels.ts, composed from the wasm
 * backend's own XNNPACK convolutions (see that file's header).
 */
import { CohortError } from '../../core/errors.ts';
import {
  scratch,
  type KernelFunc,
  type Pad,
  type Pair,
  type Rounding,
  type Scratch,
  type TensorInfo,
  type Tf,
  type WasmBackend,
} from './wasm-scratch.ts';

/**
 * The explicit bottom/right padding of the swapped convolution, clamped at 0,
 * so that it yields at least `filter` taps: tap k (stride `tapStride`, the
 * forward dilation) reads rows k·tapStride + o·outStride − before for o < out.
 * Clamping can leave extra trailing taps; the caller slices them off.
 */
function afterPad(size: number, before: number, filter: number, tapStride: number, out: number, outStride: number) {
  return Math.max(0, (filter - 1) * tapStride + 1 + (out - 1) * outStride - size - before);
}

interface SwapGeometry {
  pad: number[][];
  strides: Pair;
  dilations: Pair;
}

function swapGeometry(info: ReturnType<Tf['backend_util']['computeConv2DInfo']>): SwapGeometry {
  const { padInfo: p, inHeight, inWidth, filterHeight, filterWidth, outHeight, outWidth } = info;
  const { strideHeight: sH, strideWidth: sW, dilationHeight: dH, dilationWidth: dW } = info;
  return {
    pad: [
      [0, 0],
      [p.top, afterPad(inHeight, p.top, filterHeight, dH, outHeight, sH)],
      [p.left, afterPad(inWidth, p.left, filterWidth, dW, outWidth, sW)],
      [0, 0],
    ],
    // The forward dilation steps between taps; the forward stride spaces the gradient's samples.
    strides: [dH, dW],
    dilations: [sH, sW],
  };
}

/** Cuts the trailing taps the clamped padding may add: [n, ≥fH, ≥fW, c] → [n, fH, fW, c]. */
function cropTaps(s: Scratch, t: TensorInfo, fH: number, fW: number): TensorInfo {
  const [n, h, w, c] = t.shape as [number, number, number, number];
  if (h === fH && w === fW) return t;
  return s.run('Slice', { x: t }, { begin: [0, 0, 0, 0], size: [n, fH, fW, c] });
}

/**
 * dW[kh, kw, ci, co] = Σ_{b, oh, ow} x[b, oh·sH + kh − top, ow·sW + kw − left, ci] · dy[b, oh, ow, co]:
 * a convolution of x with channels as batch [Ci, H, W, B] by dy as a filter
 * [oH, oW, B, Co], stride 1 and dilation (sH, sW), giving [Ci, fH, fW, Co].
 */
export function conv2dBackpropFilter(tf: Tf): KernelFunc {
  return (args) => {
    const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
    const a = args.attrs as unknown as { strides: Pair | number; pad: Pad; dataFormat: 'NHWC' | 'NCHW' };
    const { filterShape, dimRoundingMode } = args.attrs as unknown as {
      filterShape: number[];
      dimRoundingMode: Rounding;
    };
    if (a.dataFormat === 'NCHW') {
      // As the backend's own Conv2D: wasm convolutions are channels-last only.
      throw new CohortError('E_INTERNAL', `wasm Conv2DBackpropFilter supports dataFormat NHWC only, got NCHW`);
    }
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filterShape as [number, number, number, number],
      a.strides,
      1,
      a.pad as never,
      dimRoundingMode,
    );
    const g = swapGeometry(info);
    return scratch(tf, args, (s) => {
      const xT = s.transpose(x, [3, 1, 2, 0]);
      const dyT = s.transpose(dy, [1, 2, 0, 3]);
      const conv = s.run(
        'Conv2D',
        { x: xT, filter: dyT },
        { strides: g.strides, pad: g.pad, dilations: g.dilations, dataFormat: 'NHWC' },
      );
      return s.transpose(cropTaps(s, conv, info.filterHeight, info.filterWidth), [1, 2, 0, 3]);
    });
  };
}

/** What tfjs passes both depthwise gradient kernels (DepthwiseConv2dNativeBackpropFilter/InputAttrs). */
interface DepthwiseGradAttrs {
  strides: Pair | number;
  dilations: Pair | number;
  pad: Pad;
  dimRoundingMode: Rounding;
}

/**
 * dW[kh, kw, c, m] = Σ_b Σ_{oh, ow} x[b, oh·sH + kh·dH − top, …, c] · dy[b, oh, ow, c·M + m]:
 * a depthwise convolution of x as one image with B·C channels [1, H, W, B·C]
 * by dy as a depthwise filter [oH, oW, B·C, M] (stride and dilation swapped),
 * giving [1, fH, fW, B·C·M], then a sum over the batch.
 */
export function depthwiseBackpropFilter(tf: Tf): KernelFunc {
  return (args) => {
    const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
    const a = args.attrs as unknown as DepthwiseGradAttrs & { filterShape: number[] };
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      a.filterShape as [number, number, number, number],
      a.strides,
      a.dilations,
      a.pad as never,
      a.dimRoundingMode,
      true,
    );
    const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: oH, outWidth: oW } = info;
    const { filterHeight: fH, filterWidth: fW } = info;
    const M = a.filterShape[3]!;
    const g = swapGeometry(info);
    return scratch(tf, args, (s) => {
      const xs = s.reshape(s.transpose(x, [1, 2, 0, 3]), [1, H, W, B * C]);
      const dy5 = s.reshape(dy, [B, oH, oW, C, M]);
      const filter = s.reshape(s.transpose(dy5, [1, 2, 0, 3, 4]), [oH, oW, B * C, M]);
      const conv = s.run(
        'DepthwiseConv2dNative',
        { x: xs, filter },
        { strides: g.strides, pad: g.pad, dilations: g.dilations },
      );
      const perImage = s.reshape(cropTaps(s, conv, fH, fW), [fH, fW, B, C * M]);
      const summed = s.run('Sum', { x: perImage }, { axis: [2], keepDims: false });
      return s.reshape(summed, [fH, fW, C, M]);
    });
  };
}

/**
 * dx of a depthwise convolution, as the input gradient of the equivalent dense
 * convolution (the backend's Conv2DBackpropInput): its filter
 * [(fH−1)·dH+1, (fW−1)·dW+1, C, C·M] is block-diagonal, W[kh, kw, c, m] at
 * [kh·dH, kw·dW, c, c·M + m] and zero elsewhere. That costs C times the
 * depthwise arithmetic, which is small for the few channels of the models
 * cohort's jobs declare; the dilation is folded into the filter because the
 * backend's kernel has none.
 */
export function depthwiseBackpropInput(tf: Tf): KernelFunc {
  return (args) => {
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    const a = args.attrs as unknown as DepthwiseGradAttrs & { inputShape: number[] };
    const [dH, dW] = typeof a.dilations === 'number' ? [a.dilations, a.dilations] : a.dilations;
    return scratch(tf, args, (s) => {
      const dense = s.adopt(blockDiagonal(s.backend, filter, dH, dW));
      return s.run(
        'Conv2DBackpropInput',
        { dy, filter: dense },
        {
          strides: a.strides,
          pad: a.pad,
          dataFormat: 'NHWC',
          ...(a.dimRoundingMode ? { dimRoundingMode: a.dimRoundingMode } : {}),
          inputShape: a.inputShape,
        },
      );
    });
  };
}

function blockDiagonal(backend: WasmBackend, filter: TensorInfo, dH: number, dW: number): TensorInfo {
  const [fH, fW, C, M] = filter.shape as [number, number, number, number];
  const eH = (fH - 1) * dH + 1;
  const eW = (fW - 1) * dW + 1;
  const w = backend.readSync(filter.dataId); // a copy: survives the allocation below
  const out = backend.makeOutput([eH, eW, C, C * M], 'float32');
  const o = backend.typedArrayFromHeap(out);
  o.fill(0);
  for (let kh = 0; kh < fH; kh++) {
    for (let kw = 0; kw < fW; kw++) {
      for (let c = 0; c < C; c++) {
        const src = ((kh * fW + kw) * C + c) * M;
        const dst = ((kh * dH * eW + kw * dW) * C + c) * C * M + c * M;
        for (let m = 0; m < M; m++) o[dst + m] = w[src + m]!;
      }
    }
  }
  return out;
}
