/**
 * `cohort simulate synthetic-ehr`: N non-IID hospitals whose records are
 * generated (names, MRNs, addresses and all), read through the
 * de-identifying intake (even hospitals from their CSV export, odd ones from
 * their FHIR NDJSON bulk export), then one coordinator and N daemons train a
 * CAD model over loopback with secure aggregation and record-level DP. Each
 * hospital's records, site secret, state database and the coordinator's
 * database stay in the work directory for inspection.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { silentLogger, type Logger } from '../../edge/log.ts';
import { CohortError } from '../../core/errors.ts';
import { logisticRegression } from '../../core/model/spec.ts';
import { secureAggregationSchema } from '../../core/job/spec.ts';
import { fewestHospitals } from '../../core/job/fewest-hospitals.ts';
import { pooledMetrics, type Metrics } from '../../core/metrics.ts';
import type { PreparedDataset } from '../../core/data/types.ts';
import { cosignaturesSettled, finalModel, releasedAccuracy, runFederation, type OnRound } from '../federation.ts';
import { evaluateModel, loadTf } from '../../client/trainer/index.ts';
import { verifyFiles } from '../../coordinator/ledger-audit.ts';
import { ClientDaemon } from '../../client/daemon.ts';
import { loadOrCreateSiteSecret, loadSchemaFile, readDataset } from '../../client/intake/index.ts';
import type { IntakeReport } from '../../core/data/types.ts';
import { writeSyntheticHospitals, type SiteIdentifiers } from './index.ts';

export const SCHEMAS_DIR = fileURLToPath(new URL('./schemas/', import.meta.url));
/** The job's secure aggregation: the spec's defaults. */
const SECURE_AGGREGATION = secureAggregationSchema.parse({});

export interface SyntheticEhrOptions {
  hospitals?: number;
  patientsPerHospital?: number;
  rounds?: number;
  seed?: number;
  /** Keep records, secrets and databases here (default: a new temporary directory). */
  workdir?: string;
  /** Whole-job target epsilon (record level). */
  epsilon?: number;
  log?: Logger;
  onRound?: OnRound;
}

export interface SyntheticEhrHospital {
  name: string;
  profile: string;
  format: 'csv' | 'fhir-ndjson';
  train: number;
  test: number;
  intake: Pick<IntakeReport, 'rowsRead' | 'rowsUsed' | 'rowsDropped'> & { k: number | null };
  /** The final model on this hospital's own test split (`test` records), as its operator measures it: exact, kept there. */
  accuracy: number;
  /** NaN when undefined: the test split holds one class only. */
  auc: number;
}

export interface SyntheticEhrResult {
  scenario: 'synthetic-ehr';
  workdir: string;
  rounds: number;
  hospitals: SyntheticEhrHospital[];
  /** Correct over all the hospitals' test records: each example weighs the same. */
  pooledAccuracy: number;
  /** The example-weighted mean of the hospitals' defined AUCs (core/metrics.ts pooledMetrics); NaN if none is. */
  pooledAuc: number;
  /** The pooled accuracy of what left the hospitals: noisy counts (record-level DP), so only roughly the above. */
  releasedAccuracy: number | null;
  ledgerOk: boolean;
  /** Every identifying value generated, per hospital (for leak checks; not printed). */
  identifiers: SiteIdentifiers[];
}

export async function runSyntheticEhr(o: SyntheticEhrOptions = {}): Promise<SyntheticEhrResult> {
  const n = o.hospitals ?? 4;
  checkHospitals(n);
  const rounds = o.rounds ?? 10;
  const seed = o.seed ?? 1;
  const log = o.log ?? silentLogger;
  const dir = o.workdir ?? mkdtempSync(join(tmpdir(), 'cohort-ehr-'));
  mkdirSync(dir, { recursive: true });
  const written = await writeSyntheticHospitals({
    dir,
    hospitals: n,
    patientsPerHospital: o.patientsPerHospital ?? 600,
    seed,
    formats: ['csv', 'ndjson'],
  });
  const { data, formats } = await intakeSites(written.hospitals);
  const first = data[0]!;

  const names = written.hospitals.map((h) => h.name);
  const job = { spec: jobSpec(first, n, rounds, seed, o.epsilon ?? 2), onRound: o.onRound };
  const plan = { names, network: 'synthetic-ehr', log, dbPath: join(dir, 'coordinator.db') };
  return runFederation(plan, job, (fed) => {
    // Each hospital's state database stays in its own directory (not fed.statePath), beside its records and site secret.
    const statePaths = written.hospitals.map((h) => join(h.dir, 'state.db'));
    const states = Object.fromEntries(
      names.map((name, i) => {
        const st = fed.openState(statePaths[i]!);
        st.budget.setBudget(data[i]!.schemaId, { epsilon: 10, delta: 1e-5, accountant: 'pld' });
        return [name, st];
      }),
    );
    const clients = names.map(
      (name, i) =>
        new ClientDaemon({
          coordinatorUrl: `ws://127.0.0.1:${fed.port}`,
          name,
          dataset: data[i]!,
          log,
          identity: fed.net.identity(name),
          roster: fed.net.chain,
          budget: states[name]!.budget,
          ledger: states[name]!.ledger,
          outputs: states[name]!.outputs,
        }),
    );
    const finish = async (jobId: string) => {
      // The hospitals' ledger copies are verified below: the last entries reach them only as the job ends.
      await cosignaturesSettled(fed.coordinator, jobId, log);
      const { final, spec, weights } = finalModel(fed.coordinator, jobId);
      // The coordinator holds only noisy counts (their denominators are noisy too): each operator measures its own split.
      const { tf } = await loadTf(log);
      const measured: Metrics[] = [];
      for (const d of data) measured.push(await evaluateModel(tf, spec.model, weights, d.test));
      return {
        ...summary(written.hospitals, data, formats, measured),
        releasedAccuracy: releasedAccuracy(final),
        workdir: dir,
        rounds,
        ledgerOk: verifyFiles({ db: fed.dbPath, hospitalLedger: statePaths }).ok,
      };
    };
    return { clients, finish };
  });
}

/**
 * Every round takes all n hospitals under secure aggregation: fewer than it
 * can run with are refused here, before anything is generated, rather than
 * failing the first round once everything is running.
 */
function checkHospitals(n: number): void {
  const least = fewestHospitals(SECURE_AGGREGATION);
  if (!Number.isInteger(n) || n < least)
    throw new CohortError(
      'E_CONFIG_INVALID',
      `--hospitals: the synthetic-ehr scenario needs at least ${least} hospitals (secure aggregation has no threshold both secure and live for fewer), got ${n}`,
    );
}

type Written = Awaited<ReturnType<typeof writeSyntheticHospitals>>['hospitals'];
type IntakeFormat = 'csv' | 'fhir-ndjson';

/** Each hospital's intake, alternating CSV and FHIR NDJSON; all must give the same features. */
async function intakeSites(hospitals: Written): Promise<{ data: PreparedDataset[]; formats: IntakeFormat[] }> {
  const schemas = {
    csv: await loadSchemaFile(join(SCHEMAS_DIR, 'csv.schema.json')),
    'fhir-ndjson': await loadSchemaFile(join(SCHEMAS_DIR, 'fhir.schema.json')),
  };

  const data: PreparedDataset[] = [];
  const formats: IntakeFormat[] = [];
  for (const [i, h] of hospitals.entries()) {
    const format = i % 2 === 0 ? 'csv' : 'fhir-ndjson';
    const path = format === 'csv' ? h.files.csv! : join(h.dir, 'ndjson');
    // Each site's pseudonymisation key is its own and stays in its directory (0600).
    const secret = loadOrCreateSiteSecret(join(h.dir, 'site.secret'));
    data.push(await readDataset(path, schemas[format], { format, secret }));
    formats.push(format);
  }
  const first = data[0]!;
  for (const [i, d] of data.entries()) {
    if (d.features.join() !== first.features.join())
      throw new CohortError('E_JOB_FEATURES', `hospital ${i + 1}'s intake gives other features than hospital 1's`);
  }
  return { data, formats };
}

/**
 * The per-hospital and pooled figures of the final model, from each hospital's
 * own measurement of it on its test split (`measured`, in hospital order).
 */
function summary(
  hospitals: Written,
  data: readonly PreparedDataset[],
  formats: readonly IntakeFormat[],
  measured: readonly Metrics[],
): Omit<SyntheticEhrResult, 'workdir' | 'rounds' | 'ledgerOk' | 'releasedAccuracy'> {
  const pooled = pooledMetrics(measured);
  return {
    scenario: 'synthetic-ehr',
    hospitals: hospitals.map((h, i) => ({
      name: h.name,
      profile: h.profile,
      format: formats[i]!,
      train: data[i]!.train.n,
      test: data[i]!.test.n,
      intake: {
        rowsRead: data[i]!.report.rowsRead,
        rowsUsed: data[i]!.report.rowsUsed,
        rowsDropped: data[i]!.report.rowsDropped,
        k: data[i]!.report.kAnonymity?.k ?? null,
      },
      accuracy: measured[i]!.accuracy,
      auc: measured[i]!.auc,
    })),
    pooledAccuracy: pooled.accuracy,
    pooledAuc: pooled.auc,
    identifiers: hospitals.map((h) => h.identifiers!),
  };
}

/** The job every scenario hospital trains: logistic regression on the shared features, record-level DP. */
function jobSpec(first: PreparedDataset, n: number, rounds: number, seed: number, epsilon: number) {
  return {
    name: 'synthetic-ehr',
    model: logisticRegression(first.features.length),
    features: [...first.features],
    label: first.label,
    rounds,
    minClients: n,
    targetClients: n,
    roundTimeoutMs: 60_000,
    local: { epochs: 1, batchSize: 16, learningRate: 0.1, optimizer: 'sgd' },
    strategy: { name: 'fedavg' },
    seed,
    secureAggregation: SECURE_AGGREGATION,
    privacy: { unit: 'record', epsilon, delta: 1e-5, clip: 1, samplingRate: 0.1, accountant: 'pld' },
  };
}
