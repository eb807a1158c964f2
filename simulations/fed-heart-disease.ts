/**
 * The embedded default job: UCI Heart Disease across its four real centres
 * (FLamby's Fed-Heart-Disease task), one coordinator and four hospital daemons
 * talking over real WebSockets on loopback, followed by a centralised
 * (pooled-data) baseline trained by the same trainer code for comparison.
 */
import { cosignaturesSettled, finalModel, releasedAccuracy, runFederation } from './federation.ts';
import type { OnRound, SimulatedFederation } from './federation.ts';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { silentLogger, type Logger } from '../edge/log.ts';
import { logisticRegression } from '../core/model/spec.ts';
import { initialWeights } from '../core/model/init.ts';
import { pooledMetrics, type Metrics } from '../core/metrics.ts';
import type { JobSpec, JobSpecInput, StrategyName } from '../core/job/spec.ts';
import { stepsPerRound } from '../core/job/privacy.ts';
import type { SpendReport } from '../core/privacy/spend.ts';
import { BudgetStore } from '../client/budget-store.ts';
import type { HospitalState } from '../client/hospital-state.ts';
import { verifyFiles } from '../coordinator/ledger-audit.ts';
import type { PreparedDataset } from '../core/data/types.ts';
import { Coordinator } from '../coordinator/coordinator.ts';
import { ClientDaemon } from '../client/daemon.ts';
import { simulatedNetwork } from './network.ts';
import { loadSchemaFile, readCsvDataset } from '../client/intake/csv.ts';
import { evaluateModel, loadTf, trainLocal } from '../client/trainer/index.ts';
import { concatSplits } from '../core/data/index.ts';

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
  /**
   * DP settings of the CLI's embedded job: record level, (1, 1e-5) for the
   * whole job, per-example clip 1, Poisson rate q = 0.1 (about 10–24 records
   * per batch at these centres' sizes).
   */
  dp: { unit: 'record' as const, epsilon: 1, clip: 1, samplingRate: 0.1, delta: 1e-5 },
  /** Each simulated hospital's total budget unless --budget says otherwise. */
  budgetEpsilon: 10,
};

export interface DpOptions {
  unit: 'record' | 'hospital';
  epsilon: number;
  delta?: number;
  clip?: number;
  samplingRate?: number;
  accountant?: 'pld' | 'rdp';
}

export interface FedHeartOptions {
  rounds?: number;
  strategy?: StrategyName;
  seed?: number;
  /** Secure aggregation (default true); false is the explicit plaintext opt-out. */
  secagg?: boolean;
  /** Keep the coordinator's database here (default: a temp file); the hospitals' budget databases go beside it. */
  dbPath?: string;
  /** Differential privacy for the job (default: none). */
  dp?: DpOptions;
  /** Each hospital's total privacy budget (ε at the job's δ); enforced when `dp` is set. */
  budgetEpsilon?: number;
  log?: Logger;
  /** Called after each completed round. */
  onRound?: OnRound;
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
  /** Pooled over the centres' test splits, as each hospital's operator measures it locally. */
  pooledAccuracy: number;
  pooledAuc: number;
  /** Pooled accuracy from what the hospitals released: noisy counts in a DP job (null if all withheld). */
  releasedAccuracy: number | null;
  perCenter: Record<string, CenterFigures>;
  baseline: { pooledAccuracy: number; pooledAuc: number; perCenter: Record<string, CenterFigures> };
  roundTimesMs: number[];
  wallTimeMs: number;
  /** The job's guarantee and what each hospital's budget database recorded as spent; null without DP. */
  privacy: PrivacyFigures | null;
  /** `cohort ledger verify` of the coordinator's ledger against the hospitals' copies, after the job. */
  /** `witnessed`: spends a cosignature of their hospital covers (hospitals cosign checkpoints, client/witness.ts). */
  ledger: { ok: boolean; entries: number; headHash: string; witnessed: number; firstFailure: string | null };
}

export interface PrivacyFigures {
  unit: 'record' | 'hospital';
  targetEpsilon: number;
  delta: number;
  noiseMultiplier: number;
  clip: number;
  samplingRate: number | null;
  stepsPerRound: number;
  accountant: 'pld' | 'rdp';
  /** Per centre: rounds charged and the cumulative spend by both accountants. */
  spent: Record<string, { rounds: number; spend: SpendReport }>;
}

export async function loadHeartDisease(): Promise<Record<string, PreparedDataset>> {
  const schema = await loadSchemaFile(join(DATA_DIR, 'schema.json'));
  const out: Record<string, PreparedDataset> = {};
  for (const c of CENTERS) out[c] = await readCsvDataset(join(DATA_DIR, `${c}.csv`), schema);
  return out;
}

export function heartDiseaseJob(
  features: readonly string[],
  label: string,
  o: { rounds: number; strategy: StrategyName; seed: number; secagg?: boolean; dp?: DpOptions },
): JobSpecInput {
  const dp = o.dp;
  return {
    ...(dp
      ? {
          privacy: {
            unit: dp.unit,
            epsilon: dp.epsilon,
            delta: dp.delta ?? DEFAULTS.dp.delta,
            clip: dp.clip ?? DEFAULTS.dp.clip,
            accountant: dp.accountant ?? 'pld',
            ...(dp.unit === 'record' ? { samplingRate: dp.samplingRate ?? DEFAULTS.dp.samplingRate } : {}),
          },
        }
      : {}),
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
  const { tf, backend } = await loadTf(log);

  const job = heartDiseaseJob(first.features, first.label, {
    rounds,
    strategy,
    seed,
    secagg,
    ...(opts.dp ? { dp: opts.dp } : {}),
  });
  const plan = { names: CENTERS, network: 'fed-heart-disease', log, dbPath: opts.dbPath };
  return runFederation(plan, { spec: job, onRound: opts.onRound }, (fed) => {
    const { net, coordinator, port, dbPath, statePath } = fed;
    const states = opts.dp ? openStates(fed, opts, opts.dp, data) : null;
    const budgets = states ? Object.fromEntries(Object.entries(states).map(([c, st]) => [c, st.budget])) : null;
    const clients = CENTERS.map((c) => hospitalDaemon(c, port, net, data[c]!, log, states?.[c]));
    const finish = async (jobId: string, roundTimesMs: number[]): Promise<FedHeartResult> => {
      // The hospitals' ledger copies are verified below: the last entries reach them only as the job ends.
      if (states) await cosignaturesSettled(coordinator, jobId, log);

      const evaluated = await finalEvaluation(coordinator, jobId, tf, data);
      const baseline = await centralisedBaseline(data, { rounds, seed });
      return {
        scenario: 'fed-heart-disease',
        strategy,
        seed,
        rounds,
        secagg,
        backend,
        jobId,
        dbPath,
        ...evaluated,
        baseline,
        roundTimesMs,
        wallTimeMs: performance.now() - started,
        privacy: budgets ? privacyFigures(coordinator.database.getJob(jobId)!.spec, budgets, data) : null,
        ledger: ledgerFigures(dbPath, budgets ? CENTERS.map(statePath) : []),
      };
    };
    return { clients, finish };
  });
}

/** Each hospital's own budget database, as a real site keeps it, with the job's budget set. */
function openStates(
  fed: SimulatedFederation,
  opts: FedHeartOptions,
  dp: NonNullable<FedHeartOptions['dp']>,
  data: Awaited<ReturnType<typeof loadHeartDisease>>,
): Record<string, HospitalState> {
  return Object.fromEntries(
    CENTERS.map((c) => {
      const state = fed.openState(fed.statePath(c));
      state.budget.setBudget(data[c]!.schemaId, {
        epsilon: opts.budgetEpsilon ?? DEFAULTS.budgetEpsilon,
        delta: dp.delta ?? DEFAULTS.dp.delta,
        accountant: dp.accountant ?? 'pld',
      });
      return [c, state];
    }),
  );
}

/**
 * The final model evaluated by each hospital's operator on its own test
 * split: in a DP job only noisy counts left the hospitals, and those are
 * reported beside it (releasedAccuracy).
 */
async function finalEvaluation(
  coordinator: Coordinator,
  jobId: string,
  tf: Awaited<ReturnType<typeof loadTf>>['tf'],
  data: Awaited<ReturnType<typeof loadHeartDisease>>,
) {
  const { final, spec, weights } = finalModel(coordinator, jobId);
  const evals: Record<string, Metrics> = {};
  for (const c of CENTERS) evals[c] = await evaluateModel(tf, spec.model, weights, data[c]!.test);
  const pooled = pooledMetrics(Object.values(evals));
  return {
    pooledAccuracy: pooled.accuracy,
    pooledAuc: pooled.auc,
    perCenter: figures(evals),
    releasedAccuracy: releasedAccuracy(final),
  };
}

/** A hospital's daemon; with `state`, its own budget, ledger copy and outputs. */
export function hospitalDaemon(
  name: string,
  port: number,
  net: ReturnType<typeof simulatedNetwork>,
  dataset: PreparedDataset,
  log: Logger,
  state: HospitalState | undefined,
): ClientDaemon {
  return new ClientDaemon({
    coordinatorUrl: `ws://127.0.0.1:${port}`,
    name,
    dataset,
    log,
    identity: net.identity(name),
    roster: net.chain,
    ...(state ? { budget: state.budget, ledger: state.ledger, outputs: state.outputs } : {}),
  });
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
  const train = concatSplits(CENTERS.map((c) => data[c]!.train));
  const local = { ...DEFAULTS.local, epochs: DEFAULTS.local.epochs * o.rounds, proximalMu: 0, maxSteps: 0 };
  const w0 = initialWeights(spec, o.seed);
  const out = await trainLocal(tf, { spec, local, weights: w0, data: train, seed: o.seed });
  const w = w0.map((x, i) => x + out.delta[i]!);
  const evals: Record<string, Metrics> = {};
  for (const c of CENTERS) evals[c] = await evaluateModel(tf, spec, w, data[c]!.test);
  const pooled = pooledMetrics(Object.values(evals));
  return { pooledAccuracy: pooled.accuracy, pooledAuc: pooled.auc, perCenter: figures(evals) };
}

function ledgerFigures(dbPath: string, hospitalLedgers: string[]): FedHeartResult['ledger'] {
  // Waits for no late cosignatures: a spend no cosignature covers yet is a note, not a failure.
  const r = verifyFiles({ db: dbPath, hospitalLedger: hospitalLedgers });
  const f = r.failures[0];
  return {
    ok: r.ok,
    entries: r.entries,
    headHash: r.head?.hash ?? '',
    witnessed: r.spendsWitnessed,
    firstFailure: f ? `entry ${f.seq}: ${f.code}: ${f.message}` : null,
  };
}

function privacyFigures(
  spec: JobSpec,
  budgets: Record<string, BudgetStore>,
  data: Record<string, PreparedDataset>,
): PrivacyFigures {
  const p = spec.privacy!;
  return {
    unit: p.unit,
    targetEpsilon: p.epsilon,
    delta: p.delta,
    noiseMultiplier: p.noiseMultiplier!,
    clip: p.clip,
    samplingRate: p.samplingRate ?? null,
    stepsPerRound: p.unit === 'record' ? stepsPerRound(spec, p) : 1,
    accountant: p.accountant,
    spent: Object.fromEntries(
      CENTERS.map((c) => {
        const summary = budgets[c]!.summary(data[c]!.schemaId);
        return [c, { rounds: summary.perJob.reduce((n, j) => n + j.rounds, 0), spend: summary.spent }];
      }),
    ),
  };
}

function figures(evals: Record<string, Metrics>): Record<string, CenterFigures> {
  return Object.fromEntries(
    Object.entries(evals).map(([c, m]) => [c, { numTest: m.numExamples, accuracy: m.accuracy, auc: m.auc }]),
  );
}
