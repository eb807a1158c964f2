import { beforeAll, describe, expect, it } from 'vitest';
import { binaryMetrics } from '../../../core/metrics.ts';
import { logisticRegression } from '../../../core/model/spec.ts';
import type { DatasetSplit } from '../../../core/data/types.ts';
import { evaluateModel, type Tf } from '../../../client/trainer/index.ts';
import { EVAL_CHUNK_ROWS } from '../../../client/trainer/evaluate.ts';
import { MAX_WEIGHT_NORM } from '../../../client/trainer/model.ts';
import { loadTestTf, separable, thrownCode, untouchable } from './fixtures.ts';
import { numericSplit } from '../../../core/data/index.ts';
import { binaryClassifier } from '../../helpers/models.ts';

const D = 4;
const LR = logisticRegression(D);
const W = Float32Array.from([0.8, -0.4, 0.3, -1.2, 0.1]);

let tf: Tf;
beforeAll(async () => {
  ({ tf } = await loadTestTf());
});

/** Logistic regression by hand, in float64. */
function handProbs(w: Float32Array, data: DatasetSplit): number[] {
  return Array.from({ length: data.n }, (_, i) => {
    let z = w[data.d]!;
    for (let j = 0; j < data.d; j++) z += w[j]! * data.x[i * data.d + j]!;
    return 1 / (1 + Math.exp(-z));
  });
}

describe('evaluateModel', () => {
  it('matches metrics of hand-computed probabilities, across chunk boundaries', async () => {
    for (const n of [1, 50, EVAL_CHUNK_ROWS + 37]) {
      const data = separable(n, D, n);
      const m = await evaluateModel(tf, LR, W, data);
      const ref = binaryMetrics(handProbs(W, data), data.y);
      expect(m.numExamples).toBe(n);
      expect(m.numCorrect).toBe(ref.numCorrect);
      expect(m.loss).toBeCloseTo(ref.loss, 5);
      if (Number.isNaN(ref.auc)) expect(m.auc).toBeNaN();
      else expect(m.auc).toBeCloseTo(ref.auc, 5);
    }
  });

  it('returns empty metrics on an empty split', async () => {
    const m = await evaluateModel(tf, LR, W, numericSplit(new Float32Array(0), new Float32Array(0), D));
    expect(m).toMatchObject({ numExamples: 0, numCorrect: 0 });
  });

  it('rejects mismatched weights and features with typed errors', async () => {
    await expect(evaluateModel(tf, LR, new Float32Array(3), separable(5, D, 1)).catch(thrownCode)).resolves.toBe(
      'E_UPDATE_LENGTH',
    );
    await expect(evaluateModel(tf, LR, W, separable(5, D + 1, 1)).catch(thrownCode)).resolves.toBe('E_JOB_FEATURES');
  });

  it('never fails on the records: a NaN probability counts as 0.5 (issue 15, item 4)', async () => {
    // Crafted weights: two relu units fed by feature 0 both reach Inf on the outlier, and the logit is
    // Inf·1e5 − Inf·1e5 = NaN. binaryMetrics would throw on it, telling whether the record is there.
    const mlp = binaryClassifier(D, [[2, 'relu']]);
    const w = new Float32Array(D * 2 + 2 + 2 + 1);
    w[0] = 1e5;
    w[1] = 1e5;
    w[D * 2 + 2] = 1e5;
    w[D * 2 + 3] = -1e5;
    const base = separable(30, D, 4);
    const x = base.x.slice();
    x[0] = 1e35;
    const withTarget = numericSplit(x, base.y, D);
    const m = await evaluateModel(tf, mlp, w, withTarget);
    const without = await evaluateModel(tf, mlp, w, base);
    // The two units cancel on every other record (logit 0, probability 0.5), and the outlier's NaN
    // counts as 0.5: the same metrics with and without the target.
    const expected = binaryMetrics(new Float32Array(30).fill(0.5), base.y);
    expect(m).toEqual(expected);
    expect(without).toEqual(expected);
  });

  it('checks the weights before reading the split', async () => {
    for (const bad of [NaN, Infinity, 2 * MAX_WEIGHT_NORM]) {
      const w = W.slice();
      w[1] = bad;
      await expect(evaluateModel(tf, LR, w, untouchable()).catch(thrownCode), String(bad)).resolves.toBe(
        'E_UPDATE_RANGE',
      );
    }
    await expect(evaluateModel(tf, LR, new Float32Array(3), untouchable()).catch(thrownCode)).resolves.toBe(
      'E_UPDATE_LENGTH',
    );
  });

  it('leaks no tensors', async () => {
    const mlp = binaryClassifier(D, [[3, 'tanh']]);
    const data = separable(300, D, 9);
    await evaluateModel(tf, LR, W, data);
    const before = tf.memory().numTensors;
    await evaluateModel(tf, LR, W, data);
    await evaluateModel(tf, mlp, new Float32Array(19).fill(0.1), data);
    await evaluateModel(tf, LR, new Float32Array(3), data).catch(() => {});
    expect(tf.memory().numTensors).toBe(before);
  });
});
