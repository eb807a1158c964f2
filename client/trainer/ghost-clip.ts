/**
 * DP-SGD's clipped gradient sum, Σ_i g_i·min(1, C/‖g_i‖), for any model built
 * from the layers DP-SGD allows (ghost-clip-graph.ts), sequential or
 * functional (residual Add, Concatenate): the graph counterpart of
 * per-example.ts, which stays the path for dense-MLP specs.
 *
 * One forward pass with a zero probe added at every trainable layer's output
 * and one tf.grads over the probes give each layer's input a_l and output
 * gradient G_l (ghost-clip-graph.ts); each layer turns them into squared
 * per-example norms, by Goodfellow's identity, the ghost norm or the explicit
 * per-example gradient, whichever is cheaper, or, for Embedding,
 * LayerNormalization and the depthwise convolutions, one vector-Jacobian
 * product per example (ghost-clip-layers.ts). The clipped sum is then, per
 * layer, a reduction of a_l and the row-rescaled G_l (Bu et al. 2023's
 * book-keeping) or the c-weighted sum of the per-example gradients already
 * formed: there is no second backward pass. On the wasm backend a clipped
 * step of the fed-pneumonia CNN costs about what a plain gradient step does
 * (bench/README.md).
 *
 * The per-example losses must be per-example: loss_i a function of example
 * i's output and label alone (the cross-entropies and regression losses are;
 * a Cox partial likelihood, whose risk sets span the batch, is not, and
 * cannot be clipped per example this way).
 *
 * Dropout runs as at inference during DP-SGD: the sum is exactly Σ clip(g_i)
 * of the deterministic model, the property the tests check against one
 * tf.grad per example. Per-example masks would be as private (a mask is
 * independent of the records), but each would have to be reproduced in the
 * per-example reference; the noise of DP-SGD already regularises.
 *
 * Sanitisation, as per-example.ts: an example whose squared norm is not
 * finite (an Inf or NaN in its activations, output gradients or loss, or a
 * norm past float32) gets scale 0, and the sums read its entries as zeros,
 * so its contribution is exactly 0; an example whose squared norm is finite
 * has every entry the sums read finite (ghost-clip-layers.ts says why, path
 * by path), so its contribution is c_i·g_i, of norm ≤ C up to float32
 * rounding. Examples do not mix: no allowed layer, and no gradient of one,
 * moves a value from one row of the batch to another. Rounding: a convolution's per-example gradient
 * is a sum over positions, so its float32 error is relative to
 * Σ_t ‖a_t‖‖G_t‖ rather than to ‖g_i‖ — the same assumption every
 * floating-point DP-SGD (Opacus's einsum included) makes for its norms.
 * Nothing here throws on a record's values; what can throw (the model's
 * layers, E_JOB_SPEC) is checked by assertGhostClippable before any record
 * is read.
 */
import type { LayersModel, Tensor, Tensor1D } from '@tensorflow/tfjs';
import type { Tf } from './backend.ts';
import { graphPlan, probedGradients } from './ghost-clip-graph.ts';
import { layerShare, type NormMethod } from './ghost-clip-layers.ts';

/** ℓ_i for each example: [B] from the labels and the model's output, each row from its own example alone. */
export type LossPerExample = (yTrue: Tensor, yPred: Tensor) => Tensor;

export interface GraphClippedSum {
  /** Σ_i clip_C(g_i), one tensor per weight in model.weights order (every weight is trainable). */
  grads: Tensor[];
  /** ‖g_i‖, [B]; Inf or NaN for an example whose gradient was zeroed. */
  norms: Tensor1D;
  /** Per trainable layer (graph order), how its norms were taken. */
  methods: NormMethod[];
}

/** Throws E_JOB_SPEC unless every layer of the model is one DP-SGD's clipping takes (ghost-clip-graph.ts graphPlan). */
export function assertGhostClippable(model: LayersModel): void {
  graphPlan(model);
}

/**
 * The clipped gradient sum at the model's current weights over the batch
 * (x [B, …], y [B, …]; B may be 0). Fresh tensors owned by the caller.
 */
export function clippedGradientSumGraph(
  tf: Tf,
  model: LayersModel,
  x: Tensor,
  y: Tensor,
  clip: number,
  lossPerExample: LossPerExample,
): GraphClippedSum {
  const plan = graphPlan(model);
  const batch = x.shape[0]!;
  const methods: NormMethod[] = [];
  const result = tf.tidy(() => {
    if (batch === 0)
      return { grads: model.weights.map((w) => tf.zerosLike(w.read())), norms: tf.zeros([0]) as Tensor1D };
    const probed = probedGradients(tf, plan, x, (out) => lossPerExample(y, out));
    try {
      const shares = plan.trainable.map((t, k) => layerShare(tf, t, probed.inputs[k]!, probed.grads[k]!));
      shares.forEach((s) => methods.push(s.method));
      const norms = tf.sqrt(tf.addN(shares.map((s) => s.sq))) as Tensor1D;
      // c_i = min(1, C/‖g_i‖) as C / max(‖g_i‖, C), and 0 where the norm is not finite (see above).
      const scale = tf.where(
        tf.isFinite(norms),
        tf.div(clip, tf.maximum(norms, clip)),
        tf.zerosLike(norms),
      ) as Tensor1D;
      const byLayer = new Map(plan.trainable.map((t, k) => [t.layer, shares[k]!.sum(scale)]));
      const grads = weightOrder(model, byLayer);
      return { grads, norms };
    } finally {
      tf.dispose(probed.inputs.filter((a) => a !== x));
    }
  });
  return { ...result, methods };
}

/** The layers' sums laid out in model.weights order, matched by variable identity. */
function weightOrder(model: LayersModel, byLayer: Map<LayersModel['layers'][number], Tensor[]>): Tensor[] {
  const byVariable = new Map<number, Tensor>();
  for (const [layer, sums] of byLayer) layer.trainableWeights.forEach((w, k) => byVariable.set(w.id, sums[k]!));
  return model.weights.map((w) => byVariable.get(w.id)!);
}
