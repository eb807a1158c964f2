/** The `cohort` command: one entry point, subcommands registered by each part. */
import { Command } from 'commander';
import { CohortError } from './core/errors.ts';
import { registerAdmin, registerCoordinator, registerRosterPublish } from './coordinator/cli.ts';
import { registerClient, registerKeys } from './client/cli.ts';
import { registerAccountant } from './client/accountant-cli.ts';
import { registerBudget } from './client/budget-cli.ts';
import { registerSimulate } from './simulations/cli.ts';
import { registerLedger } from './coordinator/ledger-cli.ts';
import { registerJob } from './client/job-cli.ts';
import { registerLedgerFetch } from './client/ledger-fetch-cli.ts';
import { registerDashboard } from './client/dashboard-cli.ts';
import { registerSecAgg } from './client/secagg-cli.ts';
import { registerRoster } from './client/roster-cli.ts';

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
