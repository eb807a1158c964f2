/**
 * Per-layer pieces of DP-SGD's clipping (ghost-clip.ts): from a trainable
 * layer's input a and output gradient G (ghost-clip-graph.ts), the squared
 * norm of each example's gradient of that layer's weights, and the sum of
 * those gradients rescaled by per-example factors c_i.
 *
 * - Dense on [B, in]: Goodfellow's identity (arXiv:1510.01799): example i's
 *   kernel gradient is aᵢ ⊗ Gᵢ, of squared norm ‖aᵢ‖²‖Gᵢ‖², bias ‖Gᵢ‖².
 * - Dense on sequences and Conv1D/Conv2D, with A the input unfolded to
 *   [B, T, p] (im2col) and G [B, T, d]: example i's kernel gradient is
 *   Aᵢᵀ·Gᵢ. Its squared norm is either the ghost norm Σ (AᵢAᵢᵀ)∘(GᵢGᵢᵀ)
 *   (Li et al., "Large Language Models Can Be Strong Differentially Private
 *   Learners", ICLR 2022, §4), cost T² per example, or the norm of the
 *   explicit Aᵢᵀ·Gᵢ, cost p·d; the cheaper is taken per layer, the rule of
 *   Bu et al.'s mixed ghost clipping ("Differentially Private Optimization
 *   on Large Model at Small Cost", ICML 2023, §3: ghost when 2T² < p·d). The
 *   bias gradient is Σ_t G_{i,t}.
 *   Ghost: the clipped sum is Bu et al.'s "book-keeping" (§4), one matMul
 *   Aᵀ·(c ⊙ G) over all examples and positions, with no second backward
 *   pass. Explicit: a convolution's per-example gradients come from one
 *   depthwise convolution with the examples as channels, never unfolding
 *   the input (ghost-clip-unfold.ts), and the clipped sum is Σ_i c_i·(Aᵢᵀ·Gᵢ).
 * - Every other trainable layer (Embedding, LayerNormalization,
 *   DepthwiseConv2D, SeparableConv2D): the slower path, one tf.grads per
 *   example of Σ layer(aᵢ)∘Gᵢ, the layer's vector-Jacobian product at Gᵢ,
 *   which is example i's gradient of that layer's weights.
 *
 * Sanitisation. Explicit and slower paths: the sum reads the per-example
 * gradients with non-finite entries replaced by 0; an example whose squared
 * norm is finite has every entry of its gradient finite (each entry's square
 * is at most the norm), and one whose norm is not gets c_i = 0
 * (ghost-clip.ts), so it adds exactly 0. Outer and ghost paths, whose sums
 * read a and G themselves: every entry of aᵢ (each unfolded column) is
 * multiplied with entries of Gᵢ and vice versa in the norm, so a non-finite
 * entry of either makes the squared norm non-finite (Inf·x is ±Inf or, for
 * x = 0, NaN; NaN and Inf − Inf stay non-finite) and c_i = 0; the sums read
 * a and G with non-finite entries replaced by 0.
 */
import type { Tensor, Tensor1D, Tensor2D, Tensor3D, Tensor4D } from '@tensorflow/tfjs';
import type { Tf } from './backend.ts';
import type { Trainable } from './ghost-clip-graph.ts';
import { kernelFromColumns, perExampleConvGrads, unfold2d, type ConvGeometry } from './ghost-clip-unfold.ts';

/** One layer's share: squared per-example norms, and the c-weighted sum of its per-example gradients. */
export interface LayerShare {
  /** [B]: Σ over this layer's weights of ‖∂ℓ_i/∂w‖². */
  sq: Tensor1D;
  /** Σ_i c_i·gᵢ for each weight of the layer (trainableWeights order); `scale` is c, [B]. */
  sum(scale: Tensor1D): Tensor[];
}

/** Which norm the conv and sequence-dense layers used, for tests and benchmarks. */
export type NormMethod = 'outer' | 'ghost' | 'explicit' | 'per-example';

export function layerShare(tf: Tf, t: Trainable, a: Tensor, g: Tensor): LayerShare & { method: NormMethod } {
  const hasBias = t.layer.trainableWeights.length > 1;
  if (t.kind === 'dense' && a.rank === 2)
    return { ...denseShare(tf, a as Tensor2D, g as Tensor2D, hasBias), method: 'outer' };
  if (t.kind === 'generic') return { ...perExampleShare(tf, t, a, g), method: 'per-example' };
  const batch = a.shape[0]!;
  const d = g.shape[g.rank - 1]!;
  const g3 = tf.reshape(g, [batch, -1, d]) as Tensor3D;
  const positions = g3.shape[1];
  if (t.kind === 'dense') {
    const a3 = tf.reshape(a, [batch, positions, a.shape[a.rank - 1]!]) as Tensor3D;
    const out: LayerOutput = { g: g3, hasBias, toKernel: (cols) => cols };
    if (ghostIsCheaper(positions, a3.shape[2], d)) return ghostShare(tf, a3, out);
    const perExample = tf.transpose(tf.matMul(tf.transpose(a3, [0, 2, 1]), g3), [1, 0, 2]) as Tensor3D;
    return explicitShare(tf, perExample, out);
  }
  const geometry = convGeometry(t);
  const shape = t.layer.trainableWeights[0]!.shape as number[];
  const a4 = (t.kind === 'conv1d' ? tf.expandDims(a, 1) : a) as Tensor4D;
  const g4 = (t.kind === 'conv1d' ? tf.expandDims(g, 1) : g) as Tensor4D;
  const out: LayerOutput = { g: g3, hasBias, toKernel: (cols) => kernelFromColumns(tf, cols, geometry, shape) };
  return ghostIsCheaper(positions, a4.shape[3] * geometry.kernel[0] * geometry.kernel[1], d)
    ? ghostShare(tf, unfold2d(tf, a4, geometry), out)
    : explicitShare(tf, perExampleConvGrads(tf, a4, g4, geometry), out);
}

function convGeometry(t: Trainable): ConvGeometry {
  const c = t.layer.getConfig();
  const k = c.kernelSize as number[];
  const s = c.strides as number[];
  const padding = c.padding as 'same' | 'valid';
  // Dilation is 1: ghost-clip-graph.ts refuses the rest (tfjs has no gradient for it).
  return t.kind === 'conv1d'
    ? { kernel: [1, k[0]!], strides: [1, s[0]!], padding }
    : { kernel: [k[0]!, k[1]!], strides: [s[0]!, s[1]!], padding };
}

/** t with its non-finite entries replaced by 0 (elementwise operands: see per-example.ts on wasm's Tile). */
export function finiteOrZero<T extends Tensor>(tf: Tf, t: T): T {
  return tf.where(tf.isFinite(t), t, tf.zerosLike(t));
}

function rowSq(tf: Tf, t: Tensor): Tensor1D {
  return tf.sum(tf.square(tf.reshape(t, [t.shape[0]!, -1])), 1);
}

/** Σ_i c_i·row_i of a [B, …] tensor, as one [1, B]·[B, m] product. */
function weightedRows(tf: Tf, scale: Tensor1D, rows: Tensor, shape: number[]): Tensor {
  const b = rows.shape[0]!;
  return tf.reshape(tf.matMul(tf.reshape(scale, [1, b]), tf.reshape(finiteOrZero(tf, rows), [b, -1])), shape);
}

function denseShare(tf: Tf, a: Tensor2D, g: Tensor2D, hasBias: boolean): LayerShare {
  const gSq = rowSq(tf, g);
  const aSq = rowSq(tf, a);
  return {
    sq: tf.mul(hasBias ? tf.add(aSq, 1) : aSq, gSq),
    sum(scale) {
      const scaled = tf.mul(finiteOrZero(tf, g), tf.reshape(scale, [-1, 1]));
      const kernel = tf.matMul(tf.transpose(finiteOrZero(tf, a)), scaled);
      return hasBias ? [kernel, tf.sum(scaled, 0)] : [kernel];
    },
  };
}

/**
 * Bu et al. 2023's rule (§3): the ghost norm's T² per example against the
 * explicit gradient's p·d (2T² < p·d: the Gram matrices of A and G cost 2T²).
 */
function ghostIsCheaper(positions: number, p: number, d: number): boolean {
  return 2 * positions * positions < p * d;
}

/** The bias gradient Σ_t G_{i,t}: its squared norms and its c-weighted sum (none without a bias). */
function biasShare(tf: Tf, g: Tensor3D, hasBias: boolean) {
  const grad = hasBias ? tf.sum(g, 1) : undefined;
  return {
    sq: (kernelSq: Tensor1D): Tensor1D => (grad ? tf.add(kernelSq, rowSq(tf, grad)) : kernelSq),
    sum: (scale: Tensor1D): Tensor[] => (grad ? [weightedRows(tf, scale, grad, [g.shape[2]])] : []),
  };
}

/** What the ghost and explicit norms both take of a conv or sequence-dense layer, beside its inputs. */
interface LayerOutput {
  /** The output gradients G, [B, T, d]. */
  g: Tensor3D;
  hasBias: boolean;
  /** Lays a [p, d] product over A's columns out as the layer's kernel. */
  toKernel: (cols: Tensor) => Tensor;
}

/** From the layer's inputs A, [B, T, p]: Gram matrices of A and G, no per-example gradient. */
function ghostShare(tf: Tf, a: Tensor3D, { g, hasBias, toKernel }: LayerOutput): LayerShare & { method: NormMethod } {
  const [b, positions, p] = a.shape;
  const d = g.shape[2];
  const bias = biasShare(tf, g, hasBias);
  // Transposes written out, not matMul flags: the wasm backend's fast matMul takes neither (per-example.ts).
  const gramA = tf.matMul(a, tf.transpose(a, [0, 2, 1]));
  const gramG = tf.matMul(g, tf.transpose(g, [0, 2, 1]));
  return {
    method: 'ghost',
    sq: bias.sq(tf.sum(tf.mul(gramA, gramG), [1, 2]) as Tensor1D),
    sum(scale) {
      const scaled = tf.mul(finiteOrZero(tf, g), tf.reshape(scale, [b, 1, 1]));
      const kernel = tf.matMul(
        tf.transpose(tf.reshape(finiteOrZero(tf, a), [b * positions, p])),
        tf.reshape(scaled, [b * positions, d]),
      );
      return [toKernel(kernel), ...bias.sum(scale)];
    },
  };
}

/** From the per-example kernel gradients, [p, B, d] (example i's is [:, i, :]). */
function explicitShare(
  tf: Tf,
  perExample: Tensor3D,
  { g, hasBias, toKernel }: LayerOutput,
): LayerShare & { method: NormMethod } {
  const b = perExample.shape[1];
  const bias = biasShare(tf, g, hasBias);
  return {
    method: 'explicit',
    sq: bias.sq(tf.sum(tf.square(perExample), [0, 2])),
    sum(scale) {
      const weighted = tf.mul(finiteOrZero(tf, perExample), tf.reshape(scale, [1, b, 1]));
      return [toKernel(tf.sum(weighted, 1)), ...bias.sum(scale)];
    },
  };
}

/** The slower path: example i's weight gradient as the layer's vector-Jacobian product at Gᵢ, one tf.grads each. */
function perExampleShare(tf: Tf, t: Trainable, a: Tensor, g: Tensor): LayerShare {
  const batch = a.shape[0]!;
  const vars = t.layer.trainableWeights.map((w) => w.read());
  const perWeight: Tensor[][] = vars.map(() => []);
  for (let i = 0; i < batch; i++) {
    const ai = tf.slice(a, i, 1);
    const gi = tf.slice(g, i, 1);
    const grads = tf.grads((..._w: Tensor[]) => tf.sum(tf.mul(t.layer.apply(ai, { training: false }) as Tensor, gi)))(
      vars,
    );
    grads.forEach((gw, k) => perWeight[k]!.push(gw));
  }
  const stacked = perWeight.map((list) => tf.stack(list));
  return {
    sq: tf.addN(stacked.map((s) => rowSq(tf, s))) as Tensor1D,
    sum: (scale) => stacked.map((s, k) => weightedRows(tf, scale, s, vars[k]!.shape)),
  };
}
