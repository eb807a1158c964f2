/**
 * Review of issue 18, question 1: the cost a researcher or coordinator can
 * make a hospital pay with a spec that passes every validation. Before the
 * fix, a hospital that set no maxFlopsPerExample had no FLOPs cap at all, no
 * policy bounded a training batch's activation memory, and evaluation ran
 * 4096 rows at once whatever one row's activations took.
 */
import { readFileSync } from 'node:fs';
import type { Tensor } from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_BATCH_ACTIVATION_BYTES,
  DEFAULT_MAX_FLOPS_PER_EXAMPLE,
  parseHospitalPolicy,
  policyViolations,
} from '../../core/job/policy.ts';
import { parseJobSpec, type JobSpecInput } from '../../core/job/spec.ts';
import {
  MAX_PARAMS,
  activationValuesPerExample,
  flopsPerExample,
  modelSpecSchema,
  paramCount,
} from '../../core/model/spec.ts';
import { initialWeights } from '../../core/model/init.ts';
import { syntheticJob } from '../../simulations/synthetic.ts';
import { EVAL_CHUNK_VALUES, evalChunkRows, evaluateModel } from '../../client/trainer/evaluate.ts';
import type { Tf } from '../../client/trainer/backend.ts';
import { loadTestTf, patternedSplit } from '../client/trainer/fixtures.ts';
import { conv2d, sequential, sequentialSpec } from '../core/model/graph-json.ts';

const dp = { unit: 'record', epsilon: 2, delta: 1e-6, clip: 1, samplingRate: 0.1, noiseMultiplier: 2 } as const;
const job = (over: Partial<JobSpecInput> = {}) => parseJobSpec(syntheticJob({ privacy: dp, ...over }));
const image = { height: 28, width: 28, channels: 1 as const };

/**
 * A 28×28 grey image model within MAX_PARAMS (9.8M) and every per-layer
 * bound: a 1×1 convolution to 4096 channels, 100 Activation layers on it
 * (3.2M values each per example, no parameters), a 1×1 convolution to 2400:
 * 2 × 784 × 4096 × 2400 ≈ 1.5·10^10 FLOPs and 3.2·10^8 activation values
 * (1.3 GB) per example, 41 GB for a batch of 32.
 */
const wide = sequential(
  [28, 28, 1],
  [
    conv2d(4096, 1),
    ...Array.from({ length: 100 }, () => ['Activation', { activation: 'relu' }] as [string, Record<string, unknown>]),
    ['Conv2D', { filters: 2400, kernel_size: [1, 1], padding: 'same', activation: 'relu' }],
    ['GlobalAveragePooling2D', {}],
    ['Dense', { units: 1 }],
  ],
);

describe('issue 18 review: the cost of a valid spec is capped by default', () => {
  it('a spec that passes validation but costs 10^10 FLOPs and GiBs per batch is declined by a hospital that set no caps', () => {
    const spec = job({ model: wide, features: ['px'], image });
    expect(paramCount(spec.model)).toBeLessThanOrEqual(MAX_PARAMS);
    expect(flopsPerExample(spec.model)).toBeGreaterThan(DEFAULT_MAX_FLOPS_PER_EXAMPLE);
    const why = policyViolations(parseHospitalPolicy({}), spec);
    expect(why).toMatch(/FLOPs per example, above this hospital's maxFlopsPerExample of 10000000000/);
    expect(why).toMatch(/a batch of \d+ holds \d+ bytes of activations, above this hospital's maxBatchActivationBytes/);
  });

  it('the batch-activation cap scales with the batch: the fed-pneumonia CNN fits at its batch, not at 65,536', () => {
    const cnn = JSON.parse(readFileSync('simulations/data/pneumoniamnist/cnn.json', 'utf8')) as JobSpecInput['model'];
    const ok = job({ model: cnn, features: ['px'], image });
    expect(policyViolations(parseHospitalPolicy({}), ok)).toBeNull();
    const big = job({ model: cnn, features: ['px'], image, local: { ...ok.local, batchSize: 65_536 } });
    expect(65_536 * 4 * activationValuesPerExample(big.model)).toBeGreaterThan(DEFAULT_MAX_BATCH_ACTIVATION_BYTES);
    expect(policyViolations(parseHospitalPolicy({}), big)).toMatch(/a batch of 65536 holds/);
    // A hospital may raise the caps for itself.
    expect(policyViolations(parseHospitalPolicy({ maxBatchActivationBytes: 2 ** 40 }), big)).toBeNull();
  });
});

describe('issue 18 review: evaluation chunks are sized by the activations of one row', () => {
  let tf: Tf;
  beforeAll(async () => {
    ({ tf } = await loadTestTf());
  });

  it('a model of 2^20 activation values per row is evaluated 16 rows at a time, not 4096 (16 GiB) at once', () => {
    const spec = sequentialSpec([16, 16, 1], [conv2d(4096, 1), ['Flatten', {}], ['Dense', { units: 1 }]]);
    expect(activationValuesPerExample(spec)).toBe(256 + 2 * 2 ** 20 + 1);
    expect(evalChunkRows(spec)).toBe(Math.floor(EVAL_CHUNK_VALUES / activationValuesPerExample(spec)));
    expect(evalChunkRows(modelSpecSchema.parse(wide))).toBe(1);
  });

  it("evaluation's peak memory stays within a few times EVAL_CHUNK_VALUES, measured by tfjs", async () => {
    // 16,384 hidden units: one chunk of 4096 rows would hold 3 × 4096 × 16,384 float32 (805 MB).
    const spec = sequentialSpec(
      [4],
      [
        ['Dense', { units: 16_384, activation: 'relu' }],
        ['Dense', { units: 1 }],
      ],
    );
    const n = 8192;
    const weights = initialWeights(spec, 1);
    let metrics: Awaited<ReturnType<typeof evaluateModel>> | undefined;
    const info = await tf.profile(async () => {
      metrics = await evaluateModel(tf, spec, weights, patternedSplit(n, 4));
      return undefined as unknown as Tensor;
    });
    expect(metrics!.numExamples).toBe(n);
    expect(info.peakBytes).toBeLessThan(4 * 4 * EVAL_CHUNK_VALUES);
  });
});
