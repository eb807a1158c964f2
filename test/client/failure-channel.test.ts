/**
 * Issue 15, finding 4, in a hospital-level DP job (the red-team review of the
 * fix): plain local training threw E_UPDATE_NONFINITE when crafted weights
 * made one record overflow, before anything was charged, so a coordinator
 * could ask "is this record here?" for free, job after job. Now the weights
 * are range-checked before any record is read, and a non-finite coordinate is
 * zeroed (the whole update is clipped and noised after): with the target
 * record or without it, the daemon answers the same way.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { parseJobSpec, type JobSpec } from '../../core/job/spec.ts';
import type { ModelSpec } from '../../core/model/spec.ts';
import { resolveJob } from '../../core/job/privacy.ts';
import { numericSplit } from '../../core/data/index.ts';
import { syntheticDataset, syntheticJob } from '../../simulations/synthetic.ts';
import { hospitalUnderTest, NETWORK } from '../helpers/hospital-under-test.ts';
import { until } from '../helpers/until.ts';
import { binaryClassifier } from '../helpers/models.ts';

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

const base = syntheticDataset(5);
/** The hospital's records, with or without one record far out on feature 0 (x0 = 10; the others are in [-2, 2]). */
function records(target: boolean) {
  if (!target) return base;
  const x = new Float32Array(base.train.x.length + 3);
  x.set(base.train.x);
  x.set([10, 0, 0], base.train.x.length);
  const y = new Float32Array(base.train.n + 1);
  y.set(base.train.y);
  y[base.train.n] = 1;
  return { ...base, train: numericSplit(x, y, 3) };
}

/** A hospital-level DP job with secure aggregation, on the helper's network, training `model`. */
const hospitalDpJob = (model: ModelSpec) =>
  resolveJob(
    parseJobSpec({
      ...syntheticJob({ rounds: 2 }),
      model,
      minClients: 3,
      targetClients: 4,
      secureAggregation: { enabled: true },
      privacy: { unit: 'hospital', epsilon: 10, delta: 1e-5, clip: 1, minSurvivors: 3 },
    }),
    NETWORK.length,
  );

/** Without the target record, then with it: the hospital's first answer to round 1 from `weights`, and what it has been charged by then. */
async function withAndWithoutTarget(spec: JobSpec, weights: Float32Array) {
  const seen: { frames: string[]; spends: unknown[] }[] = [];
  for (const target of [false, true]) {
    const h = await hospitalUnderTest(spec, { cleanups, dataset: records(target) });
    h.round(1, h.secagg(1, 1), weights);
    await until(() => h.frames(1).length > 0, 20_000, 'an answer');
    seen.push({ frames: h.frames(1), spends: h.state.budget.spends('synthetic-v1') });
  }
  return seen;
}

/** Hidden unit 0 = relu(scale·x0 − 3·scale), the second layer reading it: at scale 1e38 the weights are far past MAX_WEIGHT_NORM. */
function crafted(scale: number): Float32Array {
  const w = new Float32Array(3 * 2 + 2 + 2 + 1); // kernel1 [3,2], bias1 [2], kernel2 [2,1], bias2 [1]
  w[0] = scale;
  w[6] = -3 * scale;
  w[8] = 1;
  return w;
}

describe('no failure that depends on the records, hospital-level DP (issue 15, finding 4)', () => {
  it('weights past the range are refused before any record is read, with or without the target, and nothing is charged', async () => {
    const spec = hospitalDpJob(binaryClassifier(3, [[2, 'relu']]));
    expect(await withAndWithoutTarget(spec, crafted(1e38))).toEqual([
      { frames: ['error E_UPDATE_RANGE'], spends: [] },
      { frames: ['error E_UPDATE_RANGE'], spends: [] },
    ]);
  }, 60_000);

  it('weights within the range that overflow only on the target: the same answer either way, no error', async () => {
    // Nine relu layers of one unit, every tensor's norm ≤ 3e5 (under MAX_WEIGHT_NORM): unit 1 = relu(1e5·x0 − 3e5)
    // is 0 for every record but the target (x0 = 10 gives 7e5), and each further layer multiplies by 1e5, so the
    // target's activations pass float32's range. Plain training then threw E_UPDATE_NONFINITE exactly when it was present.
    const deep = hospitalDpJob(
      binaryClassifier(
        3,
        Array.from({ length: 9 }, () => [1, 'relu'] as const),
      ),
    );
    const w = new Float32Array(4 + 9 * 2); // kernel [3,1] + bias, then nine of kernel [1,1] + bias
    w[0] = 1e5;
    w[3] = -3e5;
    for (let l = 0; l < 9; l++) w[4 + 2 * l] = 1e5;
    const [without, withTarget] = await withAndWithoutTarget(deep, w);
    expect(without!.frames).toEqual(['secaggAdvertise']);
    expect(withTarget!.frames).toEqual(without!.frames);
  }, 60_000);
});
