/**
 * A job's model downloaded as a TensorFlow.js LayersModel (model.json +
 * weights.bin, written by the CLI's writer) loads with `tf.loadLayersModel`
 * and reproduces the job's test metrics exactly, on the real heart-disease
 * data through the real intake; its model.json carries the preprocessing
 * contract read from the hospitals' schema.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tensor } from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDownloadedModel } from '../../cli/model-download.ts';
import { exportLayersModel, layersModelHandler, type LayersModelJson } from '../../client/model-export.ts';
import type { Tf } from '../../client/trainer/backend.ts';
import { evaluateModel } from '../../client/trainer/evaluate.ts';
import { buildModel, setFlatWeights } from '../../client/trainer/model.ts';
import { trainLocal } from '../../client/trainer/train.ts';
import { binaryMetrics } from '../../core/metrics.ts';
import { parseJobSpec, type JobSpec } from '../../core/job/spec.ts';
import { preprocessingContract } from '../../core/model/export-contract.ts';
import { initialWeights } from '../../core/model/init.ts';
import { taskMetrics } from '../../core/task-metrics.ts';
import type { PreparedDataset } from '../../core/data/types.ts';
import { heartDiseaseJob, loadHeartDisease } from '../../simulations/fed-heart-disease.ts';
import { loadTestTf } from './trainer/fixtures.ts';

const SCHEMA = join(import.meta.dirname, '../../simulations/data/heart-disease/schema.json');

let tf: Tf;
let dir: string;
let data: PreparedDataset;
let spec: JobSpec;

beforeAll(async () => {
  tf = (await loadTestTf()).tf;
  dir = mkdtempSync(join(tmpdir(), 'cohort-export-'));
  data = (await loadHeartDisease()).cleveland!;
  const job = heartDiseaseJob(data.features, data.label, { rounds: 1, strategy: 'fedavg', seed: 0 });
  // A hidden layer too, so the topology has more than the one dense layer of the README's job.
  spec = parseJobSpec({
    ...job,
    model: {
      inputDim: data.features.length,
      layers: [
        { units: 8, activation: 'relu' },
        { units: 1, activation: 'sigmoid' },
      ],
    },
    local: { ...job.local, epochs: 5 },
  });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function readExport(out: string): { json: LayersModelJson; bin: Uint8Array } {
  return {
    json: JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')) as LayersModelJson,
    bin: new Uint8Array(readFileSync(join(out, 'weights.bin'))),
  };
}

function predict(model: { predict: (x: Tensor) => Tensor | Tensor[] }, x: Float32Array, n: number, d: number) {
  return tf.tidy(() => (model.predict(tf.tensor2d(x, [n, d])) as Tensor).dataSync() as Float32Array);
}

describe('job download as a tfjs LayersModel', () => {
  it('loads with tf.loadLayersModel and reproduces the job’s test metrics', async () => {
    const start = initialWeights(spec.model, 7);
    const trained = await trainLocal(tf, {
      spec: spec.model,
      local: spec.local,
      weights: start,
      data: data.train,
      seed: 3,
    });
    const weights = start.map((w, i) => w + trained.delta[i]!);
    const jobMetrics = await evaluateModel(tf, spec.model, weights, data.test);
    expect(jobMetrics.auc).toBeGreaterThan(0.7); // a trained model, not a constant one

    const out = join(dir, 'heart');
    const printed = await writeDownloadedModel(
      {
        json: { jobId: 'job-1', completedRounds: 1, spec: JSON.parse(JSON.stringify(spec)) as unknown },
        model: weights,
      },
      { out, format: 'tfjs', schema: SCHEMA },
    );
    expect(printed).toMatchObject({ jobId: 'job-1', files: [join(out, 'model.json'), join(out, 'weights.bin')] });

    const { json, bin } = readExport(out);
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0]!.paths).toEqual(['weights.bin']);
    expect(bin.length).toBe(4 * weights.length);
    const model = await tf.loadLayersModel(layersModelHandler(json, bin));
    try {
      const probs = predict(model, data.test.x, data.test.n, data.test.d);
      expect(binaryMetrics(probs, data.test.y)).toEqual(jobMetrics);
      expect(taskMetrics(spec.task, logitsOf(probs), data.test.y, data.test.n).auc).toBeCloseTo(jobMetrics.auc, 12);
    } finally {
      model.dispose();
    }
  });

  it('carries the preprocessing contract: feature order and declared scaling, label, output activation', async () => {
    const { json } = readExport(join(dir, 'heart'));
    const c = json.userDefinedMetadata.cohort;
    expect(c.job).toEqual({ id: 'job-1', name: 'fed-heart-disease', completedRounds: 1 });
    expect(c.input.features!.map((f) => f.name)).toEqual(data.features);
    expect(c.input.features!.find((f) => f.name === 'age')!.scaling).toMatchObject({
      kind: 'declared-range',
      lo: 20,
      hi: 80,
      center: 50,
      halfWidth: 30,
      unit: 'a',
    });
    expect(c.input.features!.find((f) => f.name === 'cp_2')!.scaling).toMatchObject({
      kind: 'one-hot',
      column: 'cp',
      category: '2',
    });
    expect(c.label).toEqual({ column: 'num', names: ['0', '1'], positive: 'num > 0' });
    expect(c.output).toMatchObject({ units: 1, activation: 'sigmoid', appliedInModel: true });
  });

  it('a multi-class model exports its softmax: the same probabilities and metrics after the round trip', async () => {
    const mc = parseJobSpec({
      ...heartDiseaseJob(data.features, data.label, { rounds: 1, strategy: 'fedavg', seed: 0 }),
      task: { kind: 'multiclass', classes: ['a', 'b', 'c'] },
      model: { inputDim: data.features.length, layers: [{ units: 3, activation: 'linear' }] },
    });
    const weights = initialWeights(mc.model, 11);
    const exported = await exportLayersModel(tf, mc, weights, preprocessingContract({ spec: mc }));
    expect(exported.modelJson.userDefinedMetadata.cohort.output).toMatchObject({
      activation: 'softmax',
      appliedInModel: true,
    });
    const loaded = await tf.loadLayersModel(layersModelHandler(exported.modelJson, exported.weights));
    const direct = buildModel(tf, mc.model, 'probability', mc.task);
    const logits = buildModel(tf, mc.model, 'logit', mc.task);
    try {
      setFlatWeights(tf, direct, weights);
      setFlatWeights(tf, logits, weights);
      const { x, n, d } = data.test;
      const a = predict(loaded, x, n, d);
      expect(a).toEqual(predict(direct, x, n, d));
      for (let i = 0; i < n; i++) expect(a[3 * i]! + a[3 * i + 1]! + a[3 * i + 2]!).toBeCloseTo(1, 5);
      // Metrics of the exported probabilities (as log-probabilities: logits up to a constant) equal the job's, from logits.
      const y = Float32Array.from({ length: n }, (_, i) => i % 3);
      const fromExport = taskMetrics(mc.task, a.map(Math.log), y, n);
      const fromJob = taskMetrics(mc.task, predict(logits, x, n, d), y, n);
      expect(fromExport.accuracy).toBe(fromJob.accuracy);
      expect(fromExport.loss).toBeCloseTo(fromJob.loss, 5);
    } finally {
      loaded.dispose();
      direct.dispose();
      logits.dispose();
    }
  });

  it('an --out that cannot be written is E_CONFIG_INVALID naming it, in either format', async () => {
    const file = join(dir, 'a-file');
    await writeDownloadedModel({ json: {}, model: Float32Array.from([1]) }, { out: file, format: 'raw' });
    const under = join(file, 'sub'); // a path below a regular file
    await expect(
      writeDownloadedModel({ json: {}, model: Float32Array.from([1]) }, { out: under, format: 'raw' }),
    ).rejects.toMatchObject({ code: 'E_CONFIG_INVALID', message: expect.stringContaining(`--out ${under}`) });
    await expect(
      writeDownloadedModel({ json: { spec }, model: initialWeights(spec.model, 1) }, { out: under, format: 'tfjs' }),
    ).rejects.toMatchObject({ code: 'E_CONFIG_INVALID', message: expect.stringContaining(`--out ${under}`) });
  });

  it('--format raw still writes the bare float32 vector', async () => {
    const w = Float32Array.from([1.5, -2, 0.25]);
    const out = join(dir, 'w.f32');
    await writeDownloadedModel({ json: { jobId: 'j' }, model: w }, { out, format: 'raw' });
    expect(new Float32Array(new Uint8Array(readFileSync(out)).buffer)).toEqual(w);
  });

  it('refuses weights that do not fit the spec, and a download without a spec', async () => {
    await expect(
      writeDownloadedModel({ json: { spec }, model: new Float32Array(3) }, { out: join(dir, 'bad'), format: 'tfjs' }),
    ).rejects.toMatchObject({ code: 'E_UPDATE_LENGTH' });
    await expect(
      writeDownloadedModel({ json: {}, model: new Float32Array(3) }, { out: join(dir, 'bad'), format: 'tfjs' }),
    ).rejects.toMatchObject({ code: 'E_JOB_SPEC' });
  });
});

/** log(p / (1 − p)): the logits back from the exported binary model's probabilities. */
function logitsOf(p: Float32Array): Float32Array {
  return p.map((v) => Math.log(v / (1 - v)));
}
