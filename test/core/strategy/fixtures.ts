/**
 * Shared inputs for the strategy tests: two clients, d = 3, two rounds, with
 * every value exact in float32 so hand arithmetic is exact up to the final
 * square roots.
 */
import type { StrategySpec } from '../../../core/job/spec.ts';
import type { ClientResult } from '../../../core/strategy/index.ts';

export const GLOBAL = new Float32Array([1, 2, 3]);

/**
 * Round 1: Δ = (1·[2, −1, 0] + 3·[0, −1, 4]) / 4 = [2, −4, 12] / 4 = [0.5, −1, 3].
 * (The unweighted mean would be [1, −1, 2], so the weighting is visible.)
 */
export const ROUND1: readonly ClientResult[] = [
  { client: 'a', delta: new Float32Array([2, -1, 0]), numExamples: 1 },
  { client: 'b', delta: new Float32Array([0, -1, 4]), numExamples: 3 },
];

/** Round 2: Δ = (1·[−2, 2, 1] + 1·[1, 2, 1]) / 2 = [−0.5, 2, 1]. */
export const ROUND2: readonly ClientResult[] = [
  { client: 'a', delta: new Float32Array([-2, 2, 1]), numExamples: 1 },
  { client: 'b', delta: new Float32Array([1, 2, 1]), numExamples: 1 },
];

/** Binary-exact optimiser settings: β1 = β2 = 0.5, τ = 1 (so v₋₁ = τ² = 1), η = 0.5. */
export function spec(name: StrategySpec['name'], serverLearningRate = 0.5): StrategySpec {
  return { name, serverLearningRate, beta1: 0.5, beta2: 0.5, tau: 1 };
}

/** The code of the CohortError `fn` throws (tests assert codes, not messages). */
export function thrownCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

export function expectClose(actual: Float32Array, expected: readonly number[], digits = 5): void {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}`);
  expected.forEach((e, i) => {
    if (Math.abs(actual[i]! - e) >= 0.5 * 10 ** -digits) {
      throw new Error(`index ${i}: got ${actual[i]}, expected ${e}`);
    }
  });
}
