/**
 * Review of issue 18, question 1 on the DP-SGD path: a step's Poisson batch
 * is about q·n rows (the researcher's q, the hospital's n), and the graph
 * path clipped all of them in one pass, holding every sampled record's
 * activations and per-example norms at once: at q = 1 a hospital of 10^4
 * images paid 10^4 × one example's memory, whatever its caps said. The
 * clipped sum is now taken in micro-batches sized from the spec.
 */
import type { Tensor } from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initialWeights } from '../../core/model/init.ts';
import type { DatasetSplit } from '../../core/data/types.ts';
import { activationValuesPerExample, paramCount, type ModelSpec } from '../../core/model/spec.ts';
import { BINARY_TASK } from '../../core/model/task.ts';
import type { Tf } from '../../client/trainer/backend.ts';
import { trainDpSgd } from '../../client/trainer/dpsgd.ts';
import {
  DP_CHUNK_VALUES,
  dpChunkRows,
  graphClippedSum,
  graphStep,
  ghostUnfoldedValues,
} from '../../client/trainer/ghost-clip-step.ts';
import { loadTestTf, localTraining, patternedSplit } from '../client/trainer/fixtures.ts';
import { conv2d, sequentialSpec } from '../core/model/graph-json.ts';
import { binaryClassifier } from '../helpers/models.ts';

let tf: Tf;
beforeAll(async () => {
  // The backend hospitals without tfjs-node train on: it runs these full-batch steps about 8× faster than cpu.
  ({ tf } = await loadTestTf('wasm'));
});

/** 16,384 hidden units: 16,389 activation values and 98,305 parameters per example, 146 rows per micro-batch. */
const wide = () =>
  sequentialSpec(
    [4],
    [
      ['Dense', { units: 16_384, activation: 'relu' }],
      ['Dense', { units: 1 }],
    ],
  );

/** tfjs's peak bytes over one noiseless binary DP-SGD step on every row (q = 1). */
async function fullBatchStepPeakBytes(spec: ModelSpec, data: DatasetSplit): Promise<number> {
  const info = await tf.profile(async () => {
    await trainDpSgd(tf, {
      spec,
      task: BINARY_TASK,
      local: localTraining({ learningRate: 0.1 }),
      weights: initialWeights(spec, 1),
      data,
      seed: 1,
      dp: { samplingRate: 1, noiseMultiplier: 0, clip: 1, steps: 1 },
    });
    return undefined as unknown as Tensor;
  });
  return info.peakBytes;
}

/** A convolution of `filters` k×k kernels, then `reduce` (Flatten or a pooling) and one output unit. */
const convNet = (inputShape: number[], filters: number, k: number, reduce: string) =>
  sequentialSpec(inputShape, [conv2d(filters, k), [reduce, {}], ['Dense', { units: 1 }]]);

describe('issue 18 review: DP-SGD steps are clipped in micro-batches sized from the spec', () => {
  it('micro-batch rows bound the values one pass holds', () => {
    const spec = wide();
    const rows = dpChunkRows(spec);
    expect(rows).toBe(Math.floor(DP_CHUNK_VALUES / (activationValuesPerExample(spec) + paramCount(spec))));
    expect(rows).toBeLessThan(2048);
  });

  it("a ghost-normed convolution's unfolded input counts: 15×15×4096 over 28×28 unfolds 7.2·10^8 values per example", () => {
    // 2T² = 1.2M < p·d = 225·4096·2: the ghost norm. Few activations (3.2M) and parameters (1.8M) beside the unfold:
    // without it, 3 rows (2.2·10^9 unfolded values) a pass.
    const spec = convNet([28, 28, 4096], 2, 15, 'Flatten');
    expect(ghostUnfoldedValues(spec)).toBe(784 * 4096 * 225);
    expect(dpChunkRows(spec)).toBe(1);
    // A convolution whose norm is explicit unfolds nothing (the fed-pneumonia CNN's kind): 2T² = 8192 > p·d = 9·64·8.
    expect(ghostUnfoldedValues(convNet([8, 8, 64], 8, 3, 'Flatten'))).toBe(0);
  });

  it("a ghost-normed convolution's full-batch step over 256 records stays within a few times DP_CHUNK_VALUES", async () => {
    // 2T² = 8192 < p·d = 25·64·8: the ghost norm, which unfolds 64 × 1600 values per example; at its peak about
    // eight tensors of that size: 815 MB for the 256 rows in one pass.
    const spec = convNet([8, 8, 64], 8, 5, 'GlobalAveragePooling2D');
    const peak = await fullBatchStepPeakBytes(spec, patternedSplit(256, 4096));
    expect(peak).toBeLessThan(4 * 4 * DP_CHUNK_VALUES);
  });

  it('the clipped sum over micro-batches equals one pass over the batch', () => {
    const spec = sequentialSpec(
      [4],
      [
        ['Dense', { units: 5, activation: 'tanh' }],
        ['LayerNormalization', {}],
        ['Dense', { units: 1 }],
      ],
    );
    const data = patternedSplit(23, 4);
    const x = tf.tensor2d(data.x, [23, 4]);
    const y = tf.tensor2d(data.y, [23, 1]);
    const w = initialWeights(spec, 5);
    const batch = Int32Array.from([0, 2, 3, 5, 7, 8, 11, 13, 17, 19, 22]);
    const whole = graphStep(tf, spec, BINARY_TASK);
    const chunked = { ...whole, chunkRows: 3 };
    try {
      const a = new Float32Array(paramCount(spec));
      const b = new Float32Array(paramCount(spec)).fill(99);
      graphClippedSum(tf, whole, { x, y, n: 23 }, w, batch, 0.5, a);
      graphClippedSum(tf, chunked, { x, y, n: 23 }, w, batch, 0.5, b);
      for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i]!, 5);
    } finally {
      whole.model.dispose();
      tf.dispose([x, y]);
    }
  });

  it("a full-batch step (q = 1) over 2048 records keeps tfjs's peak memory within a few times DP_CHUNK_VALUES", async () => {
    const peak = await fullBatchStepPeakBytes(wide(), patternedSplit(2048, 4));
    // One pass over 2048 rows holds several 2048 × 16,384 float32 tensors (134 MB each).
    expect(peak).toBeLessThan(4 * 4 * DP_CHUNK_VALUES);
  });

  it("the dense form's binary path: a full-batch step over 8192 records stays within a few times DP_CHUNK_VALUES", async () => {
    // 4 → 4096 relu → 1: 4101 activations and 24,577 parameters per example, 584 rows a pass.
    const spec = binaryClassifier(4, [[4096, 'relu']]);
    expect(dpChunkRows(spec)).toBe(Math.floor(DP_CHUNK_VALUES / (4101 + 24_577)));
    expect(await fullBatchStepPeakBytes(spec, patternedSplit(8192, 4))).toBeLessThan(4 * 4 * DP_CHUNK_VALUES);
  });
});
