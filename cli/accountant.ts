/**
 * `cohort accountant`: privacy accounting from the command line, for a
 * hospital planning its budget or an auditor checking a figure. Glue only:
 * the accountants are core/privacy's.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { CohortError } from '../core/errors.ts';
import { numberArg } from '../edge/args.ts';
import { DEFAULT_ORDERS, calibrateSigma, pldDelta, pldEpsilon, rdpDelta, rdpEpsilon } from '../core/privacy/index.ts';
import { privacySpecSchema } from '../core/job/spec.ts';

/** The accountant a job charges when its spec names none (core/job/spec.ts): this command's default too. */
const JOB_ACCOUNTANT = privacySpecSchema.shape.accountant.parse(undefined);

/** --accountant: the bound to compute, by default the one jobs charge, so the figure printed is the one spent. */
function accountantOption(description: string): Option {
  return new Option('--accountant <name>', description).choices(['pld', 'rdp']).default(JOB_ACCOUNTANT);
}

const qArg = numberArg('--q', (x) => x >= 0 && x <= 1, 'a sampling rate in [0, 1]');
const sigmaArg = numberArg('--sigma', (x) => x > 0, 'a noise multiplier > 0');
const stepsArg = numberArg('--steps', (x) => Number.isInteger(x) && x >= 0 && x <= 1e9, 'an integer number of steps');
const deltaArg = numberArg('--delta', (x) => x > 0 && x < 1, 'a number in (0, 1)');
const epsilonArg = numberArg('--epsilon', (x) => x > 0, 'a number > 0');

function ordersArg(v: string): number[] {
  const orders = v.split(',').map((s) => Number(s.trim()));
  if (orders.length === 0 || orders.some((o) => !Number.isFinite(o) || o <= 1)) {
    throw new InvalidArgumentError(`--orders expected a comma list of numbers > 1, got "${v}"`);
  }
  return orders;
}

interface SpendOptions {
  q: number;
  sigma: number;
  steps: number;
  delta?: number;
  epsilon?: number;
  accountant: 'rdp' | 'pld';
  orders?: number[];
  json: boolean;
}

interface CalibrateOptions {
  epsilon: number;
  delta: number;
  q: number;
  steps: number;
  accountant: 'rdp' | 'pld';
  json: boolean;
}

export function registerAccountant(program: Command): void {
  const cmd = program
    .command('accountant')
    .description(
      'privacy spent by the Poisson-subsampled Gaussian mechanism (DP-SGD): epsilon for a delta, or delta for an epsilon',
    )
    // Options here come before any subcommand; `calibrate` has its own (positional options).
    .enablePositionalOptions()
    .option('--q <rate>', 'sampling rate per step (required)', qArg)
    .option('--sigma <multiplier>', 'noise multiplier: noise std / clip norm (required)', sigmaArg)
    .option('--steps <n>', 'number of steps (required)', stepsArg)
    .option('--delta <delta>', 'target delta: print epsilon', deltaArg)
    .option('--epsilon <epsilon>', 'target epsilon: print delta', epsilonArg)
    .addOption(
      accountantOption(
        'pld (privacy loss distribution: the tighter bound, which jobs charge by default) or rdp (Renyi DP)',
      ),
    )
    .option(
      '--orders <list>',
      `RDP orders, with --accountant rdp (default: ${DEFAULT_ORDERS.length} orders from 1.1 to 1024)`,
      ordersArg,
    )
    .option('--json', 'machine-readable output (RDP: with the value at each order)', false)
    .action(spend);
  registerCalibrate(cmd);
}

function registerCalibrate(cmd: Command): void {
  cmd
    .command('calibrate')
    .description('smallest noise multiplier whose epsilon meets the target')
    .requiredOption('--epsilon <epsilon>', 'target epsilon', epsilonArg)
    .requiredOption('--delta <delta>', 'target delta', deltaArg)
    .requiredOption('--q <rate>', 'sampling rate per step', qArg)
    .requiredOption('--steps <n>', 'number of steps', stepsArg)
    .addOption(accountantOption('pld (as jobs charge by default) or rdp'))
    .option('--json', 'machine-readable output', false)
    .action(calibrate);
}

/** `cohort accountant`: epsilon for the given delta, or delta for the given epsilon, by the chosen accountant. */
function spend(o: SpendOptions): void {
  for (const k of ['q', 'sigma', 'steps'] as const) {
    if (o[k] === undefined) throw new CohortError('E_CONFIG_INVALID', `--${k} is required`);
  }
  if ((o.delta === undefined) === (o.epsilon === undefined)) {
    throw new CohortError(
      'E_CONFIG_INVALID',
      'give exactly one of --delta (to get epsilon) or --epsilon (to get delta)',
    );
  }
  // Orders are RDP's: with the PLD they would be ignored, so a figure the user believes order-dependent is not.
  if (o.orders !== undefined && o.accountant !== 'rdp')
    throw new CohortError('E_CONFIG_INVALID', '--orders applies to --accountant rdp only');
  if (o.accountant === 'pld') pldSpend(o);
  else rdpSpend(o);
}

function pldSpend(o: SpendOptions): void {
  if (o.delta !== undefined) {
    const epsilon = pldEpsilon({ q: o.q, sigma: o.sigma, steps: o.steps, delta: o.delta });
    if (o.json) print({ accountant: 'pld', ...params(o), delta: o.delta, epsilon });
    else process.stdout.write(`epsilon = ${epsilon} (delta = ${o.delta}, PLD accountant)\n`);
  } else {
    const delta = pldDelta({ q: o.q, sigma: o.sigma, steps: o.steps, epsilon: o.epsilon! });
    if (o.json) print({ accountant: 'pld', ...params(o), epsilon: o.epsilon, delta });
    else process.stdout.write(`delta = ${delta} (epsilon = ${o.epsilon}, PLD accountant)\n`);
  }
}

function rdpSpend(o: SpendOptions): void {
  const orders = o.orders ?? DEFAULT_ORDERS;
  const base = { q: o.q, sigma: o.sigma, steps: o.steps, orders };
  // One target is given, the other found: both are printed, the given one first.
  const r =
    o.delta !== undefined
      ? { ...rdpEpsilon({ ...base, delta: o.delta }), delta: o.delta }
      : { ...rdpDelta({ ...base, epsilon: o.epsilon! }), epsilon: o.epsilon! };
  const [given, found] = o.delta !== undefined ? (['delta', 'epsilon'] as const) : (['epsilon', 'delta'] as const);
  if (o.json)
    print({
      accountant: 'rdp',
      ...params(o),
      [given]: r[given],
      [found]: r[found],
      order: r.order,
      rdp: orders.map((a, i) => ({ order: a, rdp: r.rdp[i] })),
    });
  else
    process.stdout.write(`${found} = ${r[found]} (${given} = ${r[given]}, RDP accountant, optimal order ${r.order})\n`);
}

/** `cohort accountant calibrate`: the smallest sigma whose epsilon meets the target, and the epsilon it achieves. */
function calibrate(o: CalibrateOptions): void {
  const epsilonAt = (sigma: number) =>
    o.accountant === 'pld'
      ? pldEpsilon({ q: o.q, sigma, steps: o.steps, delta: o.delta })
      : rdpEpsilon({ q: o.q, sigma, steps: o.steps, delta: o.delta }).epsilon;
  const sigma = calibrateSigma({
    targetEpsilon: o.epsilon,
    delta: o.delta,
    q: o.q,
    steps: o.steps,
    accountant: epsilonAt,
  });
  const achieved = epsilonAt(sigma);
  if (o.json)
    print({
      accountant: o.accountant,
      q: o.q,
      steps: o.steps,
      delta: o.delta,
      targetEpsilon: o.epsilon,
      sigma,
      epsilon: achieved,
    });
  else
    process.stdout.write(
      `sigma = ${sigma} (epsilon ${achieved} <= ${o.epsilon} at delta ${o.delta}, ${o.accountant.toUpperCase()} accountant)\n`,
    );
}

function params(o: SpendOptions) {
  return { q: o.q, sigma: o.sigma, steps: o.steps };
}

function print(value: unknown): void {
  process.stdout.write(
    `${JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2)}\n`,
  );
}
