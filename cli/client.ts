/** `cohort client start`, `inspect` and `checkpoint`: CLI glue around the hospital daemon and its state. */
import { keepHealthFile } from '../client/health-file.ts';
import { withConfigFile } from '../edge/config-file.ts';
import { Option, type Command } from 'commander';
import { logLevelOption, numberArg } from '../edge/args.ts';
import { openHospitalState, type HospitalState } from '../client/hospital-state.ts';
import { readWitnessed } from '../client/local-ledger.ts';
import { cosignatureLine } from '../core/ledger/checkpoint.ts';
import { parseHospitalPolicy } from '../core/job/policy.ts';
import { createLogger, type Logger, type LogLevel } from '../edge/log.ts';
import { CohortError } from '../core/errors.ts';
import {
  DATA_FORMATS,
  classCounts,
  formatImageInspect,
  loadAnySchemaFile,
  loadOrCreateSiteSecret,
  readHospitalDataset,
  readImageDataset,
  readDataset,
  type DataFormat,
} from '../client/intake/index.ts';
import { formatInspect } from '../client/intake/inspect.ts';
import { DEFAULT_K_THRESHOLD } from '../core/data/k-anonymity.ts';
import { UntrainableDataError } from '../core/data/trainability.ts';
import { randomBytes } from 'node:crypto';
import { ClientDaemon } from '../client/daemon.ts';
import { CLIENT_DEFAULTS, parseBudgetFlags } from '../client/config.ts';
import { loadTf } from '../client/trainer/index.ts';
import { clientTlsFromFiles, readIdentityKey, readJsonFile } from '../edge/keys.ts';
import { readRosterFile, writeRosterFile } from '../edge/roster-file.ts';
import type { RosterChain } from '../core/roster/index.ts';
import type { PreparedDataset } from '../core/data/types.ts';
import { stopOnSignal } from './stop-on-signal.ts';

type BudgetFlags = ReturnType<typeof parseBudgetFlags>;

const DATA_HELP =
  'local records: CSV, FHIR R4 Bundles (a .json file, or a folder of them, one per patient as Synthea writes) or an NDJSON bulk export (.ndjson file or folder); under an image schema, an image folder or a manifest CSV';

/** --format, shared by `start` and `inspect`: by default the intake tells the format from the path. */
function formatOption(): Option {
  return new Option(
    '--format <format>',
    'data format (default: from the path: a folder of .json Bundles is fhir-bundle, of .ndjson files fhir-ndjson; a *.json file fhir-bundle, *.ndjson fhir-ndjson, anything else csv)',
  ).choices(DATA_FORMATS);
}

interface StartOptions {
  coordinator: string;
  data: string;
  schema: string;
  format?: DataFormat;
  secret?: string;
  name: string;
  identity: string;
  roster?: string;
  state?: string;
  ca?: string;
  tlsCert?: string;
  tlsKey?: string;
  insecure?: boolean;
  policy?: string;
  budgetEpsilon?: number;
  budgetDelta?: number;
  budgetAccountant?: 'pld' | 'rdp';
  logLevel?: LogLevel;
  healthFile?: string;
}

export function registerClient(program: Command): void {
  const cmd = program.command('client').description('the hospital daemon');
  registerInspect(cmd);
  registerCheckpoint(cmd);
  const start = cmd
    .command('start')
    .description('connect to a coordinator and train its jobs on local records; only model updates leave')
    .requiredOption('--coordinator <url>', 'coordinator WebSocket URL, e.g. ws://127.0.0.1:7700');
  withRecordOptions(start);
  withPeerOptions(start);
  withPrivacyOptions(start);
  withConfigFile(start.addOption(logLevelOption('JSON lines to stdout; pretty on a terminal'))).action(startDaemon);
}

/** The local records `start` reads and how: where, their schema, their format, the site secret. */
function withRecordOptions(start: Command): void {
  start
    .requiredOption('--data <file|dir>', DATA_HELP)
    .requiredOption(
      '--schema <schema.json>',
      'declared schema (its keys: docs/data-schema.md): id, split, every column (or FHIR element) classed identifier, pseudonym, quasi, genetic, feature, label or ignore; or an image schema (docs/images.md)',
    )
    .addOption(formatOption())
    .option(
      '--secret <file>',
      'site secret keying pseudonyms and date shifts (created with mode 0600 if missing; never leaves this machine); required by schemas with pseudonym or shifted-date columns',
    );
}

/** Who this hospital is to the network: its name, identity key, roster, and the transport to the coordinator. */
function withPeerOptions(start: Command): void {
  start
    .requiredOption('--name <name>', "this hospital's name ([A-Za-z0-9._-], as enrolled)")
    .requiredOption(
      '--identity <file.key>',
      'Ed25519 identity key file (cohort keys generate) that signs secure-aggregation messages',
    )
    .option(
      '--roster <roster.json>',
      "the network's roster this hospital signed (cohort roster): peers' keys come from it alone; without it, secure-aggregation jobs are declined. Newer versions from the coordinator are checked against it and written back to it",
    )
    .option('--ca <file.pem>', "wss://: the coordinator's certificate or CA to pin (PEM)")
    .option('--tls-cert <file.pem>', "mutual TLS: this hospital's client certificate (PEM)")
    .option('--tls-key <file.pem>', 'mutual TLS: its private key (PEM)')
    .option('--insecure', 'allow plain ws:// to a coordinator not on loopback (testing only)')
    .option(
      '--health-file <file>',
      'keep {"status":"connected"|"connecting","at":ms} in this file, rewritten every 10 s: a fresh file means the daemon runs (a container HEALTHCHECK reads it: docs/deploy.md)',
    );
}

/** What this hospital joins and releases (its policy), and the privacy budget it keeps in its state database. */
function withPrivacyOptions(start: Command): void {
  start
    .option(
      '--policy <policy.json>',
      'jobs this hospital joins and what it releases: requireDp, maxEpsilon, maxDelta, requireSecureAggregation, allowedFeatures, maxRounds, allowedResearchers, minCorruptFraction, evaluation (dp|local); without it the defaults: DP and secure aggregation required, evaluations released as noisy counts',
    )
    .option(
      '--state <file.db>',
      "this hospital's state database (SQLite): privacy budget and its copy of the ledger entries recording its spend; required with --budget-epsilon",
    )
    .option(
      '--budget-epsilon <e>',
      'total privacy budget epsilon of this dataset: jobs and rounds past it are refused, jobs without DP declined; without it DP jobs are declined (E_BUDGET_REQUIRED)',
      numberArg('--budget-epsilon', (x) => x > 0, 'a number > 0'),
    )
    .option(
      '--budget-delta <d>',
      `delta the budget is stated at (default ${CLIENT_DEFAULTS.budgetDelta})`,
      numberArg('--budget-delta', (x) => x > 0 && x < 1, 'a number in (0, 1)'),
    )
    .addOption(
      new Option(
        '--budget-accountant <name>',
        `bound charged against the budget (default ${CLIENT_DEFAULTS.budgetAccountant})`,
      ).choices(['pld', 'rdp']),
    );
}

/** `cohort client start`: reads the records, sets the budget, and runs the daemon until SIGINT or SIGTERM. */
async function startDaemon(o: StartOptions): Promise<void> {
  const log = createLogger(o.logLevel ? { level: o.logLevel } : {});
  const stop = stopOnSignal(log);
  const flags = parseBudgetFlags({
    ...(o.budgetEpsilon !== undefined ? { budgetEpsilon: o.budgetEpsilon } : {}),
    ...(o.budgetDelta !== undefined ? { budgetDelta: o.budgetDelta } : {}),
    ...(o.budgetAccountant !== undefined ? { budgetAccountant: o.budgetAccountant } : {}),
  });
  const identity = readIdentityKey(o.identity);
  const roster = o.roster ? readRosterFile(o.roster) : undefined;
  if (!roster) log.warn('no roster (--roster): secure-aggregation jobs will be declined');
  // The policy and TLS files are checked before the dataset is read: a typo must not cost a whole intake.
  const tls = clientTlsFromFiles(o);
  // Without a policy file the defaults apply (core/job/policy.ts): private by default.
  const policy = parseHospitalPolicy(o.policy ? readJsonFile(o.policy) : {});
  const dataset = await readLocalDataset(o, log);
  const state = o.state ? openHospitalState(o.state) : undefined;
  if (state) stop.opened(() => state.close());
  setBudget(state, dataset.schemaId, flags, log);
  // The budget is enforced only when set (and DP jobs need it); the ledger copy is kept whenever there is a state file.
  const budget = flags.budgetEpsilon !== undefined ? state?.budget : undefined;
  await loadTf(log);
  const onRoster = o.roster ? (chain: RosterChain) => writeRosterFile(o.roster!, chain, 'replace') : undefined;
  const daemon = new ClientDaemon({
    coordinatorUrl: o.coordinator,
    name: o.name,
    dataset,
    log,
    identity,
    ...(o.insecure ? { insecure: true } : {}),
    ...(roster ? { roster } : {}),
    ...(onRoster ? { onRoster } : {}),
    policy,
    ...(tls ? { tls } : {}),
    ...(budget ? { budget, outputs: state!.outputs } : {}),
    ...(state ? { ledger: state.ledger } : {}),
  });
  const stopHealth = o.healthFile ? keepHealthFile(daemon, o.healthFile) : () => {};
  stop.opened(() => daemon.stop().then(stopHealth));
  daemon.start();
  // A refusal reconnecting cannot cure (not enrolled, revoked, name in use) ends the command with its code, exit 2.
  await new Promise<never>((_, reject) =>
    daemon.once(
      'refusedAtHandshake',
      (err) => void daemon.stop().then(() => reject((stopHealth(), state?.close(), err))),
    ),
  );
}

/** The records through the de-identifying intake, logged in counts by reason code only. */
async function readLocalDataset(o: StartOptions, log: Logger): Promise<PreparedDataset> {
  // An image schema (docs/images.md) or a tabular one: the schema file says which intake reads --data.
  const dataset = await readHospitalDataset(o.schema, o.data, {
    ...(o.format ? { format: o.format } : {}),
    ...(o.secret ? { secret: loadOrCreateSiteSecret(o.secret) } : {}),
  });
  // Counts by reason code only: never a record value, a pseudonym or a quasi value.
  log.info(
    {
      hospital: o.name,
      train: dataset.train.n,
      test: dataset.test.n,
      dropped: dataset.report.rowsDropped,
      rejected: dataset.report.recordsRejected,
      valuesRejected: dataset.report.valuesRejected,
      k: dataset.report.kAnonymity?.k,
      ...(dataset.image ? { image: dataset.image } : {}),
    },
    'local dataset ready',
  );
  // Column names and counts only (core/data/trainability.ts); refusals already stopped the start.
  const warnings = dataset.report.trainability?.warnings ?? [];
  if (warnings.length > 0)
    log.warn(
      { hospital: o.name, warnings: warnings.map((w) => w.message) },
      'intake warnings: trains, but check these',
    );
  return dataset;
}

/** With --budget-epsilon, records the dataset's budget in the state database (which it then needs). */
function setBudget(state: HospitalState | undefined, schemaId: string, flags: BudgetFlags, log: Logger): void {
  if (flags.budgetEpsilon === undefined) {
    log.warn(
      'no privacy budget configured (--budget-epsilon): DP jobs will be declined, and only jobs without DP that the policy allows are joined',
    );
    return;
  }
  if (!state)
    throw new CohortError('E_CONFIG_INVALID', '--budget-epsilon needs --state <file.db> to keep what has been spent');
  state.budget.setBudget(schemaId, {
    epsilon: flags.budgetEpsilon,
    delta: flags.budgetDelta,
    accountant: flags.budgetAccountant,
  });
  log.info(
    {
      epsilon: flags.budgetEpsilon,
      delta: flags.budgetDelta,
      accountant: flags.budgetAccountant,
      spent: state.budget.summary(schemaId).spent.epsilon,
    },
    'privacy budget enforced',
  );
}

/** `cohort client inspect`: what the intake does to local records, in counts, without connecting anywhere. */
export function registerInspect(client: Command): void {
  client
    .command('inspect')
    .description(
      'run the de-identifying intake on local records and print, per column, what it does, counts of dropped/generalised/pseudonymised values, rejected rows by reason, the k-anonymity of the quasi-identifiers, and why the data cannot train when it cannot (then exit 2, E_DATA_UNTRAINABLE); for images, per split and class, DICOM header findings and rejections by reason',
    )
    .requiredOption('--data <file|dir>', DATA_HELP)
    .requiredOption(
      '--schema <schema.json>',
      'declared schema, tabular or an image schema (its keys: docs/data-schema.md; images: docs/images.md)',
    )
    .addOption(formatOption())
    .option(
      '--secret <file>',
      'site secret file (as for client start); without it a throwaway in-memory secret is used, so shifted dates and the train/test split (keyed by the secret) differ from what the daemon uses',
    )
    .option(
      '--k <n>',
      'flag k-anonymity classes smaller than this',
      numberArg('--k', (x) => Number.isInteger(x) && x >= 2, 'an integer >= 2'),
      DEFAULT_K_THRESHOLD,
    )
    .option('--json', 'print the report as JSON', false)
    .action(inspect);
}

async function inspect(o: {
  data: string;
  schema: string;
  format?: DataFormat;
  secret?: string;
  k: number;
  json: boolean;
}): Promise<void> {
  const loaded = await loadAnySchemaFile(o.schema);
  if (loaded.kind === 'images') {
    const d = await readImageDataset(o.data, loaded.schema);
    const splits = Object.fromEntries(Object.entries(d.splits).map(([k, v]) => [k, v.n]));
    const perClass = classCounts(d);
    const json = { schemaId: d.schemaId, classes: d.classes, shape: d.shape, splits, perClass, report: d.report };
    process.stdout.write(o.json ? `${JSON.stringify(json, null, 2)}\n` : formatImageInspect(d));
    return;
  }
  const schema = loaded.schema;
  const secret = o.secret ? loadOrCreateSiteSecret(o.secret) : new Uint8Array(randomBytes(32));
  // Untrainable data is still reported in full, then refused with the same error `client start` gives.
  let refused: UntrainableDataError | undefined;
  const d = await readDataset(o.data, schema, {
    secret,
    kThreshold: o.k,
    ...(o.format ? { format: o.format } : {}),
  }).catch((err: unknown) => {
    if (!(err instanceof UntrainableDataError)) throw err;
    refused = err;
    return err.dataset;
  });
  process.stdout.write(
    o.json
      ? `${JSON.stringify({ schemaId: d.schemaId, features: d.features, label: d.label, train: d.train.n, test: d.test.n, report: d.report }, null, 2)}\n`
      : formatInspect(d),
  );
  if (refused) throw refused;
}

/** `cohort client checkpoint`: the latest ledger checkpoint this hospital cosigned, for an auditor. */
function registerCheckpoint(client: Command): void {
  client
    .command('checkpoint')
    .description(
      "print the latest ledger checkpoint this hospital cosigned as a witness: the coordinator's signed note with this hospital's cosignature line appended (C2SP signed note), for `cohort ledger verify --witness FILE`",
    )
    .requiredOption('--state <file.db>', "this hospital's state database (as given to client start)")
    .option('--json', 'print the checkpoint and the cosignature as JSON fields', false)
    .action((o: { state: string; json: boolean }) => {
      const w = readWitnessed(o.state);
      if (!w) {
        process.stderr.write(`${o.state}: this hospital has cosigned no ledger checkpoint yet\n`);
        process.exitCode = 1;
        return;
      }
      const note = `${w.note}${cosignatureLine(w.cosignature, w.publicKey)}`;
      const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
      process.stdout.write(
        o.json
          ? `${JSON.stringify(
              {
                size: w.size,
                root: b64(w.root),
                witness: w.cosignature.name,
                publicKey: Buffer.from(w.publicKey).toString('hex'),
                timestamp: w.cosignature.timestamp,
                signature: b64(w.cosignature.signature),
                note,
              },
              null,
              2,
            )}\n`
          : note,
      );
    });
}
