import type { LayersModel } from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { augmentImages, imageAugmentSchema } from '../../../core/data/augment.ts';
import { numericSplit } from '../../../core/data/index.ts';
import type { DatasetSplit } from '../../../core/data/types.ts';
import { modelSpecSchema, type ModelSpec } from '../../../core/model/spec.ts';
import { deriveSeed, seededRng } from '../../../core/rng.ts';
import { loadTf, type Tf } from '../../../client/trainer/backend.ts';
import { trainDpSgd } from '../../../client/trainer/dpsgd.ts';
import { trainLocal } from '../../../client/trainer/train.ts';
import { localTraining, thrownCode } from './fixtures.ts';

// The views' maker, recorded (calls pass through): how often each trainer redraws is checked below.
vi.mock('../../../core/data/augment.ts', async (original) => {
  const m = await original<typeof import('../../../core/data/augment.ts')>();
  return { ...m, augmentImages: vi.fn(m.augmentImages) };
});

let tf: Tf;
let spec: ModelSpec;
let weights: Float32Array;
beforeAll(async () => {
  process.env.COHORT_TF_BACKEND = 'cpu';
  ({ tf } = await loadTf());
  tf.env().set('IS_TEST', true);
  const built: LayersModel = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 2, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 1 }),
    ],
  });
  spec = modelSpecSchema.parse(built.toJSON(null, false));
  weights = Float32Array.from(built.getWeights().flatMap((w) => Array.from(w.dataSync())));
  built.dispose();
});

const SHAPE = { height: 6, width: 6, channels: 1 as const };
const N = 8;
const SEED = 5;
const views = (o: object) => ({ ...SHAPE, augment: imageAugmentSchema.parse(o) });
const TURN = views({ shift: 1.5, rotate: 30 });

function split(): DatasetSplit {
  const rng = seededRng(3);
  const x = Float32Array.from({ length: N * 36 }, () => rng.float() * 2 - 1);
  const y = Float32Array.from({ length: N }, (_, i) => i % 2);
  return numericSplit(x, y, 36);
}
/** The k-th draw of views trainers make for `seed` (views.ts: one generator a call, seeded from the round's seed). */
function draws(data: DatasetSplit, k: number): DatasetSplit[] {
  const rng = seededRng(deriveSeed(SEED, 'augment'));
  return Array.from({ length: k }, () => numericSplit(augmentImages(data.x, N, SHAPE, TURN.augment, rng), data.y, 36));
}
const plus = (w: Float32Array, d: Float32Array) => w.map((v, i) => v + d[i]!);
const maxGap = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

describe('trainLocal on an image job with image.augment', () => {
  // Full-batch SGD: each epoch is one step on every record, so the batch order does not matter.
  const local = localTraining({ batchSize: N, learningRate: 0.5 });

  it('with every range 0 trains exactly as without views', async () => {
    const data = split();
    const plain = await trainLocal(tf, { spec, local, weights, data, seed: SEED });
    const none = await trainLocal(tf, { spec, local, weights, data, seed: SEED, views: views({}) });
    expect(none.delta).toEqual(plain.delta);
  });

  it('trains each epoch on a fresh view of every image, drawn from the round seed', async () => {
    const data = split();
    const two = { ...local, epochs: 2 };
    const r = await trainLocal(tf, { spec, local: two, weights, data, seed: SEED, views: TURN });
    expect((await trainLocal(tf, { spec, local: two, weights, data, seed: SEED, views: TURN })).delta).toEqual(r.delta);

    const [first, second] = draws(data, 2);
    const w1 = plus(weights, (await trainLocal(tf, { spec, local, weights, data: first!, seed: SEED })).delta);
    const w2 = plus(w1, (await trainLocal(tf, { spec, local, weights: w1, data: second!, seed: SEED })).delta);
    expect(maxGap(plus(weights, r.delta), w2)).toBeLessThan(1e-5);
    // Against the same view twice (no redraw): measurably different.
    const again = plus(w1, (await trainLocal(tf, { spec, local, weights: w1, data: first!, seed: SEED })).delta);
    expect(maxGap(again, w2)).toBeGreaterThan(1e-3);
  });

  it("refuses views whose shape does not hold a row's values (E_JOB_FEATURES)", async () => {
    const wrong = { ...TURN, height: 5 };
    const err = await trainLocal(tf, { spec, local, weights, data: split(), seed: SEED, views: wrong }).catch((e) => e);
    expect(thrownCode(err)).toBe('E_JOB_FEATURES');
  });
});

describe('trainDpSgd on an image job with image.augment', () => {
  // q = 1 and σ = 0: every step takes every record, without noise, so the views alone can make runs differ.
  const dp = { samplingRate: 1, noiseMultiplier: 0, clip: 0.5, steps: 3 };
  const local = localTraining({ learningRate: 0.5 });
  const dpRun = (o: { data: DatasetSplit; views?: typeof TURN; dp?: typeof dp }) =>
    trainDpSgd(tf, { spec, local, weights, seed: SEED, dp, ...o });

  it('draws the views from the CSPRNG, not the public round seed: two runs with one seed differ', async () => {
    const data = split();
    const run = (views?: typeof TURN) => dpRun({ data, ...(views ? { views } : {}) });
    // Without views the two runs are the same, so what differs below is the views.
    expect((await run()).delta).toEqual((await run()).delta);
    expect(maxGap((await run(TURN)).delta, (await run(TURN)).delta)).toBeGreaterThan(1e-4);
    // The seeded draws trainLocal would make are not what DP-SGD trained on.
    const [first] = draws(data, 1);
    const seeded = await dpRun({ data: first!, dp: { ...dp, steps: 1 } });
    const viewed = await dpRun({ data, views: TURN, dp: { ...dp, steps: 1 } });
    expect(maxGap(seeded.delta, viewed.delta)).toBeGreaterThan(1e-4);
  });

  it('redraws every ⌈1/q⌉ steps: every step at q = 1, every second step at q = 0.5', async () => {
    const data = split();
    vi.mocked(augmentImages).mockClear();
    await dpRun({ data, views: TURN });
    expect(vi.mocked(augmentImages)).toHaveBeenCalledTimes(3);
    vi.mocked(augmentImages).mockClear();
    await dpRun({ data, views: TURN, dp: { ...dp, samplingRate: 0.5, steps: 5 } });
    expect(vi.mocked(augmentImages)).toHaveBeenCalledTimes(3); // steps 0, 2 and 4
    // Each call views every record once.
    for (const [, n] of vi.mocked(augmentImages).mock.calls) expect(n).toBe(N);
  });
});
