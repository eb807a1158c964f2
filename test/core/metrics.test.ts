import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binaryMetrics, pooledMetrics, validateMetrics, type Metrics } from '../../core/metrics.ts';
import { errorCode } from '../helpers/errors.ts';

/** O(n²) AUC: the fraction of positive–negative pairs ranked correctly, ties counting 1/2. */
function bruteAuc(scores: readonly number[], labels: readonly number[]): number {
  let wins = 0;
  let pairs = 0;
  scores.forEach((sp, i) => {
    if (labels[i] !== 1) return;
    scores.forEach((sn, k) => {
      if (labels[k] !== 0) return;
      pairs++;
      wins += sp > sn ? 1 : sp === sn ? 0.5 : 0;
    });
  });
  return pairs === 0 ? Number.NaN : wins / pairs;
}

/** Scores on a coarse grid so that ties are common. */
const sample = fc.array(
  fc.record({ p: fc.integer({ min: 0, max: 10 }).map((k) => k / 10), y: fc.constantFrom(0, 1) }),
  { maxLength: 60 },
);

describe('binaryMetrics', () => {
  it('AUC of a small hand-computed case', () => {
    // Positives 0.35, 0.8; negatives 0.1, 0.4. Pairs won: (0.35>0.1), (0.8>0.1), (0.8>0.4) = 3 of 4.
    expect(binaryMetrics([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]).auc).toBe(0.75);
  });

  it('AUC gives tied scores average ranks', () => {
    // Sorted: 0.2 (rank 1), 0.5 0.5 0.5 (ranks 2,3,4 → 3 each), 0.9 (rank 5).
    // Positives at 0.5, 0.9, 0.5: R₁ = 3 + 5 + 3 = 11; U = 11 − 3·4/2 = 5; AUC = 5 / (3·2) = 5/6.
    expect(binaryMetrics([0.2, 0.5, 0.5, 0.9, 0.5], [0, 0, 1, 1, 1]).auc).toBeCloseTo(5 / 6, 15);
    // All scores tied: every pair counts 1/2.
    expect(binaryMetrics([0.3, 0.3, 0.3], [1, 0, 1]).auc).toBe(0.5);
  });

  it('AUC equals the brute-force pair count', () => {
    fc.assert(
      fc.property(sample, (rows) => {
        const p = rows.map((r) => r.p);
        const y = rows.map((r) => r.y);
        const expected = bruteAuc(p, y);
        const got = binaryMetrics(p, y).auc;
        if (Number.isNaN(expected)) expect(got).toBeNaN();
        else expect(got).toBeCloseTo(expected, 12);
      }),
    );
  });

  it('accuracy and cross-entropy against hand-computed values', () => {
    // Predictions at 0.5: [1, 0, 1] vs labels [1, 0, 0] → 2 of 3 correct.
    // BCE = −(ln 0.9 + ln 0.8 + ln 0.4) / 3 = (0.105360516 + 0.223143551 + 0.916290732) / 3 = 0.414931600
    const m = binaryMetrics([0.9, 0.2, 0.6], [1, 0, 0]);
    expect(m.numExamples).toBe(3);
    expect(m.numCorrect).toBe(2);
    expect(m.accuracy).toBe(2 / 3);
    expect(m.loss).toBeCloseTo(0.4149316, 7);
  });

  it('counts prob == threshold as positive and honours a custom threshold', () => {
    expect(binaryMetrics([0.5], [1]).numCorrect).toBe(1);
    expect(binaryMetrics([0.5, 0.7], [0, 1], 0.6).numCorrect).toBe(2);
  });

  it('clamps probabilities to [1e−7, 1 − 1e−7]', () => {
    // −ln(1e−7) = 16.118095651; −ln(1 − 1e−7) ≈ 1.0000000e−7
    expect(binaryMetrics([0], [1]).loss).toBeCloseTo(16.118095651, 8);
    expect(binaryMetrics([1], [0]).loss).toBeCloseTo(16.118095651, 8);
    expect(binaryMetrics([1], [1]).loss).toBeCloseTo(1e-7, 12);
  });

  it('single class gives NaN AUC; an empty split gives zeros', () => {
    expect(binaryMetrics([0.2, 0.9], [1, 1]).auc).toBeNaN();
    expect(binaryMetrics([0.2, 0.9], [0, 0]).auc).toBeNaN();
    const empty = binaryMetrics([], []);
    expect(empty).toEqual({ numExamples: 0, numCorrect: 0, loss: 0, accuracy: 0, auc: Number.NaN });
    expect(validateMetrics(empty)).toEqual(empty);
  });

  it('accepts typed arrays', () => {
    expect(binaryMetrics(new Float32Array([0.1, 0.4, 0.35, 0.8]), new Float32Array([0, 0, 1, 1])).auc).toBe(0.75);
  });

  it('rejects mismatched lengths, non-binary labels and non-finite probabilities', () => {
    expect(errorCode(() => binaryMetrics([0.1], [0, 1]))).toBe('E_INTERNAL');
    expect(errorCode(() => binaryMetrics([0.1], [2]))).toBe('E_INTERNAL');
    expect(errorCode(() => binaryMetrics([Number.NaN], [1]))).toBe('E_UPDATE_NONFINITE');
  });
});

describe('pooledMetrics', () => {
  it('accuracy and loss equal those of the concatenated data', () => {
    fc.assert(
      fc.property(fc.array(sample, { minLength: 1, maxLength: 5 }), (sites) => {
        const per = sites.map((rows) =>
          binaryMetrics(
            rows.map((r) => r.p),
            rows.map((r) => r.y),
          ),
        );
        const all = sites.flat();
        const whole = binaryMetrics(
          all.map((r) => r.p),
          all.map((r) => r.y),
        );
        const pooled = pooledMetrics(per);
        expect(pooled.numExamples).toBe(whole.numExamples);
        expect(pooled.numCorrect).toBe(whole.numCorrect);
        expect(pooled.accuracy).toBe(whole.accuracy);
        expect(pooled.loss).toBeCloseTo(whole.loss, 9);
      }),
    );
  });

  it('AUC is the example-weighted mean of the defined AUCs', () => {
    const site = (n: number, auc: number): Metrics => ({ numExamples: n, numCorrect: 0, loss: 0, accuracy: 0, auc });
    // (10·0.6 + 30·0.8) / 40 = 30 / 40 = 0.75; the NaN site is left out.
    expect(pooledMetrics([site(10, 0.6), site(30, 0.8), site(50, Number.NaN)]).auc).toBeCloseTo(0.75, 15);
    expect(pooledMetrics([site(5, Number.NaN)]).auc).toBeNaN();
    expect(pooledMetrics([])).toEqual({ numExamples: 0, numCorrect: 0, loss: 0, accuracy: 0, auc: Number.NaN });
  });
});

describe('validateMetrics', () => {
  const good: Metrics = { numExamples: 10, numCorrect: 7, loss: 0.5, accuracy: 0.7, auc: 0.8 };

  it('accepts valid metrics and strips unknown fields', () => {
    expect(validateMetrics({ ...good, extra: 'x' })).toEqual(good);
    expect(validateMetrics({ ...good, auc: Number.NaN }).auc).toBeNaN();
    expect(validateMetrics({ ...good, accuracy: 0.7 + 5e-7 }).accuracy).toBeCloseTo(0.7, 6);
  });

  it.each([
    ['NaN loss', { ...good, loss: Number.NaN }],
    ['negative loss', { ...good, loss: -0.1 }],
    ['infinite loss', { ...good, loss: Number.POSITIVE_INFINITY }],
    ['numCorrect > numExamples', { ...good, numCorrect: 11 }],
    ['negative numCorrect', { ...good, numCorrect: -1 }],
    ['fractional numExamples', { ...good, numExamples: 10.5 }],
    ['numExamples > 1e9', { ...good, numExamples: 1e9 + 1 }],
    ['inconsistent accuracy', { ...good, accuracy: 0.8 }],
    ['accuracy > 1', { ...good, accuracy: 1.5 }],
    ['NaN accuracy', { ...good, accuracy: Number.NaN }],
    ['auc 1.5', { ...good, auc: 1.5 }],
    ['negative auc', { ...good, auc: -0.1 }],
    ['string field', { ...good, loss: '0.5' }],
    ['missing field', { numExamples: 1, numCorrect: 1, loss: 0, accuracy: 1 }],
    ['null', null],
  ])('rejects %s with E_UPDATE_RANGE', (_, input) => {
    expect(errorCode(() => validateMetrics(input))).toBe('E_UPDATE_RANGE');
  });
});
