import { beforeAll, describe, expect, it } from 'vitest';
import { binaryMetrics } from '../../core/metrics.ts';
import { logisticRegression, type ModelSpec } from '../../core/model/spec.ts';
import type { DatasetSplit } from '../../core/data/types.ts';
import { evaluateModel, type Tf } from '../../client/trainer/index.ts';
import { EVAL_CHUNK_ROWS } from '../../client/trainer/evaluate.ts';
import { loadTestTf, separable, thrownCode } from './fixtures.ts';
import { numericSplit } from '../../core/data/index.ts';

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
    await expect(evaluateModel(tf, LR, new Float32Array(3), separable(5, D, 1)).catch(thrownCode)).resolves.toBe('E_UPDATE_LENGTH');
    await expect(evaluateModel(tf, LR, W, separable(5, D + 1, 1)).catch(thrownCode)).resolves.toBe('E_JOB_FEATURES');
  });

  it('leaks no tensors', async () => {
    const mlp: ModelSpec = { inputDim: D, layers: [{ units: 3, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }] };
    const data = separable(300, D, 9);
    await evaluateModel(tf, LR, W, data);
    const before = tf.memory().numTensors;
    await evaluateModel(tf, LR, W, data);
    await evaluateModel(tf, mlp, new Float32Array(19).fill(0.1), data);
    await evaluateModel(tf, LR, new Float32Array(3), data).catch(() => {});
    expect(tf.memory().numTensors).toBe(before);
  });
});
