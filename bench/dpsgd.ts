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
 *
 * The fed-pneumonia CNN (28×28×1; Conv2D 16 3×3 relu same; MaxPool 2;
 * Conv2D 32 3×3 relu same; MaxPool 2; Flatten; Dense 64 relu; Dense 1) is a
 * graph spec, clipped by ghost-clip.ts (explicit per-example convolution
 * gradients, Goodfellow's identity for the dense layers), on synthetic
 * images: pixel values do not change the cost. The cpu backend trains it at
 * a few images a second, so there it runs on fewer images, once.
 */
import { pathToFileURL } from 'node:url';
import { logisticRegression, modelSpecSchema, paramCount, type ModelSpec } from '../core/model/spec.ts';
import { initialWeights } from '../core/model/init.ts';
import type { LocalTraining } from '../core/job/spec.ts';
import { loadTf, trainDpSgd, type Tf } from '../client/trainer/index.ts';
import { binaryClassifier } from '../test/helpers/models.ts';
import { fitOnce, syntheticSplit, timed } from './training.ts';
import { median } from './stats.ts';
import { pneumoniaCnn } from './cnn-training.ts';

export interface DpSgdCase {
  model: string;
  /** Records and expected batch of this case's runs. */
  rows: number;
  batch: number;
  epochs: number;
  /** The ratio this case must reach, if it has one. */
  goal?: number;
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

/** The MLP and the CNN have a target: DP-SGD at no less than half model.fit's throughput. */
const GOAL = 0.5;

/** The CNN's runs: one epoch, batch 64 (as the MLP's); the cpu backend gets 64 images, once. */
const CNN_BATCH = 64;
const CNN_PIXELS = 28 * 28;
function cnnRun(backend: string): { rows: number; repeats: number } {
  return backend === 'cpu' ? { rows: 64, repeats: 1 } : { rows: 1024, repeats: 3 };
}

const MODELS: Record<string, ModelSpec> = {
  'MLP 13-128-128-1 (relu)': binaryClassifier(FEATURES, [
    [128, 'relu'],
    [128, 'relu'],
  ]),
  'logistic regression': logisticRegression(FEATURES),
};

export async function benchDpSgd(only?: 'cnn'): Promise<DpSgdBench> {
  const { tf, backend } = await loadTf();
  const cases: DpSgdCase[] = [];
  if (only !== 'cnn') {
    const data = syntheticSplit(ROWS, FEATURES, 1);
    for (const [model, spec] of Object.entries(MODELS)) {
      const run = { rows: ROWS, batch: BATCH, epochs: EPOCHS, repeats: REPEATS };
      const goal = model.startsWith('MLP') ? GOAL : undefined;
      cases.push(await measure(tf, model, spec, data, run, goal));
    }
  }
  const { rows, repeats } = cnnRun(backend);
  const cnn = pneumoniaCnn(tf);
  const spec = modelSpecSchema.parse(cnn.toJSON(null, false));
  cnn.dispose();
  const images = syntheticSplit(rows, CNN_PIXELS, 2);
  const run = { rows, batch: CNN_BATCH, epochs: 1, repeats };
  cases.push(await measure(tf, 'fed-pneumonia CNN', spec, images, run, GOAL));
  return { backend, rows: ROWS, batch: BATCH, epochs: EPOCHS, cases };
}

interface Run {
  rows: number;
  batch: number;
  epochs: number;
  repeats: number;
}

/** DP-SGD and model.fit on one model and split, interleaved, from the same initial weights. */
async function measure(
  tf: Tf,
  model: string,
  spec: ModelSpec,
  data: ReturnType<typeof syntheticSplit>,
  run: Run,
  goal: number | undefined,
): Promise<DpSgdCase> {
  const weights = initialWeights(spec, 1);
  const local: LocalTraining = { ...LOCAL, epochs: run.epochs, batchSize: run.batch };
  const dpParams = { ...DP, samplingRate: run.batch / run.rows, steps: (run.epochs * run.rows) / run.batch };
  let sampled = 0;
  const dp = async () => {
    sampled += (await trainDpSgd(tf, { spec, local, weights, data, seed: 1, dp: dpParams })).sampledExamples;
  };
  const fit = () => fitOnce(tf, spec, weights, data, local);
  await dp(); // warm-up: kernel compilation and first-use allocations
  await fit();
  sampled = 0;
  const dpMs: number[] = [];
  const fitMs: number[] = [];
  // Interleaved, so drift in machine load hits both sides alike; medians resist outliers.
  for (let i = 0; i < run.repeats; i++) {
    dpMs.push(await timed(dp));
    fitMs.push(await timed(fit));
  }
  const samplesPerSecDp = sampled / run.repeats / (median(dpMs) / 1000);
  const samplesPerSecFit = (run.rows * run.epochs) / (median(fitMs) / 1000);
  return {
    model,
    rows: run.rows,
    batch: run.batch,
    epochs: run.epochs,
    ...(goal === undefined ? {} : { goal }),
    params: paramCount(spec),
    samplesPerSecDp,
    samplesPerSecFit,
    ratio: samplesPerSecDp / samplesPerSecFit,
  };
}

export function formatDpSgd(r: DpSgdBench): string[] {
  return [
    `DP-SGD throughput (${r.backend}, σ = ${DP.noiseMultiplier}) vs model.fit at the same batch size; tabular cases on ${FEATURES} features:`,
    ...r.cases.map((c) => {
      const goal = c.goal === undefined ? '' : ` (goal >= ${c.goal})`;
      const run = `${c.rows} rows, expected batch ${c.batch} (q = ${c.batch / c.rows}), ${c.epochs} epoch${c.epochs > 1 ? 's' : ''}`;
      return `  ${c.model} (${c.params} params; ${run}): DP-SGD ${c.samplesPerSecDp.toFixed(0)} samples/s, model.fit ${c.samplesPerSecFit.toFixed(0)} samples/s, ratio ${c.ratio.toFixed(2)}${goal}`;
    }),
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // `--cnn`: the fed-pneumonia CNN alone.
  const r = await benchDpSgd(process.argv.includes('--cnn') ? 'cnn' : undefined);
  process.stdout.write(`${formatDpSgd(r).join('\n')}\n`);
}
