/**
 * The accountant keeps one step's PLD and what composing it derives (core/privacy/pld.ts keptStepPmf): every figure
 * must be bit-for-bit the one a fresh computation gives, because the ledger's verifier compares recorded figures
 * with ===. Each check holds what the caches return to the same computation built past them (direct) or
 * after clearPldCaches (fresh).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  clearPldCaches,
  composeSampledGaussianPlds,
  DEFAULT_DISCRETIZATION,
  DEFAULT_MAX_BINS,
  LOG_MASS_TRUNCATION_BOUND,
  sampledGaussianPld,
  TAIL_MASS_TRUNCATION,
  type PldRun,
} from '../../../core/privacy/pld.ts';
import { selfCompose, type PldPmf } from '../../../core/privacy/pld-pmf.ts';
import { sampledGaussianPmf, type Adjacency } from '../../../core/privacy/gaussian-pld.ts';
import { accountSpend, type Mechanism } from '../../../core/privacy/spend.ts';

function same(a: PldPmf, b: PldPmf): boolean {
  return (
    a.offset === b.offset &&
    Object.is(a.infinityMass, b.infinityMass) &&
    a.probs.length === b.probs.length &&
    a.probs.every((v, i) => Object.is(v, b.probs[i]))
  );
}

/** Both directions built from the primitives, past every cache: the oracle the kept ones are held to. */
function direct(r: PldRun): { remove: PldPmf; add: PldPmf } {
  const d = r.discretization ?? DEFAULT_DISCRETIZATION;
  const maxBins = r.maxBins ?? DEFAULT_MAX_BINS;
  const one = (adjacency: Adjacency): PldPmf =>
    selfCompose(
      sampledGaussianPmf({
        q: r.q,
        sigma: r.sigma,
        adjacency,
        discretization: d,
        logMassTruncationBound: LOG_MASS_TRUNCATION_BOUND,
        maxBins,
      }),
      r.steps,
      { tailMass: TAIL_MASS_TRUNCATION, maxBins },
    );
  return { remove: one('remove'), add: one('add') };
}

function fresh<T>(f: () => T): T {
  clearPldCaches();
  return f();
}

describe('kept step PLDs', () => {
  it('a step composed to different counts on one transform size, then the first again: each as computed afresh', () => {
    clearPldCaches();
    const run = (steps: number): PldRun => ({ q: 0.05, sigma: 1.2, steps, discretization: 1e-3 });
    const first = sampledGaussianPld(run(40));
    const second = sampledGaussianPld(run(41)); // a step count that lands on the same FFT size
    const again = sampledGaussianPld(run(40));
    for (const [got, steps] of [
      [first, 40],
      [second, 41],
      [again, 40],
    ] as const) {
      const want = direct(run(steps));
      expect(same(got.remove, want.remove) && same(got.add, want.add), `steps ${steps}`).toBe(true);
    }
  });

  it('each parameter of a step is part of its key: changing any one gives that step, not the kept one', () => {
    const base: PldRun = { q: 0.1, sigma: 1, steps: 3, discretization: 1e-3 };
    const variants: PldRun[] = [
      base,
      { ...base, q: 0.2 },
      { ...base, sigma: 1.5 },
      { ...base, discretization: 2e-3 },
      { ...base, q: 1 }, // one direction for both
    ];
    clearPldCaches();
    const warm = variants.map((r) => sampledGaussianPld(r));
    variants.forEach((r, i) => {
      const want = direct(r);
      expect(same(warm[i]!.remove, want.remove) && same(warm[i]!.add, want.add), JSON.stringify(r)).toBe(true);
    });
  });

  it('a kept step does not lift the grid limit: a smaller maxBins still refuses it', () => {
    clearPldCaches();
    sampledGaussianPld({ q: 0.1, sigma: 1, steps: 1 });
    // One step is not composed, so only the step's own grid check can refuse it.
    expect(() => sampledGaussianPld({ q: 0.1, sigma: 1, steps: 1, maxBins: 64 })).toThrow(
      /one step's privacy loss spans/,
    );
  });

  it('discrete Gaussian steps, kept across spends, price each spend as afresh', () => {
    clearPldCaches();
    const spend = ([sigma, steps]: readonly [number, number]): Mechanism[] => [
      { kind: 'sampled-gaussian', q: 0.02, sigma: 1.3, steps: 20 },
      { kind: 'discrete-gaussian', sigma, steps },
    ];
    const list = [
      [4, 1],
      [8, 1],
      [4, 2],
    ] as const;
    const warm = list.map((x) => accountSpend(spend(x), 1e-6, 'pld'));
    list.forEach((x, i) => {
      expect(Object.is(warm[i]!.pld, fresh(() => accountSpend(spend(x), 1e-6, 'pld')).pld), `${x}`).toBe(true);
    });
  });

  it('property: any sequence of multi-run compositions is computed as afresh', () => {
    const run = fc.record({
      q: fc.constantFrom(0.01, 0.3, 1),
      sigma: fc.constantFrom(0.9, 2),
      steps: fc.integer({ min: 1, max: 80 }),
      discretization: fc.constant(2e-3),
    });
    const lists = fc.array(fc.array(run, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 4 });
    clearPldCaches();
    fc.assert(
      fc.property(lists, (list: PldRun[][]) => {
        const warm = list.map((runs) => composeSampledGaussianPlds(runs));
        list.forEach((runs, i) => {
          const want = fresh(() => composeSampledGaussianPlds(runs));
          expect(same(warm[i]!.remove, want.remove) && same(warm[i]!.add, want.add)).toBe(true);
        });
      }),
      { numRuns: 15 },
    );
  });
});
