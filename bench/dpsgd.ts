/**
 * DP-SGD training throughput (client/trainer/dpsgd.ts) beside plain
 * `model.fit` on the same backend, model, data and (expected) batch size,
 * measured in the same run. What DP-SGD costs on top of SGD: Poisson
 * sampling and per-example clipping (one extra reduction per layer, see
 * per-example.ts), a CSPRNG Gaussian for every parameter at every step, and
 * the uploads of sample indices and noise.
 *
 * Both sides are timed from flat weights in to flat weights out. Throughput
 * is records processed per second: model.fit's epochs·n, DP-SGD's realised
 * sample sizes summed. `npx tsx bench/dpsgd.ts`; COHORT_TF_BACKEND pins the
 * backend.
 */
import { pathToFileURL } from 'node:url';
import { logisticRegression, paramCount, type ModelSpec } from '../core/model/spec.ts';
import { initialWeights } from '../core/model/init.ts';
import type { LocalTraining } from '../core/job/spec.ts';
import { loadTf, trainDpSgd } from '../client/trainer/index.ts';
import { binaryClassifier } from '../test/helpers/models.ts';
import { fitOnce, median, syntheticSplit, timed } from './training.ts';

export interface DpSgdCase {
  model: string;
  params: number;
  samplesPerSecDp: number;
  samplesPerSecFit: number;
  ratio: number;
}

export interface DpSgdBench {
  backend: string;
  rows: number;
  batch: number;
  epochs: number;
  cases: DpSgdCase[];
}

const ROWS = 1024;
const FEATURES = 13; // fed-heart-disease's width
const BATCH = 64; // expected batch q·n for DP-SGD, the batch size for model.fit
const EPOCHS = 5;
const REPEATS = 5;
const LOCAL: LocalTraining = {
  epochs: EPOCHS,
  batchSize: BATCH,
  learningRate: 0.05,
  optimizer: 'sgd',
  proximalMu: 0,
  maxSteps: 0,
};
const DP = { samplingRate: BATCH / ROWS, noiseMultiplier: 1, clip: 1, steps: (EPOCHS * ROWS) / BATCH };

/** The MLP is the case with a target: DP-SGD at no less than half model.fit's throughput. */
const MLP_GOAL = 0.5;

const MODELS: Record<string, ModelSpec> = {
  'MLP 13-128-128-1 (relu)': binaryClassifier(FEATURES, [
    [128, 'relu'],
    [128, 'relu'],
  ]),
  'logistic regression': logisticRegression(FEATURES),
};

export async function benchDpSgd(): Promise<DpSgdBench> {
  const { tf, backend } = await loadTf();
  const data = syntheticSplit(ROWS, FEATURES, 1);
  const cases: DpSgdCase[] = [];
  for (const [model, spec] of Object.entries(MODELS)) {
    const weights = initialWeights(spec, 1);
    let sampled = 0;
    const dp = async () => {
      sampled += (await trainDpSgd(tf, { spec, local: LOCAL, weights, data, seed: 1, dp: DP })).sampledExamples;
    };
    const fit = () => fitOnce(tf, spec, weights, data, LOCAL);
    await dp(); // warm-up: kernel compilation and first-use allocations
    await fit();
    sampled = 0;
    const dpMs: number[] = [];
    const fitMs: number[] = [];
    // Interleaved, so drift in machine load hits both sides alike; medians resist outliers.
    for (let i = 0; i < REPEATS; i++) {
      dpMs.push(await timed(dp));
      fitMs.push(await timed(fit));
    }
    const samplesPerSecDp = sampled / REPEATS / (median(dpMs) / 1000);
    const samplesPerSecFit = (ROWS * EPOCHS) / (median(fitMs) / 1000);
    cases.push({
      model,
      params: paramCount(spec),
      samplesPerSecDp,
      samplesPerSecFit,
      ratio: samplesPerSecDp / samplesPerSecFit,
    });
  }
  return { backend, rows: ROWS, batch: BATCH, epochs: EPOCHS, cases };
}

export function formatDpSgd(r: DpSgdBench): string[] {
  return [
    `DP-SGD throughput (${r.backend}, ${r.rows}x${FEATURES}, expected batch ${r.batch} (q = ${DP.samplingRate}), σ = ${DP.noiseMultiplier}, ${r.epochs} epochs) vs model.fit (batch ${r.batch}):`,
    ...r.cases.map((c) => {
      const goal = c.model.startsWith('MLP') ? ` (goal >= ${MLP_GOAL})` : '';
      return `  ${c.model} (${c.params} params): DP-SGD ${c.samplesPerSecDp.toFixed(0)} samples/s, model.fit ${c.samplesPerSecFit.toFixed(0)} samples/s, ratio ${c.ratio.toFixed(2)}${goal}`;
    }),
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await benchDpSgd();
  process.stdout.write(`${formatDpSgd(r).join('\n')}\n`);
}
