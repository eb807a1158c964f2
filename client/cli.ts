/** `cohort client start`: CLI glue around the hospital daemon. */
import { Option, type Command } from 'commander';
import { numberArg } from '../core/args.ts';
import { openHospitalState } from './hospital-state.ts';
import { parseHospitalPolicy } from '../core/job/policy.ts';
import { createLogger } from '../core/log.ts';
import { CohortError } from '../core/errors.ts';
import { loadSchemaFile, readCsvDataset } from './intake/csv.ts';
import { ClientDaemon } from './daemon.ts';
import { loadTf } from './trainer/index.ts';
import { clientTlsFromFiles, readIdentityKey, readJsonFile, writeIdentityKey } from './keys.ts';

export function registerClient(program: Command): void {
  const cmd = program.command('client').description('the hospital daemon');
  cmd
    .command('start')
    .description('connect to a coordinator and train its jobs on local records; only model updates leave')
    .requiredOption('--coordinator <url>', 'coordinator WebSocket URL, e.g. ws://127.0.0.1:7700')
    .requiredOption('--data <file.csv>', 'local records (CSV)')
    .requiredOption('--schema <schema.json>', 'declared schema of the CSV columns')
    .requiredOption('--name <name>', 'this hospital\'s name ([A-Za-z0-9._-], as enrolled)')
    .requiredOption('--identity <file.key>', 'Ed25519 identity key file (cohort keys generate) that signs secure-aggregation messages')
    .option('--ca <file.pem>', "wss://: the coordinator's certificate or CA to pin (PEM)")
    .option('--tls-cert <file.pem>', 'mutual TLS: this hospital\'s client certificate (PEM)')
    .option('--tls-key <file.pem>', 'mutual TLS: its private key (PEM)')
    .option('--insecure', 'allow plain ws:// to a coordinator not on loopback (testing only)', false)
    .option('--policy <policy.json>', 'jobs this hospital joins: requireDp, maxEpsilon, maxDelta, requireSecureAggregation, allowedFeatures, maxRounds, allowedResearchers')
    .option('--state <file.db>', "this hospital's state database (SQLite): privacy budget and its copy of the ledger entries recording its spend; required with --budget-epsilon")
    .option('--budget-epsilon <e>', 'total privacy budget epsilon of this dataset: jobs and rounds past it are refused, jobs without DP declined', numberArg('--budget-epsilon', (x) => x > 0, 'a number > 0'))
    .option('--budget-delta <d>', 'delta the budget is stated at', numberArg('--budget-delta', (x) => x > 0 && x < 1, 'a number in (0, 1)'), 1e-5)
    .addOption(new Option('--budget-accountant <name>', 'bound charged against the budget').choices(['pld', 'rdp']).default('pld'))
    .action(async (o: { coordinator: string; data: string; schema: string; name: string; identity: string; state?: string; ca?: string; tlsCert?: string; tlsKey?: string; insecure: boolean; policy?: string; budgetEpsilon?: number; budgetDelta: number; budgetAccountant: 'pld' | 'rdp' }) => {
      const log = createLogger();
      const identity = readIdentityKey(o.identity);
      const schema = await loadSchemaFile(o.schema);
      const dataset = await readCsvDataset(o.data, schema);
      log.info({ hospital: o.name, train: dataset.train.n, test: dataset.test.n, dropped: dataset.report.rowsDropped }, 'local dataset ready');
      const state = o.state ? openHospitalState(o.state) : undefined;
      if (o.budgetEpsilon !== undefined) {
        if (!state) throw new CohortError('E_CONFIG_INVALID', '--budget-epsilon needs --state <file.db> to keep what has been spent');
        state.budget.setBudget(dataset.schemaId, { epsilon: o.budgetEpsilon, delta: o.budgetDelta, accountant: o.budgetAccountant });
        log.info({ epsilon: o.budgetEpsilon, delta: o.budgetDelta, accountant: o.budgetAccountant, spent: state.budget.summary(dataset.schemaId).spent.epsilon }, 'privacy budget enforced');
      } else {
        log.warn('no privacy budget configured (--budget-epsilon): jobs are not limited by this hospital');
      }
      // The budget is enforced only when set; the ledger copy and round outputs are kept whenever there is a state file.
      const budget = o.budgetEpsilon !== undefined ? state?.budget : undefined;
      await loadTf(log);
      const tls = clientTlsFromFiles(o);
      const policy = o.policy ? parseHospitalPolicy(readJsonFile(o.policy)) : undefined;
      const daemon = new ClientDaemon({ coordinatorUrl: o.coordinator, name: o.name, dataset, log, identity, insecure: o.insecure, ...(policy ? { policy } : {}), ...(tls ? { tls } : {}), ...(budget ? { budget, outputs: state!.outputs } : {}), ...(state ? { ledger: state.ledger } : {}) });
      daemon.start();
      const shutdown = () => void daemon.stop().then(() => {
        state?.close();
        process.exit(0);
      });
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    });
}

export function registerKeys(program: Command): void {
  program
    .command('keys')
    .description('identity keys')
    .command('generate')
    .description('write a new Ed25519 identity key file (mode 0600; refuses to overwrite) and print its public key')
    .requiredOption('--out <file.key>', 'where to write the key')
    .action((o: { out: string }) => {
      const { publicKey } = writeIdentityKey(o.out);
      process.stdout.write(`${Buffer.from(publicKey).toString('hex')}\n`);
    });
}
