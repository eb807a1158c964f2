/**
 * Multi-class and multi-label metrics against scikit-learn's published
 * examples: `balanced_accuracy_score`'s docstring example
 * (sklearn/metrics/_classification.py: y_true [0,1,0,0,1,0], y_pred
 * [0,1,0,0,0,1] → 0.625) and `test_multiclass_ovr_roc_auc_toydata`
 * (sklearn/metrics/tests/test_ranking.py), then brute-force properties.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { multiclassMetrics, multilabelMetrics } from '../../../core/evaluation/classification.ts';

/** Logits whose softmax is exactly proportional to `p` (log p, with log 0 as a very negative logit). */
const logitsOf = (rows: number[][]) => rows.flatMap((r) => r.map((p) => (p === 0 ? -1e9 : Math.log(p))));

/** AUC by counting every positive–negative pair. */
function bruteAuc(s: number[], pos: boolean[]): number {
  let u = 0;
  let pairs = 0;
  for (let i = 0; i < s.length; i++)
    for (let j = 0; j < s.length; j++) {
      if (!pos[i] || pos[j]) continue;
      pairs++;
      u += s[i]! > s[j]! ? 1 : s[i] === s[j] ? 0.5 : 0;
    }
  return pairs === 0 ? Number.NaN : u / pairs;
}

describe('multiclassMetrics', () => {
  it('balanced accuracy of scikit-learn’s docstring example is 0.625', () => {
    const yPred = [0, 1, 0, 0, 0, 1];
    const m = multiclassMetrics(
      yPred.flatMap((c) => (c === 0 ? [2, 0] : [0, 2])),
      [0, 1, 0, 0, 1, 0],
      6,
      2,
    );
    expect(m.balancedAccuracy).toBe(0.625);
    expect(m.accuracy).toBeCloseTo(4 / 6, 15);
  });

  it('macro one-vs-rest AUC of scikit-learn’s test_multiclass_ovr_roc_auc_toydata', () => {
    const scores = [
      [1.0, 0.0, 0.0],
      [0.1, 0.5, 0.4],
      [0.1, 0.1, 0.8],
      [0.3, 0.3, 0.4],
    ];
    // out_0 = 1, out_1 = 1, out_2 = roc_auc([0,0,1,1], [0,0.4,0.8,0.4]) = 3.5/4.
    const m = multiclassMetrics(logitsOf(scores), [0, 1, 2, 2], 4, 3);
    expect(m.auc).toBeCloseTo((1 + 1 + 0.875) / 3, 12);
  });

  it('uses the softmax probabilities, not the logits, for each class column', () => {
    // Class-1 logits rank row 0 above row 1, the probabilities rank them the other way.
    const logits = [0, 5, 10, 0, 4, 0, 0, 0, 0];
    const m = multiclassMetrics(logits, [2, 1, 0], 3, 3);
    const p = (r: number, c: number) =>
      Math.exp(logits[r * 3 + c]!) / [0, 1, 2].reduce((s, k) => s + Math.exp(logits[r * 3 + k]!), 0);
    const per = [0, 1, 2].map((c) =>
      bruteAuc(
        [0, 1, 2].map((r) => p(r, c)),
        [2, 1, 0].map((y) => y === c),
      ),
    );
    expect(m.auc).toBeCloseTo((per[0]! + per[1]! + per[2]!) / 3, 12);
    expect(per[1]).toBe(1);
  });

  it('cross-entropy is logsumexp − z_y, finite for huge logits', () => {
    const m = multiclassMetrics([1000, 0, -1000, 0, 0, 0], [1, 2], 2, 3);
    expect(m.loss).toBeCloseTo((1000 + Math.log(3)) / 2, 9);
  });

  it('matches brute force on random splits', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 4 }).chain((k) =>
          fc.tuple(
            fc.constant(k),
            fc.array(
              fc.tuple(
                fc.integer({ min: 0, max: k - 1 }),
                fc.array(fc.integer({ min: -3, max: 3 }), { minLength: k, maxLength: k }),
              ),
              {
                minLength: 1,
                maxLength: 25,
              },
            ),
          ),
        ),
        ([k, rows]) => {
          const y = rows.map((r) => r[0]);
          const z = rows.flatMap((r) => r[1]);
          const m = multiclassMetrics(z, y, rows.length, k);
          const pred = rows.map((r) => r[1].indexOf(Math.max(...r[1])));
          const recalls = [...new Set(y)].map(
            (c) => y.filter((v, i) => v === c && pred[i] === c).length / y.filter((v) => v === c).length,
          );
          expect(m.balancedAccuracy).toBeCloseTo(recalls.reduce((a, b) => a + b, 0) / recalls.length, 12);
          expect(m.accuracy).toBeCloseTo(pred.filter((p, i) => p === y[i]).length / y.length, 12);
          // Rounded to float32 as the metric does: rows whose logits differ by a constant tie.
          const probs = rows.map((r) => {
            const s = r[1].reduce((a, v) => a + Math.exp(v), 0);
            return r[1].map((v) => Math.fround(Math.exp(v) / s));
          });
          const aucs = Array.from({ length: k }, (_, c) =>
            bruteAuc(
              probs.map((p) => p[c]!),
              y.map((v) => v === c),
            ),
          ).filter((a) => !Number.isNaN(a));
          if (aucs.length === 0) expect(m.auc).toBeNaN();
          else expect(m.auc).toBeCloseTo(aucs.reduce((a, b) => a + b, 0) / aucs.length, 9);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses a label that is not a class index', () => {
    expect(() => multiclassMetrics([0, 0], [2], 1, 2)).toThrow(expect.objectContaining({ code: 'E_INTERNAL' }));
  });
});

describe('multilabelMetrics', () => {
  it('subset accuracy needs every label right; Hamming accuracy counts label decisions', () => {
    // Row 0 all right, row 1 one label wrong: subset 1/2, Hamming 5/6.
    const m = multilabelMetrics([2, -2, 3, 1, 1, -1], [1, 0, 1, 1, 0, 0], 2, 3);
    expect(m.subsetAccuracy).toBe(0.5);
    expect(m.hammingAccuracy).toBeCloseTo(5 / 6, 15);
  });

  it('macro AUC leaves out a label with one value; loss is the mean sigmoid CE', () => {
    const z = [0.5, 3, -1, 3, 2, 3];
    const m = multilabelMetrics(z, [1, 1, 0, 1, 1, 1], 3, 2);
    // Label 0: positives {0.5, 2} vs negative {−1}: AUC 1. Label 1 is all positive: left out.
    expect(m.auc).toBe(1);
    const bce = (v: number, y: number) =>
      -(y * Math.log(1 / (1 + Math.exp(-v))) + (1 - y) * Math.log(1 - 1 / (1 + Math.exp(-v))));
    const want = [0.5, 3, -1, 3, 2, 3].reduce((s, v, i) => s + bce(v, [1, 1, 0, 1, 1, 1][i]!), 0) / 6;
    expect(m.loss).toBeCloseTo(want, 12);
  });
});
