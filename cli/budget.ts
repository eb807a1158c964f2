/**
 * `cohort budget`: the operator's view of a hospital's privacy budget (what
 * each dataset spent, reserved and has left, by job), its reservations, and
 * the close of one by hand. The daemon closes a reservation itself when
 * its job ends (the coordinator tells every hospital offered the job) or, if
 * it was away then, at its next connection (the job is not among the live
 * jobs the coordinator lists); closing by hand is for a job whose end can
 * never reach it (a coordinator gone for good). Glue only: the rules are
 * client/budget-store.ts's.
 */
import type { Command } from 'commander';
import { textTable } from '../edge/text-table.ts';
import { BudgetStore, type Reservation } from '../client/budget-store.ts';
import type { Mechanism } from '../core/privacy/spend.ts';

const STATE_HELP = "the hospital's state database (client start --state)";

export function registerBudget(program: Command): void {
  const cmd = program
    .command('budget')
    .description(
      "a hospital's privacy budget: what each dataset spent, reserved and has left, by job; its reservations, and the close of one whose job's end can never reach the daemon",
    );
  cmd
    .command('show')
    .description(
      'each dataset: its budget (epsilon, delta, accountant), epsilon spent (charged rounds), reserved (what open reservations add: their untrained rounds), ' +
        'and remaining (budget minus spent and reserved: what a new job may still use); then each job: rounds charged and the epsilon they spent. ' +
        'Read-only: runs beside the daemon (the database is in WAL mode). This database, not the coordinator, is authoritative for what this hospital spent',
    )
    .requiredOption('--state <file.db>', STATE_HELP)
    .option('--json', 'machine-readable output', false)
    .action(showBudget);
  cmd
    .command('reservations')
    .description(
      "list the jobs holding a reservation against the budget, oldest first, with each dataset's committed epsilon (spent, plus the untrained rounds of open reservations). " +
        'The daemon closes a reservation when its job ends, or at its next connection if the job ended while it was away; one still open for a job that ended is stale: close it.',
    )
    .requiredOption('--state <file.db>', STATE_HELP)
    .option('--all', 'closed reservations too (open ones only by default)', false)
    .option('--json', 'machine-readable output', false)
    .action(listReservations);
  cmd
    .command('close')
    .description(
      "close a job's reservation by hand, for a job whose end can never reach the daemon (its coordinator is gone): its charged rounds stay spent, " +
        "its untrained rounds are released, and the daemon refuses the job's further rounds and any re-offer",
    )
    .requiredOption('--state <file.db>', STATE_HELP)
    .requiredOption('--job <id>', 'the job whose reservation to close')
    .option('--dataset <id>', 'the dataset (schema id), when the job holds reservations for several')
    .option('--json', 'machine-readable output', false)
    .action(closeReservation);
}

interface DatasetSpend {
  dataset: string;
  budget: ReturnType<BudgetStore['budget']>;
  spent: number | null;
  committed: number | null;
}

interface BudgetView {
  dataset: string;
  budget: { epsilon: number; delta: number; accountant: string };
  spent: number;
  reserved: number;
  remaining: number;
  jobs: { jobId: string; roundsCharged: number; epsilon: number; reservation: 'open' | 'closed' | 'none' }[];
}

/** `cohort budget show`: each dataset's budget, spent, reserved and remaining ε, and each job's charges. */
function showBudget(o: { state: string; json: boolean }): void {
  const views = withStore(o.state, (s) => s.datasets().map((d) => budgetView(s, d)));
  if (o.json) {
    process.stdout.write(`${JSON.stringify(views, null, 2)}\n`);
    return;
  }
  if (views.length === 0) {
    process.stdout.write('no budget set (client start --budget-epsilon sets one)\n');
    return;
  }
  const t = textTable(['dataset', 'epsilon budget', 'delta', 'accountant', 'spent', 'reserved', 'remaining']);
  for (const v of views)
    t.push([
      v.dataset,
      v.budget.epsilon,
      v.budget.delta,
      v.budget.accountant,
      fmt(v.spent),
      fmt(v.reserved),
      fmt(v.remaining),
    ]);
  process.stdout.write(`${t.toString()}\n`);
  const jobs = textTable(['dataset', 'job', 'rounds charged', 'epsilon spent', 'reservation']);
  for (const v of views)
    for (const j of v.jobs) jobs.push([v.dataset, j.jobId, j.roundsCharged, fmt(j.epsilon), j.reservation]);
  process.stdout.write(
    views.some((v) => v.jobs.length) ? `${jobs.toString()}\n` : 'no job has been charged or holds a reservation\n',
  );
}

function budgetView(s: BudgetStore, dataset: string): BudgetView {
  const summary = s.summary(dataset);
  const committed = s.committedSpend(dataset).epsilon;
  const spent = summary.spent.epsilon;
  const reservations = s.reservations({ all: true }).filter((r) => r.dataset === dataset);
  const charged = new Map(summary.perJob.map((j) => [j.jobId, j]));
  const ids = [...new Set([...reservations.map((r) => r.jobId), ...charged.keys()])];
  return {
    dataset,
    budget: summary.budget,
    spent,
    // ε composes sub-additively: what the open reservations add to the spent, not their cost alone.
    reserved: Math.max(0, committed - spent),
    remaining: Math.max(0, summary.budget.epsilon - committed),
    jobs: ids.map((jobId) => {
      const r = reservations.find((x) => x.jobId === jobId);
      return {
        jobId,
        roundsCharged: charged.get(jobId)?.rounds ?? 0,
        epsilon: charged.get(jobId)?.spent.epsilon ?? 0,
        reservation: r ? (r.open ? 'open' : 'closed') : 'none',
      };
    }),
  };
}

/** `cohort budget reservations`: the reservations, after each dataset's spent and committed epsilon. */
function listReservations(o: { state: string; all: boolean; json: boolean }): void {
  const now = Date.now();
  const { rows, datasets } = withStore(o.state, (s) => {
    const rows = s.reservations({ all: o.all });
    const datasets = [...new Set(rows.map((r) => r.dataset))].map((dataset) => datasetSpend(s, dataset));
    return { rows, datasets };
  });
  if (o.json) {
    process.stdout.write(
      `${JSON.stringify(
        rows.map((r) => asJson(r, now)),
        null,
        2,
      )}\n`,
    );
    return;
  }
  if (rows.length === 0) {
    process.stdout.write(o.all ? 'no reservations\n' : 'no open reservations\n');
    return;
  }
  for (const d of datasets) {
    const of = d.budget
      ? ` of ${d.budget.epsilon} (delta ${d.budget.delta}, ${d.budget.accountant})`
      : ' (no budget set)';
    process.stdout.write(`${d.dataset}: epsilon spent ${fmt(d.spent)}, committed ${fmt(d.committed)}${of}\n`);
  }
  process.stdout.write(`${reservationTable(rows, now)}\n`);
}

function datasetSpend(s: BudgetStore, dataset: string): DatasetSpend {
  const budget = s.budget(dataset);
  return {
    dataset,
    budget,
    spent: budget ? s.summary(dataset).spent.epsilon : null,
    committed: budget ? s.committedSpend(dataset).epsilon : null,
  };
}

function reservationTable(rows: readonly Reservation[], now: number): string {
  const t = textTable([
    'dataset',
    'job',
    'rounds reserved',
    'charged',
    'untrained',
    'state',
    'admitted',
    'age',
    'last charge',
  ]);
  for (const r of rows) {
    t.push([
      r.dataset,
      r.jobId,
      describeAll(r.mechanisms),
      r.charged,
      Math.max(0, r.rounds - r.charged),
      r.open ? 'open' : 'closed',
      new Date(r.at).toISOString(),
      age(now - r.at),
      r.lastChargedAt === null ? 'never' : `${age(now - r.lastChargedAt)} ago`,
    ]);
  }
  return t.toString();
}

/** `cohort budget close`: closes one job's reservation by hand. */
function closeReservation(o: { state: string; job: string; dataset?: string; json: boolean }): void {
  const { reservation: r, released } = withStore(o.state, (s) => s.closeReservation(o.job, o.dataset));
  if (o.json) process.stdout.write(`${JSON.stringify({ ...asJson(r, Date.now()), released }, null, 2)}\n`);
  else
    process.stdout.write(
      `closed job ${r.jobId} on dataset ${r.dataset}: ${r.charged} charged round(s) stay spent, ${released} reserved round(s) released\n`,
    );
}

/** Opens the existing budget database (never creating one), runs `fn`, closes it. */
function withStore<T>(path: string, fn: (s: BudgetStore) => T): T {
  const store = new BudgetStore(path, { mustExist: true });
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

function asJson(r: Reservation, now: number) {
  return {
    dataset: r.dataset,
    jobId: r.jobId,
    mechanisms: r.mechanisms,
    rounds: r.rounds,
    charged: r.charged,
    open: r.open,
    admittedAt: new Date(r.at).toISOString(),
    ageSeconds: Math.max(0, Math.floor((now - r.at) / 1000)),
    lastChargedAt: r.lastChargedAt === null ? null : new Date(r.lastChargedAt).toISOString(),
  };
}

function fmt(x: number | null): string {
  return x === null ? '-' : x.toFixed(4);
}

/** "3d 4h", "2h 5m", "40s": the two largest units of a duration. */
function age(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const units: [string, number][] = [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ];
  const parts: string[] = [];
  let left = s;
  for (const [u, n] of units) {
    const q = Math.floor(left / n);
    left -= q * n;
    if (q > 0 || parts.length > 0) parts.push(`${q}${u}`);
    if (parts.length === 2) break;
  }
  return parts.length === 0 ? '0s' : parts.join(' ');
}

/** "20 × DP-SGD …, 1 × evaluation counts …": runs of equal mechanisms, in order. */
function describeAll(ms: readonly Mechanism[]): string {
  const runs: { text: string; n: number }[] = [];
  for (const m of ms) {
    const text = describe(m);
    const last = runs.at(-1);
    if (last?.text === text) last.n++;
    else runs.push({ text, n: 1 });
  }
  return runs.map((r) => `${r.n} × ${r.text}`).join(', ');
}

function describe(m: Mechanism): string {
  if (m.kind === 'discrete-gaussian')
    return `evaluation counts, discrete Gaussian sigma ${m.sigma}${m.steps === 1 ? '' : `, ${m.steps} releases`}`;
  if (m.kind === 'sampled-gaussian')
    return m.q === 1 && m.steps === 1
      ? `Gaussian counts, sigma ${m.sigma}`
      : `DP-SGD q ${m.q}, sigma ${m.sigma}, ${m.steps} steps`;
  return `distributed discrete Gaussian, sigma ${m.sigma}, ${m.clients} clients`;
}
