/**
 * One client's local training for a round: minibatch SGD/Adam from the global
 * weights, returning the update w_local − w_global.
 *
 * A hand-written loop rather than `model.fit`, so the objective can carry the
 * FedProx proximal term now and per-example clipping (DP-SGD) later.
 */
import type { LayersModel, Optimizer, Scalar, Tensor, Tensor2D, Variable } from '@tensorflow/tfjs';
import { CohortError } from '../../core/errors.ts';
import type { DatasetSplit } from '../../core/data/types.ts';
import type { LocalTraining } from '../../core/job/spec.ts';
import type { ModelSpec } from '../../core/model/spec.ts';
import { BINARY_TASK, labelWidth, type Task } from '../../core/model/task.ts';
import { seededRng, shuffleInPlace } from '../../core/rng.ts';
import type { Tf } from './backend.ts';
import { assertSplitFits, buildModel, getFlatWeights, setFlatWeights } from './model.ts';
import { taskLoss } from './task-loss.ts';
import { inputDraws, type TrainingViews } from './views.ts';

export interface TrainInput {
  spec: ModelSpec;
  /**
   * What the model predicts, and so the loss minimised (task-loss.ts);
   * default binary. `data.y` holds labelWidth(task) values per row. A
   * survival job's Cox partial likelihood is taken over each minibatch's
   * own risk sets (the records of the batch at risk at each event time),
   * not the whole split's, as FLamby's Fed-TCGA-BRCA baseline does.
   */
  task?: Task;
  local: LocalTraining;
  /** The global weights this round starts from (flat, paramShapes order). */
  weights: Float32Array;
  data: DatasetSplit;
  /** Seeds the batch order (and the images' views); the same seed gives a bit-identical delta on the same backend. */
  seed: number;
  /** An image job's image shape and augmentation (the job's `image`): training images are redrawn as random views each epoch. */
  views?: TrainingViews | undefined;
  /**
   * A non-finite coordinate of the delta: 'throw' E_UPDATE_NONFINITE (the
   * default), or 'zero' it. A hospital-level DP job clips and noises the
   * whole update afterwards (core/secagg/ddg-encode.ts), so any function of
   * the records may come before: 'zero' keeps an error that depends on the
   * records from leaving (issue 15).
   */
  nonFinite?: 'throw' | 'zero';
}

export interface TrainResult {
  /** w_local − w_global, flat. */
  delta: Float32Array;
  /** Mean over steps of the minimised objective (the task's loss, plus the proximal term under FedProx). */
  loss: number;
  steps: number;
  numExamples: number;
}

/**
 * Longest stretch of synchronous training before yielding to the event loop:
 * cpu and wasm kernels run on the main thread, and the client daemon must keep
 * answering its socket (pings, close frames) during a long round.
 */
const YIELD_EVERY_MS = 50;

/**
 * Trains locally and returns the update. Inputs are not mutated. An empty
 * split gives a zero delta and zero steps. Throws E_UPDATE_NONFINITE if
 * training diverged (learning rate too high), so no NaN leaves the client.
 *
 * That error depends on the records (issue 15: crafted weights can make one
 * record overflow), and is kept on purpose for jobs without DP: plain
 * training makes no differential-privacy claim, and its update itself
 * reveals far more about the records than whether it is finite. A
 * hospital-level DP job asks for `nonFinite: 'zero'` instead. DP-SGD (dpsgd.ts) has no such
 * failure: it checks weights before data, zeroes non-finite per-example
 * gradients and replaces, rather than throws on, a non-finite delta.
 */
export async function trainLocal(tf: Tf, input: TrainInput): Promise<TrainResult> {
  const { spec, local, weights, data, seed } = input;
  const task = input.task ?? BINARY_TASK;
  assertSplitFits(spec, data, labelWidth(task));
  const { n } = data;
  // Logits head: the task's loss takes the last layer's raw output (for binary, the stable
  // sigmoid cross-entropy on logits, max(z,0) − z·y + log(1 + e^−|z|), where BCE on sigmoid
  // outputs needs clipping and loses the gradient once the sigmoid saturates).
  const model = buildModel(tf, spec, 'logit');
  const optimizer = local.optimizer === 'adam' ? tf.train.adam(local.learningRate) : tf.train.sgd(local.learningRate);
  const owned: Tensor[] = [];
  const own = <T extends Tensor>(t: T): T => (owned.push(t), t);
  let lossSum: Scalar | undefined;
  try {
    setFlatWeights(tf, model, weights);
    if (n === 0) return { delta: new Float32Array(weights.length), loss: 0, steps: 0, numExamples: 0 };

    const vars = model.trainableWeights.map((w) => w.read() as Variable);
    // The data stays on the backend for the whole call (an image job's views: one epoch's); batches are gathered from it.
    const inputs = inputDraws(tf, spec, data, input.views, { seed });
    const x = own(inputs.first());
    const y = own(tf.tensor2d(data.y, [n, labelWidth(task)]));
    const proximal = local.proximalMu > 0 ? proximalTerm(tf, vars, local.proximalMu, own) : undefined;
    const run: Minibatches = { tf, task, model, optimizer, vars, x, y, proximal };

    const rng = seededRng(seed);
    const order = Array.from({ length: n }, (_, i) => i);
    lossSum = tf.scalar(0);
    let steps = 0;
    let lastYield = performance.now();
    const budget = local.maxSteps > 0 ? local.maxSteps : Infinity;

    for (let epoch = 0; epoch < local.epochs && steps < budget; epoch++) {
      if (epoch > 0 && inputs.varies) run.x = own(inputs.redraw(run.x));
      shuffleInPlace(order, rng);
      const perm = tf.tensor1d(order, 'int32');
      try {
        for (let start = 0; start < n && steps < budget; start += local.batchSize) {
          const size = Math.min(local.batchSize, n - start);
          const sum: Scalar = lossSum;
          lossSum = minibatchStep(run, perm, start, size, sum);
          sum.dispose();
          steps++;
          if (performance.now() - lastYield > YIELD_EVERY_MS) {
            await new Promise((resolve) => setImmediate(resolve));
            lastYield = performance.now();
          }
        }
      } finally {
        perm.dispose();
      }
    }

    let loss = (await lossSum.data())[0]! / steps;
    const delta = localDelta(getFlatWeights(model), weights, input.nonFinite);
    if (!Number.isFinite(loss) && input.nonFinite === 'zero') loss = 0;
    return { delta, loss, steps, numExamples: n };
  } finally {
    lossSum?.dispose();
    tf.dispose(owned);
    optimizer.dispose();
    model.dispose();
  }
}

/** What every minibatch step of one trainLocal call shares: the model, its optimiser and the split on the backend. */
interface Minibatches {
  tf: Tf;
  task: Task;
  model: LayersModel;
  optimizer: Optimizer;
  vars: Variable[];
  x: Tensor2D;
  y: Tensor;
  proximal: (() => Scalar) | undefined;
}

/**
 * One optimiser step on the `size` records at `perm[start...]`; returns `sum`
 * plus the step's objective, summed on the device and read once at the end:
 * no sync per step.
 */
function minibatchStep(m: Minibatches, perm: Tensor, start: number, size: number, sum: Scalar): Scalar {
  const { tf, model, optimizer, vars, proximal } = m;
  return tf.tidy(() => {
    const idx = tf.slice(perm, [start], [size]);
    const xb = tf.gather(m.x, idx);
    const yb = tf.gather(m.y, idx) as Tensor2D;
    const cost = optimizer.minimize(
      () => {
        const outputs = model.apply(xb, { training: true }) as Tensor2D;
        const loss = taskLoss(tf, m.task, outputs, yb);
        return proximal ? tf.add(loss, proximal()) : loss;
      },
      true,
      vars,
    )!;
    return tf.add(sum, cost) as Scalar;
  });
}

/** trained − weights; a coordinate that is not finite throws E_UPDATE_NONFINITE, or is 0 under nonFinite 'zero'. */
function localDelta(trained: Float32Array, weights: Float32Array, nonFinite: TrainInput['nonFinite']): Float32Array {
  const delta = new Float32Array(trained.length);
  for (let i = 0; i < delta.length; i++) delta[i] = trained[i]! - weights[i]!;
  for (let i = 0; i < delta.length; i++) {
    if (Number.isFinite(delta[i]!)) continue;
    if (nonFinite !== 'zero')
      throw new CohortError(
        'E_UPDATE_NONFINITE',
        `local training diverged (parameter ${i} is not finite); lower local.learningRate`,
      );
    delta[i] = 0;
  }
  return delta;
}

/**
 * FedProx proximal term (μ/2)·Σ‖w − w_global‖² over all trainable weights
 * (Li et al. 2020, "Federated Optimization in Heterogeneous Networks", eq. 2):
 * it pulls local weights toward the global model, bounding client drift on
 * heterogeneous data. w_global is snapshotted before the first step.
 */
function proximalTerm(tf: Tf, vars: Variable[], mu: number, own: <T extends Tensor>(t: T) => T): () => Scalar {
  const global = vars.map((v) => own(tf.clone(v)));
  const halfMu = own(tf.scalar(mu / 2));
  return () => tf.mul(halfMu, tf.addN(vars.map((v, i) => tf.sum(tf.squaredDifference(v, global[i]!))))) as Scalar;
}
