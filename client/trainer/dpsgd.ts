/**
 * Record-level differentially private local training: DP-SGD (Abadi et al.,
 * "Deep Learning with Differential Privacy", CCS 2016, Algorithm 1) with
 * Poisson sampling, the variant the sampled-Gaussian accountants price
 * (Mironov, Talwar, Zhang, "Rényi Differential Privacy of the Sampled
 * Gaussian Mechanism", 2019; core/privacy).
 *
 * Each of `steps` steps: every record joins the batch independently with
 * probability q; the per-example gradients are clipped to L2 norm C and
 * summed (per-example.ts for a dense spec, ghost-clip.ts for a graph
 * model); the sum is read to the CPU and privatised by
 * core/privacy/snapped-noise.ts (snapped to a power-of-two grid, exact
 * discrete-Gaussian noise in grid units: no floating-point noise whose low
 * bits could reveal the sum, Mironov CCS 2012); the result is divided by
 * q·publicCount and handed to the optimiser, which updates the weights on
 * the CPU (cpu-optimizer.ts: tf.train's SGD and Adam, operation for
 * operation); the weights go back to the backend once a step, for the next
 * forward and backward pass. Only the noisy sum depends on the records, so
 * the division, the float32 rounding, the optimiser (SGD or Adam), the
 * FedProx pull and the weights uploaded for the next step are
 * post-processing.
 * The noise std is noiseMultiplier·Δ₂·γ ≤ noiseMultiplier·C·1.01
 * (MAX_SENSITIVITY_INFLATION), and the accountant prices noiseMultiplier.
 * What the guarantee leans on:
 * - The sample is drawn from the CSPRNG (core/privacy/random.ts): the
 *   amplification by sampling assumes the adversary cannot tell which
 *   records were used, which a seeded or predictable generator would reveal.
 * - An image job's views (image.augment) are drawn from the CSPRNG too, one
 *   independent view a record (views.ts): a seeded stream in row order would
 *   tie each record's view to the others' presence.
 * - The divisor is q·publicCount, never the realised batch size, which is a
 *   function of the secret sample. The daemon passes a public constant (the
 *   job's local.batchSize / q: core/job/privacy.ts dpSgdParams), so no record
 *   count enters an update; publicCount defaults to n only for callers that
 *   treat n as public (tests, benchmarks).
 * - The clipped sum is the exact sum of per-example vectors of norm ≤ C. It
 *   is computed in float32 on the backend; the rounding of the per-example
 *   norms and of the batch sum (a few float32 ulps of the sum's coordinates)
 *   is assumed not to push a neighbour's snapped sum past Δ₂, as every
 *   floating-point DP-SGD implementation assumes for its sum.
 *
 * No failure depends on the records (issue 15: an error thrown on one
 * record's overflow told the coordinator that record was present):
 * 1. Everything checked is checked before the split is read: DP parameters,
 *    noise scale for this model size, and the weights (finite, each tensor's
 *    norm ≤ MAX_WEIGHT_NORM; model.ts assertWeights).
 * 2. A per-example gradient that is not finite is zeroed before clipping
 *    (per-example.ts, ghost-clip.ts), so the sum is always finite and its sensitivity is C.
 * 3. A non-finite coordinate of the final delta is replaced by 0 and counted
 *    (nonFiniteReplaced), not thrown. The delta is a deterministic function
 *    of the public starting weights and the privatised sums of the steps, so
 *    this replacement, like the count, is post-processing of the DP output.
 */
import type { Tensor, Tensor2D } from '@tensorflow/tfjs';
import { CohortError } from '../../core/errors.ts';
import { MAX_DP_STEPS_PER_ROUND } from '../../core/job/spec.ts';
import { isGraphModel, paramShapes, type ModelSpec } from '../../core/model/spec.ts';
import { BINARY_TASK, labelWidth } from '../../core/model/task.ts';
import { randomUniform } from '../../core/privacy/random.ts';
import { MAX_SNAPPED, privatizeSum, snapPlan } from '../../core/privacy/snapped-noise.ts';
import type { Tf } from './backend.ts';
import { cpuOptimizer } from './cpu-optimizer.ts';
import { assertGraphClippable, dpChunkRows, graphClippedSum, graphStep, type GraphStep } from './ghost-clip-step.ts';
import { assertSplitFits, assertWeights } from './model.ts';
import { clippedGradientSum } from './per-example.ts';
import type { TrainInput, TrainResult } from './train.ts';
import { inputDraws } from './views.ts';

export interface DpSgdParams {
  /** Poisson sampling rate q in (0, 1]. */
  samplingRate: number;
  /**
   * σ ≥ 0: the noise std is σ·Δ₂·γ ≤ σ·clip·1.01 per coordinate of the summed
   * gradient (core/privacy/snapped-noise.ts). σ = 0 is clipping without
   * privacy: no snapping, no noise.
   */
  noiseMultiplier: number;
  /** C > 0: per-example L2 bound. */
  clip: number;
  /** Exactly this many steps run, however the samples fall: the accountant counts them. */
  steps: number;
  /**
   * The count in the divisor q·publicCount: a public constant, never the
   * records' count (the daemon passes local.batchSize / q: core/job/privacy.ts
   * dpSgdParams). Defaults to data.n, only for callers that treat n as public
   * (tests, benchmarks).
   */
  publicCount?: number;
}

/**
 * dp.steps and dp.samplingRate set the schedule: local.epochs, batchSize and
 * maxSteps are not read (core/job/privacy.ts's stepsPerRound derives
 * dp.steps from them). The seed is unused: sampling, noise and an image
 * job's views come from the CSPRNG, so a run cannot be replayed.
 */
export type DpTrainInput = TrainInput & { dp: DpSgdParams };

export interface DpTrainResult extends TrainResult {
  /**
   * Records drawn over all steps (Σ of the realised batch sizes). A function
   * of the secret sample and of n, not differentially private: for local
   * diagnostics and tests, never to be sent.
   */
  sampledExamples: number;
  /**
   * Coordinates of the delta that were not finite (training diverged) and
   * were replaced by 0. Post-processing of the DP output, but for local
   * diagnostics only, never to be sent.
   */
  nonFiniteReplaced: number;
}

/** Most steps one call runs; a job asking for more is refused (by its spec, before it gets here) rather than run for hours. */
export const MAX_DP_STEPS = MAX_DP_STEPS_PER_ROUND;

/** As train.ts: cpu and wasm kernels block the event loop, and the daemon must keep answering its socket. */
const YIELD_EVERY_MS = 50;

/**
 * Runs dp.steps DP-SGD steps from `weights` and returns the update. Throws,
 * before reading `data`: E_PRIVACY_PARAMS for invalid dp parameters (or a
 * noise scale too large for the model, see assertDpParams), E_UPDATE_LENGTH /
 * E_UPDATE_RANGE for weights that do not fit the model or are out of range,
 * E_JOB_SPEC for a graph model DP-SGD cannot clip per example (BatchNormalization);
 * then E_JOB_FEATURES for a split of another width, and E_PRIVACY_PARAMS if
 * n records of norm clip could overflow the snapping grid (a function of n
 * alone, beyond any real split). Nothing after that throws on the records'
 * values: a diverged coordinate of the delta is 0 (counted in
 * nonFiniteReplaced). An empty split gives a zero delta and zero steps
 * (there is no record to protect). `loss` is reported as 0: the training
 * loss is a non-private function of the records, and a TrainResult's loss is
 * sent to the coordinator.
 */
export async function trainDpSgd(tf: Tf, input: DpTrainInput): Promise<DpTrainResult> {
  const { spec, local, weights, data, dp } = input;
  const shapes = paramShapes(spec);
  const total = shapes.reduce((s, p) => s + p.size, 0);
  assertDpParams(dp, total);
  assertWeights(spec, weights);
  if (isGraphModel(spec)) assertGraphClippable(spec);
  assertSplitFits(spec, data, labelWidth(input.task ?? BINARY_TASK));
  const { n } = data;
  if (n === 0) return emptyResult(total);
  const { samplingRate: q, noiseMultiplier: sigma, clip } = dp;
  assertGridFits(n, clip, total, sigma);
  const invExpected = 1 / (q * (dp.publicCount ?? n));
  const offsets = paramOffsets(shapes);
  // The model lives on the CPU, updated there from the noisy sum (post-processing, cpu-optimizer.ts) and
  // uploaded once a step for the forward and backward pass. `start` is w_global, safe from a caller's writes.
  const start = weights.slice();
  const w = weights.slice();
  const optimizer = cpuOptimizer(local.optimizer, local.learningRate, total);
  // FedProx (Li et al. 2020, eq. 2): μ(w − w_global) is data-independent, so it is added after the noise, unclipped;
  // each operation rounded to float32, as the tf ops it replaces.
  const mu = Math.fround(local.proximalMu);
  const sum = new Float32Array(total);
  const grad = new Float32Array(total);
  const noisy = new Float64Array(total);
  const owned: Tensor[] = [];
  // The dispatch: a graph spec, or a dense one of any task but binary, is clipped on its LayersModel with the
  // task's per-example loss (ghost-clip.ts); a binary dense spec by per-example.ts, whose loss is sigmoid CE.
  const task = input.task ?? BINARY_TASK;
  const graph = isGraphModel(spec) || task.kind !== 'binary' ? graphStep(tf, spec, task) : undefined;
  try {
    // Views under DP come from the CSPRNG (views.ts says why), as the sample and the noise do.
    const inputs = inputDraws(tf, spec, data, input.views, 'csprng');
    const x = inputs.first();
    owned.push(x);
    const y = tf.tensor2d(data.y, [n, data.y.length / n]);
    owned.push(y);
    const clipped: ClippedSumInput = { tf, spec, shapes, offsets, n, x, y, clip, graph };
    let sampledExamples = 0;
    let lastYield = performance.now();
    const redrawEvery = Math.ceil(1 / q); // steps in one expected pass over the split
    for (let step = 0; step < dp.steps; step++) {
      if (step > 0 && inputs.varies && step % redrawEvery === 0) owned.push((clipped.x = inputs.redraw(clipped.x)));
      const batch = poissonSample(n, q);
      sampledExamples += batch.length;
      clippedSum(clipped, w, batch, sum);
      // The release: from here on everything is a function of the privatised sum (σ = 0: of the clipped sum).
      if (sigma > 0) privatizeSum(sum, clip, sigma, noisy);
      else noisy.set(sum);
      for (let i = 0; i < total; i++) grad[i] = noisy[i]! * invExpected;
      if (mu > 0) for (let i = 0; i < total; i++) grad[i] = grad[i]! + Math.fround(Math.fround(w[i]! - start[i]!) * mu);
      optimizer.step(w, grad);
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
    }

    const { delta, nonFiniteReplaced } = finiteDelta(w, start);
    return { delta, loss: 0, steps: dp.steps, numExamples: n, sampledExamples, nonFiniteReplaced };
  } finally {
    tf.dispose(owned);
    graph?.model.dispose();
  }
}

/** An empty split's result: a zero delta, no steps. */
function emptyResult(total: number): DpTrainResult {
  return {
    delta: new Float32Array(total),
    loss: 0,
    steps: 0,
    numExamples: 0,
    sampledExamples: 0,
    nonFiniteReplaced: 0,
  };
}

/** A batch sum is at most n·C per coordinate (×2 for float32 slack in the clipping): it must stay inside privatizeSum's range. */
function assertGridFits(n: number, clip: number, total: number, sigma: number): void {
  if (sigma > 0 && (2 * n * clip) / snapPlan(clip, total, sigma).gamma > MAX_SNAPPED) {
    // Only past about 10^10 records; the message names no count (it is sent to the coordinator).
    throw new CohortError(
      'E_PRIVACY_PARAMS',
      `the training split is too large for the snapping grid's range at clip ${clip}`,
    );
  }
}

/** Where each parameter tensor starts in the flat vector (paramShapes order). */
function paramOffsets(shapes: readonly { size: number }[]): number[] {
  const offsets: number[] = [];
  for (let i = 0, at = 0; i < shapes.length; i++) {
    offsets.push(at);
    at += shapes[i]!.size;
  }
  return offsets;
}

/** What the clipped sum of every step of one trainDpSgd call reads: the model's layout and the split on the backend. */
interface ClippedSumInput {
  tf: Tf;
  spec: ModelSpec;
  shapes: ReturnType<typeof paramShapes>;
  offsets: number[];
  /** The split's record count: a batch of all n records is used as it is, without a gather. */
  n: number;
  x: Tensor2D;
  y: Tensor2D;
  clip: number;
  /** Set for a graph spec: the model its clipped sums are taken on (ghost-clip.ts). */
  graph: GraphStep | undefined;
}

/** Writes into `sum` the sum of the per-example gradients at weights `w`, each clipped to norm clip, over `batch`. */
function clippedSum(c: ClippedSumInput, w: Float32Array, batch: Int32Array, sum: Float32Array): void {
  const { tf, spec, clip } = c;
  if (c.graph) {
    graphClippedSum(tf, c.graph, c, w, batch, clip, sum);
    return;
  }
  if (isGraphModel(spec)) throw new CohortError('E_INTERNAL', 'a graph spec reached the dense clipping path');
  // In micro-batches of dpChunkRows rows, as the graph path: a Poisson batch is about q·n rows, n the hospital's.
  const rows = dpChunkRows(spec);
  if (batch.length <= rows) {
    denseChunkSum(c, w, batch, sum, false);
    return;
  }
  sum.fill(0);
  for (let start = 0; start < batch.length; start += rows)
    denseChunkSum(c, w, batch.subarray(start, start + rows), sum, true);
}

/** One micro-batch's clipped sum of a dense spec, written into `sum` or (add) added to it in float32. */
function denseChunkSum(c: ClippedSumInput, w: Float32Array, batch: Int32Array, sum: Float32Array, add: boolean): void {
  const { tf, spec, shapes, offsets, n, x, y, clip } = c;
  const grads = tf.tidy(() => {
    // slice: the cpu backend keeps the array it is given, and w changes after this step.
    const params = shapes.map((s, i) => tf.tensor(w.slice(offsets[i], offsets[i]! + s.size), s.shape, 'float32'));
    let xb = x;
    let yb = y;
    if (batch.length < n) {
      const idx = tf.tensor1d(batch, 'int32');
      xb = tf.gather(x, idx);
      yb = tf.gather(y, idx);
    }
    return clippedGradientSum(tf, spec, params, xb, yb, clip).grads;
  });
  // A read per tensor into one buffer for the run: cheaper than a concat kernel and its read. The cpu and
  // wasm kernels ran as they were called, so there is nothing to wait for.
  try {
    grads.forEach((g, i) => {
      const v = g.dataSync() as Float32Array;
      if (!add) sum.set(v, offsets[i]);
      else for (let j = 0, at = offsets[i]!; j < v.length; j++) sum[at + j] = sum[at + j]! + v[j]!;
    });
  } finally {
    tf.dispose(grads);
  }
}

/** w − start; post-processing, not an error (see the module comment): a diverged coordinate becomes 0, counted. */
function finiteDelta(w: Float32Array, start: Float32Array): { delta: Float32Array; nonFiniteReplaced: number } {
  const total = w.length;
  const delta = new Float32Array(total);
  for (let i = 0; i < total; i++) delta[i] = w[i]! - start[i]!;
  let nonFiniteReplaced = 0;
  for (let i = 0; i < total; i++) {
    if (!Number.isFinite(delta[i]!)) {
      delta[i] = 0;
      nonFiniteReplaced++;
    }
  }
  return { delta, nonFiniteReplaced };
}

/** Indices of the records in one Poisson sample: each independently with probability q, from the CSPRNG. */
function poissonSample(n: number, q: number): Int32Array {
  if (q === 1) return Int32Array.from({ length: n }, (_, i) => i);
  const out = new Int32Array(n);
  let k = 0;
  for (let i = 0; i < n; i++) if (randomUniform() < q) out[k++] = i;
  return out.subarray(0, k);
}

/**
 * Throws E_PRIVACY_PARAMS unless dp is valid; trainDpSgd calls it first,
 * callers may call it earlier (before charging a budget). With `params`, the
 * model's parameter count, it also checks that the snapped noise fits the
 * exact sampler (noise std ≤ 2^32 grid units: noiseMultiplier at most about
 * 2^32 / (201·√params), e.g. 2·10^5 at 10^4 parameters).
 */
export function assertDpParams(dp: DpSgdParams, params?: number): void {
  const bad = (message: string): never => {
    throw new CohortError('E_PRIVACY_PARAMS', message);
  };
  const { samplingRate: q, noiseMultiplier: sigma, clip, steps, publicCount } = dp;
  if (typeof q !== 'number' || !(q > 0 && q <= 1))
    bad(`"dp.samplingRate" expected a number in (0, 1], got ${String(q)}`);
  if (typeof sigma !== 'number' || !(sigma >= 0) || !Number.isFinite(sigma))
    bad(`"dp.noiseMultiplier" expected a finite number >= 0, got ${String(sigma)}`);
  if (typeof clip !== 'number' || !(clip > 0) || !Number.isFinite(clip))
    bad(`"dp.clip" expected a finite number > 0, got ${String(clip)}`);
  if (!Number.isSafeInteger(steps) || steps < 1 || steps > MAX_DP_STEPS)
    bad(`"dp.steps" expected an integer in [1, ${MAX_DP_STEPS}], got ${String(steps)}`);
  if (!Number.isFinite(sigma * clip)) bad(`"dp.noiseMultiplier" × "dp.clip" must be finite, got ${sigma} × ${clip}`);
  if (
    publicCount !== undefined &&
    (typeof publicCount !== 'number' || !Number.isFinite(publicCount) || !(publicCount > 0))
  ) {
    bad(`"dp.publicCount" expected a finite number > 0, got ${String(publicCount)}`);
  }
  if (params !== undefined && sigma > 0) snapPlan(clip, params, sigma);
}
