/**
 * Training and evaluation of the tasks beyond binary on tables from the real
 * intake (test/helpers/task-tables.ts): the evaluation's Metrics carry each
 * task's own figures, equal to core/task-metrics.ts on the same outputs, and
 * pass the coordinator's check for that task (core/metrics.ts validateMetrics).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { validateMetrics } from '../../../core/metrics.ts';
import { initialWeights } from '../../../core/model/init.ts';
import type { ModelSpec } from '../../../core/model/spec.ts';
import type { Task } from '../../../core/model/task.ts';
import type { PreparedDataset } from '../../../core/data/types.ts';
import { evaluateModel, trainLocal, type Tf } from '../../../client/trainer/index.ts';
import { evaluateConfusion } from '../../../client/trainer/evaluate.ts';
import { CLASSES, INDICATORS, taskDataset } from '../../helpers/task-tables.ts';
import { loadTestTf } from './fixtures.ts';

let tf: Tf;
beforeAll(async () => {
  ({ tf } = await loadTestTf());
});

const LOCAL = { epochs: 30, batchSize: 16, learningRate: 0.05, optimizer: 'adam' as const, proximalMu: 0, maxSteps: 0 };

/** A linear model of `units` outputs trained on the dataset's train split; its weights. */
async function trained(
  data: PreparedDataset,
  task: Task,
  units: number,
): Promise<{ spec: ModelSpec; w: Float32Array }> {
  const spec: ModelSpec = { inputDim: data.train.d, layers: [{ units, activation: 'linear' }] };
  const w0 = initialWeights(spec, 1);
  const out = await trainLocal(tf, { spec, task, local: LOCAL, weights: w0, data: data.train, seed: 1 });
  return { spec, w: w0.map((x, i) => x + out.delta[i]!) };
}

describe('a multi-label model', () => {
  const task: Task = { kind: 'multilabel', labels: INDICATORS };

  it('learns both labels: Hamming and subset accuracy above the per-label majority', async () => {
    const data = await taskDataset('multilabel', 7, 400);
    const { spec, w } = await trained(data, task, 2);
    const before = await evaluateModel(tf, spec, initialWeights(spec, 1), data.test, task);
    const m = await evaluateModel(tf, spec, w, data.test, task);
    const { y, n } = data.test;
    // The best label-blind guess per label: its majority value.
    let majority = 0;
    for (let j = 0; j < 2; j++) {
      let ones = 0;
      for (let i = 0; i < n; i++) ones += y[2 * i + j]!;
      majority += Math.max(ones, n - ones) / n / 2;
    }
    expect(m.numExamples).toBe(n);
    expect(m.hammingAccuracy).toBeGreaterThan(majority + 0.1);
    expect(m.accuracy).toBeGreaterThan(0.7);
    expect(m.accuracy).toBe(m.numCorrect / n);
    expect(m.auc).toBeGreaterThan(0.9);
    expect(m.loss).toBeLessThan(before.loss);
    expect(validateMetrics(m, 'multilabel')).toEqual(m);
    // No confusion matrix for a task that is not binary: nothing to noise, nothing released under DP.
    const { counts } = await evaluateConfusion(tf, spec, w, data.test, task);
    expect(counts).toEqual({ truePositive: 0, falsePositive: 0, trueNegative: 0, falseNegative: 0 });
  });
});

describe('multi-class and regression models', () => {
  it('carry balanced accuracy (multi-class) and MSE, MAE, R² (regression), as the coordinator checks them', async () => {
    const mc: Task = { kind: 'multiclass', classes: CLASSES };
    const data = await taskDataset('multiclass', 8, 300);
    const a = await trained(data, mc, 3);
    const m = await evaluateModel(tf, a.spec, a.w, data.test, mc);
    expect(m.balancedAccuracy).toBeGreaterThan(0.7);
    expect(m.mse).toBeUndefined();
    expect(validateMetrics(m, 'multiclass')).toEqual(m);

    const reg: Task = { kind: 'regression', loss: 'mae' };
    const rdata = await taskDataset('regression', 9, 300);
    const b = await trained(rdata, reg, 1);
    const r = await evaluateModel(tf, b.spec, b.w, rdata.test, reg);
    expect(r.loss).toBe(r.mae);
    expect(r.r2).toBeGreaterThan(0.8);
    expect(r).toMatchObject({ numCorrect: 0, accuracy: 0 });
    expect(r.auc).toBeNaN();
    expect(validateMetrics(r, 'regression')).toEqual(r);
  });
});
