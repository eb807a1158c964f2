/**
 * The training loss of each task (core/model/task.ts) on the model's raw
 * outputs, in tfjs: numerically stable forms on logits and risk scores, with
 * gradients that every backend has kernels for (no gather gradient, which
 * needs UnsortedSegmentSum, missing from the wasm backend).
 *
 * outputs is [B, outputUnits(task)], y is [B, labelWidth(task)] in the task's
 * label layout.
 */
import type { Scalar, Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import { CohortError } from '../../core/errors.ts';
import type { Task } from '../../core/model/task.ts';
import type { Tf } from './backend.ts';

/**
 * The loss of one minibatch, a mean over its B examples:
 * - binary: sigmoid cross-entropy on the logit (tf.losses.sigmoidCrossEntropy,
 *   max(z,0) − z·y + log(1 + e^−|z|), as train.ts has always used);
 * - multiclass: softmax cross-entropy logsumexp(z) − z_y on the logits, y the class index;
 * - multilabel: sigmoid cross-entropy per label, averaged over labels and examples;
 * - regression: squared or absolute error, as `task.loss`;
 * - survival: the Cox negative partial log-likelihood with Breslow ties
 *   (coxLoss), divided by B as FLamby's fed_tcga_brca BaselineLoss does.
 * An empty batch gives 0.
 */
export function taskLoss(tf: Tf, task: Task, outputs: Tensor2D, y: Tensor2D): Scalar {
  return tf.tidy(() => {
    if (outputs.shape[0] === 0) return tf.scalar(0);
    if (task.kind === 'binary')
      // The exact call train.ts made before tasks existed: same float32 result, step for step.
      return tf.losses.sigmoidCrossEntropy(y, outputs, undefined, 0, tf.Reduction.MEAN) as Scalar;
    if (task.kind === 'survival') return coxLoss(tf, outputs, y);
    return tf.mean(perExampleTaskLoss(tf, task, outputs, y));
  });
}

/**
 * ℓ_i of each example, [B], for the tasks whose batch loss is the mean of
 * per-example terms (all but survival): what DP-SGD clips. Survival throws
 * E_INTERNAL: a Cox term depends on the whole risk set, and the job spec
 * refuses survival under record-level DP (core/job/spec.ts).
 */
export function perExampleTaskLoss(tf: Tf, task: Task, outputs: Tensor2D, y: Tensor2D): Tensor1D {
  return tf.tidy(() => {
    const batch = outputs.shape[0];
    switch (task.kind) {
      case 'binary':
      case 'multilabel':
        return tf.mean(tf.losses.sigmoidCrossEntropy(y, outputs, undefined, 0, tf.Reduction.NONE), 1) as Tensor1D;
      case 'multiclass': {
        const labels = tf.oneHot(tf.cast(tf.reshape(y, [batch]), 'int32'), outputs.shape[1]);
        // logSumExp subtracts the row maximum first: finite for any finite logits.
        return tf.sub(tf.logSumExp(outputs, 1), tf.sum(tf.mul(labels, outputs), 1)) as Tensor1D;
      }
      case 'regression': {
        const err = tf.sub(outputs, y);
        return tf.reshape(task.loss === 'mae' ? tf.abs(err) : tf.square(err), [batch]) as Tensor1D;
      }
      case 'survival':
        throw new CohortError(
          'E_INTERNAL',
          'the Cox partial likelihood has no per-example terms (survival runs without record-level DP)',
        );
    }
  });
}

/**
 * −(1/B) Σ_{i: event} ( r_i − log Σ_{j: t_j ≥ t_i} exp(r_j) ), r the risk
 * score outputs[:, 0], y = [time, event]. Breslow's ties: every record whose
 * time equals t_i is in t_i's risk set. (FLamby's BaselineLoss sorts and
 * takes a cumulative sum, which gives tied records nested risk sets in input
 * order; without ties the two are equal, and the normalisation by B is
 * FLamby's.)
 *
 * Sorted by time descending, the risk set of record k is the prefix up to
 * the end of its tie group, so its log-denominator is a cumulative
 * log-sum-exp at that end; Σ_i e_i·lse_i is then Σ_k w_k·cum_k with w_k the
 * number of events in the tie group ending at k (0 elsewhere). The times and
 * events are data: the order and w are computed on the host. The cumulative
 * log-sum-exp is a Hillis–Steele scan of pairwise log-add-exp (log₂ B steps),
 * stable for any finite risks, where exp-then-cumsum (FLamby's, shifted by
 * the global maximum) underflows to log 0 on a prefix far below the maximum.
 */
export function coxLoss(tf: Tf, outputs: Tensor2D, y: Tensor2D): Scalar {
  const batch = outputs.shape[0];
  const rows = y.dataSync();
  const time = (i: number) => rows[2 * i]!;
  const order = Array.from({ length: batch }, (_, i) => i).sort((a, b) => time(b) - time(a) || a - b);
  const inverse = new Int32Array(batch);
  order.forEach((src, k) => (inverse[src] = k));
  const weights = new Float32Array(batch);
  const events = new Float32Array(batch);
  for (let start = 0; start < batch;) {
    let end = start;
    let d = 0;
    for (; end < batch && time(order[end]!) === time(order[start]!); end++) d += rows[2 * order[end]! + 1]!;
    weights[end - 1] = d;
    start = end;
  }
  for (let i = 0; i < batch; i++) events[i] = rows[2 * i + 1]!;
  return tf.tidy(() => {
    const risk = tf.reshape(outputs, [batch]) as Tensor1D;
    const sorted = permute(tf, risk, Int32Array.from(order), inverse);
    const cum = cumulativeLogSumExp(tf, sorted);
    const ll = tf.sub(tf.sum(tf.mul(risk, tf.tensor1d(events))), tf.sum(tf.mul(cum, tf.tensor1d(weights))));
    return tf.div(tf.neg(ll), batch) as Scalar;
  });
}

/** x[perm[k]] at k, with the gradient gathered back by the inverse permutation (no segment sum). */
function permute(tf: Tf, x: Tensor1D, perm: Int32Array, inverse: Int32Array): Tensor1D {
  const gather = (v: Tensor) => ({
    value: tf.gather(v, tf.tensor1d(perm, 'int32')),
    gradFunc: (dy: Tensor) => tf.gather(dy, tf.tensor1d(inverse, 'int32')),
  });
  const f = tf.customGrad(gather as Parameters<Tf['customGrad']>[0]);
  return f(x) as Tensor1D;
}

/** c_k = log Σ_{m ≤ k} exp(x_m), by log₂ n rounds of c ← logaddexp(c, c shifted by 2^r). */
function cumulativeLogSumExp(tf: Tf, x: Tensor1D): Tensor1D {
  const n = x.shape[0];
  let c: Tensor1D = x;
  for (let shift = 1; shift < n; shift *= 2) {
    // A finite floor rather than −Inf for the empty prefix: no Inf − Inf anywhere in the gradient.
    const shifted = tf.concat([tf.fill([shift], EMPTY_LOG_SUM), tf.slice(c, [0], [n - shift])]) as Tensor1D;
    c = logAddExp(tf, c, shifted);
  }
  return c;
}

/** log(e^a + e^b) = m + log(e^(a−m) + e^(b−m)), m = max(a, b): at most log 2 above m, never overflowing. */
function logAddExp(tf: Tf, a: Tensor1D, b: Tensor1D): Tensor1D {
  const m = tf.maximum(a, b);
  return tf.add(m, tf.log(tf.add(tf.exp(tf.sub(a, m)), tf.exp(tf.sub(b, m))))) as Tensor1D;
}

/** Stands for log 0 in the scan: exp(EMPTY_LOG_SUM − m) is 0 in float32 for any risk above −1e30. */
const EMPTY_LOG_SUM = -1e30;
