/** `cohort simulate ...`: runs scenarios and prints their figures. */
import { guaranteeLine } from '../core/job/guarantee.ts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { intArg, numberArg } from '../edge/args.ts';
import { CohortError } from '../core/errors.ts';
import cliProgress from 'cli-progress';
import Table from 'cli-table3';
import { createLogger } from '../edge/log.ts';
import { STRATEGIES, type StrategyName } from '../core/job/spec.ts';
import {
  CENTERS,
  DEFAULTS,
  runFedHeartDisease,
  type DpOptions,
  type FedHeartResult,
} from '../simulations/fed-heart-disease.ts';
import { PHASES, runDropouts } from '../simulations/dropouts.ts';
import { runChaos, type ChaosReport } from '../simulations/chaos/run.ts';
import { runSyntheticEhr } from '../simulations/synthetic-ehr/scenario.ts';
import { MIN_CHAOS_CLIENTS, MIN_CHAOS_ROUNDS } from '../simulations/chaos/plan.ts';

/** Every scenario's --log-level (logs go to stderr, so the figures on stdout stay clean). */
function logLevelOption(level: string): Option {
  return new Option('--log-level <level>', 'log level (logs go to stderr)')
    .choices(['trace', 'debug', 'info', 'warn', 'error', 'silent'])
    .default(level);
}

function seedList(v: string): number[] {
  return v.split(',').map((s) => intArg(0, 0xffffffff)(s.trim()));
}

export function registerSimulate(program: Command): void {
  const simulate = program
    .command('simulate')
    .description('run a scenario: real coordinator and clients over loopback WebSockets');
  simulate
    .command('fed-heart-disease')
    .description(
      '4 hospitals (UCI Heart Disease: Cleveland, Hungary, Switzerland, VA) train logistic regression; compared with a pooled-data baseline',
    )
    .option('--rounds <n>', 'training rounds', intArg(1, 10_000), DEFAULTS.rounds)
    .addOption(new Option('--strategy <name>', 'aggregation strategy').choices(STRATEGIES).default(DEFAULTS.strategy))
    .option(
      '--seed <s>',
      'seed for initialisation and shuffling (DP sampling and noise come from the CSPRNG, never a seed); a comma list runs once per seed and reports the mean',
      seedList,
      [DEFAULTS.seed],
    )
    .option('--secagg', 'secure aggregation: the coordinator sees only the sum (default)')
    .option('--no-secagg', 'plaintext updates: an explicit, logged opt-out')
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
    )
    .option(
      '--db <path>',
      "keep the coordinator's SQLite database here (default: a temp file); hospitals' budget databases go beside it",
    )
    .option('--json <path>', 'also write the figures as JSON')
    .addOption(logLevelOption('warn'))
    .action(
      async (o: {
        rounds: number;
        strategy: StrategyName;
        seed: number[];
        secagg: boolean;
        db?: string;
        json?: string;
        logLevel: 'warn';
        dp: 'record' | 'hospital' | false;
        epsilon?: number;
        delta: number;
        accountant: 'pld' | 'rdp';
        budget: number;
      }) => {
        const log = createLogger({ level: o.logLevel, destination: process.stderr });
        if (!o.dp && o.epsilon !== undefined)
          throw new CohortError('E_CONFIG_INVALID', '--epsilon is the target of --dp record|hospital, not of --no-dp');
        const dp: DpOptions | undefined = o.dp
          ? { unit: o.dp, epsilon: o.epsilon ?? DEFAULTS.dp.epsilon, delta: o.delta, accountant: o.accountant }
          : undefined;
        if (!dp) log.warn('differential privacy is off (--no-dp): updates carry no DP guarantee');
        const results: FedHeartResult[] = [];
        for (const seed of o.seed) {
          const bar = progress(`${o.strategy} seed ${seed}`);
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
      },
    );

  simulate
    .command('dropouts')
    .description(
      'synthetic hospitals under secure aggregation; each round one client crashes before each protocol phase',
    )
    .option('--clients <n>', 'number of hospitals', intArg(10, 1000), 20)
    .option('--rounds <n>', 'training rounds', intArg(1, 1000), 5)
    .option('--seed <s>', 'seed for data, crash plan and training', intArg(0, 0xffffffff), 1)
    .option('--json <path>', 'also write the figures as JSON')
    .addOption(logLevelOption('error'))
    .action(async (o: { clients: number; rounds: number; seed: number; json?: string; logLevel: 'error' }) => {
      const log = createLogger({ level: o.logLevel, destination: process.stderr });
      const bar = progress(`dropouts, ${o.clients} clients`);
      const r = await runDropouts({
        clients: o.clients,
        rounds: o.rounds,
        seed: o.seed,
        log,
        onRound: (round, total) => bar.update(round, total),
      });
      bar.stop();
      const plain = !process.stdout.isTTY;
      const t = new Table({
        ...(plain ? { style: { head: [], border: [] } } : {}),
        head: ['round', 'participants', ...PHASES.map((p) => `reached ${p}`), 'crashed (before phase)', 'not in sum'],
      });
      for (const x of r.rounds) {
        const c = x.phaseCounts;
        t.push([
          x.round,
          x.participants.length,
          ...(c ? [c.advertise, c.share, c.masked, c.consistency, c.unmask] : PHASES.map(() => '-')),
          PHASES.map((p) => `${x.crashed[p]} (${p})`).join('\n'),
          x.dropped.join(', '),
        ]);
      }
      process.stdout.write(
        `${t.toString()}\nrounds completed ${r.roundsCompleted}, failed attempts ${r.roundsFailed}, final pooled accuracy ${r.finalAccuracy.toFixed(3)}\n`,
      );
      writeFigures(o.json, r);
    });
  simulate
    .command('synthetic-ehr')
    .description(
      'generated non-IID hospitals (names, MRNs, addresses and all) read through the de-identifying intake (CSV and FHIR NDJSON), then a record-level DP, securely aggregated CAD model',
    )
    .option('--hospitals <n>', 'number of hospitals', intArg(2, 64), 4)
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
    .option('--json <path>', 'also write the figures as JSON (without the identifier lists)')
    .addOption(logLevelOption('warn'))
    .action(
      async (o: {
        hospitals: number;
        patients: number;
        rounds: number;
        epsilon: number;
        seed: number;
        workdir?: string;
        json?: string;
        logLevel: 'warn';
      }) => {
        const log = createLogger({ level: o.logLevel, destination: process.stderr });
        const bar = progress(`synthetic-ehr, ${o.hospitals} hospitals`);
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
        const t = new Table({
          head: [
            'hospital',
            'profile',
            'read from',
            'records',
            'used (train/test)',
            'dropped',
            'k-anonymity',
            'accuracy',
            'AUC',
          ],
        });
        for (const h of r.hospitals) {
          const dropped = Object.values(h.intake.rowsDropped).reduce((a, b) => a + b, 0);
          t.push([
            h.name,
            h.profile,
            h.format,
            h.intake.rowsRead,
            `${h.train}/${h.test}`,
            dropped,
            h.intake.k ?? '-',
            h.accuracy.toFixed(3),
            h.auc.toFixed(3),
          ]);
        }
        process.stdout.write(
          `${t.toString()}\npooled accuracy ${r.pooledAccuracy.toFixed(3)}, AUC ${r.pooledAuc.toFixed(3)}; ledger ${r.ledgerOk ? 'verifies' : 'FAILS'}\nfiles: ${r.workdir}\n`,
        );
        const { identifiers: _omitted, ...figures } = r;
        writeFigures(o.json, figures);
        if (!r.ledgerOk) process.exitCode = 1;
      },
    );
  simulate
    .command('chaos')
    .description(
      'a coordinator and hospital daemons in their own processes under scheduled faults (client killed before each secure-aggregation phase, coordinator SIGKILL mid-round, link stalls and cuts, restarts, clock skew, a slow link, garbage frames); compared with a fault-free run of the same seed',
    )
    .option('--clients <n>', 'number of hospitals', intArg(MIN_CHAOS_CLIENTS, 64), 8)
    .option('--rounds <n>', 'training rounds', intArg(MIN_CHAOS_ROUNDS, 100), 8)
    .option('--seed <s>', 'seed for the fault plan, data and training', intArg(0, 0xffffffff), 1)
    .option('--no-baseline', 'skip the fault-free run')
    .option('--workdir <dir>', "keep every process's databases, keys and logs here (default: a temporary directory)")
    .option('--json <path>', 'also write the report as JSON')
    .action(
      async (o: {
        clients: number;
        rounds: number;
        seed: number;
        baseline: boolean;
        workdir?: string;
        json?: string;
      }) => {
        const say = (line: string) => void process.stderr.write(`${line}\n`);
        const sub = (name: string) => (o.workdir ? join(o.workdir, name) : undefined);
        let baseline: number | null = null;
        if (o.baseline) {
          say('fault-free run (the baseline)...');
          const b = await runChaos({
            clients: o.clients,
            rounds: o.rounds,
            seed: o.seed,
            faults: false,
            ...(sub('baseline') ? { workdir: sub('baseline')! } : {}),
          });
          if (b.jobStatus !== 'completed')
            throw new CohortError('E_JOB_FAILED', `the fault-free run ended ${b.jobStatus}`);
          baseline = b.finalAccuracy;
        }
        say('chaos run...');
        const r = await runChaos({
          clients: o.clients,
          rounds: o.rounds,
          seed: o.seed,
          onEvent: say,
          ...(sub('chaos') ? { workdir: sub('chaos')! } : {}),
        });
        const report = {
          ...r,
          baselineAccuracy: baseline,
          accuracyGap: baseline === null ? null : Math.abs(r.finalAccuracy - baseline),
        };
        process.stdout.write(formatChaos(report));
        writeFigures(o.json, report);
        if (r.jobStatus !== 'completed' || !r.ledger.ok || !r.epsilonMatches) process.exitCode = 1;
      },
    );
}

function formatChaos(r: ChaosReport & { baselineAccuracy: number | null; accuracyGap: number | null }): string {
  const faults = new Table({ head: ['fault', 'where', 'fired'] });
  for (const f of r.faultsInjected) {
    const where = [
      'client' in f ? f.client : '',
      'round' in f ? `round ${f.round}` : 'whole run',
      'phase' in f ? `before ${f.phase}` : '',
    ]
      .filter(Boolean)
      .join(', ');
    faults.push([f.kind, where, f.fired ? 'yes' : 'no']);
  }
  const eps = new Table({
    head: ['hospital', 'epsilon (ledger)', 'epsilon (accountant)', 'rounds in sum', 'rounds charged', 'charged twice'],
  });
  for (const [h, e] of Object.entries(r.epsilon))
    eps.push([
      h,
      e.ledger.toFixed(6),
      e.accountant.toFixed(6),
      e.roundsInSum,
      e.chargedRounds.length,
      e.duplicateCharges,
    ]);
  return (
    `${faults.toString()}\n${eps.toString()}\n` +
    `job ${r.jobStatus}: ${r.roundsCompleted} of ${r.rounds} rounds completed, ${r.roundsRetried} retried; coordinator restarted ${r.coordinatorRestarts}x, clients ${r.clientRestarts}x\n` +
    `epsilon per hospital ${r.epsilonMatches ? 'equals' : 'DOES NOT equal'} the accountant's for the rounds it was in; ledger ${r.ledger.ok ? 'verifies' : `FAILS: ${r.ledger.failures[0]}`} (${r.ledger.entries} entries, ${r.ledger.receiptsVerified} receipts)\n` +
    (r.garbage
      ? `garbage: ${r.garbage.frames} frames over ${r.garbage.connections} connections, closed with ${JSON.stringify(r.garbage.closes)}\n`
      : '') +
    `final accuracy ${r.finalAccuracy.toFixed(3)}${r.baselineAccuracy === null ? '' : ` vs fault-free ${r.baselineAccuracy.toFixed(3)} (gap ${r.accuracyGap!.toFixed(3)})`}\n` +
    `files: ${r.workdir}\n`
  );
}

function progress(label: string) {
  if (!process.stderr.isTTY) {
    return {
      update: (round: number, total: number, acc?: number) =>
        process.stderr.write(
          `${label}: round ${round}/${total}${acc === undefined ? '' : ` pooled accuracy of the round's starting model ${acc.toFixed(3)}`}\n`,
        ),
      stop: () => undefined,
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} |{bar}| round {value}/{total} | pooled acc {acc}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(1, 0, { acc: '-' });
  return {
    update: (round: number, total: number, acc?: number) => {
      bar.setTotal(total);
      bar.update(round, { acc: acc === undefined ? '-' : acc.toFixed(3) });
    },
    stop: () => bar.stop(),
  };
}

const pct = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');

export function renderTable(r: FedHeartResult): string {
  const plain = !process.stdout.isTTY;
  const t = new Table({
    ...(plain ? { style: { head: [], border: [] } } : {}),
    head: [
      'center',
      'test n',
      `${r.strategy} accuracy`,
      `${r.strategy} AUC`,
      'centralised accuracy',
      'centralised AUC',
    ],
  });
  for (const c of CENTERS) {
    const f = r.perCenter[c]!;
    const b = r.baseline.perCenter[c]!;
    t.push([c, f.numTest, pct(f.accuracy), pct(f.auc), pct(b.accuracy), pct(b.auc)]);
  }
  const n = CENTERS.reduce((s, c) => s + r.perCenter[c]!.numTest, 0);
  t.push([
    'pooled',
    n,
    pct(r.pooledAccuracy),
    pct(r.pooledAuc),
    pct(r.baseline.pooledAccuracy),
    pct(r.baseline.pooledAuc),
  ]);
  const mean = r.roundTimesMs.reduce((s, x) => s + x, 0) / Math.max(1, r.roundTimesMs.length);
  const dp = r.privacy
    ? `, DP ${r.privacy.unit}-level epsilon ${r.privacy.targetEpsilon} delta ${r.privacy.delta}`
    : ', no DP';
  const released = r.privacy
    ? `\n(each hospital's operator measured these on its own test split; what left the hospitals is noisy counts, whose pooled accuracy is ${r.releasedAccuracy === null ? 'n/a (all withheld)' : pct(r.releasedAccuracy)})`
    : '';
  return `fed-heart-disease: ${r.rounds} rounds, ${r.strategy}, ${r.secagg ? 'secure aggregation' : 'PLAINTEXT updates (secure aggregation off)'}${dp}, seed ${r.seed}, tfjs backend ${r.backend}, ${mean.toFixed(0)} ms/round\n${t.toString()}\n(pooled AUC: example-weighted mean of per-center AUCs)${released}${r.privacy ? `\n${renderPrivacy(r.privacy)}` : ''}\n${renderLedger(r)}`;
}

/** Each hospital's budget database after the job: rounds charged and epsilon spent by both accountants. */
function renderPrivacy(p: NonNullable<FedHeartResult['privacy']>): string {
  const plain = !process.stdout.isTTY;
  const t = new Table({
    ...(plain ? { style: { head: [], border: [] } } : {}),
    head: ['center', 'rounds charged', 'epsilon (PLD)', 'epsilon (RDP)', 'charged', `delta`],
  });
  for (const [c, s] of Object.entries(p.spent)) {
    t.push([
      c,
      s.rounds,
      s.spend.pld === null ? 'n/a' : s.spend.pld.toFixed(4),
      s.spend.rdp.epsilon.toFixed(4),
      `${s.spend.epsilon.toFixed(4)} (${s.spend.bound})`,
      s.spend.delta,
    ]);
  }
  const how =
    p.unit === 'record'
      ? `DP-SGD: q ${p.samplingRate}, ${p.stepsPerRound} steps/round, clip ${p.clip}, noise multiplier ${p.noiseMultiplier.toFixed(4)}`
      : `distributed discrete Gaussian: clip ${p.clip}, noise multiplier ${p.noiseMultiplier.toFixed(4)}`;
  return `privacy spent per hospital (from each hospital's budget database; ${how}):\n${t.toString()}\n${guaranteeLine(p.unit)}`;
}

function renderLedger(r: FedHeartResult): string {
  const l = r.ledger;
  const states = r.privacy ? ` --hospital-ledger ${r.dbPath.replace(/(\.db)?$/, '-*-state.db')}` : '';
  return l.ok
    ? `privacy ledger: verified ${l.entries} entries (${l.receipts} hospital receipts), head ${l.headHash.slice(0, 16)}…; check it yourself: npx cohort ledger verify --db ${r.dbPath}${states}`
    : `privacy ledger: VERIFICATION FAILED: ${l.firstFailure}`;
}

export interface Summary {
  scenario: 'fed-heart-disease';
  strategy: StrategyName;
  rounds: number;
  seeds: number[];
  /** The job's DP target (null: no DP); each run has the spend per hospital. */
  privacy: { unit: 'record' | 'hospital'; epsilon: number; delta: number } | null;
  pooledAccuracy: number;
  baselinePooledAccuracy: number;
  perCenter: Record<string, { accuracy: number }>;
  runs: FedHeartResult[];
}

export function summarise(rs: FedHeartResult[]): Summary {
  const mean = (f: (r: FedHeartResult) => number) => rs.reduce((s, r) => s + f(r), 0) / rs.length;
  const p = rs[0]!.privacy;
  return {
    scenario: 'fed-heart-disease',
    strategy: rs[0]!.strategy,
    rounds: rs[0]!.rounds,
    seeds: rs.map((r) => r.seed),
    privacy: p ? { unit: p.unit, epsilon: p.targetEpsilon, delta: p.delta } : null,
    pooledAccuracy: mean((r) => r.pooledAccuracy),
    baselinePooledAccuracy: mean((r) => r.baseline.pooledAccuracy),
    perCenter: Object.fromEntries(CENTERS.map((c) => [c, { accuracy: mean((r) => r.perCenter[c]!.accuracy) }])),
    runs: rs,
  };
}

function renderSummary(s: Summary): string {
  const dp = s.privacy ? ` (DP ${s.privacy.unit}-level, epsilon ${s.privacy.epsilon}, delta ${s.privacy.delta})` : '';
  return `mean over seeds ${s.seeds.join(', ')}: ${s.strategy}${dp} pooled accuracy ${s.pooledAccuracy.toFixed(3)}, centralised ${s.baselinePooledAccuracy.toFixed(3)}`;
}

/** With --json: the figures as JSON at `path`. */
function writeFigures(path: string | undefined, figures: unknown): void {
  if (path) writeFileSync(path, `${JSON.stringify(figures, nanSafe, 2)}\n`);
}

function nanSafe(_k: string, v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? null : v;
}
