import { beforeAll, describe, expect, it } from 'vitest';
import { numericSplit } from '../../../core/data/index.ts';
import { initialWeights } from '../../../core/model/init.ts';
import type { Tf } from '../../../client/trainer/backend.ts';
import { trainDpSgd } from '../../../client/trainer/dpsgd.ts';
import { evaluateModel } from '../../../client/trainer/evaluate.ts';
import { trainLocal } from '../../../client/trainer/train.ts';
import { embeddingBlock, sequentialSpec } from '../../core/model/graph-json.ts';
import { loadTestTf, localTraining } from './fixtures.ts';

let tf: Tf;
beforeAll(async () => {
  ({ tf } = await loadTestTf());
});

// Ids 0..4 through an Embedding: tfjs throws "GatherV2: the index value 7 is not in [0, 4]" on any other,
// an error that would depend on a record (core/model/embedding-ids.ts).
const spec = sequentialSpec([3], embeddingBlock(5, 2, 1));
const weights = initialWeights(spec, 3);
const hostile = numericSplit(
  Float32Array.from([1, 2, 7, 1, -3, 2, NaN, 4.5, 1e30, 0, 1, 2]),
  Float32Array.from([1, 0, 1, 0]),
  3,
);
const clamped = numericSplit(
  Float32Array.from([1, 2, 4, 1, 0, 2, 0, 4, 4, 0, 1, 2]),
  Float32Array.from([1, 0, 1, 0]),
  3,
);

describe('an Embedding model on ids outside its range', () => {
  it('evaluates as if each id were clamped into range, without throwing', async () => {
    expect(await evaluateModel(tf, spec, weights, hostile)).toEqual(await evaluateModel(tf, spec, weights, clamped));
  });

  it('trains (plain and DP-SGD) as if each id were clamped into range, without throwing', async () => {
    const input = { spec, local: localTraining({ epochs: 2, batchSize: 2 }), weights, seed: 5 };
    const plain = await trainLocal(tf, { ...input, data: hostile });
    expect(plain.delta).toEqual((await trainLocal(tf, { ...input, data: clamped })).delta);
    const dp = { samplingRate: 1, noiseMultiplier: 0, clip: 1, steps: 2 };
    const private_ = await trainDpSgd(tf, { ...input, data: hostile, dp });
    expect(private_.delta).toEqual((await trainDpSgd(tf, { ...input, data: clamped, dp })).delta);
    expect(plain.delta.some((v) => v !== 0)).toBe(true);
  });
});
