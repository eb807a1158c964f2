/**
 * Shared inputs for the strategy tests: two clients, d = 3, two rounds, with
 * every value exact in float32 so hand arithmetic is exact up to the final
 * square roots.
 */
import type { StrategySpec } from '../../../core/job/spec.ts';
import { expect, it } from 'vitest';
import { createStrategy, type AggregateOutput, type ClientResult } from '../../../core/strategy/index.ts';

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

/** What an adaptive strategy's state and weights must be after a round, derived by hand from the paper. */
export interface AdaptiveRound {
  m: number[];
  v: number[];
  weights: number[];
}

/**
 * The vector tests every adaptive strategy (core/strategy/adaptive.ts) is held
 * to: rounds 1 and 2 from its initial state, ROUND1 from GLOBAL then ROUND2,
 * moments exact and weights to 5 digits.
 */
export function itMatchesTwoRounds(
  name: StrategySpec['name'],
  want: { round1: AdaptiveRound; round2: AdaptiveRound },
): void {
  const strategy = createStrategy(spec(name));
  const round1 = () => strategy.aggregate({ round: 1, global: GLOBAL, results: ROUND1, failures: [], state: null });
  const expectRound = (out: AggregateOutput, r: AdaptiveRound) => {
    expect(Array.from(out.state!.m)).toEqual(r.m);
    expect(Array.from(out.state!.v!)).toEqual(r.v);
    expectClose(out.weights, r.weights);
  };
  it('round 1 from the initial state', () => expectRound(round1(), want.round1));
  it('round 2 carries the state over', () => {
    const r1 = round1();
    expectRound(
      strategy.aggregate({ round: 2, global: r1.weights, results: ROUND2, failures: [], state: r1.state }),
      want.round2,
    );
  });
}
