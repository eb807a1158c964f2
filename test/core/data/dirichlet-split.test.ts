import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { seededRng } from '../../../core/rng.ts';
import { dirichletSplit, sampleDirichlet, sampleGamma } from '../../../core/data/dirichlet-split.ts';
import { CohortError } from '../../../core/errors.ts';

/** Labels 0..classes-1, `per` of each. */
const balanced = (classes: number, per: number) => Array.from({ length: classes * per }, (_, i) => i % classes);

/** Mean over hospitals of the total-variation distance between a hospital's label mix and the whole set's. */
function skew(labels: number[], parts: number[][], classes: number): number {
  const global = new Array<number>(classes).fill(0);
  for (const l of labels) global[l]! += 1 / labels.length;
  let sum = 0;
  for (const p of parts) {
    const local = new Array<number>(classes).fill(0);
    for (const i of p) local[labels[i]!]! += 1 / p.length;
    sum += 0.5 * local.reduce((a, v, c) => a + Math.abs(v - global[c]!), 0);
  }
  return sum / parts.length;
}

describe('sampleGamma (Marsaglia-Tsang)', () => {
  it.each([0.1, 0.5, 1, 2.5, 9])('has mean and variance equal to the shape %s', (a) => {
    const rng = seededRng(1234);
    const n = 40_000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const g = sampleGamma(a, rng);
      expect(g).toBeGreaterThanOrEqual(0);
      s += g;
      s2 += g * g;
    }
    const mean = s / n;
    const variance = s2 / n - mean * mean;
    // Standard errors: sqrt(a / n) for the mean; the variance's is sqrt((E[(g-a)^4] - a^2) / n) = sqrt((6a + 2a^2) / n).
    expect(Math.abs(mean - a)).toBeLessThan(5 * Math.sqrt(a / n));
    expect(Math.abs(variance - a)).toBeLessThan(5 * Math.sqrt((6 * a + 2 * a * a) / n));
  });

  it('refuses a shape that is not positive', () => {
    expect(() => sampleGamma(0, seededRng(1))).toThrow(CohortError);
    expect(() => sampleGamma(Number.NaN, seededRng(1))).toThrow(CohortError);
  });
});

describe('sampleDirichlet', () => {
  it('sums to 1, is finite even for a tiny alpha, and has mean 1/k', () => {
    const rng = seededRng(7);
    for (let i = 0; i < 100; i++) {
      const p = sampleDirichlet(0.001, 4, rng);
      expect(p.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
      expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    }
    const mean = [0, 0, 0];
    for (let i = 0; i < 5000; i++) sampleDirichlet(0.5, 3, rng).forEach((v, k) => (mean[k]! += v / 5000));
    for (const m of mean) expect(Math.abs(m - 1 / 3)).toBeLessThan(0.02);
  });
});

describe('dirichletSplit', () => {
  it('assigns every index exactly once, gives each hospital >= 1, and is deterministic per seed', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 8, maxLength: 300 }),
        fc.integer({ min: 1, max: 8 }),
        // A tiny alpha with few examples a hospital is refused (next test), not split.
        fc.constantFrom(0.3, 1, 5),
        fc.integer({ min: 0, max: 2 ** 31 }),
        (labels, k, alpha, seed) => {
          fc.pre(labels.length >= 20 * k);
          const parts = dirichletSplit(labels, k, alpha, seed);
          expect(parts).toHaveLength(k);
          expect(parts.every((p) => p.length >= 1)).toBe(true);
          const all = parts.flat().sort((a, b) => a - b);
          expect(all).toEqual(labels.map((_, i) => i));
          expect(dirichletSplit(labels, k, alpha, seed)).toEqual(parts);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("splits PneumoniaMNIST's train labels across 4 hospitals at alpha 0.5 for every seed tried", () => {
    const labels = [...new Array<number>(1214).fill(0), ...new Array<number>(3494).fill(1)];
    for (let seed = 0; seed < 20; seed++) {
      const parts = dirichletSplit(labels, 4, 0.5, seed);
      expect(parts.reduce((a, p) => a + p.length, 0)).toBe(4708);
    }
  });

  it('changes with the seed', () => {
    const labels = balanced(2, 100);
    expect(dirichletSplit(labels, 4, 0.5, 1)).not.toEqual(dirichletSplit(labels, 4, 0.5, 2));
  });

  it('skews labels more as alpha shrinks', () => {
    const labels = balanced(10, 100);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        const small = skew(labels, dirichletSplit(labels, 5, 0.05, seed), 10);
        const large = skew(labels, dirichletSplit(labels, 5, 100, seed), 10);
        expect(small).toBeGreaterThan(large);
      }),
      { numRuns: 30 },
    );
    // Averaged over seeds, monotone across three decades of alpha.
    const mean = (alpha: number) =>
      Array.from({ length: 20 }, (_, s) => skew(labels, dirichletSplit(labels, 5, alpha, s), 10)).reduce(
        (a, b) => a + b,
      ) / 20;
    const [a, b, c] = [mean(0.1), mean(1), mean(10)];
    expect(a).toBeGreaterThan(b);
    expect(b).toBeGreaterThan(c);
    expect(c).toBeLessThan(0.15);
    expect(a).toBeGreaterThan(0.5);
  });

  it('redraws until every hospital has minPerHospital, and refuses what cannot be met', () => {
    const labels = balanced(2, 50);
    const parts = dirichletSplit(labels, 4, 0.1, 3, { minPerHospital: 10 });
    expect(parts.every((p) => p.length >= 10)).toBe(true);
    expect(() => dirichletSplit(labels, 4, 0.1, 3, { minPerHospital: 26 })).toThrow(CohortError);
    expect(() => dirichletSplit(labels, 4, 0.001, 3, { minPerHospital: 20, maxTries: 3 })).toThrow(CohortError);
    expect(() => dirichletSplit([0, 1], 3, 1, 0)).toThrow(CohortError);
    expect(() => dirichletSplit([0, 1.5], 1, 1, 0)).toThrow(CohortError);
    expect(() => dirichletSplit([0, 1], 1, 0, 0)).toThrow(CohortError);
  });
});
