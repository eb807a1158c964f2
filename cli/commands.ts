/**
 * The `cohort` program. Each top-level command is registered by its own
 * module, imported only when that command runs, so `cohort accountant` loads
 * neither tfjs, nor SQLite, nor the coordinator; `cohort --help` lists the
 * commands from the summaries here and imports none of them.
 */
import { Command } from 'commander';
import { CohortError } from '../core/errors.ts';

type Register = (program: Command) => void;

interface TopCommand {
  /** The line in `cohort --help`; the command's own module gives its full description (`cohort <name> --help`). */
  summary: string;
  load: () => Promise<Register>;
}

/** Every top-level command, in the order `cohort --help` lists them. */
export const COMMANDS: Record<string, TopCommand> = {
  coordinator: {
    summary: 'the training coordinator',
    load: async () => (await import('./coordinator.ts')).registerCoordinator,
  },
  admin: {
    summary: 'enrol and revoke identities',
    load: async () => (await import('./coordinator.ts')).registerAdmin,
  },
  client: { summary: 'the hospital daemon', load: async () => (await import('./client.ts')).registerClient },
  keys: { summary: 'identity keys', load: async () => (await import('./client.ts')).registerKeys },
  accountant: {
    summary: 'privacy spent by DP-SGD (the Poisson-subsampled Gaussian mechanism)',
    load: async () => (await import('./accountant.ts')).registerAccountant,
  },
  budget: {
    summary: "a hospital's privacy-budget reservations",
    load: async () => (await import('./budget.ts')).registerBudget,
  },
  simulate: {
    summary: 'run a scenario over loopback WebSockets',
    load: async () => (await import('./simulate.ts')).registerSimulate,
  },
  ledger: {
    summary: 'the privacy ledger: verify it, read it, anchor it',
    load: async () => {
      const [{ registerLedger }, { registerLedgerFetch }] = await Promise.all([
        import('./ledger.ts'),
        import('./ledger-fetch.ts'),
      ]);
      return (program) => registerLedgerFetch(registerLedger(program));
    },
  },
  job: {
    summary: 'submit and manage jobs on a running coordinator',
    load: async () => (await import('./job.ts')).registerJob,
  },
  dashboard: {
    summary: 'the web dashboard served by the coordinator',
    load: async () => (await import('./dashboard.ts')).registerDashboard,
  },
  secagg: {
    summary: 'secure aggregation parameters',
    load: async () => (await import('./secagg.ts')).registerSecAgg,
  },
  roster: {
    summary: "the network's hospitals and their identity keys",
    load: async () => {
      const [{ registerRoster }, { registerRosterPublish }] = await Promise.all([
        import('./roster.ts'),
        import('./coordinator.ts'),
      ]);
      return (program) => registerRosterPublish(registerRoster(program));
    },
  },
};

/**
 * The top-level command a command line names, if any: its first operand
 * (`cohort` itself takes no option with a value), or the one after `help`.
 */
export function commandNamed(args: readonly string[]): string | null {
  const operands = args.filter((a) => !a.startsWith('-'));
  const name = operands[0] === 'help' ? operands[1] : operands[0];
  return name !== undefined && Object.hasOwn(COMMANDS, name) ? name : null;
}

/** The program for `argv`: the named command registered in full, every other one by its summary only. */
export async function buildProgram(argv: readonly string[] = process.argv): Promise<Command> {
  const program = new Command('cohort')
    .description('privacy-preserving federated learning for hospital networks')
    .version('0.1.0')
    .showHelpAfterError()
    .enablePositionalOptions();
  const named = commandNamed(argv.slice(2));
  for (const [name, { summary, load }] of Object.entries(COMMANDS)) {
    if (name === named) (await load())(program);
    else program.command(name);
    const cmd = program.commands.find((c) => c.name() === name);
    if (!cmd) throw new CohortError('E_INTERNAL', `the module of "${name}" registers no such command`);
    cmd.summary(summary);
  }
  return program;
}
