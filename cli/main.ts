/** The `cohort` command: one entry point, subcommands registered by each part. */
import { Command } from 'commander';
import { CohortError } from '../core/errors.ts';
import { registerAdmin, registerCoordinator, registerRosterPublish } from './coordinator.ts';
import { registerClient, registerKeys } from './client.ts';
import { registerAccountant } from './accountant.ts';
import { registerBudget } from './budget.ts';
import { registerSimulate } from './simulate.ts';
import { registerLedger } from './ledger.ts';
import { registerJob } from './job.ts';
import { registerLedgerFetch } from './ledger-fetch.ts';
import { registerDashboard } from './dashboard.ts';
import { registerSecAgg } from './secagg.ts';
import { registerRoster } from './roster.ts';

export function buildProgram(): Command {
  const program = new Command('cohort')
    .description('privacy-preserving federated learning for hospital networks')
    .version('0.1.0')
    .showHelpAfterError()
    .enablePositionalOptions();
  registerCoordinator(program);
  registerAdmin(program);
  registerClient(program);
  registerKeys(program);
  registerAccountant(program);
  registerBudget(program);
  registerSimulate(program);
  registerLedgerFetch(registerLedger(program));
  registerJob(program);
  registerDashboard(program);
  registerSecAgg(program);
  registerRosterPublish(registerRoster(program));
  return program;
}

try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  if (err instanceof CohortError) {
    process.stderr.write(`cohort: ${err.code}: ${err.message}\n`);
    process.exit(2);
  }
  throw err;
}
