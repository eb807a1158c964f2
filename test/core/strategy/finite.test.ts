/**
 * Every strategy's output is checked finite before anyone can commit it
 * (core/strategy/finite.ts; issue 16, finding 2): weights that overflow
 * float32, and server states the store could not read back, are typed
 * errors (E_AGGREGATE_NONFINITE), in FedAvg, FedProx, FedAdam and FedYogi alike.
 */
import { describe, it, expect } from 'vitest';
import { checkAggregate, createStrategy } from '../../../core/strategy/index.ts';
import { strategySpecSchema, STRATEGIES } from '../../../core/job/spec.ts';
import { errorCode } from '../../helpers/errors.ts';

/** The CohortError code `f` throws, or 'ok'. */
const code = (f: () => unknown): string => errorCode(f) ?? 'ok';
const strategy = (name: string, o: Record<string, unknown> = {}) => {
  const s = strategySpecSchema.parse({ name, ...o });
  return createStrategy({ ...s, serverLearningRate: s.serverLearningRate ?? 1 });
};
const F32_MAX = 3.4028234663852886e38;

describe('checkAggregate', () => {
  it('passes finite weights and states through unchanged, and names the first bad value', () => {
    const out = {
      weights: new Float32Array([1, -2]),
      state: { m: new Float32Array([0, 0]), v: new Float32Array([0, 1]) },
    };
    expect(checkAggregate(out)).toBe(out);
    expect(() => checkAggregate({ weights: new Float32Array([1, Infinity]), state: null })).toThrow(
      /weight 1 is Infinity/,
    );
    expect(code(() => checkAggregate({ weights: new Float32Array([Number.NaN]), state: null }))).toBe(
      'E_AGGREGATE_NONFINITE',
    );
    expect(
      code(() =>
        checkAggregate({
          weights: new Float32Array([0]),
          state: { m: new Float32Array([Number.NaN]), v: new Float32Array([0]) },
        }),
      ),
    ).toBe('E_AGGREGATE_NONFINITE');
    expect(
      code(() =>
        checkAggregate({
          weights: new Float32Array([0]),
          state: { m: new Float32Array([0]), v: new Float32Array([-1]) },
        }),
      ),
    ).toBe('E_AGGREGATE_NONFINITE');
  });
});

describe('every strategy', () => {
  for (const name of STRATEGIES) {
    it(`${name}: an aggregate past float32's range is refused, through step and aggregate alike`, () => {
      const adaptive = name === 'fedadam' || name === 'fedyogi';
      const s = strategy(name, adaptive ? { tau: 1e-300 } : {});
      const global = new Float32Array([F32_MAX, 0]);
      // FedAvg/FedProx: w + η·Δ overflows. FedAdam/FedYogi: with the smallest τ, a step η·m/(√v + τ) from a state whose
      // second moment underflowed to 0 (τ² is 0 in float32) while its first did not overflows too, on a zero delta.
      const delta = adaptive ? [0, 0] : [F32_MAX, 0];
      const state = adaptive ? { m: new Float32Array([0, 1e-27]), v: new Float32Array([0, 0]) } : null;
      expect(code(() => s.step({ round: 2, global, meanDelta: delta, state }))).toBe('E_AGGREGATE_NONFINITE');
      expect(
        code(() =>
          s.aggregate({
            round: 2,
            global,
            results: [{ client: 'a', delta: new Float32Array(delta), numExamples: 1 }],
            failures: [],
            state,
          }),
        ),
      ).toBe('E_AGGREGATE_NONFINITE');
      expect(code(() => s.step({ round: 1, global: new Float32Array([1, 0]), meanDelta: [1, 0], state: null }))).toBe(
        'ok',
      );
    });
  }
});
