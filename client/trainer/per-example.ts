/**
 * DP-SGD's clipped gradient sum for a dense MLP, Σ_i g_i·min(1, C/‖g_i‖), from
 * one forward and one backward pass over the batch, never materialising the
 * per-example gradients g_i.
 *
 * Dense-layer identity (Goodfellow, "Efficient Per-Example Gradient
 * Computations", arXiv:1510.01799, 2015): with layer input a_{l−1} and
 * G_l = ∂(Σ_i ℓ_i)/∂z_l, row i of G_l is ∂ℓ_i/∂z_{l,i}, so example i's kernel
 * gradient is the outer product a_{l−1,i} ⊗ G_{l,i}, of Frobenius norm
 * ‖a_{l−1,i}‖·‖G_{l,i}‖ exactly, and its bias gradient is G_{l,i}. Hence
 *   ‖g_i‖² = Σ_l (‖a_{l−1,i}‖² + 1)·‖G_{l,i}‖²
 * (the "ghost norm" of Li, Tramèr, Liang, Hashimoto, "Large Language Models
 * Can Be Strong Differentially Private Learners", ICLR 2022, §4, and Bu et al.,
 * "Scalable and Efficient Training of Large Convolutional Neural Networks with
 * Differential Privacy", NeurIPS 2022). The clipped sums are then ordinary
 * reductions of the row-rescaled G_l: a_{l−1}ᵀ(c ⊙ G_l) and Σ_i c_i·G_{l,i}.
 *
 * The backward pass is written out rather than taken from tf.grads: every
 * activation cohort's ModelSpec allows has a closed-form derivative in its
 * output, and tf.grads would hide the layer inputs a_{l−1} inside its forward
 * scope (they would have to be computed twice). The derivatives match tfjs's
 * own kernels (relu: step(z), sigmoid: s(1−s), tanh: 1−a²);
 * test/trainer/per-example.test.ts checks the norms and sums against one
 * tf.grad pass per example. Products with a transposed factor transpose it
 * first rather than pass matMul's transpose flags: the wasm backend's fast
 * matMul takes neither flag, and its fallback was 5–10 times slower here
 * (a 64×128 by 128×128 product: about 1 ms with a flag, 0.1 ms as transpose
 * then matMul). The sums are the same up to float32 rounding (the wasm
 * kernels add in another order; on the cpu backend they are bit for bit the
 * same).
 *
 * Sanitisation (what makes C a bound whatever the weights and records): an
 * example whose squared norm is not finite — an Inf or NaN anywhere in its
 * activations or backpropagated errors, or a norm past float32 — gets
 * gradient zero: its scale c_i is 0, and the non-finite entries of a_{l−1}
 * and G_l are replaced by 0 (tf.where, so no 0·Inf = NaN) before the sums, so
 * each of its outer-product terms is a finite number times 0. If the squared
 * norm Σ_l (‖a‖²+1)·‖G‖² is finite, every entry of every a_{l−1,i} and
 * G_{l,i} is finite (the replacement leaves its rows as they are) and each
 * outer-product entry is at most the norm, so the clipped rows are finite
 * with norm ≤ C. "Zero if not finite, else clip" is a function of the one
 * example, with norm ≤ C: the sum's sensitivity is still C, and the sum is
 * always finite, so nothing downstream can fail on a record. The loss
 * derivative is the stable form below (finite for every logit, ±Inf
 * included); hidden activations are not clamped, because bounded weights do
 * not bound a deep relu stack inside float32 anyway (W^depth) and the
 * sanitisation covers it.
 */
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import { CohortError } from '../../core/errors.ts';
import { isGraphModel, paramShapes, type DenseModelSpec, type ModelSpec } from '../../core/model/spec.ts';
import type { Tf } from './backend.ts';

type Activation = DenseModelSpec['layers'][number]['activation'];

export interface ClippedSum {
  /** Σ_i clip_C(g_i), one tensor per parameter in paramShapes order (kernel [in, units], bias [units] per layer). */
  grads: Tensor[];
  /** ‖g_i‖, the unclipped per-example gradient norms, [B]; Inf or NaN for an example whose gradient was zeroed. */
  norms: Tensor1D;
}

/**
 * The clipped gradient sum of the per-example losses ℓ_i = sigmoid
 * cross-entropy of the logit (the final layer's sigmoid left out, as
 * train.ts's 'logit' head) against y_i. `params` are the model's weights in
 * paramShapes order; x is [B, inputDim], y is [B, 1], B may be 0. The result
 * is fresh tensors owned by the caller; intermediates are freed.
 */
export function clippedGradientSum(
  tf: Tf,
  spec: ModelSpec,
  params: readonly Tensor[],
  x: Tensor2D,
  y: Tensor2D,
  clip: number,
): ClippedSum {
  // Closed-form backprop through a dense stack; graph models take ghost-clip.ts.
  if (isGraphModel(spec)) throw new CohortError('E_INTERNAL', 'clippedGradientSum takes dense-form models only');
  const shapes = paramShapes(spec);
  if (params.length !== shapes.length) {
    throw new CohortError(
      'E_INTERNAL',
      `clippedGradientSum got ${params.length} parameter tensors, the model has ${shapes.length}`,
    );
  }
  return tf.tidy(() => {
    const batch = x.shape[0];
    // Zero-size matMuls are not supported by every backend; an empty sample's sum is zero.
    if (batch === 0) return { grads: params.map((p) => tf.zerosLike(p)), norms: tf.zeros([0]) as Tensor1D };

    const last = spec.layers.length - 1;
    const kernel = (l: number) => params[2 * l] as Tensor2D;
    // inputs[l] = a_{l−1}, the input of layer l; inputs[0] = x.
    const inputs: Tensor2D[] = [x];
    let z: Tensor2D = x;
    for (let l = 0; l <= last; l++) {
      z = tf.add(tf.matMul(inputs[l]!, kernel(l)), params[2 * l + 1]!);
      if (l < last) inputs.push(ACTIVATIONS[spec.layers[l]!.activation].forward(tf, z));
    }

    // ∂ℓ_i/∂z for ℓ = softplus(z) − z·y is σ(z) − y, written (1 − y)·σ(z) − y·σ(−z): the
    // same value without the float32 cancellation of σ(z) − 1 on confident, correct examples.
    const deltas: Tensor2D[] = new Array(last + 1);
    deltas[last] = tf.sub(tf.mul(tf.sub(1, y), tf.sigmoid(z)), tf.mul(y, tf.sigmoid(tf.neg(z))));
    for (let l = last; l > 0; l--) {
      const back: Tensor2D = tf.matMul(deltas[l]!, tf.transpose(kernel(l)));
      deltas[l - 1] = ACTIVATIONS[spec.layers[l - 1]!.activation].back(tf, inputs[l]!, back);
    }

    const rowSq = (t: Tensor2D) => tf.sum(tf.square(t), 1);
    const sq = tf.addN(deltas.map((g, l) => tf.mul(tf.add(rowSq(inputs[l]!), 1), rowSq(g))));
    const norms = tf.sqrt(sq) as Tensor1D;
    // c_i = min(1, C/‖g_i‖), written C / max(‖g_i‖, C) so a zero gradient gives 1, not C/0;
    // and c_i = 0 for an example whose norm is not finite (see the module comment).
    const scale = tf.reshape(tf.where(tf.isFinite(norms), tf.div(clip, tf.maximum(norms, clip)), tf.zerosLike(norms)), [
      batch,
      1,
    ]);

    const grads: Tensor[] = [];
    deltas.forEach((g, l) => {
      const scaled = tf.mul(finiteOrZero(tf, g), scale);
      grads.push(tf.matMul(tf.transpose(finiteOrZero(tf, inputs[l]!)), scaled), tf.sum(scaled, 0));
    });
    return { grads, norms };
  });
}

/**
 * t with its non-finite entries replaced by 0. Elementwise, with operands of
 * t's own shape: tf.where broadcasts a smaller condition or a scalar with
 * Tile, which on the wasm backend cost more than the whole backward pass
 * (2.5 of 4.1 ms for a batch of 64 through 128-unit layers).
 */
function finiteOrZero(tf: Tf, t: Tensor2D): Tensor2D {
  return tf.where(tf.isFinite(t), t, tf.zerosLike(t));
}

/**
 * Each activation beside its derivative: `back` is upstream ⊙ act'(z), with
 * act' written in the activation's output `out`.
 */
const ACTIVATIONS: Record<
  Activation,
  {
    forward: (tf: Tf, z: Tensor2D) => Tensor2D;
    back: (tf: Tf, out: Tensor2D, upstream: Tensor2D) => Tensor2D;
  }
> = {
  // relu(z) > 0 exactly when z > 0: tfjs's step(z).
  relu: { forward: (tf, z) => tf.relu(z), back: (tf, out, up) => tf.mul(up, tf.step(out)) },
  sigmoid: { forward: (tf, z) => tf.sigmoid(z), back: (tf, out, up) => tf.mul(up, tf.mul(out, tf.sub(1, out))) },
  tanh: { forward: (tf, z) => tf.tanh(z), back: (tf, out, up) => tf.mul(up, tf.sub(1, tf.square(out))) },
  linear: { forward: (_tf, z) => z, back: (_tf, _out, up) => up },
};
