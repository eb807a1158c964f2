/** `cohort simulate fed-pneumonia`: its options, its runs (one per seed) and its table. */
import { InvalidArgumentError, Option, type Command } from 'commander';
import Table from 'cli-table3';
import { intArg, numberArg } from '../edge/args.ts';
import { imageAugmentSchema, type ImageAugment } from '../core/data/augment.ts';
import { createLogger, type LogLevel } from '../edge/log.ts';
import { writeFigures } from './write-figures.ts';
import { PNEUMONIA_DEFAULTS, type PneumoniaResult } from '../simulations/fed-pneumonia.ts';
import { runPneumoniaSeeds } from '../simulations/fed-pneumonia-seeds.ts';
import { loadPneumonia } from '../simulations/fed-pneumonia-data.ts';
import { loadPneumoniaDicom } from '../simulations/fed-pneumonia-dicom.ts';
import { BURNED_IN_EVERY } from '../simulations/dicom-wrap.ts';
import { progressLine } from './round-progress.ts';

interface PneumoniaCliOptions {
  rounds?: number;
  seeds: number[];
  dpEpsilon?: number;
  format: 'png' | 'dicom';
  augment?: Partial<ImageAugment> | null;
  json?: string;
  logLevel: LogLevel;
  workers?: number;
}

/** MedMNIST v2's centralised ResNet-18 (28×28) on the official test split (simulations/data/pneumoniamnist/README.md). */
export const MEDMNIST_FIGURES = { model: 'ResNet-18 (28×28), centralised', accuracy: 0.854, auc: 0.944 } as const;

function seedList(v: string): number[] {
  return v.split(',').map((s) => intArg(0, 0xffffffff)(s.trim()));
}

/** `--augment`: "shift,rotate,scale" (pixels, degrees, fraction), or "none". */
function augmentArg(v: string): Partial<ImageAugment> | null {
  if (v.trim() === 'none') return null;
  const parts = v.split(',').map((x) => (x.trim() === '' ? NaN : Number(x)));
  const parsed = imageAugmentSchema.safeParse({ shift: parts[0], rotate: parts[1], scale: parts[2] });
  if (parts.length !== 3 || !parsed.success)
    throw new InvalidArgumentError(
      `expected three numbers "shift,rotate,scale" (at most 64 pixels, 180 degrees, 0.5), or "none", got "${v}"`,
    );
  return { shift: parsed.data.shift, rotate: parsed.data.rotate, scale: parsed.data.scale };
}

const augmentText = (a: Partial<ImageAugment> | null | undefined) =>
  a ? `${a.shift ?? 0},${a.rotate ?? 0},${a.scale ?? 0}` : 'none';

function pneumoniaOptions(cmd: Command): Command {
  return cmd
    .option(
      '--rounds <n>',
      PNEUMONIA_DEFAULTS.rounds === PNEUMONIA_DEFAULTS.dp.rounds
        ? `FedAvg rounds, ${PNEUMONIA_DEFAULTS.local.epochs} local epoch(s) each (${PNEUMONIA_DEFAULTS.dp.local.epochs} with --dp-epsilon) (default ${PNEUMONIA_DEFAULTS.rounds})`
        : `FedAvg rounds (default ${PNEUMONIA_DEFAULTS.rounds}, ${PNEUMONIA_DEFAULTS.dp.rounds} with --dp-epsilon)`,
      intArg(1, 10_000),
    )
    .option(
      '--seeds <list>',
      'comma list of seeds (the Dirichlet split, initialisation and batch order; DP sampling and noise come from the CSPRNG); one run each, then their mean',
      seedList,
      PNEUMONIA_DEFAULTS.seeds,
    )
    .option(
      '--workers <n>',
      "seeds run at once, each in its own thread (tfjs's wasm backend uses one core in Node) (default: the machine's cores, at most one per seed; the native tensorflow backend runs them one at a time)",
      intArg(1, 256),
    )
    .option(
      '--dp-epsilon <e>',
      `record-level DP (DP-SGD at each hospital) with this target epsilon for the whole job, delta ${PNEUMONIA_DEFAULTS.dp.delta}; each hospital's budget is the target (default: no DP)`,
      numberArg('--dp-epsilon', (x) => x > 0 && x <= 100, 'a number in (0, 100]'),
    )
    .option(
      '--augment <shift,rotate,scale>',
      `each hospital trains on random views of its images: up to shift pixels, rotate degrees and a zoom of 1 ± scale (the job's image.augment, docs/models.md), or "none" (default ${augmentText(PNEUMONIA_DEFAULTS.augment)}, ${augmentText(PNEUMONIA_DEFAULTS.dp.augment)} with --dp-epsilon)`,
      augmentArg,
    )
    .addOption(
      new Option(
        '--format <format>',
        `png: read the PNGs; dicom: wrap each image in a DICOM file with generated patient headers (1 in ${BURNED_IN_EVERY} flagged burned-in text) in a temporary folder and read them through the DICOM intake, which de-identifies them and refuses the flagged ones`,
      )
        .choices(['png', 'dicom'])
        .default('png'),
    );
}

/** Runs the scenario once per seed, printing each run's table and then the mean. */
async function fedPneumonia(o: PneumoniaCliOptions): Promise<void> {
  const log = createLogger({ level: o.logLevel, destination: process.stderr });
  if (o.dpEpsilon === undefined)
    log.warn('differential privacy is off (no --dp-epsilon): updates carry no DP guarantee');
  const data = o.format === 'dicom' ? await loadPneumoniaDicom() : await loadPneumonia();
  const runs = await runPneumoniaSeeds({
    seeds: o.seeds,
    options: {
      data,
      ...(o.rounds === undefined ? {} : { rounds: o.rounds }),
      ...(o.dpEpsilon === undefined ? {} : { dp: { epsilon: o.dpEpsilon } }),
      ...(o.augment === undefined ? {} : { augment: o.augment }),
    },
    logLevel: o.logLevel,
    ...(o.workers === undefined ? {} : { workers: o.workers }),
    onRound: (seed, round, total) => process.stderr.write(progressLine(`fed-pneumonia seed ${seed}`, round, total)),
    onResult: (r) => process.stdout.write(`${renderPneumonia(r)}\n`),
  });
  const summary = summarisePneumonia(runs);
  process.stdout.write(`${renderPneumoniaSummary(summary)}\n`);
  writeFigures(o.json, summary);
  if (runs.some((r) => !r.ledger.ok)) process.exitCode = 1;
}

const f3 = (x: number | null | undefined) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(3) : 'n/a');

function privacyLine(r: PneumoniaResult): string {
  const p = r.privacy;
  if (!p) return 'no DP';
  return `record-level DP (ε ${p.targetEpsilon}, δ ${p.delta}): DP-SGD q ${p.samplingRate}, clip ${p.clip}, σ ${p.noiseMultiplier.toFixed(3)}, ${p.stepsPerRound} steps a round`;
}

/** How the images were read; rejections by reason code (counts only: the intake names no file). */
export function intakeLine(r: PneumoniaResult): string {
  const i = r.intake;
  const reasons = Object.entries(i.rejected).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const rejected = reasons.length === 0 ? 'none' : reasons.map(([k, n]) => `${k} ${n}`).join(', ');
  const how =
    i.format === 'dicom'
      ? `read as DICOM: ${i.files} files wrapped with generated patient headers (${i.burnedIn} flagged BurnedInAnnotation YES), de-identified at intake`
      : 'read as PNG';
  return `images ${how}; ${i.read} read, ${i.used} used, rejected by reason: ${rejected}`;
}

export function renderPneumonia(r: PneumoniaResult): string {
  const plain = !process.stdout.isTTY;
  const t = new Table({
    ...(plain ? { style: { head: [], border: [] } } : {}),
    head: [
      'hospital',
      'train normal',
      'train pneumonia',
      'own test n',
      ...(r.privacy ? ['ε spent (charged)', 'rounds charged'] : []),
    ],
  });
  for (const [h, s] of Object.entries(r.split.hospitals)) {
    const spent = r.privacy?.spent[h];
    t.push([h, s.train[0], s.train[1], s.test, ...(spent ? [f3(spent.spend.epsilon), spent.rounds] : [])]);
  }
  const ms = r.roundTimesMs.reduce((s, x) => s + x, 0) / Math.max(1, r.roundTimesMs.length);
  const l = r.local;
  return [
    `fed-pneumonia: ${r.rounds} rounds FedAvg, secure aggregation, ${privacyLine(r)}, seed ${r.seed}, Dirichlet(${r.split.alpha}) split of ${r.split.trainUsed} training images, CNN ${r.params} parameters, local ${l.epochs} epoch ${l.optimizer} lr ${l.learningRate} batch ${l.batchSize}, augment ${augmentText(r.augment)}, tfjs ${r.backend}, ${ms.toFixed(0)} ms/round, ${(r.wallTimeMs / 1000).toFixed(1)} s`,
    t.toString(),
    intakeLine(r),
    `final global model on the official test split (${r.test.n} images, computed by the simulation): ACC ${f3(r.test.accuracy)}, AUC ${f3(r.test.auc)} (majority class ACC ${f3(r.test.majorityAccuracy)}); on the official val split (${r.val.n} images, what settings are chosen on): ACC ${f3(r.val.accuracy)}, AUC ${f3(r.val.auc)}; released by the hospitals on their own test splits: ACC ${f3(r.releasedAccuracy)}; ledger ${r.ledger.ok ? 'verified' : `FAILED: ${r.ledger.firstFailure}`}`,
  ].join('\n');
}

export interface PneumoniaSummary {
  scenario: 'fed-pneumonia';
  rounds: number;
  seeds: number[];
  epsilon: number | null;
  format: PneumoniaResult['intake']['format'];
  meanAccuracy: number;
  meanAuc: number;
  meanValAccuracy: number;
  meanValAuc: number;
  meanWallTimeMs: number;
  medmnist: typeof MEDMNIST_FIGURES;
  runs: PneumoniaResult[];
}

export function summarisePneumonia(runs: PneumoniaResult[]): PneumoniaSummary {
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  return {
    scenario: 'fed-pneumonia',
    rounds: runs[0]!.rounds,
    seeds: runs.map((r) => r.seed),
    epsilon: runs[0]!.privacy?.targetEpsilon ?? null,
    format: runs[0]!.intake.format,
    meanAccuracy: mean(runs.map((r) => r.test.accuracy)),
    meanAuc: mean(runs.map((r) => r.test.auc)),
    meanValAccuracy: mean(runs.map((r) => r.val.accuracy)),
    meanValAuc: mean(runs.map((r) => r.val.auc)),
    meanWallTimeMs: mean(runs.map((r) => r.wallTimeMs)),
    medmnist: MEDMNIST_FIGURES,
    runs,
  };
}

export function renderPneumoniaSummary(s: PneumoniaSummary): string {
  const per = s.runs.map((r) => `${r.seed}: ${f3(r.test.accuracy)}/${f3(r.test.auc)}`).join(', ');
  const dp = `${s.epsilon === null ? 'no DP' : `ε ${s.epsilon}`}${s.format === 'dicom' ? ', images read as DICOM' : ''}`;
  return `mean over seeds (ACC/AUC ${per}), ${dp}: test ACC ${f3(s.meanAccuracy)}, AUC ${f3(s.meanAuc)} (val ACC ${f3(s.meanValAccuracy)}, AUC ${f3(s.meanValAuc)}); MedMNIST v2 ${MEDMNIST_FIGURES.model}: ACC ${MEDMNIST_FIGURES.accuracy}, AUC ${MEDMNIST_FIGURES.auc}`;
}

/** The scenario as cli/simulate.ts registers it. */
export const PNEUMONIA_SCENARIO = {
  name: 'fed-pneumonia',
  description:
    '4 hospitals (PneumoniaMNIST chest X-rays, Dirichlet(0.5) label skew) train a small CNN by FedAvg under secure aggregation, without DP or with record-level DP-SGD (--dp-epsilon); ACC and AUC on the official test split, mean over seeds',
  options: pneumoniaOptions,
  json: 'also write the runs and their mean as JSON',
  logLevel: 'warn',
  action: fedPneumonia as Parameters<Command['action']>[0],
};
