/**
 * im2col: a convolution's input unfolded so that the convolution is one
 * matMul, [B, T, c_in·kh·kw] (T = output positions). Example i's kernel
 * gradient is then Aᵢᵀ·Gᵢ, the form the ghost norm and the explicit
 * per-example gradient both start from (ghost-clip-layers.ts).
 *
 * The unfolding is one depthwise convolution with one-hot filters (filter m
 * of each channel picks kernel offset m), so strides, padding and their
 * rounding are tfjs's own, in one kernel: nine slices and a concat took
 * longer than the rest of the clipping here. Its columns come out channel
 * major, (c_in, row offset, column offset); kernelFromColumns puts a
 * [c_in·kh·kw, c_out] product back in tfjs's [kh, kw, c_in, c_out] order.
 * Exact: each output is one input value times 1 plus zeros (an Inf input
 * gives NaN in its columns, 0·Inf, which is as non-finite, and stays in its
 * own example).
 */
import type { Tensor, Tensor3D, Tensor4D } from '@tensorflow/tfjs';
import type { Tf } from './backend.ts';

/** The geometry of one 2-D convolution, channels last; a 1-D convolution is one of height 1. */
export interface ConvGeometry {
  kernel: [number, number];
  strides: [number, number];
  padding: 'same' | 'valid';
}

/** x [B, H, W, C] unfolded to [B, outH·outW, C·kh·kw], columns (channel, row offset, column offset). */
export function unfold2d(tf: Tf, x: Tensor4D, g: ConvGeometry): Tensor3D {
  const [b, , , c] = x.shape;
  const [kh, kw] = g.kernel;
  const k = kh * kw;
  const oneHot = tf.tidy(() => tf.tile(tf.reshape(tf.eye(k), [kh, kw, 1, k]), [1, 1, c, 1])) as Tensor4D;
  const patches = tf.depthwiseConv2d(x, oneHot, g.strides, g.padding);
  oneHot.dispose();
  const [, oh, ow] = patches.shape;
  return tf.reshape(patches, [b, oh * ow, c * k]);
}

/** A [c_in·kh·kw, c_out] product over unfolded columns as a kernel of `shape` ([kh, kw, c_in, c_out] or [k, c_in, c_out]). */
export function kernelFromColumns(tf: Tf, cols: Tensor, g: ConvGeometry, shape: number[]): Tensor {
  const [kh, kw] = g.kernel;
  const cOut = cols.shape[1]!;
  const cIn = cols.shape[0]! / (kh * kw);
  return tf.reshape(tf.transpose(tf.reshape(cols, [cIn, kh, kw, cOut]), [1, 2, 0, 3]), shape);
}

/** TensorFlow's padding rule (tfjs computeConv2DInfo): the total split with the odd element after. */
function pads(size: number, out: number, k: number, stride: number, padding: 'same' | 'valid'): [number, number] {
  if (padding === 'valid') return [0, 0];
  const total = Math.max((out - 1) * stride + k - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/**
 * Every example's kernel gradient of a convolution, [c_in·kh·kw, B, c_out]
 * (rows in unfold2d's column order; the examples in the middle, where the
 * convolution leaves them: a 5-D transpose to put them first cost twice the
 * convolution on wasm), as one depthwise convolution with the
 * examples as channels: example i's gradient at kernel offset (u, v) is
 * Σ_{h,w} x_i[h·s + u, w·s + v] ⊗ G_i[h, w], a correlation of its (padded)
 * input with its output gradient, dilated by the stride. This is the
 * filter-gradient-as-a-convolution of Bu et al.'s per-example convolution
 * gradients, with the batch kept apart; it costs what the batch's filter
 * gradient costs, and needs no unfolded input.
 */
export function perExampleConvGrads(tf: Tf, x: Tensor4D, g: Tensor4D, geo: ConvGeometry): Tensor3D {
  const [b, h, w, cIn] = x.shape;
  const [, oh, ow, cOut] = g.shape;
  const [kh, kw] = geo.kernel;
  const [sh, sw] = geo.strides;
  const [top, bottom] = pads(h, oh, kh, sh, geo.padding);
  const [left, right] = pads(w, ow, kw, sw, geo.padding);
  const padded = tf.pad(x, [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ]);
  // Exactly the rows and columns the convolution read: a stride longer than the kernel skips some at the end.
  const used = tf.slice(padded, [0, 0, 0, 0], [b, (oh - 1) * sh + kh, (ow - 1) * sw + kw, cIn]);
  const input = tf.transpose(used, [3, 1, 2, 0]) as Tensor4D; // [c_in, H, W, B]
  const filter = tf.transpose(g, [1, 2, 0, 3]) as Tensor4D; // [oh, ow, B, c_out]
  const out = tf.depthwiseConv2d(input, filter, 1, 'valid', 'NHWC', [sh, sw]); // [c_in, kh, kw, B·c_out]
  return tf.reshape(out, [cIn * kh * kw, b, cOut]);
}
