/**
 * Record-level differentially private local training: DP-SGD (Abadi et al.,
 * "Deep Learning with Differential Privacy", CCS 2016, Algorithm 1) with
 * Poisson sampling, the variant the sampled-Gaussian accountants price
 * (Mironov, Talwar, Zhang, "Rényi Differential Privacy of the Sampled
 * Gaussian Mechanism", 2019; core/privacy).
 *
 * Each of `steps` steps: every record joins the batch independently with
 * probability q; the per-example gradients are clipped to L2 norm C and
 * summed (per-example.ts); N(0, σ²C²) noise is added to every coordinate;
 * the sum is divided by the expected batch size q·n and handed to the
 * optimiser. Only the noisy sum depends on the records, so the optimiser
 * (SGD or Adam), the FedProx pull and the weights read back are
 * post-processing. Two things the guarantee leans on:
 * - The sample is drawn from the CSPRNG (core/privacy/random.ts): the
 *   amplification by sampling assumes the adversary cannot tell which
 *   records were used, which a seeded or predictable generator would reveal.
 * - The divisor is the expected q·n, never the realised batch size, which is
 *   a function of the secret sample. n itself is treated as public (the
 *   daemon reports it as numExamples); under add/remove neighbours a
 *   strict reading would fix it in advance.
 */
import type { Tensor, Variable } from '@tensorflow/tfjs';
import { CohortError } from '../../core/errors.ts';
import { MAX_DP_STEPS_PER_ROUND } from '../../core/job/spec.ts';
import { paramShapes } from '../../core/model/spec.ts';
import { gaussianNoise } from '../../core/privacy/gaussian.ts';
import { randomUniform } from '../../core/privacy/random.ts';
import type { Tf } from './backend.ts';
import { assertSplitFits } from './model.ts';
import { clippedGradientSum } from './per-example.ts';
import type { TrainInput, TrainResult } from './train.ts';

export interface DpSgdParams {
  /** Poisson sampling rate q in (0, 1]. */
  samplingRate: number;
  /** σ ≥ 0: the noise std is σ·clip per coordinate of the summed gradient. σ = 0 is clipping without privacy. */
  noiseMultiplier: number;
  /** C > 0: per-example L2 bound. */
  clip: number;
  /** Exactly this many steps run, however the samples fall: the accountant counts them. */
  steps: number;
}

/**
 * dp.steps and dp.samplingRate set the schedule: local.epochs, batchSize and
 * maxSteps are not read (core/job/privacy.ts's stepsPerRound derives
 * dp.steps from them). The seed is unused: sampling and noise come from the
 * CSPRNG, so a run cannot be replayed.
 */
export type DpTrainInput = TrainInput & { dp: DpSgdParams };

export interface DpTrainResult extends TrainResult {
  /**
   * Records drawn over all steps (Σ of the realised batch sizes). A function
   * of the secret sample and of n, not differentially private: for local
   * diagnostics and tests, never to be sent.
   */
  sampledExamples: number;
}

/** Most steps one call runs; a job asking for more is refused (by its spec, before it gets here) rather than run for hours. */
export const MAX_DP_STEPS = MAX_DP_STEPS_PER_ROUND;

/** As train.ts: cpu and wasm kernels block the event loop, and the daemon must keep answering its socket. */
const YIELD_EVERY_MS = 50;

/**
 * Runs dp.steps DP-SGD steps from `weights` and returns the update. Throws
 * E_PRIVACY_PARAMS for invalid dp parameters, E_UPDATE_LENGTH / E_JOB_FEATURES
 * for weights or data that do not fit the model, E_UPDATE_NONFINITE if
 * training diverged. An empty split gives a zero delta and zero steps (there
 * is no record to protect). `loss` is reported as 0: the training loss is a
 * non-private function of the records, and a TrainResult's loss is sent to
 * the coordinator.
 */
export async function trainDpSgd(tf: Tf, input: DpTrainInput): Promise<DpTrainResult> {
  const { spec, local, weights, data, dp } = input;
  assertDpParams(dp);
  assertSplitFits(spec, data);
  const shapes = paramShapes(spec);
  const total = shapes.reduce((s, p) => s + p.size, 0);
  if (weights.length !== total) throw new CohortError('E_UPDATE_LENGTH', `model has ${total} parameters, weight vector has ${weights.length}`);
  const { n, d } = data;
  if (n === 0) return { delta: new Float32Array(total), loss: 0, steps: 0, numExamples: 0, sampledExamples: 0 };

  const owned: Tensor[] = [];
  const own = <T extends Tensor>(t: T): T => (owned.push(t), t);
  const vars: Variable[] = [];
  const optimizer = local.optimizer === 'adam' ? tf.train.adam(local.learningRate) : tf.train.sgd(local.learningRate);
  try {
    let offset = 0;
    for (const s of shapes) {
      // slice: the cpu backend keeps the array it is given (see model.ts).
      const init = tf.tensor(weights.slice(offset, offset + s.size), s.shape, 'float32');
      vars.push(tf.variable(init));
      init.dispose();
      offset += s.size;
    }
    const x = own(tf.tensor2d(data.x, [n, d]));
    const y = own(tf.tensor2d(data.y, [n, 1]));
    // FedProx (Li et al. 2020, eq. 2): μ(w − w_global) is data-independent, so it is added after the noise, unclipped.
    const global = local.proximalMu > 0 ? vars.map((v) => own(tf.clone(v))) : undefined;
    const { samplingRate: q, noiseMultiplier: sigma, clip } = dp;
    const invExpected = 1 / (q * n);

    let sampledExamples = 0;
    let lastYield = performance.now();
    for (let step = 0; step < dp.steps; step++) {
      const batch = poissonSample(n, q);
      sampledExamples += batch.length;
      tf.tidy(() => {
        let xb = x;
        let yb = y;
        if (batch.length < n) {
          const idx = tf.tensor1d(batch, 'int32');
          xb = tf.gather(x, idx);
          yb = tf.gather(y, idx);
        }
        const { grads } = clippedGradientSum(tf, spec, vars, xb, yb, clip);
        const named = grads.map((g, i) => {
          let t = g;
          // A fresh array per tensor and step: the cpu backend keeps it rather than copying.
          if (sigma > 0) t = tf.add(t, tf.tensor(gaussianNoise(shapes[i]!.size, sigma * clip, new Float32Array(shapes[i]!.size)), shapes[i]!.shape));
          t = tf.mul(t, invExpected);
          if (global) t = tf.add(t, tf.mul(tf.sub(vars[i]!, global[i]!), local.proximalMu));
          return { name: vars[i]!.name, tensor: t };
        });
        optimizer.applyGradients(named);
      });
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
    }

    const delta = new Float32Array(total);
    offset = 0;
    for (const v of vars) {
      const w = (await v.data()) as Float32Array;
      for (let i = 0; i < w.length; i++) delta[offset + i] = w[i]! - weights[offset + i]!;
      offset += w.length;
    }
    for (let i = 0; i < delta.length; i++) {
      if (!Number.isFinite(delta[i]!)) {
        throw new CohortError('E_UPDATE_NONFINITE', `DP-SGD diverged (parameter ${i} is not finite); lower local.learningRate`);
      }
    }
    return { delta, loss: 0, steps: dp.steps, numExamples: n, sampledExamples };
  } finally {
    tf.dispose(owned);
    tf.dispose(vars);
    optimizer.dispose();
  }
}

/** Indices of the records in one Poisson sample: each independently with probability q, from the CSPRNG. */
function poissonSample(n: number, q: number): Int32Array {
  if (q === 1) return Int32Array.from({ length: n }, (_, i) => i);
  const out = new Int32Array(n);
  let k = 0;
  for (let i = 0; i < n; i++) if (randomUniform() < q) out[k++] = i;
  return out.subarray(0, k);
}

/** Throws E_PRIVACY_PARAMS unless dp is valid; trainDpSgd calls it first, callers may call it earlier (before charging a budget). */
export function assertDpParams(dp: DpSgdParams): void {
  const bad = (message: string): never => {
    throw new CohortError('E_PRIVACY_PARAMS', message);
  };
  const { samplingRate: q, noiseMultiplier: sigma, clip, steps } = dp;
  if (typeof q !== 'number' || !(q > 0 && q <= 1)) bad(`"dp.samplingRate" expected a number in (0, 1], got ${String(q)}`);
  if (typeof sigma !== 'number' || !(sigma >= 0) || !Number.isFinite(sigma)) bad(`"dp.noiseMultiplier" expected a finite number >= 0, got ${String(sigma)}`);
  if (typeof clip !== 'number' || !(clip > 0) || !Number.isFinite(clip)) bad(`"dp.clip" expected a finite number > 0, got ${String(clip)}`);
  if (!Number.isSafeInteger(steps) || steps < 1 || steps > MAX_DP_STEPS) bad(`"dp.steps" expected an integer in [1, ${MAX_DP_STEPS}], got ${String(steps)}`);
  if (!Number.isFinite(sigma * clip)) bad(`"dp.noiseMultiplier" × "dp.clip" must be finite, got ${sigma} × ${clip}`);
}
