/**
 * tf.train.sgd and tf.train.adam (with its defaults) on a flat Float32Array
 * of weights, for DP-SGD (dpsgd.ts): its gradient is already on the CPU (the
 * noisy sum is drawn there), so updating the weights there too saves its
 * upload and split and the optimiser's kernels (2 a weight tensor for SGD,
 * about 12 for Adam); the weights go back to the backend once a step, for
 * the next forward pass.
 *
 * Each operation is the one tfjs 4.x performs (tfjs-core optimizers/
 * sgd_optimizer.ts, adam_optimizer.ts), in the same order, rounded to float32
 * after each as a float32 backend stores it: x = Math.fround of the double
 * result of float32 operands, which is the correctly rounded float32 result
 * for +, −, ×, ÷ and √ (binary64 has more than 2·24 + 2 bits, so rounding
 * twice is harmless: Figueroa, "When is double rounding innocuous?", SIGNUM
 * 1995). The results are bit for bit tfjs's on the cpu backend
 * (test/trainer/cpu-optimizer.test.ts holds them to it) and were on wasm
 * when measured.
 * - SGD: w ← w + (−lr)·g.
 * - Adam (Kingma and Ba, ICLR 2015, Algorithm 1, in tfjs's form): β1 = 0.9,
 *   β2 = 0.999 and ε = 1e-7, tf.train.adam's defaults (its ε is the
 *   backend's epsilon(), 1e-7 on the float32 backends cpu, wasm and
 *   tensorflow); moments from 0; m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g²,
 *   β^t kept as a float32 running product, and
 *   w ← w + (−lr)·((m/(1−β1^t)) / (√(v/(1−β2^t)) + ε)).
 */
import { CohortError } from '../../core/errors.ts';
import type { LocalTraining } from '../../core/job/spec.ts';

const f32 = Math.fround;

export interface CpuOptimizer {
  /** One update of `weights`, in place, with `gradient` (same length as at construction). `gradient` is not mutated. */
  step(weights: Float32Array, gradient: Float32Array): void;
}

/** tfjs's defaults for tf.train.adam(learningRate) on a float32 backend. */
const ADAM_DEFAULTS = { beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } as const;

/** An optimiser for `size` weights. Throws E_INTERNAL for a learning rate that is not finite and > 0 or a size that is not a non-negative integer. */
export function cpuOptimizer(kind: LocalTraining['optimizer'], learningRate: number, size: number): CpuOptimizer {
  if (typeof learningRate !== 'number' || !Number.isFinite(learningRate) || !(learningRate > 0)) {
    throw new CohortError('E_INTERNAL', `learning rate expected a finite number > 0, got ${String(learningRate)}`);
  }
  if (!Number.isSafeInteger(size) || size < 0)
    throw new CohortError('E_INTERNAL', `optimizer size expected an integer >= 0, got ${String(size)}`);
  const check = (weights: Float32Array, gradient: Float32Array) => {
    if (weights.length !== size || gradient.length !== size) {
      throw new CohortError(
        'E_INTERNAL',
        `optimizer for ${size} weights got ${weights.length} weights and ${gradient.length} gradients`,
      );
    }
  };
  const negLr = f32(-learningRate);
  if (kind === 'sgd') {
    return {
      step(weights, gradient) {
        check(weights, gradient);
        for (let i = 0; i < size; i++) weights[i] = f32(negLr * gradient[i]!) + weights[i]!;
      },
    };
  }
  const b1 = f32(ADAM_DEFAULTS.beta1);
  const b2 = f32(ADAM_DEFAULTS.beta2);
  // tfjs passes 1 − β as a double, then uploads it as a float32 scalar.
  const oneMinusB1 = f32(1 - ADAM_DEFAULTS.beta1);
  const oneMinusB2 = f32(1 - ADAM_DEFAULTS.beta2);
  const eps = f32(ADAM_DEFAULTS.epsilon);
  const m = new Float32Array(size);
  const v = new Float32Array(size);
  let accB1 = b1;
  let accB2 = b2;
  return {
    step(weights, gradient) {
      check(weights, gradient);
      const c1 = f32(1 - accB1);
      const c2 = f32(1 - accB2);
      for (let i = 0; i < size; i++) {
        const g = gradient[i]!;
        const mi = f32(f32(m[i]! * b1) + f32(g * oneMinusB1));
        const vi = f32(f32(v[i]! * b2) + f32(f32(g * g) * oneMinusB2));
        m[i] = mi;
        v[i] = vi;
        const denom = f32(f32(Math.sqrt(f32(vi / c2))) + eps);
        weights[i] = f32(f32(f32(mi / c1) / denom) * negLr) + weights[i]!;
      }
      accB1 = f32(accB1 * b1);
      accB2 = f32(accB2 * b2);
    },
  };
}
