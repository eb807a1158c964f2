import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createStrategy, type ClientResult } from '../../../core/strategy/index.ts';
import { spec } from './fixtures.ts';

const value = fc.float({ min: -1000, max: 1000, noNaN: true });

/** 1..6 clients with d-long deltas; at least one client has examples. */
const clients = (d: number) =>
  fc
    .array(
      fc.record({
        delta: fc.array(value, { minLength: d, maxLength: d }),
        numExamples: fc.integer({ min: 0, max: 10_000 }),
      }),
      { minLength: 1, maxLength: 6 },
    )
    .filter((cs) => cs.some((c) => c.numExamples > 0))
    .map((cs): ClientResult[] =>
      cs.map((c, i) => ({ client: `c${i}`, delta: Float32Array.from(c.delta), numExamples: c.numExamples })),
    );

const withDim = <T>(f: (d: number) => fc.Arbitrary<T>) =>
  fc.integer({ min: 1, max: 8 }).chain((d) => f(d).map((x) => [d, x] as const));

const fedavg = createStrategy(spec('fedavg', 1));
const mean = (d: number, results: readonly ClientResult[]) =>
  fedavg.aggregate({ round: 1, global: new Float32Array(d), results, failures: [], state: null }).weights;

describe('weighted mean of deltas (FedAvg, η = 1)', () => {
  it('identical deltas give exactly w + Δ', () => {
    fc.assert(
      fc.property(
        withDim((d) =>
          fc.tuple(
            fc.array(value, { minLength: d, maxLength: d }),
            fc.array(value, { minLength: d, maxLength: d }),
            fc.array(fc.integer({ min: 1, max: 10_000 }), { minLength: 1, maxLength: 6 }),
          ),
        ),
        ([, [w, delta, counts]]) => {
          const results = counts.map((n, i) => ({ client: `c${i}`, delta: Float32Array.from(delta), numExamples: n }));
          const out = fedavg.aggregate({ round: 1, global: Float32Array.from(w), results, failures: [], state: null });
          // Signed zero is not a value: the mean of -0s is +0 (its sum starts at +0), and toEqual tells -0 from +0.
          const expected = w.map((x, j) => Math.fround(x + delta[j]!) + 0);
          expect(Array.from(out.weights, (x) => x + 0)).toEqual(expected);
        },
      ),
    );
  });

  it('lies within [min, max] of the weighted deltas per coordinate', () => {
    fc.assert(
      fc.property(withDim(clients), ([d, results]) => {
        const out = mean(d, results);
        const weighted = results.filter((r) => r.numExamples > 0);
        for (let j = 0; j < d; j++) {
          const column = weighted.map((r) => r.delta[j]!);
          expect(out[j]!).toBeGreaterThanOrEqual(Math.min(...column));
          expect(out[j]!).toBeLessThanOrEqual(Math.max(...column));
        }
      }),
    );
  });

  it('does not depend on the order of results (up to float32 rounding)', () => {
    const permuted = withDim(clients).chain(([d, results]) =>
      fc
        .shuffledSubarray(results, { minLength: results.length, maxLength: results.length })
        .map((p) => [d, results, p] as const),
    );
    fc.assert(
      fc.property(permuted, ([d, results, shuffled]) => {
        const a = mean(d, results);
        const b = mean(d, shuffled);
        for (let j = 0; j < d; j++) {
          // One float32 ulp of the result, plus float64 summation error on inputs ≤ 1000.
          expect(Math.abs(a[j]! - b[j]!)).toBeLessThanOrEqual(
            2 ** -22 * Math.max(Math.abs(a[j]!), Math.abs(b[j]!)) + 1e-9,
          );
        }
      }),
    );
  });
});
