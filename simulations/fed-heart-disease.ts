/**
 * The embedded default job: UCI Heart Disease across its four real centres
 * (FLamby's Fed-Heart-Disease task), one coordinator and four hospital daemons
 * talking over real WebSockets on loopback, followed by a centralised
 * (pooled-data) baseline trained by the same trainer code for comparison.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { silentLogger, type Logger } from '../core/log.ts';
import { CohortError } from '../core/errors.ts';
import { logisticRegression } from '../core/model/spec.ts';
import { initialWeights } from '../core/model/init.ts';
import { pooledMetrics, type Metrics } from '../core/metrics.ts';
import type { JobSpecInput, StrategyName } from '../core/job/spec.ts';
import type { DatasetSplit, PreparedDataset } from '../core/data/types.ts';
import { Coordinator } from '../coordinator/coordinator.ts';
import { ClientDaemon } from '../client/daemon.ts';
import { ed25519KeyPair } from '../core/secagg/index.ts';
import { loadSchemaFile, readCsvDataset } from '../client/intake/csv.ts';
import { evaluateModel, loadTf, trainLocal } from '../client/trainer/index.ts';

export const DATA_DIR = join(dirname(fileURLToPath(import.meta.url)), 'data', 'heart-disease');
export const CENTERS = ['cleveland', 'hungarian', 'switzerland', 'va'] as const;

/**
 * Training settings of the embedded job: logistic regression, plain
 * minibatch SGD on clients with conventional values (not tuned on the test
 * splits); server optimisers keep the job-spec defaults.
 */
export const DEFAULTS = {
  rounds: 20,
  strategy: 'fedavg' as StrategyName,
  seed: 1,
  local: { epochs: 1, batchSize: 8, learningRate: 0.05, optimizer: 'sgd' as const },
  proximalMu: 0.1,
};

export interface FedHeartOptions {
  rounds?: number;
  strategy?: StrategyName;
  seed?: number;
  /** Secure aggregation (default true); false is the explicit plaintext opt-out. */
  secagg?: boolean;
  /** Keep the coordinator's database here (default: a temp file). */
  dbPath?: string;
  log?: Logger;
  /** Called after each completed round. */
  onRound?: (round: number, totalRounds: number, pooled: Metrics | null) => void;
}

export interface CenterFigures {
  numTest: number;
  accuracy: number;
  auc: number;
}

export interface FedHeartResult {
  scenario: 'fed-heart-disease';
  strategy: StrategyName;
  seed: number;
  rounds: number;
  secagg: boolean;
  backend: string;
  jobId: string;
  dbPath: string;
  pooledAccuracy: number;
  pooledAuc: number;
  perCenter: Record<string, CenterFigures>;
  baseline: { pooledAccuracy: number; pooledAuc: number; perCenter: Record<string, CenterFigures> };
  roundTimesMs: number[];
  wallTimeMs: number;
}

export async function loadHeartDisease(): Promise<Record<string, PreparedDataset>> {
  const schema = await loadSchemaFile(join(DATA_DIR, 'schema.json'));
  const out: Record<string, PreparedDataset> = {};
  for (const c of CENTERS) out[c] = await readCsvDataset(join(DATA_DIR, `${c}.csv`), schema);
  return out;
}

export function heartDiseaseJob(features: readonly string[], label: string, o: { rounds: number; strategy: StrategyName; seed: number; secagg?: boolean }): JobSpecInput {
  return {
    name: 'fed-heart-disease',
    model: logisticRegression(features.length),
    features: [...features],
    label,
    rounds: o.rounds,
    minClients: 3,
    targetClients: CENTERS.length,
    roundTimeoutMs: 60_000,
    joinWaitMs: 5_000,
    local: { ...DEFAULTS.local, proximalMu: o.strategy === 'fedprox' ? DEFAULTS.proximalMu : 0 },
    strategy: { name: o.strategy },
    seed: o.seed,
    secureAggregation: { enabled: o.secagg ?? true },
  };
}

export async function runFedHeartDisease(opts: FedHeartOptions = {}): Promise<FedHeartResult> {
  const rounds = opts.rounds ?? DEFAULTS.rounds;
  const strategy = opts.strategy ?? DEFAULTS.strategy;
  const seed = opts.seed ?? DEFAULTS.seed;
  const secagg = opts.secagg ?? true;
  const log = opts.log ?? silentLogger;
  const started = performance.now();
  const data = await loadHeartDisease();
  const first = data[CENTERS[0]]!;
  const { backend } = await loadTf(log);

  const dbPath = opts.dbPath ?? join(mkdtempSync(join(tmpdir(), 'cohort-')), 'coordinator.db');
  const coordinator = new Coordinator({ dbPath, log, port: 0 });
  const port = await coordinator.listen();
  const clients = CENTERS.map((c) => new ClientDaemon({ coordinatorUrl: `ws://127.0.0.1:${port}`, name: c, dataset: data[c]!, log, identity: ed25519KeyPair() }));
  const roundTimesMs: number[] = [];
  try {
    const jobId = coordinator.submitJob(heartDiseaseJob(first.features, first.label, { rounds, strategy, seed, secagg }));
    let last = performance.now();
    const done = new Promise<void>((resolve, reject) => {
      coordinator.on('round', ({ jobId: id, record, totalRounds }) => {
        if (id !== jobId) return;
        const now = performance.now();
        roundTimesMs.push(now - last);
        last = now;
        opts.onRound?.(record.round, totalRounds, record.pooled);
      });
      coordinator.on('job', ({ jobId: id, status, reason }) => {
        if (id !== jobId) return;
        if (status === 'completed') resolve();
        else if (status === 'failed' || status === 'cancelled') reject(new CohortError('E_JOB_FAILED', `job ${status}: ${reason}`));
      });
    });
    for (const c of clients) c.start();
    await done;

    const final = coordinator.database.rounds(jobId).at(-1);
    if (!final || final.kind !== 'evaluate') throw new CohortError('E_JOB_FAILED', 'job ended without a final evaluation');
    const perCenter = figures(final.evaluations);
    const pooled = pooledMetrics(Object.values(final.evaluations));
    const baseline = await centralisedBaseline(data, { rounds, seed });
    return {
      scenario: 'fed-heart-disease', strategy, seed, rounds, secagg, backend, jobId, dbPath,
      pooledAccuracy: pooled.accuracy, pooledAuc: pooled.auc, perCenter, baseline,
      roundTimesMs, wallTimeMs: performance.now() - started,
    };
  } finally {
    await Promise.all(clients.map((c) => c.stop()));
    await coordinator.close();
  }
}

/**
 * Pooled-data baseline: the same model, initialisation and local optimiser,
 * trained on the union of the four training splits for as many epochs as
 * each client trained in total, then evaluated on each centre's test split.
 */
export async function centralisedBaseline(data: Record<string, PreparedDataset>, o: { rounds: number; seed: number }) {
  const { tf } = await loadTf();
  const first = data[CENTERS[0]]!;
  const spec = logisticRegression(first.features.length);
  const train = concat(CENTERS.map((c) => data[c]!.train));
  const local = { ...DEFAULTS.local, epochs: DEFAULTS.local.epochs * o.rounds, proximalMu: 0, maxSteps: 0 };
  const w0 = initialWeights(spec, o.seed);
  const out = await trainLocal(tf, { spec, local, weights: w0, data: train, seed: o.seed });
  const w = w0.map((x, i) => x + out.delta[i]!);
  const evals: Record<string, Metrics> = {};
  for (const c of CENTERS) evals[c] = await evaluateModel(tf, spec, w, data[c]!.test);
  const pooled = pooledMetrics(Object.values(evals));
  return { pooledAccuracy: pooled.accuracy, pooledAuc: pooled.auc, perCenter: figures(evals) };
}

function figures(evals: Record<string, Metrics>): Record<string, CenterFigures> {
  return Object.fromEntries(Object.entries(evals).map(([c, m]) => [c, { numTest: m.numExamples, accuracy: m.accuracy, auc: m.auc }]));
}

function concat(splits: DatasetSplit[]): DatasetSplit {
  const d = splits[0]!.d;
  const n = splits.reduce((s, x) => s + x.n, 0);
  const x = new Float32Array(n * d);
  const y = new Float32Array(n);
  let off = 0;
  for (const s of splits) {
    x.set(s.x, off * d);
    y.set(s.y, off);
    off += s.n;
  }
  return { x, y, n, d };
}
