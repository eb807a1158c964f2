/** The trainer and evaluator under a survival task: the Cox loss is what trainLocal minimises, and evaluation reports a C-index. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelSpec } from '../../../core/model/spec.ts';
import type { Task } from '../../../core/model/task.ts';
import { numericSplit } from '../../../core/data/index.ts';
import type { DatasetSplit } from '../../../core/data/types.ts';
import { seededRng } from '../../../core/rng.ts';
import { evaluateConfusion, evaluateModel, trainLocal, type Tf } from '../../../client/trainer/index.ts';
import { loadTestTf, localTraining, thrownCode } from './fixtures.ts';

const D = 4;
const SURVIVAL: Task = { kind: 'survival' };
const COX: ModelSpec = { inputDim: D, layers: [{ units: 1, activation: 'linear' }] };

/**
 * Exponential survival with hazard exp(2·x0 − x1): times drawn by inversion,
 * then censored at an independent uniform time (about a third censored).
 */
function coxData(n: number, seed: number): DatasetSplit {
  const rng = seededRng(seed);
  const x = new Float32Array(n * D);
  const y = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < D; j++) x[i * D + j] = rng.float() * 2 - 1;
    const hazard = Math.exp(2 * x[i * D]! - x[i * D + 1]!);
    const t = -Math.log(1 - rng.float()) / hazard;
    const c = rng.float() * 3;
    y[2 * i] = Math.min(t, c) * 365;
    y[2 * i + 1] = t <= c ? 1 : 0;
  }
  return numericSplit(x, y, D, 2);
}

let tf: Tf;
beforeAll(async () => {
  ({ tf } = await loadTestTf());
});

describe('trainLocal and evaluateModel, survival task', () => {
  it('learns the risk ordering: held-out C-index from 0.5 to > 0.75, Cox loss down', async () => {
    const train = coxData(300, 1);
    const test = coxData(300, 2);
    const w0 = new Float32Array(D + 1);
    const before = await evaluateModel(tf, COX, w0, test, SURVIVAL);
    expect(before.cIndex).toBeCloseTo(0.5, 6);
    const local = localTraining({ epochs: 10, batchSize: 8, learningRate: 0.05, optimizer: 'adam' });
    const out = await trainLocal(tf, { spec: COX, task: SURVIVAL, local, weights: w0, data: train, seed: 3 });
    const w = w0.map((v, i) => v + out.delta[i]!);
    const after = await evaluateModel(tf, COX, w, test, SURVIVAL);
    expect(after.cIndex).toBeGreaterThan(0.75);
    expect(after.loss).toBeLessThan(before.loss);
    // The learnt risk weighs x0 up and x1 down, as the hazard does.
    expect(w[0]!).toBeGreaterThan(0.5);
    expect(w[1]!).toBeLessThan(-0.2);
  });

  it('reports no classification figures for a survival model, and no counts to release', async () => {
    const test = coxData(50, 4);
    const { metrics, counts } = await evaluateConfusion(tf, COX, new Float32Array([1, 0, 0, 0, 0]), test, SURVIVAL);
    expect(metrics).toMatchObject({ numExamples: 50, numCorrect: 0, accuracy: 0 });
    expect(metrics.auc).toBeNaN();
    expect(metrics.cIndex).toBeGreaterThan(0.5);
    expect(counts).toEqual({ truePositive: 0, falsePositive: 0, trueNegative: 0, falseNegative: 0 });
  });

  it('refuses a split whose labels do not fit the task (E_JOB_FEATURES), before training', async () => {
    const binary = numericSplit(new Float32Array(2 * D), new Float32Array([0, 1]), D);
    const local = localTraining();
    const w = new Float32Array(D + 1);
    const err = await trainLocal(tf, { spec: COX, task: SURVIVAL, local, weights: w, data: binary, seed: 1 }).catch(
      (e: unknown) => e,
    );
    expect(thrownCode(err)).toBe('E_JOB_FEATURES');
    const err2 = await evaluateModel(tf, COX, w, binary, SURVIVAL).catch((e: unknown) => e);
    expect(thrownCode(err2)).toBe('E_JOB_FEATURES');
  });
});
