import type { LayersModel } from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { modelSpecSchema, paramCount } from '../../../core/model/spec.ts';
import { numericSplit } from '../../../core/data/index.ts';
import { seededRng } from '../../../core/rng.ts';
import { loadTf, type Tf } from '../../../client/trainer/backend.ts';
import { trainDpSgd } from '../../../client/trainer/dpsgd.ts';
import { clippedGradientSumGraph } from '../../../client/trainer/ghost-clip.ts';
import { buildModel, setFlatWeights } from '../../../client/trainer/model.ts';
import { localTraining, thrownCode, untouchable } from './fixtures.ts';

let tf: Tf;
beforeAll(async () => {
  process.env.COHORT_TF_BACKEND = 'cpu';
  ({ tf } = await loadTf());
  tf.env().set('IS_TEST', true);
});

/** A small fed-pneumonia-shaped CNN on 6×6×1 images. */
function cnn(): LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 2, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 3, activation: 'relu' }),
      tf.layers.dense({ units: 1 }),
    ],
  });
}

function split(n: number, seed: number) {
  const rng = seededRng(seed);
  const x = Float32Array.from({ length: n * 36 }, () => rng.float() * 2 - 1);
  const y = Float32Array.from({ length: n }, () => (rng.float() < 0.5 ? 1 : 0));
  return numericSplit(x, y, 36);
}

describe('trainDpSgd on a graph model', () => {
  it('one full-batch step without noise moves the weights by −lr · (the clipped sum) / n', async () => {
    const built = cnn(); // Glorot-initialised: its weights are the starting point
    const spec = modelSpecSchema.parse(built.toJSON(null, false));
    const weights = Float32Array.from(built.getWeights().flatMap((w) => Array.from(w.dataSync())));
    built.dispose();
    const data = split(6, 1);
    const lr = 0.1;
    const clip = 0.05;
    const r = await trainDpSgd(tf, {
      spec,
      local: localTraining({ learningRate: lr }),
      weights,
      data,
      seed: 1,
      dp: { samplingRate: 1, noiseMultiplier: 0, clip, steps: 1 },
    });
    // The reference: the same spec's model at the same starting weights.
    const model = buildModel(tf, spec, 'logit');
    setFlatWeights(tf, model, weights);
    const x = tf.tensor(data.x, [6, 36]);
    const y = tf.tensor(data.y, [6, 1]);
    const ref = clippedGradientSumGraph(tf, model, x, y, clip, (yt, out) =>
      tf.mean(tf.losses.sigmoidCrossEntropy(yt, out, undefined, 0, tf.Reduction.NONE), 1),
    );
    const sum = tf.concat(ref.grads.map((g) => tf.reshape(g, [-1]))).dataSync();
    expect(r.steps).toBe(1);
    expect(r.delta.length).toBe(sum.length);
    let moved = 0;
    for (let i = 0; i < sum.length; i++) {
      expect(r.delta[i]!).toBeCloseTo((-lr * sum[i]!) / 6, 6);
      moved += Math.abs(r.delta[i]!);
    }
    expect(moved).toBeGreaterThan(0);
    tf.dispose([x, y, ref.norms, ...ref.grads]);
    model.dispose();
  });

  it('refuses a model DP-SGD cannot clip before the split is read (E_JOB_SPEC)', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [4], units: 3 }),
        tf.layers.batchNormalization({}),
        tf.layers.dense({ units: 1 }),
      ],
    });
    const spec = modelSpecSchema.parse(model.toJSON(null, false));
    let code: string | undefined;
    try {
      await trainDpSgd(tf, {
        spec,
        local: localTraining(),
        weights: new Float32Array(paramCount(spec)),
        data: untouchable(),
        seed: 1,
        dp: { samplingRate: 0.5, noiseMultiplier: 1, clip: 1, steps: 1 },
      });
    } catch (err) {
      code = thrownCode(err);
    }
    expect(code).toBe('E_JOB_SPEC');
    model.dispose();
  });

  it("clips a dense model of a non-binary task with that task's loss, not the binary one", async () => {
    // Reference by plain autodiff, one example at a time: softmax cross-entropy of example i, its
    // gradient clipped to `clip`, summed. The binary path (per-example.ts) would use sigmoid CE on one unit.
    const spec = modelSpecSchema.parse({ inputDim: 4, layers: [{ units: 3, activation: 'linear' }] });
    const task = { kind: 'multiclass' as const, classes: ['a', 'b', 'c'] };
    const rng = seededRng(7);
    const weights = Float32Array.from({ length: paramCount(spec) }, () => rng.float() * 2 - 1);
    const n = 5;
    const x = Float32Array.from({ length: n * 4 }, () => rng.float() * 4 - 2);
    const y = Float32Array.from({ length: n }, (_, i) => i % 3);
    const lr = 0.5;
    const clip = 0.3;
    const r = await trainDpSgd(tf, {
      spec,
      task,
      local: localTraining({ learningRate: lr }),
      weights,
      data: numericSplit(x, y, 4, task),
      seed: 1,
      dp: { samplingRate: 1, noiseMultiplier: 0, clip, steps: 1 },
    });
    const kernel = tf.tensor2d(weights.slice(0, 12), [4, 3]);
    const bias = tf.tensor1d(weights.slice(12));
    const expected = new Float64Array(15);
    for (let i = 0; i < n; i++) {
      const xi = tf.tensor2d(x.slice(i * 4, i * 4 + 4), [1, 4]);
      const label = y[i]!;
      const [gk, gb] = tf.grads((k, b) => {
        const logits = tf.add(tf.matMul(xi, k), b);
        return tf.neg(tf.sum(tf.mul(tf.oneHot([label], 3), tf.logSoftmax(logits))));
      })([kernel, bias]);
      const g = [...gk!.dataSync(), ...gb!.dataSync()];
      const norm = Math.hypot(...g);
      g.forEach((v, k) => (expected[k] = expected[k]! + v * Math.min(1, clip / norm)));
      tf.dispose([xi, gk!, gb!]);
    }
    tf.dispose([kernel, bias]);
    for (let k = 0; k < 15; k++) expect(r.delta[k]!).toBeCloseTo((-lr * expected[k]!) / n, 5);
  });
});
