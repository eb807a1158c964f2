/** `cohort simulate ...`: runs scenarios and prints their figures (cli/simulate-report.ts renders them). */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { intArg, logLevelOption, numberArg } from '../edge/args.ts';
import { CohortError } from '../core/errors.ts';
import { createLogger, type LogLevel } from '../edge/log.ts';
import { STRATEGIES, type StrategyName } from '../core/job/spec.ts';
import { DEFAULTS, runFedHeartDisease, type DpOptions, type FedHeartResult } from '../simulations/fed-heart-disease.ts';
import { runDropouts } from '../simulations/dropouts.ts';
import { runChaos } from '../simulations/chaos/run.ts';
import { runSyntheticEhr } from '../simulations/synthetic-ehr/scenario.ts';
import { MIN_CHAOS_CLIENTS, MIN_CHAOS_ROUNDS } from '../simulations/chaos/plan.ts';
import { TCGA_SCENARIO } from './simulate-tcga.ts';
import { PNEUMONIA_SCENARIO } from './simulate-pneumonia.ts';
import { errnoOf, writeFigures } from './write-figures.ts';
import { roundProgress } from './round-progress.ts';
import {
  formatChaos,
  renderDropouts,
  renderSummary,
  renderSyntheticEhr,
  renderTable,
  summarise,
} from './simulate-report.ts';

interface FedHeartOptions {
  rounds: number;
  strategy: StrategyName;
  seed: number[];
  secagg: boolean;
  db?: string;
  json?: string;
  logLevel: LogLevel;
  dp: 'record' | 'hospital' | false;
  epsilon?: number;
  delta: number;
  accountant: 'pld' | 'rdp';
  budget: number;
}

/** What every scenario with a number of hospitals takes: its size, its seed and where its figures go. */
interface SizedOptions {
  clients: number;
  rounds: number;
  seed: number;
  json?: string;
}

interface DropoutsOptions extends SizedOptions {
  logLevel: LogLevel;
}

interface SyntheticEhrOptions {
  hospitals: number;
  patients: number;
  rounds: number;
  epsilon: number;
  seed: number;
  workdir?: string;
  json?: string;
  logLevel: LogLevel;
}

interface ChaosOptions extends SizedOptions {
  baseline: boolean;
  workdir?: string;
}

/** The options that close every scenario: --json (described as `json`), then --log-level if it has one. */
function withReportOptions(cmd: Command, json: string, logLevel?: string): Command {
  cmd.option('--json <path>', json);
  // Logs go to stderr, so the figures on stdout stay clean.
  return logLevel === undefined ? cmd : cmd.addOption(logLevelOption('logs go to stderr', logLevel));
}

function seedList(v: string): number[] {
  return v.split(',').map((s) => intArg(0, 0xffffffff)(s.trim()));
}

/** A scenario's size and seed: --clients and --rounds as [least, most, default], --seed as what it seeds. */
interface Sizes {
  clients: [number, number, number];
  rounds: [number, number, number];
  seeds: string;
}

function withSizeOptions(cmd: Command, { clients, rounds, seeds }: Sizes): Command {
  return cmd
    .option('--clients <n>', 'number of hospitals', intArg(clients[0], clients[1]), clients[2])
    .option('--rounds <n>', 'training rounds', intArg(rounds[0], rounds[1]), rounds[2])
    .option('--seed <s>', `seed for ${seeds}`, intArg(0, 0xffffffff), 1);
}

/** fed-heart-disease's own options: its training, its privacy and where its database goes. */
function fedHeartOptions(cmd: Command): Command {
  cmd
    .option('--rounds <n>', 'training rounds', intArg(1, 10_000), DEFAULTS.rounds)
    .addOption(new Option('--strategy <name>', 'aggregation strategy').choices(STRATEGIES).default(DEFAULTS.strategy))
    .option(
      '--seed <s>',
      'seed for initialisation and shuffling (DP sampling and noise come from the CSPRNG, never a seed); a comma list runs once per seed and reports the mean',
      seedList,
      [DEFAULTS.seed],
    )
    .option('--secagg', 'secure aggregation: the coordinator sees only the sum (default)')
    .option('--no-secagg', 'plaintext updates: an explicit, logged opt-out');
  return withPrivacyOptions(cmd).option(
    '--db <path>',
    "keep the coordinator's SQLite database here (default: a temp file); hospitals' budget databases go beside it",
  );
}

/** fed-heart-disease's differential privacy: its unit (or none), target, accountant and each hospital's budget. */
function withPrivacyOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        '--dp <unit>',
        'differential privacy: record (DP-SGD at each hospital) or hospital (noise inside the secure sum)',
      )
        .choices(['record', 'hospital'])
        .default(DEFAULTS.dp.unit),
    )
    .option('--no-dp', 'no differential privacy: an explicit opt-out')
    .option(
      '--epsilon <e>',
      `with --dp: target epsilon of the whole job, noise calibrated to it (default ${DEFAULTS.dp.epsilon})`,
      numberArg('--epsilon', (x) => x > 0, 'a number > 0'),
    )
    .option(
      '--delta <d>',
      'with --dp: target delta',
      numberArg('--delta', (x) => x > 0 && x < 1, 'a number in (0, 1)'),
      DEFAULTS.dp.delta,
    )
    .addOption(
      new Option('--accountant <name>', 'with --dp: the bound charged (both are reported)')
        .choices(['pld', 'rdp'])
        .default('pld'),
    )
    .option(
      '--budget <e>',
      "with --dp: each hospital's total privacy budget (epsilon)",
      numberArg('--budget', (x) => x > 0, 'a number > 0'),
      DEFAULTS.budgetEpsilon,
    );
}

/** synthetic-ehr's own options: its size (hospitals and patients rather than clients), privacy, seed and workdir. */
function syntheticEhrOptions(cmd: Command): Command {
  return (
    cmd
      // Its least is the scenario's to check (runSyntheticEhr): secure aggregation sets it.
      .option(
        '--hospitals <n>',
        'number of hospitals (at least 3: fewer have no secure-aggregation threshold both secure and live)',
        intArg(1, 64),
        4,
      )
      .option('--patients <n>', 'patients per hospital', intArg(50, 1_000_000), 600)
      .option('--rounds <n>', 'training rounds', intArg(1, 1000), 10)
      .option(
        '--epsilon <e>',
        'whole-job target epsilon (record level)',
        numberArg('--epsilon', (x) => x > 0, 'a number > 0'),
        2,
      )
      .option('--seed <s>', 'seed for the records and training', intArg(0, 0xffffffff), 1)
      .option(
        '--workdir <dir>',
        "keep each hospital's generated records (FHIR and CSV), site secret and state database, and the coordinator's database here (default: a temporary directory)",
      )
  );
}

/** chaos's own options, after its size. */
function chaosOptions(cmd: Command): Command {
  return cmd
    .option('--no-baseline', 'skip the fault-free run')
    .option('--workdir <dir>', "keep every process's databases, keys and logs here (default: a temporary directory)");
}

/** A scenario under `cohort simulate`; its --help lists the size options, then its own, then --json and --log-level. */
interface Scenario {
  name: string;
  description: string;
  /** --clients, --rounds and --seed, for the scenarios sized by a number of hospitals. */
  sizes?: Sizes;
  options?: (cmd: Command) => Command;
  /** The help of --json: what it writes. */
  json: string;
  /** The default of --log-level; none, no --log-level. */
  logLevel?: string;
  /** Takes the parsed options (commander's type: it hands them over untyped). */
  action: Parameters<Command['action']>[0];
}

/** Every scenario, in the order `cohort simulate --help` lists them. */
const SCENARIOS: readonly Scenario[] = [
  {
    name: 'fed-heart-disease',
    description:
      '4 hospitals (UCI Heart Disease: Cleveland, Hungary, Switzerland, VA) train logistic regression; compared with a pooled-data baseline',
    options: fedHeartOptions,
    json: 'also write the figures as JSON',
    logLevel: 'warn',
    action: fedHeartDisease,
  },
  TCGA_SCENARIO,
  PNEUMONIA_SCENARIO,
  {
    name: 'dropouts',
    description:
      'synthetic hospitals under secure aggregation; each round one client crashes before each protocol phase',
    sizes: { clients: [10, 1000, 20], rounds: [1, 1000, 5], seeds: 'data, crash plan and training' },
    json: 'also write the figures as JSON',
    logLevel: 'error',
    action: dropouts,
  },
  {
    name: 'synthetic-ehr',
    description:
      'generated non-IID hospitals (names, MRNs, addresses and all) read through the de-identifying intake (CSV and FHIR NDJSON), then a record-level DP, securely aggregated CAD model',
    options: syntheticEhrOptions,
    json: 'also write the figures as JSON (without the identifier lists)',
    logLevel: 'warn',
    action: syntheticEhr,
  },
  {
    name: 'chaos',
    description:
      'a coordinator and hospital daemons in their own processes under scheduled faults (client killed before each secure-aggregation phase, coordinator SIGKILL mid-round, link stalls and cuts, restarts, clock skew, a slow link, garbage frames); compared with a fault-free run of the same seed',
    sizes: {
      clients: [MIN_CHAOS_CLIENTS, 64, 8],
      rounds: [MIN_CHAOS_ROUNDS, 100, 8],
      seeds: 'the fault plan, data and training',
    },
    options: chaosOptions,
    json: 'also write the report as JSON',
    action: chaos,
  },
];

export function registerSimulate(program: Command): void {
  const simulate = program
    .command('simulate')
    .description('run a scenario: real coordinator and clients over loopback WebSockets');
  for (const s of SCENARIOS) {
    const cmd = simulate.command(s.name).description(s.description);
    if (s.sizes) withSizeOptions(cmd, s.sizes);
    s.options?.(cmd);
    withReportOptions(cmd, s.json, s.logLevel).action(s.action);
  }
}

/** `cohort simulate fed-heart-disease`: one run per seed, each printed; with several seeds, their mean too. */
async function fedHeartDisease(o: FedHeartOptions): Promise<void> {
  const log = createLogger({ level: o.logLevel, destination: process.stderr });
  if (!o.dp && o.epsilon !== undefined)
    throw new CohortError('E_CONFIG_INVALID', '--epsilon is the target of --dp record|hospital, not of --no-dp');
  const dp: DpOptions | undefined = o.dp
    ? { unit: o.dp, epsilon: o.epsilon ?? DEFAULTS.dp.epsilon, delta: o.delta, accountant: o.accountant }
    : undefined;
  if (!dp) log.warn('differential privacy is off (--no-dp): updates carry no DP guarantee');
  const results: FedHeartResult[] = [];
  for (const seed of o.seed) {
    const bar = roundProgress(`${o.strategy} seed ${seed}`, o.dp === 'record' ? 'noisy counts' : 'exact');
    const dbPath = o.db && o.seed.length > 1 ? o.db.replace(/(\.db)?$/, `-seed${seed}.db`) : o.db;
    const r = await runFedHeartDisease({
      rounds: o.rounds,
      strategy: o.strategy,
      seed,
      secagg: o.secagg,
      log,
      ...(dbPath ? { dbPath } : {}),
      ...(dp ? { dp, budgetEpsilon: o.budget } : {}),
      onRound: (round, total, pooled) => bar.update(round, total, pooled?.accuracy),
    });
    bar.stop();
    results.push(r);
    process.stdout.write(`${renderTable(r)}\n`);
  }
  const summary = summarise(results);
  if (results.length > 1) process.stdout.write(`${renderSummary(summary)}\n`);
  writeFigures(o.json, results.length === 1 ? results[0] : summary);
}

/** `cohort simulate dropouts`. */
async function dropouts(o: DropoutsOptions): Promise<void> {
  const log = createLogger({ level: o.logLevel, destination: process.stderr });
  const bar = roundProgress(`dropouts, ${o.clients} clients`);
  const r = await runDropouts({
    clients: o.clients,
    rounds: o.rounds,
    seed: o.seed,
    log,
    onRound: (round, total) => bar.update(round, total),
  });
  bar.stop();
  process.stdout.write(renderDropouts(r));
  writeFigures(o.json, r);
}

/** `cohort simulate synthetic-ehr`: exit code 1 when the ledger does not verify. */
async function syntheticEhr(o: SyntheticEhrOptions): Promise<void> {
  makeWorkdir(o.workdir);
  const log = createLogger({ level: o.logLevel, destination: process.stderr });
  const bar = roundProgress(`synthetic-ehr, ${o.hospitals} hospitals`, 'noisy counts');
  const r = await runSyntheticEhr({
    hospitals: o.hospitals,
    patientsPerHospital: o.patients,
    rounds: o.rounds,
    epsilon: o.epsilon,
    seed: o.seed,
    log,
    ...(o.workdir ? { workdir: o.workdir } : {}),
    onRound: (round, total, m) => bar.update(round, total, m?.accuracy),
  });
  bar.stop();
  process.stdout.write(renderSyntheticEhr(r));
  const { identifiers: _omitted, ...figures } = r;
  writeFigures(o.json, figures);
  if (!r.ledgerOk) process.exitCode = 1;
}

/** `cohort simulate chaos`: the fault-free baseline (unless --no-baseline), then the chaos run; exit code 1 on a failure. */
async function chaos(o: ChaosOptions): Promise<void> {
  makeWorkdir(o.workdir);
  const say = (line: string) => void process.stderr.write(`${line}\n`);
  /** The seed's run, in its own subfolder of --workdir: the baseline without faults, the chaos run saying each. */
  const run = (name: 'baseline' | 'chaos') =>
    runChaos({
      clients: o.clients,
      rounds: o.rounds,
      seed: o.seed,
      ...(name === 'baseline' ? { faults: false } : { onEvent: say }),
      ...(o.workdir ? { workdir: join(o.workdir, name) } : {}),
    });
  let baseline: number | null = null;
  if (o.baseline) {
    say('fault-free run (the baseline)...');
    const b = await run('baseline');
    if (b.jobStatus !== 'completed') throw new CohortError('E_JOB_FAILED', `the fault-free run ended ${b.jobStatus}`);
    baseline = b.finalAccuracy;
  }
  say('chaos run...');
  const r = await run('chaos');
  const report = {
    ...r,
    baselineAccuracy: baseline,
    accuracyGap: baseline === null ? null : Math.abs(r.finalAccuracy - baseline),
  };
  process.stdout.write(formatChaos(report));
  writeFigures(o.json, report);
  if (r.jobStatus !== 'completed' || !r.ledger.ok || !r.epsilonMatches) process.exitCode = 1;
}

/** --workdir, made before the run: a path that cannot be a folder is a typed refusal, not a stack trace mid-run. */
function makeWorkdir(path: string | undefined): void {
  if (!path) return;
  try {
    mkdirSync(path, { recursive: true });
  } catch (err) {
    throw new CohortError('E_CONFIG_INVALID', `--workdir ${path}: cannot be made (${errnoOf(err)})`, { cause: err });
  }
}
