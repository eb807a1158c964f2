/** `cohort client start`: CLI glue around the hospital daemon. */
import type { Command } from 'commander';
import { createLogger } from '../core/log.ts';
import { loadSchemaFile, readCsvDataset } from './intake/csv.ts';
import { ClientDaemon } from './daemon.ts';
import { loadTf } from './trainer/index.ts';
import { readIdentityKey, writeIdentityKey } from './keys.ts';

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
    .action(async (o: { coordinator: string; data: string; schema: string; name: string; identity: string }) => {
      const log = createLogger();
      const identity = readIdentityKey(o.identity);
      const schema = await loadSchemaFile(o.schema);
      const dataset = await readCsvDataset(o.data, schema);
      log.info({ hospital: o.name, train: dataset.train.n, test: dataset.test.n, dropped: dataset.report.rowsDropped }, 'local dataset ready');
      await loadTf(log);
      const daemon = new ClientDaemon({ coordinatorUrl: o.coordinator, name: o.name, dataset, log, identity });
      daemon.start();
      const shutdown = () => void daemon.stop().then(() => process.exit(0));
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
