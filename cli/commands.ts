/**
 * The `cohort` program. Each top-level command is registered by its own
 * module, imported only when that command runs, so `cohort accountant` loads
 * neither tfjs, nor SQLite, nor the coordinator; `cohort --help` lists the
 * commands from the summaries here and imports none of them.
 */
import { Command } from 'commander';
import { CohortError } from '../core/errors.ts';
import { printable } from '../core/printable.ts';

type Register = (program: Command) => void;

interface TopCommand {
  /** The line in `cohort --help`; the command's own module gives its full description (`cohort <name> --help`). */
  summary: string;
  load: () => Promise<Register>;
}

/** Every top-level command's line in `cohort --help`, in the order it lists them. */
const SUMMARIES = {
  coordinator: 'the training coordinator',
  admin: 'enrol and revoke identities',
  client: 'the hospital daemon',
  keys: 'identity keys',
  accountant: 'privacy spent by DP-SGD (the Poisson-subsampled Gaussian mechanism)',
  budget: "a hospital's privacy-budget reservations",
  simulate: 'run a scenario over loopback WebSockets',
  ledger: 'the privacy ledger: verify it, read it, anchor it',
  job: 'submit and manage jobs on a running coordinator',
  dashboard: 'the web dashboard served by the coordinator',
  secagg: 'secure aggregation parameters',
  roster: "the network's hospitals and their identity keys",
};

/** A command two modules register: the first makes it, the second adds its subcommands from another layer. */
function twoModules(
  first: () => Promise<(program: Command) => Command>,
  second: () => Promise<(cmd: Command) => void>,
): () => Promise<Register> {
  return async () => {
    const [make, extend] = await Promise.all([first(), second()]);
    return (program) => extend(make(program));
  };
}

/**
 * How each command's module is loaded (a literal import each, so the build
 * rewrites its path). COMMANDS takes its order from SUMMARIES, so the
 * commands two modules register stand together, last.
 */
const LOADERS: Record<keyof typeof SUMMARIES, () => Promise<Register>> = {
  coordinator: async () => (await import('./coordinator.ts')).registerCoordinator,
  admin: async () => (await import('./admin.ts')).registerAdmin,
  client: async () => (await import('./client.ts')).registerClient,
  keys: async () => (await import('./keys.ts')).registerKeys,
  accountant: async () => (await import('./accountant.ts')).registerAccountant,
  budget: async () => (await import('./budget.ts')).registerBudget,
  simulate: async () => (await import('./simulate.ts')).registerSimulate,
  job: async () => (await import('./job.ts')).registerJob,
  dashboard: async () => (await import('./dashboard.ts')).registerDashboard,
  secagg: async () => (await import('./secagg.ts')).registerSecAgg,
  ledger: twoModules(
    async () => (await import('./ledger.ts')).registerLedger,
    async () => (await import('./ledger-fetch.ts')).registerLedgerFetch,
  ),
  roster: twoModules(
    async () => (await import('./roster.ts')).registerRoster,
    async () => (await import('./admin.ts')).registerRosterPublish,
  ),
};

/** Every top-level command, in the order `cohort --help` lists them. */
export const COMMANDS: Record<string, TopCommand> = Object.fromEntries(
  Object.entries(SUMMARIES).map(([name, summary]) => [
    name,
    { summary, load: LOADERS[name as keyof typeof SUMMARIES] },
  ]),
);

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
    .enablePositionalOptions();
  const named = commandNamed(argv.slice(2));
  for (const [name, { summary, load }] of Object.entries(COMMANDS)) {
    if (name === named) (await load())(program);
    else program.command(name);
    const cmd = program.commands.find((c) => c.name() === name);
    if (!cmd) throw new CohortError('E_INTERNAL', `the module of "${name}" registers no such command`);
    cmd.summary(summary);
  }
  refuseBadCommandLines(program, 'cohort');
  return program;
}

/**
 * A command line commander refuses (an unknown option, a missing required
 * one, a value its parser or choices refuse, a missing argument) as any
 * other refusal: one line, `cohort: E_CONFIG_INVALID: ...` naming the flag
 * and the command whose --help lists them, and exit 2 (main.ts), the code a
 * service unit does not restart on (docs/deploy.md) and never the exit 1 by
 * which `ledger verify`, `ledger check-proof` and `ledger fetch` report a
 * ledger that fails. Set on every command: commander copies these settings
 * only to the subcommands made after them.
 */
function refuseBadCommandLines(cmd: Command, path: string): void {
  cmd.exitOverride().configureOutput({
    outputError: (message, write) =>
      write(`cohort: E_CONFIG_INVALID: ${printable(message.trim().replace(/^error: /, ''))} (see: ${path} --help)\n`),
  });
  for (const sub of cmd.commands) refuseBadCommandLines(sub, `${path} ${sub.name()}`);
}
