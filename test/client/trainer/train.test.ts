import { beforeAll, describe, expect, it } from 'vitest';
import { logisticRegression, paramCount } from '../../../core/model/spec.ts';
import { initialWeights } from '../../../core/model/init.ts';
import type { DatasetSplit } from '../../../core/data/types.ts';
import { evaluateModel, trainLocal, type Tf, type TrainInput } from '../../../client/trainer/index.ts';
import { bytesOf, loadTestTf, localTraining, norm, separable, thrownCode } from './fixtures.ts';
import { numericSplit } from '../../../core/data/index.ts';
import { binaryClassifier } from '../../helpers/models.ts';

const D = 5;
const LR = logisticRegression(D);
const MLP = binaryClassifier(D, [[8, 'relu']]);
const train = separable(200, D, 1);
const test = separable(200, D, 2);

let tf: Tf;
beforeAll(async () => {
  ({ tf } = await loadTestTf());
});

function input(o: Partial<TrainInput> = {}): TrainInput {
  const spec = o.spec ?? LR;
  return {
    spec,
    local: localTraining({ epochs: 5, batchSize: 16, learningRate: 0.5 }),
    weights: initialWeights(spec, 3),
    data: train,
    seed: 7,
    ...o,
  };
}

function applied(w: Float32Array, delta: Float32Array): Float32Array {
  return w.map((x, i) => x + delta[i]!);
}

describe('trainLocal', () => {
  it('learns a linearly separable problem with SGD (held-out accuracy >= 0.95)', async () => {
    const inp = input();
    const before = await evaluateModel(tf, LR, inp.weights, test);
    const out = await trainLocal(tf, inp);
    const after = await evaluateModel(tf, LR, applied(inp.weights, out.delta), test);
    expect(after.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(after.loss).toBeLessThan(before.loss);
  });

  it('learns with Adam and with a hidden layer', async () => {
    const inp = input({
      spec: MLP,
      local: localTraining({ epochs: 10, batchSize: 16, learningRate: 0.02, optimizer: 'adam' }),
    });
    const out = await trainLocal(tf, inp);
    const m = await evaluateModel(tf, MLP, applied(inp.weights, out.delta), test);
    expect(m.accuracy).toBeGreaterThanOrEqual(0.9);
  });

  it('returns a finite delta of the model size, the step count and n', async () => {
    for (const spec of [LR, MLP]) {
      const out = await trainLocal(tf, input({ spec }));
      expect(out.delta).toBeInstanceOf(Float32Array);
      expect(out.delta.length).toBe(paramCount(spec));
      expect(out.delta.every((x) => Number.isFinite(x))).toBe(true);
      expect(norm(out.delta)).toBeGreaterThan(0);
      expect(out.steps).toBe(5 * Math.ceil(200 / 16));
      expect(out.numExamples).toBe(200);
      expect(Number.isFinite(out.loss) && out.loss > 0).toBe(true);
    }
  });

  it('is bit-identical for the same seed and differs for another', async () => {
    for (const optimizer of ['sgd', 'adam'] as const) {
      const local = localTraining({ epochs: 2, batchSize: 16, learningRate: 0.1, optimizer });
      const a = await trainLocal(tf, input({ local, seed: 11 }));
      const b = await trainLocal(tf, input({ local, seed: 11 }));
      const c = await trainLocal(tf, input({ local, seed: 12 }));
      expect(bytesOf(a.delta).equals(bytesOf(b.delta))).toBe(true);
      expect(a.loss).toBe(b.loss);
      expect(bytesOf(a.delta).equals(bytesOf(c.delta))).toBe(false);
    }
  });

  it('keeps the last partial batch', async () => {
    const out = await trainLocal(
      tf,
      input({ data: separable(10, D, 3), local: localTraining({ epochs: 2, batchSize: 4 }) }),
    );
    expect(out.steps).toBe(6);
  });

  it('stops after maxSteps, across epochs', async () => {
    const out = await trainLocal(tf, input({ local: localTraining({ epochs: 5, batchSize: 16, maxSteps: 17 }) }));
    expect(out.steps).toBe(17);
    const all = await trainLocal(tf, input({ local: localTraining({ epochs: 1, batchSize: 16, maxSteps: 1000 }) }));
    expect(all.steps).toBe(Math.ceil(200 / 16));
  });

  it('FedProx: a large proximalMu keeps the local model near the global one', async () => {
    // lr·mu < 2 keeps the proximal pull a contraction under SGD.
    const base = { epochs: 10, batchSize: 16, learningRate: 0.005 };
    const free = await trainLocal(tf, input({ spec: MLP, local: localTraining({ ...base, proximalMu: 0 }) }));
    const held = await trainLocal(tf, input({ spec: MLP, local: localTraining({ ...base, proximalMu: 100 }) }));
    expect(norm(held.delta) / norm(free.delta)).toBeLessThan(0.1);
    expect(norm(held.delta)).toBeGreaterThan(0);
  });

  it('FedProx: a small proximalMu barely changes the update', async () => {
    const base = { epochs: 2, batchSize: 16, learningRate: 0.1 };
    const free = await trainLocal(tf, input({ local: localTraining({ ...base, proximalMu: 0 }) }));
    const near = await trainLocal(tf, input({ local: localTraining({ ...base, proximalMu: 1e-4 }) }));
    const diff = norm(free.delta.map((x, i) => x - near.delta[i]!));
    expect(diff / norm(free.delta)).toBeLessThan(0.01);
  });

  it('does not mutate its inputs', async () => {
    const inp = input({ local: localTraining({ epochs: 2, proximalMu: 0.1 }) });
    const w = inp.weights.slice();
    const x = inp.data.x.slice();
    const y = inp.data.y.slice();
    const local = { ...inp.local };
    await trainLocal(tf, inp);
    expect(bytesOf(inp.weights).equals(bytesOf(w))).toBe(true);
    expect(bytesOf(inp.data.x).equals(bytesOf(x))).toBe(true);
    expect(bytesOf(inp.data.y).equals(bytesOf(y))).toBe(true);
    expect(inp.local).toEqual(local);
  });

  it('gives a zero update on an empty split', async () => {
    const empty: DatasetSplit = numericSplit(new Float32Array(0), new Float32Array(0), D);
    const out = await trainLocal(tf, input({ data: empty }));
    expect(out).toEqual({ delta: new Float32Array(paramCount(LR)), loss: 0, steps: 0, numExamples: 0 });
  });

  it('rejects mismatched weights and features with typed errors', async () => {
    const short = trainLocal(tf, input({ weights: new Float32Array(2) })).catch(thrownCode);
    await expect(short).resolves.toBe('E_UPDATE_LENGTH');
    const wide = trainLocal(tf, input({ data: separable(10, D + 1, 1) })).catch(thrownCode);
    await expect(wide).resolves.toBe('E_JOB_FEATURES');
  });

  it('leaks no tensors (sgd, adam, FedProx, errors)', async () => {
    const cases = [
      input(),
      input({ spec: MLP, local: localTraining({ epochs: 2, optimizer: 'adam', proximalMu: 0.5 }) }),
      input({ local: localTraining({ epochs: 3, maxSteps: 5 }) }),
    ];
    await trainLocal(tf, cases[0]!); // first use may allocate backend-level caches
    const before = tf.memory().numTensors;
    for (const c of cases) await trainLocal(tf, c);
    await trainLocal(tf, input({ weights: new Float32Array(2) })).catch(() => {});
    expect(tf.memory().numTensors).toBe(before);
  });
});
