/**
 * Fed-TCGA-BRCA (FLamby; simulations/data/tcga-brca/README.md): survival of
 * 1,088 breast-cancer patients held by six regional hospitals, a linear Cox
 * model trained by FedAvg under secure aggregation, with one coordinator and
 * six hospital daemons over loopback WebSockets (as fed-heart-disease).
 *
 * The headline figure, Harrell's C-index on FLamby's pooled test split, is
 * computed here by the simulation, which holds every region's data, from the
 * job's final global model: no hospital could compute it, since it pools the
 * test records of all six. Beside it: what each hospital released for the
 * final model (its local C-index and Cox loss, exact: the job has no DP), and
 * a pooled-data baseline trained by the same trainer code.
 */
import { finalModel, runFederation, type OnRound } from './federation.ts';
import { silentLogger, type Logger } from '../edge/log.ts';
import { initialWeights } from '../core/model/init.ts';
import type { ModelSpec } from '../core/model/spec.ts';
import type { Task } from '../core/model/task.ts';
import type { Metrics } from '../core/metrics.ts';
import type { JobSpecInput } from '../core/job/spec.ts';
import { concatSplits } from '../core/data/index.ts';
import { evaluateModel, loadTf, trainLocal } from '../client/trainer/index.ts';
import { hospitalDaemon } from './fed-heart-disease.ts';
import { loadTcgaBrca, REGIONS, type Region, type TcgaBrcaData } from './tcga-brca-data.ts';

export const SURVIVAL: Task = { kind: 'survival' };

/** FLamby's baseline model: one linear layer, 39 features to a Cox risk score (no activation: the task takes the raw score). */
export function coxModel(inputDim: number): ModelSpec {
  return { inputDim, layers: [{ units: 1, activation: 'linear' }] };
}

/**
 * The scenario's settings. Local training is FLamby's pooled protocol (Adam,
 * lr 0.1, batch 8) for one epoch a round; 30 rounds make the 30 epochs of
 * FLamby's pooled run. FLamby's FedAvg runs instead take a fixed number of
 * local SGD steps per round (1, 10 or 100) over as many rounds as give the
 * pooled run's total steps; Adam's moments here restart every round.
 */
export const TCGA_DEFAULTS = {
  rounds: 30,
  seeds: [1, 2, 3, 4, 5],
  local: { epochs: 1, batchSize: 8, learningRate: 0.1, optimizer: 'adam' as const, proximalMu: 0 },
};

export interface TcgaOptions {
  rounds?: number;
  seed?: number;
  /** Also train the pooled-data baseline (default true). */
  baseline?: boolean;
  /** Keep the coordinator's database here (default: a temp file). */
  dbPath?: string;
  log?: Logger;
  /** Called after each completed round. */
  onRound?: OnRound;
  /** The data (default: loaded from simulations/data/tcga-brca); tests pass it in to load it once. */
  data?: TcgaBrcaData;
}

export interface TcgaResult {
  scenario: 'fed-tcga-brca';
  seed: number;
  rounds: number;
  backend: string;
  jobId: string;
  dbPath: string;
  local: typeof TCGA_DEFAULTS.local;
  /** C-index of the final global model on FLamby's pooled test split (computed by the simulation). */
  pooledCIndex: number;
  /** Cox negative partial log-likelihood per record of the final model on the pooled test split. */
  pooledLoss: number;
  numTest: number;
  /** What each hospital released for the final model (its own test split): C-index, Cox loss, records. */
  released: Record<string, { cIndex: number; loss: number; numTest: number }>;
  /** The same model, trained by the same code on the union of the training splits for `rounds` epochs. */
  baseline: { pooledCIndex: number } | null;
  roundTimesMs: number[];
  wallTimeMs: number;
}

export function tcgaJob(features: readonly string[], label: string, o: { rounds: number; seed: number }): JobSpecInput {
  return {
    name: 'fed-tcga-brca',
    model: coxModel(features.length),
    task: SURVIVAL,
    features: [...features],
    label,
    rounds: o.rounds,
    minClients: 4,
    targetClients: REGIONS.length,
    roundTimeoutMs: 60_000,
    joinWaitMs: 5_000,
    local: TCGA_DEFAULTS.local,
    strategy: { name: 'fedavg' },
    seed: o.seed,
    secureAggregation: { enabled: true },
  };
}

export async function runFedTcgaBrca(opts: TcgaOptions = {}): Promise<TcgaResult> {
  const rounds = opts.rounds ?? TCGA_DEFAULTS.rounds;
  const seed = opts.seed ?? TCGA_DEFAULTS.seeds[0]!;
  const log = opts.log ?? silentLogger;
  const started = performance.now();
  const data = opts.data ?? (await loadTcgaBrca());
  const first = data.regions[REGIONS[0]];
  const { tf, backend } = await loadTf(log);

  const job = tcgaJob(first.features, first.label, { rounds, seed });
  const plan = { names: REGIONS, network: 'fed-tcga-brca', log, dbPath: opts.dbPath };
  return runFederation(plan, { spec: job, onRound: opts.onRound }, (fed) => {
    const { net, coordinator, port, dbPath } = fed;
    const clients = REGIONS.map((r) => hospitalDaemon(r, port, net, data.regions[r], log, undefined));
    const finish = async (jobId: string, roundTimesMs: number[]): Promise<TcgaResult> => {
      const { final, spec, weights } = finalModel(coordinator, jobId);
      const pooled = await evaluateModel(tf, spec.model, weights, data.pooledTest, SURVIVAL);
      const baseline = opts.baseline === false ? null : { pooledCIndex: await pooledBaseline(data, { rounds, seed }) };
      return {
        scenario: 'fed-tcga-brca',
        seed,
        rounds,
        backend,
        jobId,
        dbPath,
        local: TCGA_DEFAULTS.local,
        pooledCIndex: pooled.cIndex ?? Number.NaN,
        pooledLoss: pooled.loss,
        numTest: pooled.numExamples,
        released: releasedFigures(final.evaluations),
        baseline,
        roundTimesMs,
        wallTimeMs: performance.now() - started,
      };
    };
    return { clients, finish };
  });
}

/** The final evaluation as the coordinator stored it (a NaN C-index is stored as null). */
function releasedFigures(evaluations: Record<string, Metrics>): TcgaResult['released'] {
  return Object.fromEntries(
    Object.entries(evaluations).map(([h, m]) => [
      h,
      { cIndex: typeof m.cIndex === 'number' ? m.cIndex : Number.NaN, loss: m.loss, numTest: m.numExamples },
    ]),
  );
}

/**
 * Pooled-data baseline: the same model, initialisation and local optimiser,
 * trained on the union of the six training splits for `rounds` epochs
 * (FLamby's pooled protocol at the default 30), C-index on the pooled test split.
 */
export async function pooledBaseline(data: TcgaBrcaData, o: { rounds: number; seed: number }): Promise<number> {
  const { tf } = await loadTf();
  const spec = coxModel(data.pooledTest.d);
  const train = concatSplits(REGIONS.map((r: Region) => data.regions[r].train));
  const local = { ...TCGA_DEFAULTS.local, epochs: o.rounds, maxSteps: 0 };
  const w0 = initialWeights(spec, o.seed);
  const out = await trainLocal(tf, { spec, task: SURVIVAL, local, weights: w0, data: train, seed: o.seed });
  const w = w0.map((x, i) => x + out.delta[i]!);
  return (await evaluateModel(tf, spec, w, data.pooledTest, SURVIVAL)).cIndex ?? Number.NaN;
}
