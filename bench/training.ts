/**
 * Local training throughput of cohort's trainer (client/trainer/train.ts)
 * beside plain `model.fit` on the same backend, model, data and schedule,
 * measured in the same run. The custom loop exists for FedProx and DP-SGD;
 * this shows what it costs (ratio < 1) or saves (ratio > 1) against Keras's loop.
 *
 * Both sides are timed from flat weights in to flat weights out (model build,
 * weight upload, training, weight read-back). `npx tsx bench/training.ts`;
 * COHORT_TF_BACKEND pins the backend.
 */
import { pathToFileURL } from 'node:url';
import { logisticRegression, type ModelSpec } from '../core/model/spec.ts';
import { initialWeights } from '../core/model/init.ts';
import { seededRng } from '../core/rng.ts';
import type { DatasetSplit } from '../core/data/types.ts';
import type { LocalTraining } from '../core/job/spec.ts';
import { loadTf, trainLocal, type Tf } from '../client/trainer/index.ts';
import { buildModel, getFlatWeights, setFlatWeights } from '../client/trainer/model.ts';
import { numericSplit } from '../core/data/index.ts';
import { median } from './stats.ts';

export interface TrainingBench {
  backend: string;
  samplesPerSecCustom: number;
  samplesPerSecFit: number;
  ratio: number;
}

const ROWS = 400;
const FEATURES = 13; // fed-heart-disease's width
const REPEATS = 5;
const LOCAL: LocalTraining = {
  epochs: 20,
  batchSize: 32,
  learningRate: 0.1,
  optimizer: 'sgd',
  proximalMu: 0,
  maxSteps: 0,
};

export async function benchTraining(): Promise<TrainingBench> {
  const { tf, backend } = await loadTf();
  const spec = logisticRegression(FEATURES);
  const weights = initialWeights(spec, 1);
  const data = syntheticSplit(ROWS, FEATURES, 1);
  const custom = () => trainLocal(tf, { spec, local: LOCAL, weights, data, seed: 1 });
  const fit = () => fitOnce(tf, spec, weights, data);
  await custom(); // warm-up: kernel compilation and first-use allocations
  await fit();
  const customMs: number[] = [];
  const fitMs: number[] = [];
  // Interleaved, so drift in machine load hits both sides alike; medians resist outliers.
  for (let i = 0; i < REPEATS; i++) {
    customMs.push(await timed(custom));
    fitMs.push(await timed(fit));
  }
  const samples = ROWS * LOCAL.epochs;
  const samplesPerSecCustom = samples / (median(customMs) / 1000);
  const samplesPerSecFit = samples / (median(fitMs) / 1000);
  return { backend, samplesPerSecCustom, samplesPerSecFit, ratio: samplesPerSecCustom / samplesPerSecFit };
}

/** Plain Keras-style training, flat weights in to flat weights out: the baseline the trainers are measured against. */
export async function fitOnce(
  tf: Tf,
  spec: ModelSpec,
  weights: Float32Array,
  data: DatasetSplit,
  local: LocalTraining = LOCAL,
): Promise<Float32Array> {
  const model = buildModel(tf, spec);
  const optimizer = tf.train.sgd(local.learningRate);
  const x = tf.tensor2d(data.x, [data.n, data.d]);
  const y = tf.tensor2d(data.y, [data.n, 1]);
  try {
    setFlatWeights(tf, model, weights);
    model.compile({ optimizer, loss: 'binaryCrossentropy' });
    await model.fit(x, y, { epochs: local.epochs, batchSize: local.batchSize, shuffle: true, verbose: 0 });
    return getFlatWeights(model);
  } finally {
    tf.dispose([x, y]);
    optimizer.dispose();
    model.dispose();
  }
}

/** Linearly separable rows: y = [Σ ±x_j > 0], features uniform in [−1, 1). */
export function syntheticSplit(n: number, d: number, seed: number): DatasetSplit {
  const rng = seededRng(seed);
  const x = new Float32Array(n * d);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const v = rng.float() * 2 - 1;
      x[i * d + j] = v;
      s += j % 2 === 0 ? v : -v;
    }
    y[i] = s > 0 ? 1 : 0;
  }
  return numericSplit(x, y, d);
}

export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await benchTraining();
  process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  process.stdout.write(
    `local training throughput (${r.backend}, ${ROWS}x${FEATURES}, batch ${LOCAL.batchSize}, ${LOCAL.epochs} epochs): ` +
      `trainLocal ${r.samplesPerSecCustom.toFixed(0)} samples/s, model.fit ${r.samplesPerSecFit.toFixed(0)} samples/s, ratio ${r.ratio.toFixed(2)}\n`,
  );
}
